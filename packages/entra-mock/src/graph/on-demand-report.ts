// The wire shape of Graph's `provisionOnDemand` answer: a stringKeyStringValuePair whose key is the
// JSON of the result and whose value is the JSON of the object's step report, built from the
// reports the engine's on-demand run returns (each step with its own timestamp). Internal to the
// package.
import type { ProvisionOnDemandReport } from '../engine/engine.ts';
import type { ProvisionedIdentity } from '../logs/types.ts';
import { GROUP_TARGET, USER_TARGET } from './sync-types.ts';

/** The `value` of a provisionOnDemand answer, parsed: one object's report. @internal */
export interface OnDemandReport {
  action: string;
  changeId: string;
  startTime: string;
  endTime: string;
  reportableIdentifier: string;
  modifiedProperties: { displayName: string; oldValue: string | null; newValue: string | null }[];
  provisioningSteps: {
    name: string;
    type: string;
    status: string;
    description: string;
    timestamp: string;
    details: Record<string, string>;
  }[];
  statusInfo: {
    status: string;
    errorCode: string | null;
    reason: string | null;
    additionalDetails: string | null;
    errorCategory: string | null;
    recommendedAction: string | null;
  };
  sourceIdentity: { id: string; type: string; displayName: null; details: null };
  sourceSystem: { id: null; name: string; details: null };
  targetIdentity: { id: string; type: string; displayName: null; details: null };
  targetSystem: { id: null; name: string; details: null };
}

/** `referenceResolution` → `ReferenceResolution`, `success` → `Success`, `stagedDelete` → `StagedDelete`. */
function pascal(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** The target object type the report names: the job's object mapping target, as the sample shows. */
function targetType(identity: ProvisionedIdentity): string {
  return identity.identityType === 'Group' ? GROUP_TARGET : USER_TARGET;
}

/**
 * The status of the report. A skip reports its reason in the answer's key, not here: the sample of
 * a user already in sync has `errorCode: null` in `statusInfo` and `RedundantExport` in the key.
 */
function statusInfo(report: ProvisionOnDemandReport): OnDemandReport['statusInfo'] {
  const { status, errorInformation } = report.entry.provisioningStatusInfo;
  const error = status === 'failure' ? errorInformation : null;
  return {
    status: pascal(status),
    errorCode: error?.errorCode ?? null,
    reason: error?.reason ?? null,
    additionalDetails: error?.additionalDetails ?? null,
    errorCategory: error?.errorCategory ?? null,
    recommendedAction: error?.recommendedAction ?? null,
  };
}

/**
 * One object's report as the value of Graph's `provisionOnDemand` answer: PascalCase action, step
 * types and statuses, each step with its own `timestamp`, `startTime`/`endTime`, the
 * `reportableIdentifier`, and the identities and systems as the Graph API reference's first example
 * writes them (`displayName`, `details` and the systems' `id` null; the target identity typed by the
 * target object, the target system named `customappsso`).
 *
 * @param report - the engine's report of the subject
 * @returns the report
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 * @internal
 */
export function onDemandReport(report: ProvisionOnDemandReport): OnDemandReport {
  const { entry } = report;
  return {
    action: pascal(entry.provisioningAction),
    changeId: entry.changeId,
    endTime: report.endTime,
    modifiedProperties: entry.modifiedProperties.map((p) => ({
      displayName: p.displayName,
      oldValue: p.oldValue,
      newValue: p.newValue,
    })),
    provisioningSteps: report.steps.map((step) => ({
      name: step.name,
      type: pascal(step.provisioningStepType),
      status: pascal(step.status),
      description: step.description,
      timestamp: step.timestamp,
      details: step.details,
    })),
    reportableIdentifier: report.reportableIdentifier,
    startTime: report.startTime,
    statusInfo: statusInfo(report),
    sourceIdentity: {
      id: entry.sourceIdentity.id,
      type: entry.sourceIdentity.identityType,
      displayName: null,
      details: null,
    },
    sourceSystem: { id: null, name: entry.sourceSystem.displayName, details: null },
    targetIdentity: {
      id: entry.targetIdentity.id,
      type: targetType(entry.targetIdentity),
      displayName: null,
      details: null,
    },
    targetSystem: { id: null, name: 'customappsso', details: null },
  };
}

/**
 * Graph's `provisionOnDemand` answer from the reports of an on-demand run: the key is the JSON of
 * `{ result, details }` (with `errorCode` and `errorMessage` unless the result is a success) and the
 * value the JSON of the subject's {@link onDemandReport}. The subject's first report is its own
 * (later ones are reference updates); with none, the value is `{}`.
 *
 * @param reports - the reports of the run, in order
 * @param subjectId - the object id the request named (the group for a group with members)
 * @returns the key/value pair
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 * @internal
 */
export function onDemandAnswer(
  reports: readonly ProvisionOnDemandReport[],
  subjectId: string,
): { key: string; value: string } {
  const report = reports.find((r) => r.entry.sourceIdentity.id === subjectId);
  if (!report) return { key: JSON.stringify({ result: 'Success', details: {} }), value: '{}' };
  const { status, errorInformation } = report.entry.provisioningStatusInfo;
  const details =
    status === 'success' || !errorInformation
      ? {}
      : { errorCode: errorInformation.errorCode, errorMessage: errorInformation.reason };
  return {
    key: JSON.stringify({ result: pascal(status), details }),
    value: JSON.stringify(onDemandReport(report)),
  };
}

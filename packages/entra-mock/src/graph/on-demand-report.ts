// The wire shape of Graph's `provisionOnDemand` answer: a stringKeyStringValuePair whose key is the
// JSON of the result and whose value is the JSON of the object's step report, built from the
// provisioning log entries the engine wrote. Internal to the package.
import type {
  ProvisionedIdentity,
  ProvisioningObjectSummary,
  ProvisioningStep,
  ProvisioningSystem,
} from '../logs/types.ts';

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
  sourceIdentity: { id: string; type: string; displayName: string; details: Record<string, string> };
  sourceSystem: { id: string | null; name: string; details: Record<string, string> };
  targetIdentity: { id: string; type: string; displayName: string; details: Record<string, string> };
  targetSystem: { id: string | null; name: string; details: Record<string, string> };
}

/** `referenceResolution` → `ReferenceResolution`, `success` → `Success`, `stagedDelete` → `StagedDelete`. */
function pascal(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function identity(source: ProvisionedIdentity): OnDemandReport['sourceIdentity'] {
  return {
    id: source.id,
    type: source.identityType,
    displayName: source.displayName,
    details: source.details,
  };
}

function system(source: ProvisioningSystem): OnDemandReport['sourceSystem'] {
  return { id: source.id === '' ? null : source.id, name: source.displayName, details: source.details };
}

/**
 * The steps as the report writes them. The log entry records no time per step, so every step carries
 * the entry's start time and the last one its end time.
 */
function steps(
  entry: ProvisioningObjectSummary,
  startTime: string,
  endTime: string,
): OnDemandReport['provisioningSteps'] {
  return entry.provisioningSteps.map((step: ProvisioningStep, i, all) => ({
    name: step.name,
    type: pascal(step.provisioningStepType),
    status: pascal(step.status),
    description: step.description,
    timestamp: i === all.length - 1 ? endTime : startTime,
    details: step.details,
  }));
}

/** The identifier the report names the object by: the export step's, or the source's display name. */
function reportableIdentifier(entry: ProvisioningObjectSummary): string {
  for (const step of entry.provisioningSteps) {
    const reportable = step.details.ReportableIdentifier;
    if (reportable !== undefined) return reportable;
  }
  return entry.sourceIdentity.displayName;
}

/**
 * One log entry as the step report of Graph's `provisionOnDemand`: PascalCase action, step types and
 * statuses, `startTime`/`endTime`, `statusInfo` with the error fields flattened, and `sourceSystem`/
 * `targetSystem` named by `name`, as the Graph API reference's first example shows.
 *
 * @param entry - the subject's log entry
 * @returns the report
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 * @internal
 */
export function onDemandReport(entry: ProvisioningObjectSummary): OnDemandReport {
  const endTime = entry.activityDateTime;
  const startTime = new Date(Date.parse(endTime) - entry.durationInMilliseconds).toISOString();
  const error = entry.provisioningStatusInfo.errorInformation;
  return {
    action: pascal(entry.provisioningAction),
    changeId: entry.changeId,
    endTime,
    modifiedProperties: entry.modifiedProperties.map((p) => ({
      displayName: p.displayName,
      oldValue: p.oldValue,
      newValue: p.newValue,
    })),
    provisioningSteps: steps(entry, startTime, endTime),
    reportableIdentifier: reportableIdentifier(entry),
    startTime,
    statusInfo: {
      status: pascal(entry.provisioningStatusInfo.status),
      errorCode: error?.errorCode ?? null,
      reason: error?.reason ?? null,
      additionalDetails: error?.additionalDetails ?? null,
      errorCategory: error?.errorCategory ?? null,
      recommendedAction: error?.recommendedAction ?? null,
    },
    sourceIdentity: identity(entry.sourceIdentity),
    sourceSystem: system(entry.sourceSystem),
    targetIdentity: identity(entry.targetIdentity),
    targetSystem: system(entry.targetSystem),
  };
}

/**
 * Graph's `provisionOnDemand` answer from the entries an on-demand run wrote: the key is the JSON of
 * `{ result, details }` (with `errorCode` and `errorMessage` unless the result is a success) and the
 * value the JSON of the subject's {@link onDemandReport}. The subject's first entry is its report
 * (later ones are reference updates); with none, the value is `{}`.
 *
 * @param entries - the log entries of the run
 * @param subjectId - the object id the request named first (the group for a group with members)
 * @returns the key/value pair
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 * @internal
 */
export function onDemandAnswer(
  entries: readonly ProvisioningObjectSummary[],
  subjectId: string,
): { key: string; value: string } {
  const entry = entries.find((e) => e.sourceIdentity.id === subjectId);
  if (!entry) return { key: JSON.stringify({ result: 'Success', details: {} }), value: '{}' };
  const report = onDemandReport(entry);
  const { status, errorCode, reason } = report.statusInfo;
  const details = status === 'Success' || errorCode === null ? {} : { errorCode, errorMessage: reason };
  return { key: JSON.stringify({ result: status, details }), value: JSON.stringify(report) };
}

// The provisioning log as the cycle writes it: one entry per object and action, begun when the
// object is taken up, its steps added as they happen, and closed as a success, a failure or a skip.
import type {
  ModifiedProperty,
  ProvisioningAction,
  ProvisioningInitiator,
  ProvisioningObjectSummary,
  ProvisioningResult,
  ProvisioningStep,
  ProvisioningStepType,
} from '../logs/types.ts';
import type { JobConfig } from './config.ts';
import type { Failure } from './target.ts';

/** @internal The object an entry is about. */
export interface EntrySubject {
  type: 'User' | 'Group';
  sourceId: string;
  sourceName: string;
  /** The object's id in the target; empty until it is created or matched. */
  targetId?: string;
  /** The change's id; an escrowed change keeps it across retries. */
  changeId: string;
}

/** @internal A log entry being written. */
export interface Entry {
  /** The change's id. */
  readonly changeId: string;
  /** The steps so far. */
  readonly steps: ProvisioningStep[];
  /** The object's id in the target, once known. */
  targetId: string;
  /** Adds a step. */
  step(
    name: string,
    type: ProvisioningStepType,
    status: ProvisioningResult,
    description: string,
    details?: Record<string, string>,
  ): Entry;
  /** Writes the entry as a success. */
  succeed(action: ProvisioningAction, modified?: ModifiedProperty[]): void;
  /** Writes the entry as a failure. */
  fail(action: ProvisioningAction, failure: Failure): void;
  /** Writes the entry as skipped, with the reason when there is one. */
  skip(action: ProvisioningAction, reason?: Failure): void;
}

/** @internal The log of one cycle (or one on-demand run). */
export interface Journal {
  readonly cycleId: string;
  /** Begins an entry for an object, now. */
  begin(subject: EntrySubject): Entry;
}

/** @internal The service as the initiator of scheduled cycles. */
export const SERVICE_INITIATOR: ProvisioningInitiator = {
  id: '',
  displayName: 'Azure AD Provisioning Service',
  initiatorType: 'system',
};

/** @internal A step. */
export function step(
  name: string,
  provisioningStepType: ProvisioningStepType,
  status: ProvisioningResult,
  description: string,
  details: Record<string, string> = {},
): ProvisioningStep {
  return { name, provisioningStepType, status, description, details };
}

/**
 * @internal A journal appending to `logs` and reporting each entry to `onProgress`.
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary
 */
export function createJournal(
  config: JobConfig,
  logs: ProvisioningObjectSummary[],
  cycleId: string,
  initiator: ProvisioningInitiator,
): Journal {
  const { tenant, app, now } = config;
  const write = (
    subject: EntrySubject,
    entry: { targetId: string; steps: ProvisioningStep[]; started: number },
    action: ProvisioningAction,
    status: ProvisioningResult,
    modified: ModifiedProperty[],
    failure: Failure | null,
  ): void => {
    const summary: ProvisioningObjectSummary = {
      id: crypto.randomUUID(),
      activityDateTime: new Date(now()).toISOString(),
      tenantId: tenant.id,
      jobId: config.jobId,
      cycleId,
      changeId: subject.changeId,
      provisioningAction: action,
      durationInMilliseconds: Math.max(0, now() - entry.started),
      provisioningStatusInfo: {
        status,
        errorInformation: failure
          ? {
              errorCode: failure.code,
              errorCategory: status === 'skipped' ? 'success' : 'nonServiceFailure',
              reason: failure.reason,
              additionalDetails: failure.details,
              recommendedAction: null,
            }
          : null,
      },
      provisioningSteps: entry.steps,
      modifiedProperties: modified,
      initiatedBy: { ...initiator },
      servicePrincipal: { id: app.id, displayName: app.displayName },
      sourceSystem: { id: tenant.id, displayName: 'Azure Active Directory', details: {} },
      targetSystem: {
        id: app.id,
        displayName: config.appName,
        details: {
          ApplicationId: app.appId,
          ServicePrincipalId: app.id,
          ServicePrincipalDisplayName: app.displayName,
        },
      },
      sourceIdentity: {
        id: subject.sourceId,
        displayName: subject.sourceName,
        identityType: subject.type,
        details: {},
      },
      targetIdentity: {
        id: entry.targetId,
        displayName: subject.sourceName,
        identityType: subject.type,
        details: {},
      },
    };
    logs.push(summary);
    config.options.onProgress?.({ type: 'entry', cycleId, entry: summary });
  };
  return {
    cycleId,
    begin(subject) {
      const state = { targetId: subject.targetId ?? '', steps: [] as ProvisioningStep[], started: now() };
      const entry: Entry = {
        changeId: subject.changeId,
        steps: state.steps,
        get targetId() {
          return state.targetId;
        },
        set targetId(id: string) {
          state.targetId = id;
        },
        step(name, type, status, description, details) {
          state.steps.push(step(name, type, status, description, details));
          return entry;
        },
        succeed: (action, modified = []) => write(subject, state, action, 'success', modified, null),
        fail: (action, failure) => write(subject, state, action, 'failure', [], failure),
        skip: (action, reason) => write(subject, state, action, 'skipped', [], reason ?? null),
      };
      return entry;
    },
  };
}

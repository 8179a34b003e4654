// A synchronization job's schedule and status in Graph's terms (`synchronizationSchedule`,
// `synchronizationStatus`, `synchronizationTaskExecution`), from the engine's status and the
// cycles the service has run. Pure functions; internal to the package.
import type {
  ProvisioningConnection,
  ProvisioningCycleSummary,
  ProvisioningJobStatus,
} from '../engine/engine.ts';
import type { components } from './openapi.generated.ts';
import { GROUP_TARGET, type JobExecution, type JobHistory, USER_TARGET } from './sync-types.ts';

type Schemas = components['schemas'];

/** The schedule interval of an active job, as Graph's samples show it. */
export const ACTIVE_INTERVAL = 'PT40M';
/**
 * The schedule interval of a disabled job: .NET's TimeSpan.MaxValue, as Graph's samples show it.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-get
 */
export const DISABLED_INTERVAL = 'P10675199DT2H48M5.4775807S';
/**
 * Graph's value for a time not reached yet (`DateTimeOffset.MinValue`), as the samples show for
 * `steadyStateFirstAchievedTime` before steady state.
 */
export const NEVER = '0001-01-01T00:00:00Z';

/** A job that has run no cycle. @internal */
export const EMPTY_HISTORY: JobHistory = {
  last: null,
  lastSuccessful: null,
  lastWithExports: null,
  successiveCompleteFailures: 0,
  steadyStateFirst: null,
  steadyStateLast: null,
};

function exported(summary: ProvisioningCycleSummary): number {
  return summary.created + summary.updated + summary.disabled + summary.deleted;
}

/** `Failed` when the cycle stopped on an error, `EntryLevelErrors` when objects failed, else `Succeeded`. */
function executionState(execution: JobExecution): 'Succeeded' | 'Failed' | 'EntryLevelErrors' {
  if (execution.error !== null) return 'Failed';
  return execution.summary.failed > 0 ? 'EntryLevelErrors' : 'Succeeded';
}

/**
 * Records a cycle: it becomes the last execution; the last successful one when nothing failed; the
 * last one with exports when it exported objects. A cycle that exported nothing and failed counts
 * as a complete failure; steady state is reached by a cycle that ends with nothing failed and
 * nothing in escrow.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationstatus
 * @internal
 */
export function recordExecution(history: JobHistory, execution: JobExecution): JobHistory {
  const state = executionState(execution);
  const completeFailure = state !== 'Succeeded' && exported(execution.summary) === 0;
  const steady = state === 'Succeeded' && execution.escrowed === 0;
  return {
    last: execution,
    lastSuccessful: state === 'Succeeded' ? execution : history.lastSuccessful,
    lastWithExports: exported(execution.summary) > 0 ? execution : history.lastWithExports,
    successiveCompleteFailures: completeFailure ? history.successiveCompleteFailures + 1 : 0,
    steadyStateFirst: history.steadyStateFirst ?? (steady ? execution.ended : null),
    steadyStateLast: steady ? execution.ended : history.steadyStateLast,
  };
}

/**
 * A cycle as Graph's `synchronizationTaskExecution`. Imported counts every object the cycle
 * evaluated; entitled, those in scope (evaluated and not skipped); exports, the writes it attempted.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationtaskexecution
 * @internal
 */
export function taskExecutionJson(
  execution: JobExecution | null,
): Schemas['synchronizationTaskExecution'] | null {
  if (!execution) return null;
  const s = execution.summary;
  const imported = s.created + s.updated + s.disabled + s.deleted + s.skipped + s.failed + s.staged;
  return {
    activityIdentifier: s.cycleId,
    countEntitled: imported - s.skipped,
    countEntitledForProvisioning: imported - s.skipped,
    countEscrowed: execution.escrowed,
    countEscrowedRaw: execution.escrowed,
    countExported: exported(s),
    countExports: exported(s) + s.failed + s.staged,
    countImported: imported,
    countImportedDeltas: s.initial ? 0 : imported,
    countImportedReferenceDeltas: 0,
    error: execution.error ? { ...execution.error, tenantActionable: true } : null,
    state: executionState(execution),
    timeBegan: execution.began,
    timeEnded: execution.ended,
  };
}

/**
 * The count of linked objects by object mapping, keyed `{source object} to {target object}` as the
 * Graph samples key it (`user to User` for Microsoft Entra Cloud Sync).
 *
 * @internal
 */
export function entryCountsJson(
  connections: readonly ProvisioningConnection[],
): Schemas['stringKeyLongValuePair'][] {
  const users = connections.filter((c) => c.objectType === 'User').length;
  const groups = connections.length - users;
  const out: Schemas['stringKeyLongValuePair'][] = [];
  if (groups > 0) out.push({ key: `Group to ${GROUP_TARGET}`, value: groups });
  if (users > 0) out.push({ key: `User to ${USER_TARGET}`, value: users });
  return out;
}

/** What {@link scheduleJson} and {@link statusJson} read. @internal */
export interface JobView {
  /**
   * The service's schedule: `Disabled` until started, `Active`, or `Paused` by an administrator; the
   * engine may also have disabled an active job (four weeks in quarantine).
   */
  readonly schedule: 'Active' | 'Disabled' | 'Paused';
  /** The engine's status, or `null` when the job has no credentials yet. */
  readonly engine: ProvisioningJobStatus | null;
  readonly history: JobHistory;
  readonly connections: readonly ProvisioningConnection[];
}

/**
 * The job's schedule: `Active` with `PT40M` while it runs, `Disabled` with TimeSpan.MaxValue when it
 * was never started, is paused, or was disabled after four weeks in quarantine, as the Graph samples
 * show (a paused job: state `Disabled`, code `Paused`).
 *
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-get
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-configuration-api
 * @internal
 */
export function scheduleJson(view: JobView): Schemas['synchronizationSchedule'] {
  const active = view.schedule === 'Active' && view.engine?.code !== 'Paused';
  return {
    expiration: null,
    interval: active ? ACTIVE_INTERVAL : DISABLED_INTERVAL,
    state: active ? 'Active' : 'Disabled',
  };
}

function statusCode(view: JobView): Schemas['synchronizationStatus']['code'] {
  if (!view.engine) return 'NotConfigured';
  if (view.schedule === 'Disabled' && view.history.last === null) return 'NotRun';
  return view.engine.code;
}

function quarantineJson(status: ProvisioningJobStatus | null): Schemas['synchronizationQuarantine'] | null {
  const quarantine = status?.quarantine ?? null;
  if (!quarantine) return null;
  return {
    currentBegan: quarantine.currentBegan,
    nextAttempt: quarantine.nextAttempt,
    reason: quarantine.reason,
    seriesBegan: quarantine.seriesBegan,
    seriesCount: quarantine.seriesCount,
    error: quarantine.error
      ? { code: quarantine.error.code, message: quarantine.error.message, tenantActionable: true }
      : null,
  };
}

/**
 * The job's `synchronizationStatus`: code, the last, last successful and last exporting executions,
 * successive complete failures, steady-state times (`0001-01-01T00:00:00Z` before), the quarantine,
 * and the synchronized entries by type. `progress` is empty: a cycle runs to its end within one
 * call, so no request observes one under way.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationstatus
 * @internal
 */
export function statusJson(view: JobView): Schemas['synchronizationStatus'] {
  const { history } = view;
  return {
    code: statusCode(view),
    countSuccessiveCompleteFailures: history.successiveCompleteFailures,
    escrowsPruned: false,
    lastExecution: taskExecutionJson(history.last),
    lastSuccessfulExecution: taskExecutionJson(history.lastSuccessful),
    lastSuccessfulExecutionWithExports: taskExecutionJson(history.lastWithExports),
    progress: [],
    quarantine: quarantineJson(view.engine),
    steadyStateFirstAchievedTime: history.steadyStateFirst ?? NEVER,
    steadyStateLastAchievedTime: history.steadyStateLast ?? NEVER,
    synchronizedEntryCountByType: entryCountsJson(view.connections),
    troubleshootingUrl: null,
  };
}

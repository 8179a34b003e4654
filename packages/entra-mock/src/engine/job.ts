// The job: what it remembers between cycles (links to target objects, watermark, escrows,
// quarantine), its schedule, and the admin's levers (pause, start, restart, allow deletes).

import type { ScopingFilter } from './scoping.ts';
import type { Failure } from './target.ts';
import type {
  ProvisioningConnection,
  ProvisioningJobChanges,
  ProvisioningJobStatus,
  QuarantineReason,
  RestartScope,
} from './types.ts';
import type { SourceValues } from './values.ts';

/**
 * How often Entra runs incremental cycles: about every 40 minutes.
 *
 * @example
 * ```ts
 * clock.advance(PROVISIONING_INTERVAL_MS);
 * await job.runDueCycles();
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#incremental-cycles
 */
export const PROVISIONING_INTERVAL_MS = 40 * 60 * 1000;

/** @internal One hour, in milliseconds. */
export const HOUR = 60 * 60 * 1000;
/** @internal One day, in milliseconds. */
export const DAY = 24 * HOUR;

/** @internal What the engine knows about a user it provisioned or matched. */
export interface UserLink {
  targetId: string;
  /** Whether the user is active in the target, as the engine last left it. */
  active: boolean;
  /** The manager's id in the target, as the target last showed it or the engine last set it. */
  manager: string | null;
  /** The userPrincipalName, as step descriptions and `ReportableIdentifier` name the user. */
  name: string;
  /** The displayName, as the log entry's identities name the user. */
  displayName: string;
  /** The source values (as the logs print them) last exported: the old values of modified properties. */
  sources: SourceValues;
  /**
   * `false` once the user was disabled because it was unassigned: the service no longer manages it,
   * and deleting it from the directory sends no DELETE.
   */
  managed: boolean;
  /** Set when the target answered 404 for it (`InvalidAnchor`): a restart matches it again. */
  anchorLost: boolean;
}

/** @internal What the engine knows about a group it provisioned or matched. */
export interface GroupLink {
  targetId: string;
  /** The members' ids in the target, as the engine last set them (Entra does not read members back). */
  members: Set<string>;
  name: string;
  /** The source values last exported. */
  sources: SourceValues;
  /** Set when the target answered 404 for it (`InvalidAnchor`). */
  anchorLost: boolean;
}

/**
 * @internal A change that failed and is retried on Microsoft's back-off (6, 12 and 24 hours after
 * the first failure, then every 24 hours); retries keep its changeId.
 */
export interface EscrowEntry {
  kind: 'user' | 'group';
  /** When it first failed. */
  since: number;
  changeId: string;
  /** How many times it failed. */
  failures: number;
  /** When it is retried next. */
  nextRetry: number;
}

/** @internal The job's state between cycles. */
export interface JobState {
  users: Map<string, UserLink>;
  groups: Map<string, GroupLink>;
  watermark: number | null;
  escrow: Map<string, EscrowEntry>;
  /** Disables and deletes held back by the accidental deletion threshold. */
  staged: Set<string>;
  /** Objects whose linkage was cleared: the next scheduled cycle evaluates (and matches) them again. */
  reevaluate: Set<string>;
  deletesAllowed: boolean;
  paused: boolean;
  cycles: number;
  lastRun: number | null;
  nextRun: number | null;
  quarantine: ProvisioningJobStatus['quarantine'];
  quarantineStart: number | null;
  userFilters: ScopingFilter[];
  groupFilters: ScopingFilter[];
}

/** @internal A job that never ran. */
export function createJobState(filters: {
  userFilters: ScopingFilter[];
  groupFilters: ScopingFilter[];
}): JobState {
  return {
    users: new Map(),
    groups: new Map(),
    watermark: null,
    escrow: new Map(),
    staged: new Set(),
    reevaluate: new Set(),
    deletesAllowed: false,
    paused: false,
    cycles: 0,
    lastRun: null,
    nextRun: null,
    quarantine: null,
    quarantineStart: null,
    userFilters: filters.userFilters,
    groupFilters: filters.groupFilters,
  };
}

/** @internal The job's status, in the shape of Graph's `synchronizationStatus`. */
export function jobStatus(state: JobState): ProvisioningJobStatus {
  return {
    code: state.paused
      ? 'Paused'
      : state.quarantine
        ? 'Quarantine'
        : state.cycles === 0
          ? 'NotRun'
          : 'Active',
    quarantine: state.quarantine ? { ...state.quarantine } : null,
    escrowsCount: state.escrow.size,
    lastSuccessfulExecution: state.lastRun === null ? null : new Date(state.lastRun).toISOString(),
    cycles: state.cycles,
    watermark: state.watermark,
  };
}

/**
 * @internal Microsoft: retries 6 hours, 12 hours and 24 hours after the first failure, then every
 * 24 hours.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#why-is-my-application-in-quarantine
 */
export function retryOffset(series: number): number {
  return series === 1 ? 6 * HOUR : series === 2 ? 12 * HOUR : (series - 2) * DAY;
}

/**
 * @internal Escrows a failed change, or moves an escrowed one to its next retry.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#why-is-my-application-in-quarantine
 */
export function escrow(
  state: JobState,
  key: string,
  kind: 'user' | 'group',
  changeId: string,
  at: number,
): void {
  const entry = state.escrow.get(key);
  if (!entry) {
    state.escrow.set(key, { kind, since: at, changeId, failures: 1, nextRetry: at + retryOffset(1) });
    return;
  }
  entry.failures++;
  entry.nextRetry = entry.since + retryOffset(entry.failures);
}

/** @internal Puts the job in quarantine, or moves an existing quarantine to its next series. */
export function startQuarantine(
  state: JobState,
  reason: QuarantineReason,
  failure: Failure,
  at: number,
): ProvisioningJobStatus['quarantine'] {
  const series = state.quarantine ? state.quarantine.seriesCount + 1 : 1;
  if (!state.quarantine || state.quarantineStart === null) state.quarantineStart = at;
  // Graph's synchronizationQuarantine: currentBegan is when the quarantine was last evaluated and
  // imposed, seriesBegan when the series began.
  state.quarantine = {
    reason,
    currentBegan: new Date(at).toISOString(),
    seriesBegan: new Date(state.quarantineStart).toISOString(),
    nextAttempt: new Date(state.quarantineStart + retryOffset(series)).toISOString(),
    seriesCount: series,
    error: { code: failure.code, message: failure.reason },
  };
  return state.quarantine;
}

/** @internal Takes the job out of quarantine. */
export function endQuarantine(state: JobState): void {
  state.quarantine = null;
  state.quarantineStart = null;
}

/**
 * @internal After a scheduled cycle: the next one is due 40 minutes later, or on the quarantine's
 * retry; a job in quarantine for four weeks is disabled.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status
 */
export function scheduleNext(state: JobState, at: number): void {
  state.nextRun =
    state.quarantine && state.quarantineStart !== null
      ? state.quarantineStart + retryOffset(state.quarantine.seriesCount)
      : at + PROVISIONING_INTERVAL_MS;
  // Microsoft: a job in quarantine for more than four weeks is disabled.
  if (state.quarantine && state.quarantineStart !== null && at - state.quarantineStart >= 28 * DAY)
    state.paused = true;
}

/** @internal Whether a scheduled cycle is due now. */
export function isDue(state: JobState, now: number): boolean {
  return !state.paused && state.nextRun !== null && now >= state.nextRun;
}

/**
 * @internal Starts (or resumes) the schedule. Graph: "If the job is in quarantine, the quarantine
 * status is cleared"; the next cycle is then due at once.
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-start
 */
export function startJob(state: JobState, now: number): void {
  state.paused = false;
  if (state.quarantine) {
    endQuarantine(state);
    state.nextRun = now;
  }
  if (state.nextRun === null) state.nextRun = now;
}

/**
 * @internal "Restart provisioning": clears what `resetScope` names (by default the watermark,
 * escrows and quarantine), forgets the links whose target answered 404 so they are matched again,
 * and makes the next cycle due now.
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-restart
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs#error-codes
 */
export function restartJob(
  state: JobState,
  resetScope: boolean | readonly RestartScope[],
  now: number,
): void {
  const scopes: readonly RestartScope[] =
    resetScope === true
      ? ['Full']
      : resetScope === false
        ? ['Watermark', 'Escrows', 'QuarantineState']
        : resetScope;
  const full = scopes.includes('Full');
  if (full || scopes.includes('Escrows')) {
    state.escrow = new Map();
    state.staged = new Set();
  }
  if (full || scopes.includes('QuarantineState')) endQuarantine(state);
  if (full || scopes.includes('Watermark')) state.watermark = null;
  if (scopes.includes('ForceDeletes')) state.deletesAllowed = true;
  if (full || scopes.includes('ConnectorDataStore')) {
    state.users = new Map();
    state.groups = new Map();
  }
  // Microsoft's fix for InvalidAnchor: a restart matches objects whose target is gone again.
  for (const [id, link] of state.users) if (link.anchorLost) state.users.delete(id);
  for (const [id, link] of state.groups) if (link.anchorLost) state.groups.delete(id);
  state.paused = false;
  state.nextRun = now;
}

/** @internal The connector data store: one record per linked user and group. */
export function connections(state: JobState): ProvisioningConnection[] {
  const out: ProvisioningConnection[] = [];
  for (const [sourceId, link] of state.users) {
    out.push({ objectType: 'User', sourceId, targetId: link.targetId, displayName: link.displayName });
  }
  for (const [sourceId, link] of state.groups) {
    out.push({ objectType: 'Group', sourceId, targetId: link.targetId, displayName: link.name });
  }
  return out;
}

/**
 * @internal Forgets an object's linkage (by source id, else target id); the next scheduled cycle
 * evaluates it again and so matches it anew.
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-objectconnection?view=graph-rest-beta
 */
export function clearConnection(state: JobState, objectId: string): boolean {
  const linked = connections(state);
  const found = linked.find((c) => c.sourceId === objectId) ?? linked.find((c) => c.targetId === objectId);
  if (!found) return false;
  (found.objectType === 'User' ? state.users : state.groups).delete(found.sourceId);
  state.reevaluate.add(found.sourceId);
  return true;
}

/**
 * @internal Whether saving these settings restarts provisioning: Microsoft, "changes to the
 * application's provisioning settings, such as attribute mappings or scoping filters, will
 * automatically restart provisioning".
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#how-do-i-get-my-application-out-of-quarantine
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#incremental-cycles
 */
export function restartsProvisioning(changes: ProvisioningJobChanges): boolean {
  return (
    changes.userMappings !== undefined ||
    changes.groupMappings !== undefined ||
    changes.userScopingFilters !== undefined ||
    changes.groupScopingFilters !== undefined ||
    changes.actions !== undefined ||
    changes.provisionGroups !== undefined
  );
}

/**
 * @internal The automatic restart after a configuration change: the watermark, escrows and
 * quarantine are cleared and the links kept ("A full initial cycle will run again, which clears
 * escrows, removes the app from quarantine, and clears any watermarks"); a paused job stays paused.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#how-do-i-get-my-application-out-of-quarantine
 */
export function reconfigured(state: JobState, now: number): void {
  state.watermark = null;
  state.escrow = new Map();
  state.staged = new Set();
  endQuarantine(state);
  if (!state.paused) state.nextRun = now;
}

/**
 * @internal One run at a time: cycles and on-demand runs that overlap (say, two Graph calls that
 * both find a cycle due) wait for each other instead of provisioning the same changes twice.
 */
export function createExclusiveLock(): <T>(run: () => Promise<T>) => Promise<T> {
  let lock: Promise<unknown> = Promise.resolve();
  return <T>(run: () => Promise<T>): Promise<T> => {
    const next = lock.then(run, run);
    lock = next.catch(() => undefined);
    return next;
  };
}

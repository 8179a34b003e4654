// The job: what it remembers between cycles (links to target objects, watermark, escrows,
// quarantine), its schedule, and the admin's levers (pause, start, restart, allow deletes).

import type { ScopingFilter } from './scoping.ts';
import type { Failure } from './target.ts';
import type { ProvisioningJobStatus, QuarantineReason, RestartScope } from './types.ts';

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
  values: Map<string, unknown>;
  active: boolean;
  manager: string | null;
  name: string;
}

/** @internal What the engine knows about a group it provisioned or matched. */
export interface GroupLink {
  targetId: string;
  values: Map<string, unknown>;
  members: Set<string>;
  name: string;
}

/** @internal A change that failed and is retried on the next cycles; retries keep its changeId. */
export interface EscrowEntry {
  kind: 'user' | 'group';
  since: number;
  changeId: string;
}

/** @internal The job's state between cycles. */
export interface JobState {
  users: Map<string, UserLink>;
  groups: Map<string, GroupLink>;
  watermark: number | null;
  escrow: Map<string, EscrowEntry>;
  /** Disables and deletes held back by the accidental deletion threshold. */
  staged: Set<string>;
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

/** @internal Puts the job in quarantine, or moves an existing quarantine to its next series. */
export function startQuarantine(
  state: JobState,
  reason: QuarantineReason,
  failure: Failure,
  at: number,
): ProvisioningJobStatus['quarantine'] {
  const series = state.quarantine ? state.quarantine.seriesCount + 1 : 1;
  if (!state.quarantine || state.quarantineStart === null) state.quarantineStart = at;
  state.quarantine = {
    reason,
    currentBegan: new Date(state.quarantineStart).toISOString(),
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

/** @internal Starts (or resumes) the schedule. */
export function startJob(state: JobState, now: number): void {
  state.paused = false;
  if (state.nextRun === null) state.nextRun = now;
}

/**
 * @internal "Restart provisioning": clears what `resetScope` names (by default the watermark,
 * escrows and quarantine) and makes the next cycle due now.
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-restart
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
  state.paused = false;
  state.nextRun = now;
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

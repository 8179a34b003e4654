// What every phase of a cycle works on: the job, the target, the journal, the plan, the counts.
import type { ProvisioningInitiator } from '../../logs/types.ts';
import type { EntraGroup, EntraUser } from '../../tenant/types.ts';
import type { JobConfig } from '../config.ts';
import type { ScimDialect } from '../dialect.ts';
import { escrow, type JobState } from '../job.ts';
import type { Journal } from '../journal.ts';
import type { Failure, Target } from '../target.ts';
import type { ProvisioningCycleSummary, ProvisioningJobStatus } from '../types.ts';

/** @internal The objects an on-demand run provisions, and who asked. */
export interface OnDemandRun {
  users: readonly string[];
  groups: readonly string[];
  initiator: ProvisioningInitiator;
}

/** @internal What the cycle does to a user. */
export type UserPlan =
  | {
      kind: 'provision';
      userId: string;
      user: EntraUser;
      source: Record<string, unknown>;
      roles: string[];
      /** The scoping step's details, as Entra writes them. */
      details: Record<string, string>;
    }
  | { kind: 'disable'; userId: string; reason: 'softDeleted' | 'unassigned' | 'outOfScope' }
  | { kind: 'delete'; userId: string }
  | {
      kind: 'skip';
      userId: string;
      name: string;
      displayName: string;
      code: string;
      reason: string;
      source: Record<string, unknown>;
      details: Record<string, string>;
    };

/** @internal What the cycle does to a group. */
export type GroupPlan =
  | { kind: 'provision'; groupId: string; group: EntraGroup }
  | { kind: 'delete'; groupId: string; why: string }
  | { kind: 'skip'; groupId: string; name: string; code: string; reason: string };

/** @internal One cycle (or on-demand run) in progress. */
export interface CycleContext {
  readonly config: JobConfig;
  readonly state: JobState;
  readonly target: Target;
  readonly journal: Journal;
  /** The on-demand run, or `null` for a scheduled cycle. */
  readonly onDemand: OnDemandRun | null;
  /** Whether it is an initial cycle (no watermark). */
  readonly initial: boolean;
  /** The dialect of this run's requests. */
  readonly dialect: ScimDialect;
  readonly summary: ProvisioningCycleSummary;
  /** The tenant's change sequence when the cycle started: the next watermark. */
  readonly startSequence: number;
  /** Users and groups in the tenant's recycle bin. */
  readonly deletedUsers: Set<string>;
  readonly deletedGroups: Set<string>;
  /** The candidates: the objects the cycle evaluates (emptied once they are planned). */
  readonly userIds: Set<string>;
  readonly groupIds: Set<string>;
  /** What the cycle does to each user, in order; the user export phase empties it as it goes. */
  readonly userPlans: UserPlan[];
  readonly groupPlans: GroupPlan[];
  /** Disables and deletes planned, and whether the accidental deletion threshold holds them back. */
  removals: number;
  threshold: number | null;
  holdRemovals: boolean;
  /** The quarantine the cycle keeps or starts; any other is lifted at the end of the cycle. */
  quarantined: ProvisioningJobStatus['quarantine'];
  /** Events attempted and failed, for the escrow proportion. */
  attempted: number;
  failures: number;
  /** Reference failures (managers): left out of the proportion, counted toward the absolute threshold. */
  referenceFailures: number;
  /** A failure that quarantines the job at once; the cycle stops. */
  credentialFailure: Failure | null;
  /** Users whose export was attempted this cycle (the references phase goes through them). */
  readonly touchedUsers: Set<string>;
  /** Target ids of users deleted this cycle. */
  readonly removedTargets: Set<string>;
  /**
   * Which source object each target object is linked to, by resource, built on the first match of
   * the cycle and kept up to date with the links the cycle makes.
   */
  readonly linkedTargets: { Users?: Map<string, string>; Groups?: Map<string, string> };
}

/** @internal The change id for an object: the escrowed one when it is retried, else a new one. */
export function changeIdOf(ctx: CycleContext, key: string): string {
  return ctx.state.escrow.get(key)?.changeId ?? crypto.randomUUID();
}

/** @internal Records a failed export: counted, escrowed, and a credential failure stops the cycle. */
export function recordFailure(
  ctx: CycleContext,
  key: string,
  kind: 'user' | 'group',
  failure: Failure,
  changeId: string,
): void {
  ctx.failures++;
  ctx.summary.failed++;
  escrow(ctx.state, key, kind, changeId, ctx.config.now());
  if (failure.quarantine) ctx.credentialFailure = failure;
  if (failure.anchorLost) {
    const link = kind === 'user' ? ctx.state.users.get(key) : ctx.state.groups.get(key);
    if (link) link.anchorLost = true;
  }
}

/**
 * @internal Records a failed reference export (a manager, a group's members): escrowed, but left
 * out of the failure proportion that quarantines the job.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#why-is-my-application-in-quarantine
 */
export function recordReferenceFailure(
  ctx: CycleContext,
  key: string,
  failure: Failure,
  changeId: string,
  kind: 'user' | 'group' = 'user',
): void {
  ctx.referenceFailures++;
  ctx.summary.failed++;
  if (failure.quarantine) ctx.credentialFailure = failure;
  else escrow(ctx.state, key, kind, changeId, ctx.config.now());
}

/** @internal Records a successful export: the object leaves escrow. */
export function recordSuccess(ctx: CycleContext, key: string): void {
  ctx.state.escrow.delete(key);
}

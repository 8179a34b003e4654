// The engine's public types: what a job is configured with, what it reports, and what it does.
import type { MappingTable } from '@scim/mapping';
import type { ProvisioningInitiator, ProvisioningObjectSummary, ProvisioningStep } from '../logs/types.ts';
import type { EntraTenant } from '../tenant/tenant.ts';
import type { ScimDialect } from './dialect.ts';
import type { ScopingFilter } from './scoping.ts';

/**
 * The quarantine thresholds of a job. Microsoft's defaults: evaluation starts at 5,000 failures;
 * the job is quarantined when more than 40 % of the events failed or there were more than 40,000
 * failures (reference failures left out), or more than 60,000 failures in all. Tests scale them down.
 *
 * @example
 * ```ts
 * const job = createProvisioningJob({
 *   tenant, servicePrincipalId: app.id, tenantUrl: 'https://scim.example.test/scim', secretToken: token,
 *   fetch: (request) => connector.fetch(request),
 *   quarantine: { minimumFailures: 2, failureRatio: 0.4 }, // 2 failed events of 4 quarantine the job
 * });
 * await job.runCycle();
 * job.status().quarantine?.reason; // 'EncounteredEscrowProportionThreshold' when it did
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status
 */
export interface QuarantineThresholds {
  /** Failures needed before the proportion is evaluated (Microsoft: 5,000). */
  minimumFailures?: number;
  /** The failure proportion above which the job is quarantined (Microsoft: 0.4). */
  failureRatio?: number;
  /** The failure count above which the job is quarantined (Microsoft: 40,000). */
  maximumFailures?: number;
  /**
   * The count of failures, reference failures (managers) included, above which the job is
   * quarantined whatever the proportion (Microsoft: 60,000).
   */
  absoluteFailures?: number;
}

/**
 * The configuration of a provisioning job: the Admin Credentials, the scope, the mappings, the
 * scoping filters, the target object actions and the settings of the Entra admin center's
 * Provisioning page.
 *
 * @example
 * ```ts
 * const job = createProvisioningJob({
 *   tenant, servicePrincipalId: app.id,
 *   tenantUrl: 'https://scim.example.test/scim?aadOptscim062020', secretToken: token,
 *   fetch: (request) => connector.fetch(request), // in-process, no port
 *   scope: 'assigned', accidentalDeletionThreshold: 500,
 * });
 * job.dialect; // 'compliant': the Tenant URL has the aadOptscim062020 flag
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/configure-automatic-user-provisioning-portal
 */
export interface ProvisioningJobOptions {
  /** The source tenant. */
  tenant: EntraTenant;
  /** The enterprise application whose assignments decide the scope. */
  servicePrincipalId: string;
  /** The Tenant URL; `?aadOptscim062020` selects the compliant dialect. */
  tenantUrl: string;
  /** The Secret Token, sent as `Authorization: Bearer <token>`. */
  secretToken?: string;
  /** The fetch function used to reach the Tenant URL; defaults to the global `fetch`. */
  fetch?: (request: Request) => Promise<Response>;
  /** `assigned` (sync only assigned users and groups, the default) or `all`. */
  scope?: 'assigned' | 'all';
  /** The user mapping table; defaults to Entra's for a custom SCIM app. */
  userMappings?: MappingTable;
  /** The group mapping table; defaults to Entra's for a custom SCIM app. */
  groupMappings?: MappingTable;
  /** Scoping filters on users (ORed; clauses ANDed). */
  userScopingFilters?: ScopingFilter[];
  /** Scoping filters on groups. */
  groupScopingFilters?: ScopingFilter[];
  /** Whether groups are provisioned (the group mapping is enabled); defaults to `true`. */
  provisionGroups?: boolean;
  /** Target object actions; all on by default. */
  actions?: { create?: boolean; update?: boolean; delete?: boolean };
  /** When `true`, users that go out of scope (unassigned, scoping filter) are not disabled. */
  skipOutOfScopeDeletions?: boolean;
  /** Prevent accidental deletions: the most disables and deletes a cycle may make; `null` (default) is off. */
  accidentalDeletionThreshold?: number | null;
  /** Members per PATCH when adding members to a group; defaults to 50. */
  memberBatchSize?: number;
  /** Attempts per request on 429, 5xx and network errors (defaults to 4), and the first back-off (defaults to 1,000 ms). */
  retry?: { maxAttempts?: number; baseDelayMs?: number };
  /** Quarantine thresholds, scaled down in tests. */
  quarantine?: QuarantineThresholds;
  /** Skip users whose only assignment is the Default Access role (apps configured before 2020-04-16). */
  skipDefaultAccessRole?: boolean;
  /** Waits between retries; defaults to advancing the tenant's clock when it can, else a real timer. */
  sleep?: (milliseconds: number) => Promise<void>;
  /** The job id; defaults to `scim.{tenantIdWithoutDashes}.{servicePrincipalId}`. */
  jobId?: string;
  /** The application's name in the logs; defaults to the service principal's display name. */
  targetDisplayName?: string;
  /** Called as a cycle starts, after each log entry, and when it ends: for progress bars and live logs. */
  onProgress?: (event: ProvisioningProgressEvent) => void;
}

/**
 * A progress event of a cycle (or of provision on demand): it started with `total` objects to
 * evaluate, it wrote a log entry, or it completed with its summary.
 *
 * @example
 * ```ts
 * const onProgress = (e: ProvisioningProgressEvent) => {
 *   if (e.type === 'entry') console.log(e.entry.provisioningAction, e.entry.sourceIdentity.displayName);
 * };
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-when-will-provisioning-finish-specific-user
 */
export type ProvisioningProgressEvent =
  | { type: 'cycleStarted'; cycleId: string; initial: boolean; total: number }
  | { type: 'entry'; cycleId: string; entry: ProvisioningObjectSummary }
  | { type: 'cycleCompleted'; cycleId: string; summary: ProvisioningCycleSummary };

/**
 * Graph's `quarantineReason` values the engine uses: credentials rejected, too many failed events,
 * or too many deletions in one cycle.
 *
 * @example
 * ```ts
 * const reason: QuarantineReason | undefined = job.status().quarantine?.reason;
 * if (reason === 'TooManyDeletes') job.allowDeletes(); // the deletions were meant: the next cycle makes them
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronizationquarantine
 */
export type QuarantineReason =
  | 'EncounteredQuarantineException'
  | 'EncounteredEscrowProportionThreshold'
  | 'TooManyDeletes';

/**
 * A job's state, in the shape of Graph's `synchronizationStatus` (the fields the engine keeps).
 *
 * @example
 * ```ts
 * job.status().code; // 'Active' | 'Paused' | 'Quarantine' | 'NotRun'
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationstatus
 */
export interface ProvisioningJobStatus {
  /** `NotRun` before the first cycle, `Active`, `Paused`, or `Quarantine`. */
  code: 'NotRun' | 'Active' | 'Paused' | 'Quarantine';
  /** Set while quarantined. */
  quarantine: {
    reason: QuarantineReason;
    /** When the quarantine was last evaluated and imposed (the last cycle that kept it). */
    currentBegan: string;
    /** When the quarantine was first imposed in this series (reset when it is lifted). */
    seriesBegan: string;
    /** When the next attempt to re-evaluate it is made. */
    nextAttempt: string;
    /** How many times it was imposed in this series (1 the first time). */
    seriesCount: number;
    error: { code: string; message: string } | null;
  } | null;
  /** How many objects are in escrow (failed, retried on the next cycles). */
  escrowsCount: number;
  /** When the last cycle ended, or `null`. */
  lastSuccessfulExecution: string | null;
  /** The number of cycles run. */
  cycles: number;
  /** The watermark: the tenant change sequence processed up to, or `null` before the initial cycle. */
  watermark: number | null;
}

/**
 * What one cycle did.
 *
 * @example
 * ```ts
 * const { created, failed } = await job.runCycle();
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-when-will-provisioning-finish-specific-user
 */
export interface ProvisioningCycleSummary {
  /** The cycle id (a GUID), also on every log entry of the cycle. */
  cycleId: string;
  /** Whether it was an initial cycle (no watermark). */
  initial: boolean;
  /** Objects created in the target. */
  created: number;
  /** Objects updated (attributes, members, managers). */
  updated: number;
  /** Users disabled. */
  disabled: number;
  /** Objects deleted. */
  deleted: number;
  /** Objects skipped (out of scope, nothing to do). */
  skipped: number;
  /** Events that failed. */
  failed: number;
  /** Disables and deletes held back by the accidental deletion threshold. */
  staged: number;
  /** The job's status after the cycle. */
  status: ProvisioningJobStatus['code'];
}

/**
 * What a restart clears, as Graph's `synchronizationJobRestartScope` flags: the watermark (the next
 * cycle is initial), escrows, the quarantine, everything (`Full`, also what the engine knows about the
 * target), `ForceDeletes` (allow the deletions the accidental deletion threshold held back), or
 * `None` (clear nothing: the job just runs again now).
 *
 * @example
 * ```ts
 * job.restart({ resetScope: ['Escrows', 'QuarantineState'] });
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-restart
 */
export type RestartScope =
  | 'None'
  | 'Watermark'
  | 'Escrows'
  | 'QuarantineState'
  | 'Full'
  | 'ForceDeletes'
  | 'ConnectorDataStore';

/**
 * A provisioning step with the instant it ended, as provision on demand reports steps (Graph's
 * `provisionOnDemand` answer carries a `timestamp` per step; the provisioning log does not).
 *
 * @example
 * ```ts
 * const { reports } = await job.provisionOnDemand({ objectId: adele.id });
 * const steps: TimedProvisioningStep[] = reports[0]?.steps ?? [];
 * steps.map((s) => `${s.timestamp} ${s.provisioningStepType} ${s.status}`); // '…Z import success', …
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 */
export interface TimedProvisioningStep extends ProvisioningStep {
  /** When the step ended (ISO 8601, UTC, on the tenant's clock). */
  timestamp: string;
}

/**
 * What provision on demand did to one object: the log entry it wrote, and what Graph's
 * `provisionOnDemand` answer reports beyond it (the steps with their timestamps, the start and end
 * of the run, and the reportable identifier). A user already in sync yields an entry with action
 * `other`, status `skipped` and error code `RedundantExport`, whose last step is
 * `EntrySynchronizationSkip` (type `export`, status `skipped`, `SkipReason: RedundantExport`).
 *
 * @example
 * ```ts
 * const { reports } = await job.provisionOnDemand({ objectId: user.id });
 * reports[0]?.entry.provisioningStatusInfo.errorInformation?.errorCode; // 'RedundantExport' when in sync
 * reports[0]?.steps.map((s) => [s.provisioningStepType, s.status, s.timestamp]);
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/provision-on-demand
 */
export interface ProvisionOnDemandReport {
  /** The provisioning log entry for the object. */
  entry: ProvisioningObjectSummary;
  /** The entry's steps, each with its timestamp. */
  steps: TimedProvisioningStep[];
  /** When the object was taken up. */
  startTime: string;
  /** When its entry was written. */
  endTime: string;
  /** The object's reportable identifier: a user's userPrincipalName, a group's displayName. */
  reportableIdentifier: string;
}

/**
 * What provision on demand did: the summary, the log entries (one per action, with steps), and one
 * report per entry for Graph's `provisionOnDemand` answer.
 *
 * @example
 * ```ts
 * const { logs } = await job.provisionOnDemand({ objectId: user.id });
 * logs[0]?.provisioningSteps.map((s) => s.name);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/provision-on-demand
 */
export interface ProvisionOnDemandResult {
  /** Counts, as for a cycle. */
  summary: ProvisioningCycleSummary;
  /** The log entries the run wrote. */
  logs: ProvisioningObjectSummary[];
  /** The same entries with their timed steps, in the same order. */
  reports: ProvisionOnDemandReport[];
}

/**
 * The result of Test Connection.
 *
 * @example
 * ```ts
 * const { success, message } = await job.testConnection();
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export interface TestConnectionResult {
  /** Whether the endpoint answered as Entra requires. */
  success: boolean;
  /** Entra's code: `SystemForCrossDomainIdentityManagementCredentialValidationUnavailable` and the like, or `null`. */
  errorCode: string | null;
  /** What happened. */
  message: string;
}

/**
 * A provisioning job: Entra's provisioning service for one enterprise application, pushing the
 * tenant into a SCIM endpoint with Entra's requests, cycle by cycle.
 *
 * @example
 * ```ts
 * const job = createProvisioningJob({ tenant, servicePrincipalId: app.id, tenantUrl, secretToken });
 * await job.runCycle(); // the initial cycle
 * tenant.updateUser(id, { jobTitle: 'Lead' });
 * await job.runCycle(); // an incremental cycle: one PATCH
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 */
export interface ProvisioningJob {
  /** The job id, `scim.{tenantIdWithoutDashes}.{servicePrincipalId}` by default. */
  readonly id: string;
  /** The dialect the Tenant URL selects. */
  readonly dialect: ScimDialect;
  /** The provisioning log entries, oldest first. */
  readonly logs: readonly ProvisioningObjectSummary[];
  /**
   * The job's status.
   *
   * @returns a copy of the status
   */
  status(): ProvisioningJobStatus;
  /**
   * Test Connection: queries the user matching attribute for a random GUID, and (when groups are
   * provisioned) the group matching attribute, and expects a 200 with an empty ListResponse each time.
   *
   * @returns the outcome
   */
  testConnection(): Promise<TestConnectionResult>;
  /**
   * Runs one cycle now: initial when there is no watermark, incremental otherwise.
   *
   * @returns what the cycle did
   */
  runCycle(): Promise<ProvisioningCycleSummary>;
  /**
   * Runs the cycles that are due on the tenant's clock (every 40 minutes; longer while quarantined).
   *
   * @returns the summaries of the cycles run
   */
  runDueCycles(): Promise<ProvisioningCycleSummary[]>;
  /**
   * Provision on demand: runs one user, or one group with up to 5 of its direct user members,
   * through scoping, matching and export now, outside the schedule and without moving the watermark.
   *
   * @param subject - the object id, and for a group the members to include (default: the first 5)
   * @param initiatedBy - who asked, for the logs
   * @returns the summary, the log entries written, and one report per entry
   * @throws ScimError `notFound` for an unknown object, `invalidValue` for more than 5 members or
   *   for a user that is disabled in the tenant (on-demand provisioning doesn't support it)
   */
  provisionOnDemand(
    subject: { objectId: string; members?: string[] },
    initiatedBy?: ProvisioningInitiator,
  ): Promise<ProvisionOnDemandResult>;
  /** Pauses the job: `runDueCycles` does nothing until {@link ProvisioningJob.start}. */
  pause(): void;
  /** Starts (or resumes) the job. */
  start(): void;
  /**
   * Restarts the job, as "Restart provisioning" does: clears escrows, quarantine and the watermark,
   * so the next cycle is an initial one. `resetScope` picks what to clear with Graph's
   * `synchronizationJobRestartScope` flags; `true` (or `Full`) also forgets what the engine knows about
   * the target, so every user is matched again.
   *
   * @param options - `resetScope`: `true`, or a list of `Watermark`, `Escrows`, `QuarantineState`, `Full`, `ForceDeletes`
   */
  restart(options?: { resetScope?: boolean | readonly RestartScope[] }): void;
  /** "Allow deletes": the next cycle makes the disables and deletes the accidental deletion threshold held back. */
  allowDeletes(): void;
  /**
   * Replaces the user scoping filters; like saving them in the admin center, this restarts the job.
   *
   * @param filters - the new filters
   * @throws ScimError `invalidFilter` for an operator Entra does not have, or an attribute Entra does not support in scoping filters
   */
  setUserScopingFilters(filters: ScopingFilter[]): void;
  /**
   * Replaces the group scoping filters; the next cycle re-evaluates every group, and groups that fall
   * out of scope are deleted in the target (with the Delete action on).
   *
   * @param filters - the new filters
   * @throws ScimError `invalidFilter` for an operator Entra does not have, or an attribute Entra does not support in scoping filters
   */
  setGroupScopingFilters(filters: ScopingFilter[]): void;
  /**
   * The connector data store: the linkage the job keeps between each provisioned source object and
   * its target object.
   *
   * @returns one record per linked user and group
   */
  connections(): ProvisioningConnection[];
  /**
   * Forgets an object's linkage (by source or target id), so a later cycle evaluates it again and
   * matches it anew; the objects themselves are untouched.
   *
   * @param objectId - the source (Entra) id, or else the target (SCIM) id
   * @returns whether a linkage was found and cleared
   */
  clearConnection(objectId: string): boolean;
  /**
   * Changes the job's configuration and keeps what it remembers (links, escrows, quarantine, logs),
   * as saving provisioning settings in the admin center does. A change of the mappings, scoping
   * filters, target object actions or group provisioning restarts provisioning, as Microsoft
   * documents: the watermark, escrows and quarantine are cleared (the links kept), so the next
   * cycle is an initial one; credentials, the Tenant URL, the scope and the other settings take
   * effect with the next request.
   *
   * @param changes - the options to change
   * @throws MappingError when a mapping table does not compile; TypeError when the Tenant URL is not
   *   absolute; ScimError `invalidFilter` for a scoping filter Entra would not accept
   * @example
   * ```ts
   * job.reconfigure({ secretToken: rotated }); // links, escrows and quarantine kept
   * job.reconfigure({ userMappings: withTitle }); // restarts provisioning: the next cycle is initial
   * ```
   * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status#how-do-i-get-my-application-out-of-quarantine
   */
  reconfigure(changes: ProvisioningJobChanges): void;
}

/**
 * What {@link ProvisioningJob.reconfigure} can change: the settings an admin saves on a running job.
 *
 * @example
 * ```ts
 * job.reconfigure({ tenantUrl: 'https://app.example.com/scim?aadOptscim062020', secretToken: 't2' });
 * job.dialect; // 'compliant': the new URL and token serve the next request; nothing restarts
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/configure-automatic-user-provisioning-portal
 */
export type ProvisioningJobChanges = Partial<
  Pick<
    ProvisioningJobOptions,
    | 'tenantUrl'
    | 'secretToken'
    | 'scope'
    | 'userMappings'
    | 'groupMappings'
    | 'userScopingFilters'
    | 'groupScopingFilters'
    | 'provisionGroups'
    | 'actions'
    | 'skipOutOfScopeDeletions'
    | 'accidentalDeletionThreshold'
  >
>;

/**
 * One linkage record of a job's connector data store: a source object and the target object it was
 * provisioned to or matched with.
 *
 * @example
 * ```ts
 * const linked: ProvisioningConnection[] = job.connections();
 * linked.find((c) => c.sourceId === user.id)?.targetId;
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-objectconnection?view=graph-rest-beta
 */
export interface ProvisioningConnection {
  /** `User` or `Group`. */
  objectType: 'User' | 'Group';
  /** The Entra object id. */
  sourceId: string;
  /** The SCIM resource id in the target. */
  targetId: string;
  /** The object's name as the logs show it. */
  displayName: string;
}

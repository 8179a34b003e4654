import {
  type CompiledMappingTable,
  compileMappingTable,
  entraDefaultGroupMappings,
  entraDefaultUserMappings,
  type MappingTable,
} from '@scim/mapping';
import { ScimError } from '@scim/schemas';
import type {
  ModifiedProperty,
  ProvisioningAction,
  ProvisioningInitiator,
  ProvisioningObjectSummary,
  ProvisioningResult,
  ProvisioningStep,
  ProvisioningStepType,
} from '../logs/types.ts';
import type { EntraTenant } from '../tenant/tenant.ts';
import { DEFAULT_ACCESS_APP_ROLE_ID, type EntraGroup, type EntraUser } from '../tenant/types.ts';
import { createScimClient, type ScimClient, type ScimResponse } from './client.ts';
import {
  type AttributeChange,
  buildAddMembersPatch,
  buildRemoveMembersPatch,
  buildUserPatch,
  dialectOf,
  type ScimDialect,
} from './dialect.ts';
import { CORE_GROUP, CORE_USER, deleteTarget, groupSource, readTarget, userSource } from './resource.ts';
import { isInScope, type ScopingFilter } from './scoping.ts';

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

/**
 * The quarantine thresholds of a job. Microsoft's defaults: evaluation starts at 5,000 failures;
 * the job is quarantined when more than 40 % of the events failed or there were more than 40,000
 * failures. Tests scale them down.
 *
 * @example
 * ```ts
 * const q: QuarantineThresholds = { minimumFailures: 2, failureRatio: 0.4, maximumFailures: 10 };
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
}

/**
 * The configuration of a provisioning job: the Admin Credentials, the scope, the mappings, the
 * scoping filters, the target object actions and the settings of the Entra admin center's
 * Provisioning page.
 *
 * @example
 * ```ts
 * const options: ProvisioningJobOptions = {
 *   tenant, servicePrincipalId: app.id,
 *   tenantUrl: 'https://scim.example.test/scim?aadOptscim062020', secretToken: 's3cret',
 *   scope: 'assigned', accidentalDeletionThreshold: 500,
 * };
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
 * const reason: QuarantineReason = 'TooManyDeletes';
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
    currentBegan: string;
    nextAttempt: string;
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
 * target), or `ForceDeletes` (allow the deletions the accidental deletion threshold held back).
 *
 * @example
 * ```ts
 * job.restart({ resetScope: ['Escrows', 'QuarantineState'] });
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-restart
 */
export type RestartScope =
  | 'Watermark'
  | 'Escrows'
  | 'QuarantineState'
  | 'Full'
  | 'ForceDeletes'
  | 'ConnectorDataStore';

/**
 * What provision on demand did: the summary and the log entries (one per action, with steps).
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
   * Test Connection: queries the user matching attribute for a random GUID and expects a 200 with an empty ListResponse.
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
   * @returns the summary and the log entries written
   * @throws ScimError `notFound` for an unknown object, `invalidValue` for more than 5 members
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
   */
  setUserScopingFilters(filters: ScopingFilter[]): void;
  /**
   * Replaces the group scoping filters; the next cycle re-evaluates every group, and groups that fall
   * out of scope are deleted in the target (with the Delete action on).
   *
   * @param filters - the new filters
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
}

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

interface UserState {
  targetId: string;
  values: Map<string, unknown>;
  active: boolean;
  manager: string | null;
  name: string;
}

interface GroupState {
  targetId: string;
  values: Map<string, unknown>;
  members: Set<string>;
  name: string;
}

type Failure = { code: string; reason: string; details: string | null; quarantine: boolean };

const SERVICE_INITIATOR: ProvisioningInitiator = {
  id: '',
  displayName: 'Azure AD Provisioning Service',
  initiatorType: 'system',
};
const ADSCIM_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

function compileTable(table: MappingTable): { compiled: CompiledMappingTable; table: MappingTable } {
  return { compiled: compileMappingTable(table), table };
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function display(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') {
    const v = (value as { value?: unknown }).value;
    return typeof v === 'string' ? v : JSON.stringify(value);
  }
  return String(value);
}

function failureOf(response: ScimResponse): Failure {
  const details = response.networkError ?? (response.text === '' ? null : response.text);
  if (response.status === 401 || response.status === 403) {
    return {
      code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
      reason: `The SCIM endpoint rejected the Secret Token (HTTP ${response.status}); check the Admin Credentials.`,
      details,
      quarantine: true,
    };
  }
  if (response.status === 409) {
    return {
      code: 'EntryConflict',
      reason:
        'The SCIM endpoint answered 409 Conflict: an object with the same unique attributes exists there.',
      details,
      quarantine: false,
    };
  }
  if (response.status === 0 || response.status === 429 || response.status >= 500) {
    return {
      code: 'SystemForCrossDomainIdentityManagementServiceUnavailable',
      reason: `The SCIM endpoint kept failing (${response.status === 0 ? 'no response' : `HTTP ${response.status}`}) after ${response.attempts} attempts; the change is escrowed and retried on the next cycles.`,
      details,
      quarantine: false,
    };
  }
  return {
    code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
    reason: `The SCIM endpoint answered HTTP ${response.status}, which Entra does not expect for this request.`,
    details,
    quarantine: false,
  };
}

class RequestFailed extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.reason);
    this.failure = failure;
  }
}

/**
 * Creates a provisioning job: Entra's provisioning service for one enterprise application. It reads
 * the tenant (its lists and change log), evaluates the mapping tables from `@scim/mapping`, and sends
 * Entra's SCIM requests to the Tenant URL with `fetch`, writing a `provisioningObjectSummary` log entry
 * per action.
 *
 * @param options - the job configuration
 * @returns the job
 * @throws MappingError when a mapping table does not compile; TypeError when the Tenant URL is not absolute
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * const server = setupServer(mountFetchHandler('https://scim.example.test/scim', connector.fetch));
 * server.listen();
 * const job = createProvisioningJob({ tenant, servicePrincipalId: app.id, tenantUrl: 'https://scim.example.test/scim', secretToken: 't' });
 * const summary = await job.runCycle();
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function createProvisioningJob(options: ProvisioningJobOptions): ProvisioningJob {
  const { tenant } = options;
  const app = tenant.getServicePrincipal(options.servicePrincipalId);
  const appName = options.targetDisplayName ?? app.displayName;
  const dialect = dialectOf(options.tenantUrl);
  const jobId = options.jobId ?? `scim.${tenant.id.replace(/-/g, '')}.${app.id}`;
  const users = compileTable(options.userMappings ?? entraDefaultUserMappings);
  const groups = compileTable(options.groupMappings ?? entraDefaultGroupMappings);
  const scope = options.scope ?? 'assigned';
  let userFilters = options.userScopingFilters ?? [];
  let groupFilters = options.groupScopingFilters ?? [];
  const provisionGroups = options.provisionGroups ?? true;
  const actions = { create: true, update: true, delete: true, ...options.actions };
  const batchSize = options.memberBatchSize ?? 50;
  const thresholds = {
    minimumFailures: 5000,
    failureRatio: 0.4,
    maximumFailures: 40000,
    ...options.quarantine,
  };
  const now = (): number => tenant.clock.now().getTime();
  const sleep =
    options.sleep ??
    ((ms: number) => {
      const clock = tenant.clock as { advance?: (ms: number) => unknown };
      if (typeof clock.advance === 'function') {
        clock.advance(ms);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => setTimeout(resolve, ms));
    });
  const client: ScimClient = createScimClient(
    {
      tenantUrl: options.tenantUrl,
      secretToken: options.secretToken,
      fetch: options.fetch ?? ((request) => fetch(request)),
      sleep,
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 1000,
    },
    now,
  );

  const userTargets = [...new Set(users.table.mappings.map((m) => m.target))];
  const groupTargets = [...new Set(groups.table.mappings.map((m) => m.target))];
  const managerTarget = userTargets.find((t) => /(^|:)manager(\.value)?$/i.test(t)) ?? null;
  const membersTarget = groupTargets.find((t) => /^members$/i.test(t)) ?? null;
  /** What updates leave alone: creation-only targets, and the removal of targets that have a default value (applied on creation only). */
  interface UpdateRules {
    createOnly: Set<string>;
    keepOnNull: Set<string>;
  }
  const updateRules = (table: MappingTable): UpdateRules => ({
    createOnly: new Set(
      table.mappings.filter((m) => m.apply === 'OnObjectCreationOnly').map((m) => m.target),
    ),
    keepOnNull: new Set(table.mappings.filter((m) => m.defaultValue !== undefined).map((m) => m.target)),
  });
  const userCreateOnly = updateRules(users.table);
  const groupCreateOnly = updateRules(groups.table);
  const matchingOf = (table: MappingTable) =>
    table.mappings
      .filter((m) => m.matchingPrecedence !== undefined)
      .sort((a, b) => a.matchingPrecedence! - b.matchingPrecedence!)
      .map((m) => m.target);
  const userMatching = matchingOf(users.table);
  const groupMatching = matchingOf(groups.table);

  // -- job state -----------------------------------------------------------------------------------
  const logs: ProvisioningObjectSummary[] = [];
  let initiator: ProvisioningInitiator = SERVICE_INITIATOR;
  let activeDialect: ScimDialect = dialect;
  let userState = new Map<string, UserState>();
  let groupState = new Map<string, GroupState>();
  let watermark: number | null = null;
  let escrow = new Map<string, { kind: 'user' | 'group'; since: number; changeId: string }>();
  let staged = new Set<string>();
  let reevaluate = new Set<string>();
  let deletesAllowed = false;
  let paused = false;
  let cycles = 0;
  let lastRun: number | null = null;
  let nextRun: number | null = null;
  let quarantine: ProvisioningJobStatus['quarantine'] = null;
  let quarantineStart: number | null = null;

  const status = (): ProvisioningJobStatus => ({
    code: paused ? 'Paused' : quarantine ? 'Quarantine' : cycles === 0 ? 'NotRun' : 'Active',
    quarantine: quarantine ? { ...quarantine } : null,
    escrowsCount: escrow.size,
    lastSuccessfulExecution: lastRun === null ? null : new Date(lastRun).toISOString(),
    cycles,
    watermark,
  });

  // -- logging -------------------------------------------------------------------------------------
  interface LogInput {
    cycleId: string;
    changeId: string;
    action: ProvisioningAction;
    status: ProvisioningResult;
    type: 'User' | 'Group';
    sourceId: string;
    sourceName: string;
    targetId: string;
    steps: ProvisioningStep[];
    modified: ModifiedProperty[];
    failure?: Failure | null;
    started: number;
  }
  const step = (
    name: string,
    provisioningStepType: ProvisioningStepType,
    stepStatus: ProvisioningResult,
    description: string,
    details: Record<string, string> = {},
  ): ProvisioningStep => ({ name, provisioningStepType, status: stepStatus, description, details });
  const log = (entry: LogInput): void => {
    logs.push({
      id: crypto.randomUUID(),
      activityDateTime: new Date(now()).toISOString(),
      tenantId: tenant.id,
      jobId,
      cycleId: entry.cycleId,
      changeId: entry.changeId,
      provisioningAction: entry.action,
      durationInMilliseconds: Math.max(0, now() - entry.started),
      provisioningStatusInfo: {
        status: entry.status,
        errorInformation: entry.failure
          ? {
              errorCode: entry.failure.code,
              errorCategory: entry.status === 'skipped' ? 'success' : 'nonServiceFailure',
              reason: entry.failure.reason,
              additionalDetails: entry.failure.details,
              recommendedAction: null,
            }
          : null,
      },
      provisioningSteps: entry.steps,
      modifiedProperties: entry.modified,
      initiatedBy: { ...initiator },
      servicePrincipal: { id: app.id, displayName: app.displayName },
      sourceSystem: { id: tenant.id, displayName: 'Azure Active Directory', details: {} },
      targetSystem: {
        id: app.id,
        displayName: appName,
        details: {
          ApplicationId: app.appId,
          ServicePrincipalId: app.id,
          ServicePrincipalDisplayName: app.displayName,
        },
      },
      sourceIdentity: {
        id: entry.sourceId,
        displayName: entry.sourceName,
        identityType: entry.type,
        details: {},
      },
      targetIdentity: {
        id: entry.targetId,
        displayName: entry.sourceName,
        identityType: entry.type,
        details: {},
      },
    });
    options.onProgress?.({ type: 'entry', cycleId: entry.cycleId, entry: logs.at(-1)! });
  };

  // -- requests ------------------------------------------------------------------------------------
  const send = async (
    method: string,
    path: string,
    init: { query?: [string, string][]; body?: unknown } = {},
  ): Promise<ScimResponse> => {
    const response = await client.request(method, path, init);
    if (response.status >= 200 && response.status < 300) return response;
    throw new RequestFailed(failureOf(response));
  };
  const query = async (
    resource: 'Users' | 'Groups',
    attribute: string,
    value: string,
  ): Promise<Record<string, unknown>[]> => {
    const params: [string, string][] = [];
    if (resource === 'Groups') params.push(['excludedAttributes', 'members']);
    params.push(['filter', `${attribute} eq ${quote(value)}`]);
    const response = await send('GET', `/${resource}`, { query: params });
    const body = response.body as { Resources?: unknown } | null;
    if (!body || !Array.isArray(body.Resources)) {
      throw new RequestFailed({
        code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
        reason: `The query ${attribute} eq ${quote(value)} did not return a ListResponse with Resources.`,
        details: response.text,
        quarantine: false,
      });
    }
    return body.Resources as Record<string, unknown>[];
  };

  // -- mapping -------------------------------------------------------------------------------------
  const flatten = (resource: Record<string, unknown>, targets: readonly string[], core: string) => {
    const out = new Map<string, unknown>();
    for (const target of targets) {
      const value = readTarget(resource, target, core);
      if (value !== undefined) out.set(target, value);
    }
    return out;
  };
  const diff = (
    before: Map<string, unknown>,
    after: Map<string, unknown>,
    targets: readonly string[],
    rules: UpdateRules,
  ): AttributeChange[] => {
    const changes: AttributeChange[] = [];
    for (const target of targets) {
      if (rules.createOnly.has(target)) continue;
      const had = before.has(target);
      const has = after.has(target);
      if (!had && has) changes.push({ op: 'add', path: target, value: after.get(target) });
      else if (had && !has) {
        if (!rules.keepOnNull.has(target)) changes.push({ op: 'remove', path: target });
      } else if (had && has && JSON.stringify(before.get(target)) !== JSON.stringify(after.get(target)))
        changes.push({ op: 'replace', path: target, value: after.get(target) });
    }
    return changes;
  };
  const modifiedOf = (
    changes: readonly AttributeChange[],
    before: Map<string, unknown>,
  ): ModifiedProperty[] =>
    changes.flatMap((c) => {
      if (c.path === '' || c.value === undefined) {
        return [{ displayName: c.path, oldValue: display(before.get(c.path)), newValue: null }];
      }
      return [{ displayName: c.path, oldValue: display(before.get(c.path)), newValue: display(c.value) }];
    });

  // -- scope ---------------------------------------------------------------------------------------
  interface CycleIndex {
    /** principal id -> assigned role ids */
    assigned: Map<string, string[]>;
    /** user id -> the assigned groups it is a direct member of */
    assignedGroupsOf: Map<string, string[]>;
  }
  const buildIndex = (): CycleIndex => {
    const assigned = new Map<string, string[]>();
    const assignedGroupsOf = new Map<string, string[]>();
    for (const a of tenant.listAssignments(app.id)) {
      const roles = assigned.get(a.principalId);
      if (roles) roles.push(a.appRoleId);
      else {
        assigned.set(a.principalId, [a.appRoleId]);
        if (a.principalType !== 'Group') continue;
        // Direct members only: Entra does not provision the members of nested groups.
        for (const m of tenant.listMembers(a.principalId)) {
          if (m.type !== 'user') continue;
          const groups = assignedGroupsOf.get(m.object.id);
          if (groups) groups.push(a.principalId);
          else assignedGroupsOf.set(m.object.id, [a.principalId]);
        }
      }
    }
    return { assigned, assignedGroupsOf };
  };
  const effectiveRoles = (index: CycleIndex, userId: string): string[] => {
    const roles = [...(index.assigned.get(userId) ?? [])];
    for (const groupId of index.assignedGroupsOf.get(userId) ?? [])
      roles.push(...(index.assigned.get(groupId) ?? []));
    return roles;
  };
  const entitled = (roles: readonly string[]): boolean =>
    options.skipDefaultAccessRole ? roles.some((r) => r !== DEFAULT_ACCESS_APP_ROLE_ID) : roles.length > 0;
  const appRoleAssignments = (roles: readonly string[]) =>
    roles
      .filter((r) => r !== DEFAULT_ACCESS_APP_ROLE_ID)
      .map((r) => app.appRoles.find((role) => role.id === r))
      .filter((r) => r !== undefined)
      .map((r) => ({ id: r.id, displayName: r.displayName, value: r.value }));

  // -- test connection -----------------------------------------------------------------------------
  const testConnection = async (): Promise<TestConnectionResult> => {
    const attribute = userMatching[0] ?? 'userName';
    const response = await client.request('GET', '/Users', {
      query: [['filter', `${attribute} eq ${quote(crypto.randomUUID())}`]],
    });
    const body = response.body as { schemas?: unknown; Resources?: unknown; totalResults?: unknown } | null;
    if (response.status === 401 || response.status === 403) {
      return {
        success: false,
        errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
        message: `You appear to have entered invalid credentials: the SCIM endpoint answered ${response.status}.`,
      };
    }
    if (response.status !== 200) {
      return {
        success: false,
        errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
        message: `The query for a random ${attribute} answered ${response.status === 0 ? 'nothing' : `HTTP ${response.status}`}; it must answer 200 with an empty ListResponse.`,
      };
    }
    const list =
      body !== null &&
      Array.isArray(body.schemas) &&
      body.schemas.includes('urn:ietf:params:scim:api:messages:2.0:ListResponse') &&
      body.totalResults === 0 &&
      (body.Resources === undefined || (Array.isArray(body.Resources) && body.Resources.length === 0));
    return list
      ? {
          success: true,
          errorCode: null,
          message: 'The supplied credentials are authorized to enable provisioning.',
        }
      : {
          success: false,
          errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
          message: `The query for a random ${attribute} must answer an empty ListResponse (totalResults 0); got ${response.text.slice(0, 200)}`,
        };
  };

  // -- the cycle -----------------------------------------------------------------------------------
  type UserPlan =
    | { kind: 'provision'; userId: string; user: EntraUser; source: Record<string, unknown>; roles: string[] }
    | { kind: 'disable'; userId: string; reason: 'softDeleted' | 'unassigned' | 'outOfScope' }
    | { kind: 'delete'; userId: string }
    | { kind: 'skip'; userId: string; name: string; code: string; reason: string };
  type GroupPlan =
    | { kind: 'provision'; groupId: string; group: EntraGroup }
    | { kind: 'delete'; groupId: string; why: string }
    | { kind: 'skip'; groupId: string; name: string; code: string; reason: string };

  const execute = async (
    onDemand: {
      users: readonly string[];
      groups: readonly string[];
      initiator: ProvisioningInitiator;
    } | null,
  ): Promise<ProvisioningCycleSummary> => {
    const cycleId = crypto.randomUUID();
    const initial = onDemand === null && watermark === null;
    initiator = onDemand?.initiator ?? SERVICE_INITIATOR;
    // Microsoft: the aadOptscim062020 flag "currently doesn't work with on-demand provisioning".
    activeDialect = onDemand ? 'legacy' : dialect;
    const summary: ProvisioningCycleSummary = {
      cycleId,
      initial,
      created: 0,
      updated: 0,
      disabled: 0,
      deleted: 0,
      skipped: 0,
      failed: 0,
      staged: 0,
      status: 'Active',
    };
    const startSequence = tenant.sequence;
    const index = buildIndex();
    const deletedUsers = new Set(tenant.listDeletedItems('user').map((i) => i.object.id));
    const deletedGroups = new Set(tenant.listDeletedItems('group').map((i) => i.object.id));

    // 1. Candidates: everything on an initial cycle, what changed since the watermark otherwise.
    const userIds = new Set<string>();
    const groupIds = new Set<string>();
    if (onDemand) {
      for (const id of onDemand.users) userIds.add(id);
      for (const id of onDemand.groups) groupIds.add(id);
    } else if (initial) {
      for (const u of tenant.listUsers()) userIds.add(u.id);
      for (const id of userState.keys()) userIds.add(id);
      for (const g of tenant.listGroups()) groupIds.add(g.id);
      for (const id of groupState.keys()) groupIds.add(id);
    } else {
      for (const change of tenant.changesSince(watermark!)) {
        switch (change.kind) {
          case 'userCreated':
          case 'userUpdated':
          case 'userSoftDeleted':
          case 'userRestored':
          case 'userHardDeleted':
          case 'managerChanged':
            userIds.add(change.userId);
            break;
          case 'groupCreated':
          case 'groupUpdated':
            groupIds.add(change.groupId);
            break;
          case 'groupSoftDeleted':
          case 'groupRestored':
          case 'groupHardDeleted': {
            // Members in scope through this group are re-evaluated.
            groupIds.add(change.groupId);
            // A deleted group's members are hidden: when the group was not provisioned, every
            // provisioned user is re-evaluated (only real changes send requests).
            const members = groupState.get(change.groupId)?.members;
            for (const [id, s] of userState) if (!members || members.has(s.targetId)) userIds.add(id);
            if (tenant.findGroup(change.groupId)) {
              for (const m of tenant.listMembers(change.groupId))
                if (m.type === 'user') userIds.add(m.object.id);
            }
            break;
          }
          case 'memberAdded':
          case 'memberRemoved':
            groupIds.add(change.groupId);
            if (change.memberType === 'user') userIds.add(change.memberId);
            break;
          case 'appRoleAssigned':
          case 'appRoleUnassigned':
            if (change.servicePrincipalId !== app.id) break;
            if (change.principalType === 'User') userIds.add(change.principalId);
            else {
              groupIds.add(change.principalId);
              if (tenant.findGroup(change.principalId)) {
                for (const m of tenant.listMembers(change.principalId))
                  if (m.type === 'user') userIds.add(m.object.id);
              }
            }
            break;
          default:
            break;
        }
      }
    }
    const escrowExpiry = now() - 28 * DAY;
    for (const [key, entry] of onDemand ? [] : escrow) {
      if (entry.since < escrowExpiry) {
        escrow.delete(key);
        continue;
      }
      (entry.kind === 'user' ? userIds : groupIds).add(key);
    }
    for (const key of onDemand ? [] : staged) {
      if (userState.has(key)) userIds.add(key);
      if (groupState.has(key)) groupIds.add(key);
    }
    for (const key of onDemand ? [] : reevaluate) (tenant.findGroup(key) ? groupIds : userIds).add(key);
    if (!onDemand) reevaluate = new Set();

    // 2. Plan users.
    const userPlans: UserPlan[] = [];
    for (const userId of userIds) {
      const state = userState.get(userId);
      const user = tenant.findUser(userId);
      if (!user) {
        if (!state) continue;
        if (deletedUsers.has(userId)) {
          // Disabling is an update: it needs the Update target object action.
          if (state.active && actions.update)
            userPlans.push({ kind: 'disable', userId, reason: 'softDeleted' });
        } else if (actions.delete) userPlans.push({ kind: 'delete', userId });
        else userState.delete(userId);
        continue;
      }
      const roles = effectiveRoles(index, userId);
      const source = userSource(user, {
        managerId: tenant.getManager(userId)?.id ?? null,
        appRoleAssignments: appRoleAssignments(roles),
      });
      const assignedOk = scope === 'all' || entitled(roles);
      const filtersOk = isInScope(userFilters, source);
      if (assignedOk && filtersOk) {
        userPlans.push({ kind: 'provision', userId, user, source, roles });
        continue;
      }
      const reason = assignedOk ? 'outOfScope' : 'unassigned';
      if (state?.active && !options.skipOutOfScopeDeletions && actions.update) {
        userPlans.push({ kind: 'disable', userId, reason });
      } else {
        userPlans.push({
          kind: 'skip',
          userId,
          name: user.userPrincipalName,
          code: assignedOk ? 'NotInScope' : 'NotEffectivelyEntitled',
          reason: state?.active
            ? actions.update
              ? `The User is out of scope and SkipOutOfScopeDeletions is on, so it is not disabled in ${appName}.`
              : `The User is out of scope, but the Update action is off, so it is not disabled in ${appName}.`
            : assignedOk
              ? 'The User does not pass any scoping filter.'
              : `The User is not assigned to ${app.displayName}${options.skipDefaultAccessRole ? ' with a role other than Default Access' : ''}.`,
        });
      }
    }

    // 3. Plan groups.
    const groupPlans: GroupPlan[] = [];
    if (provisionGroups) {
      for (const groupId of groupIds) {
        const state = groupState.get(groupId);
        const group = tenant.findGroup(groupId);
        if (!group) {
          if (state && actions.delete)
            groupPlans.push({
              kind: 'delete',
              groupId,
              why: deletedGroups.has(groupId) ? 'deleted' : 'purged',
            });
          else if (state) groupState.delete(groupId);
          continue;
        }
        const assignedOk = scope === 'all' || entitled(index.assigned.get(groupId) ?? []);
        const filtersOk = isInScope(groupFilters, groupSource(group));
        if (assignedOk && filtersOk) groupPlans.push({ kind: 'provision', groupId, group });
        else if (state && actions.delete && !options.skipOutOfScopeDeletions)
          groupPlans.push({ kind: 'delete', groupId, why: assignedOk ? 'out of scope' : 'unassigned' });
        else if (!state)
          groupPlans.push({
            kind: 'skip',
            groupId,
            name: group.displayName,
            code: assignedOk ? 'NotInScope' : 'NotEffectivelyEntitled',
            reason: assignedOk
              ? 'The Group does not pass any scoping filter.'
              : `The Group is not assigned to ${app.displayName}.`,
          });
      }
    }

    // 4. Accidental deletions: too many disables and deletes in one cycle are held back.
    // Disabling a user (accountEnabled false) counts as much as unassigning it.
    const blocksSignIn = (p: UserPlan): boolean =>
      p.kind === 'provision' && !p.user.accountEnabled && userState.get(p.userId)?.active === true;
    const removals =
      userPlans.filter((p) => p.kind === 'disable' || p.kind === 'delete' || blocksSignIn(p)).length +
      groupPlans.filter((p) => p.kind === 'delete').length;
    const threshold = options.accidentalDeletionThreshold ?? null;
    // Provision on demand is an admin's explicit action: the guard applies to scheduled cycles.
    const holdRemovals = !onDemand && threshold !== null && removals > threshold && !deletesAllowed;
    if (!onDemand) {
      deletesAllowed = false;
      staged = new Set();
    }
    let quarantined = quarantine?.reason === 'TooManyDeletes' && holdRemovals ? quarantine : null;

    let attempted = 0;
    let failures = 0;
    let credentialFailure: Failure | null = null;
    const createdUsers = new Set<string>();
    const touchedUsers = new Set<string>();
    const removedTargets = new Set<string>();

    const changeIdOf = (key: string): string => escrow.get(key)?.changeId ?? crypto.randomUUID();
    const fail = (key: string, kind: 'user' | 'group', failure: Failure, changeId: string): void => {
      failures++;
      summary.failed++;
      if (!escrow.has(key)) escrow.set(key, { kind, since: now(), changeId });
      if (failure.quarantine) credentialFailure = failure;
    };
    const succeed = (key: string): void => {
      escrow.delete(key);
    };

    options.onProgress?.({
      type: 'cycleStarted',
      cycleId,
      initial,
      total: userPlans.length + groupPlans.length,
    });

    // 5. Users.
    for (const plan of userPlans) {
      if (credentialFailure) break;
      const started = now();
      const changeId = changeIdOf(plan.userId);
      const state = userState.get(plan.userId);
      if (plan.kind === 'skip') {
        summary.skipped++;
        log({
          cycleId,
          changeId,
          action: 'other',
          status: 'skipped',
          type: 'User',
          sourceId: plan.userId,
          sourceName: plan.name,
          targetId: state?.targetId ?? '',
          started,
          modified: [],
          failure: { code: plan.code, reason: plan.reason, details: null, quarantine: false },
          steps: [
            step(
              'EntryImportUpdate',
              'import',
              'success',
              `Received User '${plan.name}' change of type (Update) from Azure Active Directory`,
            ),
            step(
              'EntrySynchronizationScoping',
              'scoping',
              'skipped',
              'Determine if User in scope by evaluating against each scoping filter',
              { Reason: plan.code },
            ),
            step(
              'EntrySynchronizationSkipped',
              'processing',
              'skipped',
              `The User '${plan.name}' will be skipped. ${plan.reason}`,
            ),
          ],
        });
        continue;
      }
      if (plan.kind === 'disable' || plan.kind === 'delete') {
        const s = state!;
        const verb = plan.kind === 'disable' ? 'Disable' : 'Delete';
        const importStep = step(
          plan.kind === 'delete' || plan.reason === 'softDeleted' ? 'EntryImportDelete' : 'EntryImportUpdate',
          'import',
          'success',
          `Received User '${s.name}' change of type (${plan.kind === 'delete' || plan.reason === 'softDeleted' ? 'Delete' : 'Update'}) from Azure Active Directory`,
        );
        if (holdRemovals) {
          staged.add(plan.userId);
          summary.staged++;
          log({
            cycleId,
            changeId,
            action: 'stagedDelete',
            status: 'skipped',
            type: 'User',
            sourceId: plan.userId,
            sourceName: s.name,
            targetId: s.targetId,
            started,
            modified: [],
            failure: {
              code: 'AccidentalDeletionThresholdExceeded',
              reason: `This cycle would disable or delete ${removals} objects, more than the accidental deletion threshold of ${threshold}; an admin must allow the deletions.`,
              details: null,
              quarantine: false,
            },
            steps: [
              importStep,
              step(
                `EntryExport${verb}`,
                'export',
                'skipped',
                `The ${verb.toLowerCase()} of User '${s.name}' was staged: the accidental deletion threshold was exceeded`,
              ),
            ],
          });
          continue;
        }
        attempted++;
        touchedUsers.add(plan.userId);
        try {
          if (plan.kind === 'disable') {
            const changes: AttributeChange[] = [{ op: 'replace', path: 'active', value: false }];
            await send('PATCH', `/Users/${encodeURIComponent(s.targetId)}`, {
              body: buildUserPatch(activeDialect, changes),
            });
            s.active = false;
            s.values.set('active', false);
            summary.disabled++;
          } else {
            await send('DELETE', `/Users/${encodeURIComponent(s.targetId)}`);
            userState.delete(plan.userId);
            removedTargets.add(s.targetId);
            summary.deleted++;
          }
          succeed(plan.userId);
          log({
            cycleId,
            changeId,
            action: plan.kind,
            status: 'success',
            type: 'User',
            sourceId: plan.userId,
            sourceName: s.name,
            targetId: s.targetId,
            started,
            modified:
              plan.kind === 'disable' ? [{ displayName: 'active', oldValue: 'True', newValue: 'False' }] : [],
            steps: [
              importStep,
              step(
                'EntrySynchronizationScoping',
                'scoping',
                'success',
                plan.kind === 'disable'
                  ? `The User is ${plan.reason === 'softDeleted' ? 'soft-deleted' : plan.reason === 'unassigned' ? 'no longer assigned' : 'out of scope'}`
                  : 'The User was permanently deleted',
              ),
              step(
                `EntryExport${verb}`,
                'export',
                'success',
                `User '${s.name}' was ${plan.kind === 'disable' ? 'disabled' : 'deleted'} in ${appName}`,
              ),
            ],
          });
        } catch (error) {
          if (!(error instanceof RequestFailed)) throw error;
          fail(plan.userId, 'user', error.failure, changeId);
          log({
            cycleId,
            changeId,
            action: plan.kind,
            status: 'failure',
            type: 'User',
            sourceId: plan.userId,
            sourceName: s.name,
            targetId: s.targetId,
            started,
            modified: [],
            failure: error.failure,
            steps: [
              importStep,
              step(
                `EntryExport${verb}`,
                'export',
                'failure',
                `Failed to ${verb.toLowerCase()} User '${s.name}' in ${appName}: ${error.failure.reason}`,
              ),
            ],
          });
        }
        continue;
      }

      // provision: match, then create or update
      if (holdRemovals && blocksSignIn(plan)) {
        staged.add(plan.userId);
        summary.staged++;
        log({
          cycleId,
          changeId,
          action: 'stagedDelete',
          status: 'skipped',
          type: 'User',
          sourceId: plan.userId,
          sourceName: plan.user.userPrincipalName,
          targetId: state!.targetId,
          started,
          modified: [],
          failure: {
            code: 'AccidentalDeletionThresholdExceeded',
            reason: `This cycle would disable or delete ${removals} objects, more than the accidental deletion threshold of ${threshold}; an admin must allow the deletions.`,
            details: null,
            quarantine: false,
          },
          steps: [
            step(
              'EntryImportUpdate',
              'import',
              'success',
              `Received User '${plan.user.userPrincipalName}' change of type (Update) from Azure Active Directory`,
            ),
            step(
              'EntryExportUpdate',
              'export',
              'skipped',
              `The disable of User '${plan.user.userPrincipalName}' was staged: the accidental deletion threshold was exceeded`,
            ),
          ],
        });
        continue;
      }
      attempted++;
      touchedUsers.add(plan.userId);
      const name = plan.user.userPrincipalName;
      const importStep = step(
        state ? 'EntryImportUpdate' : 'EntryImportAdd',
        'import',
        'success',
        `Received User '${name}' change of type (${state ? 'Update' : 'Add'}) from Azure Active Directory`,
      );
      const scopingStep = step(
        'EntrySynchronizationScoping',
        'scoping',
        'success',
        'Determine if User in scope by evaluating against each scoping filter',
        {
          Active: plan.user.accountEnabled ? 'True' : 'False',
          'Assigned to the application': plan.roles.length > 0 ? 'True' : 'False',
          'Scoping filter evaluation passed': 'True',
        },
      );
      const steps: ProvisioningStep[] = [importStep, scopingStep];
      let targetId = state?.targetId ?? '';
      try {
        const resolve = { resolveReference: ({ value }: { value: string }) => value };
        if (!state) {
          const createResource = users.compiled.evaluate(plan.source, { operation: 'create', ...resolve });
          const desired = flatten(createResource, userTargets, CORE_USER);
          let found: Record<string, unknown> | undefined;
          let matchedBy = '';
          for (const attribute of userMatching) {
            const value = desired.get(attribute);
            if (value === undefined) continue;
            const hits = await query('Users', attribute, String(value));
            matchedBy = `${attribute} '${String(value)}'`;
            if (hits.length > 1) {
              throw new RequestFailed({
                code: 'DuplicateTargetEntries',
                reason: `More than one User in ${appName} matches ${matchedBy}; matching attributes must be unique in the target.`,
                details: null,
                quarantine: false,
              });
            }
            if (hits.length === 1) {
              found = hits[0];
              break;
            }
          }
          steps.push(
            step(
              found ? 'EntrySynchronizationUpdate' : 'EntrySynchronizationAdd',
              'matching',
              'success',
              found
                ? `User '${name}' was found in ${appName} with ${matchedBy}`
                : `Searched for a User in ${appName} with ${matchedBy || 'its matching attributes'}; none was found`,
            ),
          );
          if (found) {
            targetId = String(found.id);
            const current = flatten(found, userTargets, CORE_USER);
            const foundManager = managerTarget ? current.get(managerTarget) : undefined;
            const updateResource = users.compiled.evaluate(plan.source, { operation: 'update', ...resolve });
            const after = flatten(updateResource, userTargets, CORE_USER);
            if (managerTarget) {
              after.delete(managerTarget);
              current.delete(managerTarget);
            }
            // A matched object gets the mapped values that differ; what the target has beyond them stays.
            const changes = actions.update
              ? diff(current, after, userTargets, userCreateOnly).filter((c) => c.op !== 'remove')
              : [];
            if (changes.length > 0) {
              await send('PATCH', `/Users/${encodeURIComponent(targetId)}`, {
                body: buildUserPatch(activeDialect, changes),
              });
            }
            userState.set(plan.userId, {
              targetId,
              values: actions.update ? after : current,
              active: (actions.update ? after : current).get('active') !== false,
              manager: foundManager === undefined ? null : (display(foundManager) ?? null),
              name,
            });
            summary.updated++;
            steps.push(
              step(
                'EntryExportUpdate',
                'export',
                'success',
                changes.length > 0
                  ? `User '${name}' was updated in ${appName}`
                  : `User '${name}' already matched in ${appName}; nothing to change`,
              ),
            );
            log({
              cycleId,
              changeId,
              action: 'update',
              status: 'success',
              type: 'User',
              sourceId: plan.userId,
              sourceName: name,
              targetId,
              started,
              modified: modifiedOf(changes, current),
              steps,
            });
          } else if (!actions.create) {
            summary.skipped++;
            steps.push(
              step(
                'EntrySynchronizationSkipped',
                'processing',
                'skipped',
                `Creating Users is off for ${appName}`,
              ),
            );
            log({
              cycleId,
              changeId,
              action: 'create',
              status: 'skipped',
              type: 'User',
              sourceId: plan.userId,
              sourceName: name,
              targetId: '',
              started,
              modified: [],
              steps,
            });
          } else {
            const body: Record<string, unknown> = { ...createResource };
            if (managerTarget) deleteTarget(body, managerTarget, CORE_USER);
            // As in Microsoft's Create User example, the work email is the primary one.
            if (Array.isArray(body.emails)) {
              body.emails = body.emails.map((e: Record<string, unknown>) =>
                e.type === 'work' && e.primary === undefined ? { primary: true, ...e } : e,
              );
            }
            body.meta = { resourceType: 'User' };
            const response = await send('POST', '/Users', { body });
            const created = response.body as { id?: unknown } | null;
            if (!created || typeof created.id !== 'string' || created.id === '') {
              throw new RequestFailed({
                code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
                reason: 'The response to POST /Users has no id.',
                details: response.text,
                quarantine: false,
              });
            }
            targetId = created.id;
            const values = new Map(desired);
            if (managerTarget) values.delete(managerTarget);
            userState.set(plan.userId, {
              targetId,
              values,
              active: values.get('active') !== false,
              manager: null,
              name,
            });
            createdUsers.add(plan.userId);
            summary.created++;
            steps.push(
              step('EntryExportAdd', 'export', 'success', `User '${name}' was created in ${appName}`),
            );
            log({
              cycleId,
              changeId,
              action: 'create',
              status: 'success',
              type: 'User',
              sourceId: plan.userId,
              sourceName: name,
              targetId,
              started,
              steps,
              modified: [...values].map(([k, v]) => ({
                displayName: k,
                oldValue: null,
                newValue: display(v),
              })),
            });
          }
        } else {
          const updateResource = users.compiled.evaluate(plan.source, { operation: 'update', ...resolve });
          const after = flatten(updateResource, userTargets, CORE_USER);
          if (managerTarget) after.delete(managerTarget);
          const before = state.values;
          const changes = actions.update ? diff(before, after, userTargets, userCreateOnly) : [];
          // Disabled by the service (unassigned, out of scope, soft-deleted) and back in scope: when no
          // mapping targets `active`, the service still turns the account back on.
          if (actions.update && !state.active && !after.has('active')) {
            changes.push({ op: 'replace', path: 'active', value: true });
          }
          state.name = name;
          if (changes.length === 0) {
            succeed(plan.userId);
            continue;
          }
          steps.push(
            step(
              'EntrySynchronizationUpdate',
              'matching',
              'success',
              `User '${name}' is provisioned in ${appName} with id '${state.targetId}'`,
            ),
          );
          const modified = modifiedOf(changes, before);
          await send('PATCH', `/Users/${encodeURIComponent(state.targetId)}`, {
            body: buildUserPatch(activeDialect, changes),
          });
          for (const c of changes) {
            if (c.op === 'remove') before.delete(c.path);
            else before.set(c.path, c.value);
          }
          const wasActive = state.active;
          state.active = before.get('active') !== false;
          const onlyDisable =
            changes.length === 1 && changes[0]!.path === 'active' && changes[0]!.value === false;
          if (onlyDisable) summary.disabled++;
          else summary.updated++;
          steps.push(
            step(
              'EntryExportUpdate',
              'export',
              'success',
              `User '${name}' was ${onlyDisable ? 'disabled' : !wasActive && state.active ? 're-enabled and updated' : 'updated'} in ${appName}`,
            ),
          );
          log({
            cycleId,
            changeId,
            action: onlyDisable ? 'disable' : 'update',
            status: 'success',
            type: 'User',
            sourceId: plan.userId,
            sourceName: name,
            targetId: state.targetId,
            started,
            modified,
            steps,
          });
        }
        succeed(plan.userId);
      } catch (error) {
        if (!(error instanceof RequestFailed)) throw error;
        fail(plan.userId, 'user', error.failure, changeId);
        steps.push(
          step(
            state ? 'EntryExportUpdate' : 'EntryExportAdd',
            'export',
            'failure',
            `Failed to provision User '${name}' in ${appName}: ${error.failure.reason}`,
          ),
        );
        log({
          cycleId,
          changeId,
          action: state ? 'update' : 'create',
          status: 'failure',
          type: 'User',
          sourceId: plan.userId,
          sourceName: name,
          targetId,
          started,
          modified: [],
          failure: error.failure,
          steps,
        });
      }
    }

    // 6. References: managers, once every user of the cycle exists in the target.
    if (managerTarget && !credentialFailure && actions.update) {
      const check = new Set(touchedUsers);
      if (createdUsers.size > 0) {
        // Users whose manager was created in this cycle get their manager reference now.
        for (const userId of userState.keys()) {
          const managerId = tenant.findUser(userId) ? tenant.getManager(userId)?.id : undefined;
          if (managerId !== undefined && createdUsers.has(managerId)) check.add(userId);
        }
      }
      for (const userId of check) {
        if (credentialFailure) break;
        const state = userState.get(userId);
        const user = tenant.findUser(userId);
        if (!state || !user || !state.active) continue;
        const managerId = tenant.getManager(userId)?.id ?? null;
        const desired = managerId === null ? null : (userState.get(managerId)?.targetId ?? null);
        if (desired === state.manager) continue;
        const started = now();
        const changeId = crypto.randomUUID();
        const change: AttributeChange =
          desired === null
            ? { op: 'remove', path: managerTarget }
            : {
                op: state.manager === null ? 'add' : 'replace',
                path: managerTarget,
                value: /\.value$/i.test(managerTarget) ? desired : { value: desired },
              };
        const steps = [
          step(
            'EntryImportUpdate',
            'import',
            'success',
            `Received User '${state.name}' change of type (Update) from Azure Active Directory`,
          ),
          step(
            'EntryReferenceResolution',
            'referenceResolution',
            'success',
            desired === null
              ? 'The manager is no longer set or provisioned'
              : `Resolved the manager to id '${desired}' in ${appName}`,
          ),
        ];
        try {
          await send('PATCH', `/Users/${encodeURIComponent(state.targetId)}`, {
            body: buildUserPatch(activeDialect, [change]),
          });
          const old = state.manager;
          state.manager = desired;
          summary.updated++;
          steps.push(
            step('EntryExportUpdate', 'export', 'success', `User '${state.name}' was updated in ${appName}`),
          );
          log({
            cycleId,
            changeId,
            action: 'update',
            status: 'success',
            type: 'User',
            sourceId: userId,
            sourceName: state.name,
            targetId: state.targetId,
            started,
            modified: [{ displayName: managerTarget, oldValue: old, newValue: desired }],
            steps,
          });
        } catch (error) {
          if (!(error instanceof RequestFailed)) throw error;
          // A reference failure: logged, escrowed, but not counted toward the quarantine proportion.
          summary.failed++;
          if (error.failure.quarantine) credentialFailure = error.failure;
          else if (!escrow.has(userId)) escrow.set(userId, { kind: 'user', since: now(), changeId });
          steps.push(
            step(
              'EntryExportUpdate',
              'export',
              'failure',
              `Failed to update the manager of User '${state.name}': ${error.failure.reason}`,
            ),
          );
          log({
            cycleId,
            changeId,
            action: 'update',
            status: 'failure',
            type: 'User',
            sourceId: userId,
            sourceName: state.name,
            targetId: state.targetId,
            started,
            modified: [],
            failure: error.failure,
            steps,
          });
        }
      }
    }

    // 7. Groups.
    if (provisionGroups) {
      // Groups whose members' target state changed this cycle are re-evaluated.
      const groupsOf = new Map<string, EntraGroup[]>();
      if (createdUsers.size > 0) {
        for (const g of tenant.listGroups()) {
          for (const m of tenant.listMembers(g.id)) {
            if (m.type !== 'user' || !createdUsers.has(m.object.id)) continue;
            const list = groupsOf.get(m.object.id);
            if (list) list.push(g);
            else groupsOf.set(m.object.id, [g]);
          }
        }
      }
      for (const userId of createdUsers)
        for (const g of groupsOf.get(userId) ?? [])
          if (
            !groupIds.has(g.id) &&
            (groupState.has(g.id) || scope === 'all' || entitled(index.assigned.get(g.id) ?? []))
          ) {
            groupIds.add(g.id);
            const group = tenant.findGroup(g.id);
            if (
              group &&
              isInScope(groupFilters, groupSource(group)) &&
              (scope === 'all' || entitled(index.assigned.get(g.id) ?? []))
            )
              groupPlans.push({ kind: 'provision', groupId: g.id, group });
          }
      for (const state of groupState.values()) for (const id of removedTargets) state.members.delete(id);
      for (const plan of groupPlans) {
        if (credentialFailure) break;
        const started = now();
        const changeId = changeIdOf(plan.groupId);
        const state = groupState.get(plan.groupId);
        if (plan.kind === 'skip') {
          summary.skipped++;
          log({
            cycleId,
            changeId,
            action: 'other',
            status: 'skipped',
            type: 'Group',
            sourceId: plan.groupId,
            sourceName: plan.name,
            targetId: '',
            started,
            modified: [],
            failure: { code: plan.code, reason: plan.reason, details: null, quarantine: false },
            steps: [
              step(
                'EntryImportUpdate',
                'import',
                'success',
                `Received Group '${plan.name}' change of type (Update) from Azure Active Directory`,
              ),
              step(
                'EntrySynchronizationScoping',
                'scoping',
                'skipped',
                'Determine if Group in scope by evaluating against each scoping filter',
                { Reason: plan.code },
              ),
              step(
                'EntrySynchronizationSkipped',
                'processing',
                'skipped',
                `The Group '${plan.name}' will be skipped. ${plan.reason}`,
              ),
            ],
          });
          continue;
        }
        if (plan.kind === 'delete') {
          const s = state!;
          const importStep = step(
            'EntryImportDelete',
            'import',
            'success',
            `Received Group '${s.name}' change of type (Delete) from Azure Active Directory`,
          );
          if (holdRemovals) {
            staged.add(plan.groupId);
            summary.staged++;
            log({
              cycleId,
              changeId,
              action: 'stagedDelete',
              status: 'skipped',
              type: 'Group',
              sourceId: plan.groupId,
              sourceName: s.name,
              targetId: s.targetId,
              started,
              modified: [],
              failure: {
                code: 'AccidentalDeletionThresholdExceeded',
                reason: `This cycle would disable or delete ${removals} objects, more than the accidental deletion threshold of ${threshold}.`,
                details: null,
                quarantine: false,
              },
              steps: [
                importStep,
                step(
                  'EntryExportDelete',
                  'export',
                  'skipped',
                  `The delete of Group '${s.name}' was staged: the accidental deletion threshold was exceeded`,
                ),
              ],
            });
            continue;
          }
          attempted++;
          try {
            await send('DELETE', `/Groups/${encodeURIComponent(s.targetId)}`);
            groupState.delete(plan.groupId);
            succeed(plan.groupId);
            summary.deleted++;
            log({
              cycleId,
              changeId,
              action: 'delete',
              status: 'success',
              type: 'Group',
              sourceId: plan.groupId,
              sourceName: s.name,
              targetId: s.targetId,
              started,
              modified: [],
              steps: [
                importStep,
                step(
                  'EntryExportDelete',
                  'export',
                  'success',
                  `Group '${s.name}' was deleted in ${appName} (${plan.why})`,
                ),
              ],
            });
          } catch (error) {
            if (!(error instanceof RequestFailed)) throw error;
            fail(plan.groupId, 'group', error.failure, changeId);
            log({
              cycleId,
              changeId,
              action: 'delete',
              status: 'failure',
              type: 'Group',
              sourceId: plan.groupId,
              sourceName: s.name,
              targetId: s.targetId,
              started,
              modified: [],
              failure: error.failure,
              steps: [importStep, step('EntryExportDelete', 'export', 'failure', error.failure.reason)],
            });
          }
          continue;
        }
        attempted++;
        const name = plan.group.displayName;
        const steps: ProvisioningStep[] = [
          step(
            state ? 'EntryImportUpdate' : 'EntryImportAdd',
            'import',
            'success',
            `Received Group '${name}' change of type (${state ? 'Update' : 'Add'}) from Azure Active Directory`,
          ),
          step(
            'EntrySynchronizationScoping',
            'scoping',
            'success',
            'Determine if Group in scope by evaluating against each scoping filter',
          ),
        ];
        const desiredMembers = new Set<string>();
        if (membersTarget) {
          for (const m of tenant.listMembers(plan.groupId)) {
            if (m.type !== 'user') continue; // nested groups are not provisioned
            const s = userState.get(m.object.id);
            if (s) desiredMembers.add(s.targetId);
          }
        }
        let targetId = state?.targetId ?? '';
        try {
          const source = groupSource(plan.group);
          let current = state;
          let action: ProvisioningAction = 'update';
          let matched = false;
          const modified: ModifiedProperty[] = [];
          if (!current) {
            const createResource = groups.compiled.evaluate(source, { operation: 'create' });
            if (membersTarget) deleteTarget(createResource, membersTarget, CORE_GROUP);
            const desired = flatten(createResource, groupTargets, CORE_GROUP);
            let found: Record<string, unknown> | undefined;
            let matchedBy = '';
            for (const attribute of groupMatching) {
              const value = desired.get(attribute);
              if (value === undefined) continue;
              const hits = await query('Groups', attribute, String(value));
              matchedBy = `${attribute} '${String(value)}'`;
              if (hits.length > 1)
                throw new RequestFailed({
                  code: 'DuplicateTargetEntries',
                  reason: `More than one Group in ${appName} matches ${matchedBy}.`,
                  details: null,
                  quarantine: false,
                });
              if (hits.length === 1) {
                found = hits[0];
                break;
              }
            }
            steps.push(
              step(
                found ? 'EntrySynchronizationUpdate' : 'EntrySynchronizationAdd',
                'matching',
                'success',
                found
                  ? `Group '${name}' was found in ${appName} with ${matchedBy}`
                  : `Searched for a Group in ${appName} with ${matchedBy}; none was found`,
              ),
            );
            if (found) {
              targetId = String(found.id);
              current = {
                targetId,
                values: flatten(found, groupTargets, CORE_GROUP),
                members: new Set(),
                name,
              };
              matched = true;
            } else if (!actions.create) {
              summary.skipped++;
              log({
                cycleId,
                changeId,
                action: 'create',
                status: 'skipped',
                type: 'Group',
                sourceId: plan.groupId,
                sourceName: name,
                targetId: '',
                started,
                modified: [],
                steps,
              });
              continue;
            } else {
              const body: Record<string, unknown> = { ...createResource };
              body.schemas = [...new Set([...((body.schemas as string[]) ?? [CORE_GROUP]), ADSCIM_GROUP])];
              body.meta = { resourceType: 'Group' };
              const response = await send('POST', '/Groups', { body });
              const created = response.body as { id?: unknown } | null;
              if (!created || typeof created.id !== 'string' || created.id === '') {
                throw new RequestFailed({
                  code: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
                  reason: 'The response to POST /Groups has no id.',
                  details: response.text,
                  quarantine: false,
                });
              }
              targetId = created.id;
              current = { targetId, values: desired, members: new Set(), name };
              action = 'create';
              for (const [k, v] of desired)
                modified.push({ displayName: k, oldValue: null, newValue: display(v) });
            }
            groupState.set(plan.groupId, current);
          }
          if (action === 'update' && actions.update) {
            const after = flatten(
              groups.compiled.evaluate(source, { operation: 'update' }),
              groupTargets,
              CORE_GROUP,
            );
            if (membersTarget) after.delete(membersTarget);
            const changes = diff(current.values, after, groupTargets, groupCreateOnly).filter(
              (c) => !matched || c.op !== 'remove',
            );
            if (changes.length > 0) {
              await send('PATCH', `/Groups/${encodeURIComponent(current.targetId)}`, {
                body: buildUserPatch(activeDialect, changes),
              });
              modified.push(
                ...changes.map((c) => ({
                  displayName: c.path,
                  oldValue: display(current!.values.get(c.path)),
                  newValue: display(c.value),
                })),
              );
              for (const c of changes) {
                if (c.op === 'remove') current.values.delete(c.path);
                else current.values.set(c.path, c.value);
              }
            }
          }
          current.name = name;
          if (membersTarget && actions.update) {
            const add = [...desiredMembers].filter((id) => !current.members.has(id));
            const remove = [...current.members].filter((id) => !desiredMembers.has(id));
            for (let i = 0; i < add.length; i += batchSize) {
              const batch = add.slice(i, i + batchSize);
              await send('PATCH', `/Groups/${encodeURIComponent(current.targetId)}`, {
                body: buildAddMembersPatch(activeDialect, batch),
              });
              for (const id of batch) current.members.add(id);
            }
            if (remove.length > 0) {
              await send('PATCH', `/Groups/${encodeURIComponent(current.targetId)}`, {
                body: buildRemoveMembersPatch(activeDialect, remove),
              });
              for (const id of remove) current.members.delete(id);
            }
            if (add.length > 0)
              modified.push({ displayName: 'members', oldValue: null, newValue: add.join(',') });
            if (remove.length > 0)
              modified.push({ displayName: 'members', oldValue: remove.join(','), newValue: null });
          }
          succeed(plan.groupId);
          if (action === 'create') summary.created++;
          else if (modified.length > 0) summary.updated++;
          else continue;
          steps.push(
            step(
              action === 'create' ? 'EntryExportAdd' : 'EntryExportUpdate',
              'export',
              'success',
              `Group '${name}' was ${action === 'create' ? 'created' : 'updated'} in ${appName}`,
            ),
          );
          log({
            cycleId,
            changeId,
            action,
            status: 'success',
            type: 'Group',
            sourceId: plan.groupId,
            sourceName: name,
            targetId,
            started,
            modified,
            steps,
          });
        } catch (error) {
          if (!(error instanceof RequestFailed)) throw error;
          fail(plan.groupId, 'group', error.failure, changeId);
          steps.push(
            step(
              state ? 'EntryExportUpdate' : 'EntryExportAdd',
              'export',
              'failure',
              `Failed to provision Group '${name}' in ${appName}: ${error.failure.reason}`,
            ),
          );
          log({
            cycleId,
            changeId,
            action: state ? 'update' : 'create',
            status: 'failure',
            type: 'Group',
            sourceId: plan.groupId,
            sourceName: name,
            targetId,
            started,
            modified: [],
            failure: error.failure,
            steps,
          });
        }
      }
    }

    if (onDemand) {
      summary.status = status().code;
      options.onProgress?.({ type: 'cycleCompleted', cycleId, summary });
      return summary;
    }

    // 8. Watermark, quarantine and schedule.
    cycles++;
    const at = now();
    const failure = credentialFailure as Failure | null;
    if (failure) {
      quarantined = startQuarantine('EncounteredQuarantineException', failure, at);
    } else if (
      failures >= thresholds.minimumFailures &&
      (failures > thresholds.maximumFailures || failures / Math.max(1, attempted) > thresholds.failureRatio)
    ) {
      quarantined = startQuarantine(
        'EncounteredEscrowProportionThreshold',
        {
          code: 'EncounteredEscrowProportionThreshold',
          reason: `${failures} of ${attempted} provisioning events failed in this cycle.`,
          details: null,
          quarantine: false,
        },
        at,
      );
    } else if (holdRemovals) {
      quarantined = startQuarantine(
        'TooManyDeletes',
        {
          code: 'TooManyDeletes',
          reason: `The cycle would disable or delete ${removals} objects; the threshold is ${threshold}.`,
          details: null,
          quarantine: false,
        },
        at,
      );
    }
    if (!quarantined) {
      quarantine = null;
      quarantineStart = null;
    }
    if (!failure) {
      watermark = startSequence;
      lastRun = at;
    }
    nextRun =
      quarantine && quarantineStart !== null
        ? quarantineStart + retryOffset(quarantine.seriesCount)
        : at + PROVISIONING_INTERVAL_MS;
    // Microsoft: a job in quarantine for more than four weeks is disabled.
    if (quarantine && quarantineStart !== null && at - quarantineStart >= 28 * DAY) paused = true;
    summary.status = status().code;
    options.onProgress?.({ type: 'cycleCompleted', cycleId, summary });
    return summary;
  };

  function startQuarantine(
    reason: QuarantineReason,
    failure: Failure,
    at: number,
  ): ProvisioningJobStatus['quarantine'] {
    const series = quarantine ? quarantine.seriesCount + 1 : 1;
    if (!quarantine || quarantineStart === null) quarantineStart = at;
    quarantine = {
      reason,
      currentBegan: new Date(quarantineStart).toISOString(),
      nextAttempt: new Date(quarantineStart + retryOffset(series)).toISOString(),
      seriesCount: series,
      error: { code: failure.code, message: failure.reason },
    };
    return quarantine;
  }

  /** Microsoft: retries 6 hours, 12 hours and 24 hours after the first failure, then every 24 hours. */
  function retryOffset(series: number): number {
    return series === 1 ? 6 * HOUR : series === 2 ? 12 * HOUR : (series - 2) * DAY;
  }

  // One run at a time: cycles and on-demand runs that overlap (say, two Graph calls that both find a
  // cycle due) wait for each other instead of provisioning the same changes twice.
  let lock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(run: () => Promise<T>): Promise<T> => {
    const next = lock.then(run, run);
    lock = next.catch(() => undefined);
    return next;
  };

  const job: ProvisioningJob = {
    id: jobId,
    dialect,
    logs,
    status,
    testConnection,
    runCycle: () => exclusive(() => execute(null)),
    async provisionOnDemand(
      subject,
      initiatedBy = { id: '', displayName: 'Provision on demand', initiatorType: 'user' },
    ) {
      const group = tenant.findGroup(subject.objectId);
      const user = group ? undefined : tenant.findUser(subject.objectId);
      if (!group && !user) {
        throw new ScimError(
          'notFound',
          `provisionOnDemand: no user or group '${subject.objectId}' in the tenant; pass the object id of an existing user or group`,
        );
      }
      let users: string[] = user ? [user.id] : [];
      if (group) {
        const members = tenant
          .listMembers(group.id)
          .filter((m) => m.type === 'user')
          .map((m) => m.object.id);
        const chosen = subject.members ?? members.slice(0, 5);
        if (chosen.length > 5 || chosen.some((id) => !members.includes(id))) {
          throw new ScimError(
            'invalidValue',
            `provisionOnDemand: pick at most 5 direct user members of group '${group.displayName}'`,
          );
        }
        users = chosen;
      }
      return exclusive(async () => {
        const first = logs.length;
        const summary = await execute({ users, groups: group ? [group.id] : [], initiator: initiatedBy });
        return { summary, logs: logs.slice(first) };
      });
    },
    runDueCycles() {
      return exclusive(async () => {
        const out: ProvisioningCycleSummary[] = [];
        if (paused) return out;
        if (nextRun === null) nextRun = now();
        while (!paused && nextRun !== null && now() >= nextRun) out.push(await execute(null));
        return out;
      });
    },
    pause() {
      paused = true;
    },
    start() {
      paused = false;
      if (nextRun === null) nextRun = now();
    },
    restart({ resetScope = false } = {}) {
      const scopes: readonly RestartScope[] =
        resetScope === true
          ? ['Full']
          : resetScope === false
            ? ['Watermark', 'Escrows', 'QuarantineState']
            : resetScope;
      const full = scopes.includes('Full');
      if (full || scopes.includes('Escrows')) {
        escrow = new Map();
        staged = new Set();
      }
      if (full || scopes.includes('QuarantineState')) {
        quarantine = null;
        quarantineStart = null;
      }
      if (full || scopes.includes('Watermark')) watermark = null;
      if (scopes.includes('ForceDeletes')) deletesAllowed = true;
      if (full || scopes.includes('ConnectorDataStore')) {
        userState = new Map();
        groupState = new Map();
      }
      paused = false;
      nextRun = now();
    },
    allowDeletes() {
      deletesAllowed = true;
      // The held-back deletions go out with the next cycle, which is due now.
      nextRun = now();
    },
    setUserScopingFilters(filters) {
      userFilters = filters;
      // Saving scoping filters triggers a full sync; the engine keeps what it provisioned so users
      // that fall out of scope are disabled.
      watermark = null;
    },
    setGroupScopingFilters(filters) {
      groupFilters = filters;
      watermark = null;
    },
    connections() {
      const out: ProvisioningConnection[] = [];
      for (const [sourceId, s] of userState) {
        out.push({ objectType: 'User', sourceId, targetId: s.targetId, displayName: s.name });
      }
      for (const [sourceId, s] of groupState) {
        out.push({ objectType: 'Group', sourceId, targetId: s.targetId, displayName: s.name });
      }
      return out;
    },
    clearConnection(objectId) {
      const linked = job.connections();
      const found =
        linked.find((c) => c.sourceId === objectId) ?? linked.find((c) => c.targetId === objectId);
      if (!found) return false;
      (found.objectType === 'User' ? userState : groupState).delete(found.sourceId);
      reevaluate.add(found.sourceId);
      return true;
    },
  };
  return job;
}

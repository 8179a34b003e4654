// The synchronization service behind Microsoft Graph's synchronization API: the jobs of a tenant's
// enterprise applications, their secrets and schemas, each backed by the provisioning engine. The
// Graph routes over it are in routes/sync-*.ts and routes/audit-logs.ts.
import {
  createProvisioningJob,
  type ProvisioningCycleSummary,
  type ProvisioningJob,
  type ProvisioningJobChanges,
  type ProvisioningJobOptions,
  type QuarantineThresholds,
} from '../engine/engine.ts';
import type { ProvisioningObjectSummary } from '../logs/types.ts';
import type { EntraTenant } from '../tenant/tenant.ts';
import { recordExecution } from './sync-status.ts';
import type { JobExecution, JobRecord } from './sync-types.ts';

/**
 * Options of {@link createSynchronization}: how the jobs it creates reach Tenant URLs and how they
 * fail, scaled for tests.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createGraphHandlers, createSynchronization, type SynchronizationOptions } from '@scim/entra-mock';
 * const options: SynchronizationOptions = { quarantine: { minimumFailures: 2 }, retry: { maxAttempts: 2 } };
 * const synchronization = createSynchronization(tenant, options);
 * setupServer(...createGraphHandlers(tenant, { synchronization })).listen(); // jobs started through Graph
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-overview
 */
export interface SynchronizationOptions {
  /** The fetch the jobs use to reach Tenant URLs; defaults to the global `fetch` (which MSW intercepts). */
  fetch?: ProvisioningJobOptions['fetch'];
  /** Retry settings of the jobs. */
  retry?: ProvisioningJobOptions['retry'];
  /** Quarantine thresholds of the jobs. */
  quarantine?: QuarantineThresholds;
  /** Members per group PATCH. */
  memberBatchSize?: number;
  /** Whether Graph calls to the synchronization endpoints first run the cycles that are due on the tenant's clock (default `true`). */
  runCyclesOnRequest?: boolean;
}

/**
 * The provisioning side of a simulated tenant as Graph sees it: the synchronization jobs of its
 * enterprise applications. Pass it to `createGraphHandlers(tenant, { synchronization })` to serve
 * it, and drive time with {@link Synchronization.runDueCycles}.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * const synchronization = createSynchronization(tenant);
 * const server = setupServer(
 *   ...createGraphHandlers(tenant, { synchronization }),
 *   mountFetchHandler('https://scim.example.test/scim', connector.fetch),
 * );
 * // a script creates a job, sets secrets and starts it through Graph; then:
 * clock.advance(40 * 60_000);
 * await synchronization.runDueCycles();
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-overview
 */
export interface Synchronization {
  /** The tenant. */
  readonly tenant: EntraTenant;
  /**
   * The engine behind a job, once the job has a BaseAddress secret.
   *
   * @param servicePrincipalId - the application
   * @param jobId - the job id
   * @returns the engine, or `undefined`
   */
  engine(servicePrincipalId: string, jobId: string): ProvisioningJob | undefined;
  /**
   * Every provisioning log entry of every job, oldest first.
   *
   * @returns the entries
   */
  logs(): ProvisioningObjectSummary[];
  /**
   * Runs the cycles that are due on the tenant's clock for every started job.
   *
   * @returns the cycle summaries
   */
  runDueCycles(): Promise<ProvisioningCycleSummary[]>;
}

/** What a Graph call changed on a job, to pass on to its engine. @internal */
export type JobChange = 'schema' | 'secrets' | 'settings' | 'restart';

/** The service's state, for the Graph routes. @internal */
export interface SynchronizationInternals {
  readonly jobs: Map<string, JobRecord>;
  readonly secrets: Map<string, Map<string, string>>;
  /** The synchronization rule id of each application's `scim` template, which its job uses too. */
  ruleIdOf(servicePrincipalId: string): string;
  readonly retired: ProvisioningObjectSummary[];
  readonly options: SynchronizationOptions;
  ensureEngine(record: JobRecord): ProvisioningJob | null;
  /**
   * Passes a change of the job's schema, secrets or settings to its engine, which keeps its links,
   * escrows and quarantine (a schema change restarts provisioning); before a restart, also the
   * scope saved in the secrets.
   */
  reconfigure(record: JobRecord, change: JobChange): void;
  /** Drops the job's engine (its logs are kept), when the job is deleted. */
  retire(record: JobRecord): void;
  runDue(): Promise<ProvisioningCycleSummary[]>;
}

const internals = new WeakMap<Synchronization, SynchronizationInternals>();

/** The state behind a service made by {@link createSynchronization}. @internal */
export function synchronizationInternals(sync: Synchronization): SynchronizationInternals {
  const found = internals.get(sync);
  if (!found) throw new TypeError('synchronization: pass a service made by createSynchronization');
  return found;
}

/** A cycle the engine ran, with what the job's status reports of it. */
function execution(
  engine: ProvisioningJob,
  began: string,
  ended: string,
  summary: ProvisioningCycleSummary,
): JobExecution {
  const status = engine.status();
  // A cycle stopped by a quarantine exception (credentials rejected) failed as a whole.
  const stopped =
    summary.status === 'Quarantine' && status.quarantine?.reason === 'EncounteredQuarantineException';
  return {
    began,
    ended,
    summary,
    escrowed: status.escrowsCount,
    error: stopped ? (status.quarantine?.error ?? null) : null,
  };
}

/**
 * Creates the synchronization service of a tenant: the jobs Graph's `synchronization` endpoints
 * create and drive, each backed by the provisioning engine ({@link createProvisioningJob}).
 *
 * @param tenant - the tenant
 * @param options - transport, retry and quarantine settings of the jobs
 * @returns the service
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * const synchronization = createSynchronization(tenant, { quarantine: { minimumFailures: 2 } });
 * setupServer(...createGraphHandlers(tenant, { synchronization }));
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-overview
 */
export function createSynchronization(
  tenant: EntraTenant,
  options: SynchronizationOptions = {},
): Synchronization {
  const jobs = new Map<string, JobRecord>();
  const secrets = new Map<string, Map<string, string>>();
  const ruleIds = new Map<string, string>();
  const ruleIdOf = (servicePrincipalId: string): string => {
    let id = ruleIds.get(servicePrincipalId);
    if (id === undefined) {
      id = crypto.randomUUID();
      ruleIds.set(servicePrincipalId, id);
    }
    return id;
  };
  const retired: ProvisioningObjectSummary[] = [];

  const savedOf = (record: JobRecord) => secrets.get(record.servicePrincipalId) ?? new Map<string, string>();
  const savedScope = (record: JobRecord): 'assigned' | 'all' =>
    /^true$/i.test(savedOf(record).get('SyncAll') ?? '') ? 'all' : 'assigned';
  const schemaOptions = (record: JobRecord) => ({
    userMappings: record.schema.users,
    groupMappings: record.schema.groups,
    userScopingFilters: record.schema.userFilters,
    groupScopingFilters: record.schema.groupFilters,
    actions: record.schema.actions,
    provisionGroups: record.schema.groupsEnabled,
  });
  const secretOptions = (record: JobRecord, baseAddress: string): ProvisioningJobChanges => {
    const saved = savedOf(record);
    const token = saved.get('SecretToken');
    return {
      tenantUrl: baseAddress,
      skipOutOfScopeDeletions: /^true$/i.test(saved.get('SkipOutOfScopeDeletions') ?? ''),
      ...(token ? { secretToken: token } : {}),
    };
  };
  const settingOptions = (record: JobRecord): ProvisioningJobChanges => {
    const deletes = record.settings.find((s) => s.name === 'QuarantineTooManyDeletes')?.value;
    const threshold = record.settings.find((s) => s.name === 'QuarantineTooManyDeletesThreshold')?.value;
    return { accidentalDeletionThreshold: /^true$/i.test(deletes ?? '') ? Number(threshold ?? 500) : null };
  };

  const ensureEngine = (record: JobRecord): ProvisioningJob | null => {
    if (record.engine) return record.engine;
    const baseAddress = savedOf(record).get('BaseAddress');
    if (!baseAddress) return null;
    record.scope = savedScope(record);
    const config: ProvisioningJobOptions = {
      tenant,
      servicePrincipalId: record.servicePrincipalId,
      jobId: record.id,
      scope: record.scope,
      tenantUrl: baseAddress,
      ...secretOptions(record, baseAddress),
      ...settingOptions(record),
      ...schemaOptions(record),
    };
    if (options.fetch) config.fetch = options.fetch;
    if (options.retry) config.retry = options.retry;
    if (options.quarantine) config.quarantine = options.quarantine;
    if (options.memberBatchSize) config.memberBatchSize = options.memberBatchSize;
    record.engine = createProvisioningJob(config);
    if (record.schedule === 'Active') record.engine.start();
    else record.engine.pause();
    return record.engine;
  };
  const reconfigure = (record: JobRecord, change: JobChange): void => {
    const engine = record.engine;
    const baseAddress = savedOf(record).get('BaseAddress');
    if (!engine || !baseAddress) return;
    if (change === 'schema') engine.reconfigure(schemaOptions(record));
    else if (change === 'secrets') engine.reconfigure(secretOptions(record, baseAddress));
    else if (change === 'settings') engine.reconfigure(settingOptions(record));
    else {
      record.scope = savedScope(record);
      engine.reconfigure({ scope: record.scope });
    }
  };
  const retire = (record: JobRecord): void => {
    if (record.engine) retired.push(...record.engine.logs);
    record.engine = null;
  };
  const runDue = async (): Promise<ProvisioningCycleSummary[]> => {
    const out: ProvisioningCycleSummary[] = [];
    for (const record of jobs.values()) {
      if (record.schedule !== 'Active') continue;
      const engine = ensureEngine(record);
      if (!engine) continue;
      const began = tenant.clock.now().toISOString();
      const summaries = await engine.runDueCycles();
      const ended = tenant.clock.now().toISOString();
      for (const summary of summaries)
        record.history = recordExecution(record.history, execution(engine, began, ended, summary));
      out.push(...summaries);
    }
    return out;
  };
  const sync: Synchronization = {
    tenant,
    engine(servicePrincipalId, jobId) {
      const record = jobs.get(jobId);
      return record && record.servicePrincipalId === servicePrincipalId
        ? (ensureEngine(record) ?? undefined)
        : undefined;
    },
    logs() {
      const all = [...retired];
      for (const record of jobs.values()) if (record.engine) all.push(...record.engine.logs);
      return all.sort((a, b) =>
        a.activityDateTime < b.activityDateTime ? -1 : a.activityDateTime > b.activityDateTime ? 1 : 0,
      );
    },
    runDueCycles: runDue,
  };
  internals.set(sync, {
    jobs,
    secrets,
    ruleIdOf,
    retired,
    options,
    ensureEngine,
    reconfigure,
    retire,
    runDue,
  });
  return sync;
}

// Microsoft Graph's synchronization API over the provisioning engine: jobs created from the `scim`
// template, secrets, schema (attribute mappings and scoping filters), start / pause / restart,
// validateCredentials, provisionOnDemand, and `auditLogs/provisioning`.
import {
  compileMappingTable,
  entraDefaultGroupMappings,
  entraDefaultUserMappings,
  fromGraphAttributeMappings,
  type GraphAttributeMapping,
  isMappingError,
  type MappingTable,
  toGraphAttributeMappings,
} from '@scim/mapping';
import {
  createProvisioningJob,
  type ProvisioningCycleSummary,
  type ProvisioningJob,
  type ProvisioningJobOptions,
  type QuarantineThresholds,
  type RestartScope,
} from '../engine/engine.ts';
import { SCOPING_OPERATORS, type ScopingFilter, type ScopingOperator } from '../engine/scoping.ts';
import type { ProvisioningObjectSummary } from '../logs/types.ts';
import type { EntraTenant } from '../tenant/tenant.ts';
import { GraphQueryError, matchesFilter, parseEqFilter } from './odata.ts';
import type { components } from './openapi.generated.ts';

type Schemas = components['schemas'];

/**
 * Options of {@link createSynchronization}: how the jobs it creates reach Tenant URLs and how they
 * fail, scaled for tests.
 *
 * @example
 * ```ts
 * const options: SynchronizationOptions = { quarantine: { minimumFailures: 2 }, retry: { maxAttempts: 2 } };
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
 * const synchronization = createSynchronization(tenant);
 * const server = setupServer(...createGraphHandlers(tenant, { synchronization }), mountFetchHandler(url, connector.fetch));
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

interface SchemaState {
  users: MappingTable;
  groups: MappingTable;
  userFilters: ScopingFilter[];
  groupFilters: ScopingFilter[];
  actions: { create: boolean; update: boolean; delete: boolean };
  groupsEnabled: boolean;
  version: number;
}

interface JobRecord {
  readonly id: string;
  readonly servicePrincipalId: string;
  readonly ruleId: string;
  schedule: 'Active' | 'Disabled' | 'Paused';
  settings: { name: string; value: string }[];
  schema: SchemaState;
  engine: ProvisioningJob | null;
  last: { began: string; ended: string; summary: ProvisioningCycleSummary } | null;
}

interface Internals {
  readonly jobs: Map<string, JobRecord>;
  readonly secrets: Map<string, Map<string, string>>;
  readonly retired: ProvisioningObjectSummary[];
  readonly options: SynchronizationOptions;
  ensureEngine(record: JobRecord): ProvisioningJob | null;
  retire(record: JobRecord): void;
  runDue(): Promise<ProvisioningCycleSummary[]>;
}

const internals = new WeakMap<Synchronization, Internals>();
const USER_TARGET = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GROUP_TARGET = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * Creates the synchronization service of a tenant: the jobs Graph's `synchronization` endpoints
 * create and drive, each backed by the provisioning engine ({@link createProvisioningJob}).
 *
 * @param tenant - the tenant
 * @param options - transport, retry and quarantine settings of the jobs
 * @returns the service
 * @example
 * ```ts
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
  const retired: ProvisioningObjectSummary[] = [];

  const ensureEngine = (record: JobRecord): ProvisioningJob | null => {
    if (record.engine) return record.engine;
    const saved = secrets.get(record.servicePrincipalId) ?? new Map<string, string>();
    const baseAddress = saved.get('BaseAddress');
    if (!baseAddress) return null;
    const deletes = record.settings.find((s) => s.name === 'QuarantineTooManyDeletes')?.value;
    const threshold = record.settings.find((s) => s.name === 'QuarantineTooManyDeletesThreshold')?.value;
    const config: ProvisioningJobOptions = {
      tenant,
      servicePrincipalId: record.servicePrincipalId,
      tenantUrl: baseAddress,
      jobId: record.id,
      scope: /^true$/i.test(saved.get('SyncAll') ?? '') ? 'all' : 'assigned',
      skipOutOfScopeDeletions: /^true$/i.test(saved.get('SkipOutOfScopeDeletions') ?? ''),
      accidentalDeletionThreshold: /^true$/i.test(deletes ?? '') ? Number(threshold ?? 500) : null,
      userMappings: record.schema.users,
      groupMappings: record.schema.groups,
      userScopingFilters: record.schema.userFilters,
      groupScopingFilters: record.schema.groupFilters,
      actions: record.schema.actions,
      provisionGroups: record.schema.groupsEnabled,
    };
    const token = saved.get('SecretToken');
    if (token) config.secretToken = token;
    if (options.fetch) config.fetch = options.fetch;
    if (options.retry) config.retry = options.retry;
    if (options.quarantine) config.quarantine = options.quarantine;
    if (options.memberBatchSize) config.memberBatchSize = options.memberBatchSize;
    record.engine = createProvisioningJob(config);
    if (record.schedule === 'Active') record.engine.start();
    else record.engine.pause();
    return record.engine;
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
      const summary = summaries.at(-1);
      if (summary) record.last = { began, ended: tenant.clock.now().toISOString(), summary };
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
  internals.set(sync, { jobs, secrets, retired, options, ensureEngine, retire, runDue });
  return sync;
}

// -- Graph shapes ----------------------------------------------------------------------------------

function graphFilter(filters: readonly ScopingFilter[]): Schemas['synchronizationFilter'] | null {
  if (filters.length === 0) return null;
  return {
    categoryFilterGroups: [],
    inputFilterGroups: [],
    groups: filters.map((f) => ({
      name: f.title ?? '',
      clauses: f.clauses.map((c) => ({
        operatorName: c.operator,
        sourceOperandName: c.attribute,
        targetOperand: { values: c.value === undefined ? [] : [c.value] },
      })),
    })),
  };
}

function readFilter(scope: unknown, where: string): ScopingFilter[] {
  if (scope === null || scope === undefined) return [];
  const groups = (scope as { groups?: unknown }).groups;
  if (!Array.isArray(groups)) throw badRequest(`${where}.scope.groups must be an array of filter groups`);
  return groups.map((g, i) => {
    const clauses = (g as { clauses?: unknown }).clauses;
    if (!Array.isArray(clauses)) throw badRequest(`${where}.scope.groups[${i}].clauses must be an array`);
    const filter: ScopingFilter = {
      clauses: clauses.map((c, j) => {
        const clause = c as {
          operatorName?: unknown;
          sourceOperandName?: unknown;
          targetOperand?: { values?: unknown };
        };
        if (!SCOPING_OPERATORS.includes(clause.operatorName as ScopingOperator)) {
          throw badRequest(
            `${where}.scope.groups[${i}].clauses[${j}].operatorName ${JSON.stringify(clause.operatorName)} is not one of ${SCOPING_OPERATORS.join(', ')}`,
          );
        }
        if (typeof clause.sourceOperandName !== 'string' || clause.sourceOperandName === '') {
          throw badRequest(
            `${where}.scope.groups[${i}].clauses[${j}].sourceOperandName must name a source attribute`,
          );
        }
        const values = clause.targetOperand?.values;
        const value = Array.isArray(values) && typeof values[0] === 'string' ? values[0] : undefined;
        return value === undefined
          ? { attribute: clause.sourceOperandName, operator: clause.operatorName as ScopingOperator }
          : { attribute: clause.sourceOperandName, operator: clause.operatorName as ScopingOperator, value };
      }),
    };
    const name = (g as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') filter.title = name;
    return filter;
  });
}

function flowTypes(actions: SchemaState['actions']): string {
  return [actions.create && 'Add', actions.update && 'Update', actions.delete && 'Delete']
    .filter(Boolean)
    .join(', ');
}

function graphSchema(record: JobRecord): Schemas['synchronizationSchema'] {
  const s = record.schema;
  return {
    id: record.id,
    version: String(s.version),
    directories: [],
    synchronizationRules: [
      {
        id: record.ruleId,
        name: 'USER_GROUP_OUTBOUND',
        sourceDirectoryName: 'Azure Active Directory',
        targetDirectoryName: 'customappsso',
        editable: true,
        objectMappings: [
          {
            name: 'Provision Azure Active Directory Users',
            sourceObjectName: 'User',
            targetObjectName: USER_TARGET,
            enabled: true,
            flowTypes: flowTypes(s.actions),
            scope: graphFilter(s.userFilters),
            attributeMappings: toGraphAttributeMappings(s.users) as Schemas['attributeMapping'][],
          },
          {
            name: 'Provision Azure Active Directory Groups',
            sourceObjectName: 'Group',
            targetObjectName: GROUP_TARGET,
            enabled: s.groupsEnabled,
            flowTypes: flowTypes(s.actions),
            scope: graphFilter(s.groupFilters),
            attributeMappings: toGraphAttributeMappings(s.groups) as Schemas['attributeMapping'][],
          },
        ],
      },
    ],
  };
}

function readSchema(body: Record<string, unknown>, current: SchemaState): SchemaState {
  const rules = body.synchronizationRules;
  if (!Array.isArray(rules) || rules.length === 0)
    throw badRequest('synchronizationRules must hold the job rule');
  const mappings = (rules[0] as { objectMappings?: unknown }).objectMappings;
  if (!Array.isArray(mappings)) throw badRequest('synchronizationRules[0].objectMappings must be an array');
  const next: SchemaState = { ...current, version: current.version + 1 };
  for (const [i, raw] of mappings.entries()) {
    const m = raw as Record<string, unknown>;
    const where = `synchronizationRules[0].objectMappings[${i}]`;
    const kind = m.sourceObjectName === 'User' ? 'User' : m.sourceObjectName === 'Group' ? 'Group' : null;
    if (!kind) throw badRequest(`${where}.sourceObjectName must be "User" or "Group"`);
    if (!Array.isArray(m.attributeMappings)) throw badRequest(`${where}.attributeMappings must be an array`);
    let table: MappingTable;
    try {
      table = fromGraphAttributeMappings(kind, m.attributeMappings as GraphAttributeMapping[]);
      compileMappingTable(table);
    } catch (error) {
      if (isMappingError(error) || error instanceof TypeError) {
        throw badRequest(`${where}.attributeMappings: ${error.message}`);
      }
      throw error;
    }
    const filters = readFilter(m.scope, where);
    const flows = typeof m.flowTypes === 'string' ? m.flowTypes.split(',').map((f) => f.trim()) : null;
    if (kind === 'User') {
      next.users = table;
      next.userFilters = filters;
      if (flows)
        next.actions = {
          create: flows.includes('Add'),
          update: flows.includes('Update'),
          delete: flows.includes('Delete'),
        };
    } else {
      next.groups = table;
      next.groupFilters = filters;
      next.groupsEnabled = m.enabled !== false;
    }
  }
  return next;
}

function badRequest(message: string): GraphQueryError {
  return new GraphQueryError(400, 'BadRequest', message);
}

// -- routes ----------------------------------------------------------------------------------------

/** @internal The context a route gets from the Graph handler. */
export interface SyncContext {
  readonly request: Request;
  readonly url: URL;
}

/** @internal A route of the Graph handler. */
export interface SyncRoute {
  method: string;
  pattern: string[];
  run: (ctx: SyncContext, params: Record<string, string>) => Response | Promise<Response>;
}

/** @internal What the Graph handler lends the synchronization routes. */
export interface SyncRouteHelpers {
  readonly base: string;
  json(ctx: SyncContext, status: number, body: unknown): Response;
  noContent(ctx: SyncContext): Response;
  readJson(ctx: SyncContext): Promise<Record<string, unknown>>;
  page<T>(ctx: SyncContext, context: string, items: readonly T[]): unknown;
  notFound(id: string): Error;
}

const LOG_PROPERTIES = new Set([
  'id',
  'activityDateTime',
  'tenantId',
  'jobId',
  'cycleId',
  'changeId',
  'provisioningAction',
  'durationInMilliseconds',
  'provisioningStatusInfo',
  'sourceIdentity',
  'targetIdentity',
  'servicePrincipal',
  'initiatedBy',
]);

/** @internal The synchronization and provisioning-log routes of the Graph handler. */
export function synchronizationRoutes(sync: Synchronization, h: SyncRouteHelpers): SyncRoute[] {
  const x = internals.get(sync)!;
  const { tenant } = sync;
  const servicePrincipal = (id: string) => {
    const sp = tenant.listServicePrincipals().find((s) => s.id === id);
    if (!sp) throw h.notFound(id);
    return sp;
  };
  const job = (spId: string, jobId: string): JobRecord => {
    servicePrincipal(spId);
    const record = x.jobs.get(jobId);
    if (!record || record.servicePrincipalId !== spId) throw h.notFound(jobId);
    return record;
  };
  const engineOf = (record: JobRecord): ProvisioningJob => {
    const engine = x.ensureEngine(record);
    if (!engine) {
      throw badRequest(
        'The job has no BaseAddress; set the Tenant URL first with PUT /servicePrincipals/{id}/synchronization/secrets.',
      );
    }
    return engine;
  };
  const due = async () => {
    if (x.options.runCyclesOnRequest !== false) await x.runDue();
  };
  const jobJson = (record: JobRecord): Schemas['synchronizationJob'] => {
    const engine = x.ensureEngine(record);
    const status = engine?.status();
    const quarantine = status?.quarantine ?? null;
    const last = record.last
      ? {
          state: record.last.summary.failed > 0 ? 'SucceededWithErrors' : 'Succeeded',
          timeBegan: record.last.began,
          timeEnded: record.last.ended,
          countEscrowed: status?.escrowsCount ?? 0,
          countExported:
            record.last.summary.created +
            record.last.summary.updated +
            record.last.summary.disabled +
            record.last.summary.deleted,
        }
      : null;
    return {
      id: record.id,
      templateId: 'scim',
      // A job left in quarantine for four weeks is disabled by the engine.
      schedule: {
        expiration: null,
        interval: 'PT40M',
        state: record.schedule === 'Active' && status?.code === 'Paused' ? 'Disabled' : record.schedule,
      },
      status: {
        code: !engine
          ? 'NotConfigured'
          : record.schedule === 'Disabled' && status!.cycles === 0
            ? 'NotRun'
            : status!.code,
        countSuccessiveCompleteFailures: 0,
        escrowsPruned: false,
        lastExecution: last,
        lastSuccessfulExecution: status?.lastSuccessfulExecution ? last : null,
        quarantine: quarantine
          ? {
              currentBegan: quarantine.currentBegan,
              nextAttempt: quarantine.nextAttempt,
              reason: quarantine.reason,
              seriesBegan: quarantine.currentBegan,
              seriesCount: quarantine.seriesCount,
              error: quarantine.error
                ? { code: quarantine.error.code, message: quarantine.error.message, tenantActionable: true }
                : null,
            }
          : null,
        troubleshootingUrl: null,
      },
      synchronizationJobSettings: record.settings.map((s) => ({ ...s })),
    };
  };
  const jobsBase = ['servicePrincipals', ':id', 'synchronization', 'jobs'];
  return [
    {
      method: 'GET',
      pattern: jobsBase,
      run: async (ctx, { id }) => {
        servicePrincipal(id!);
        await due();
        const value = [...x.jobs.values()].filter((j) => j.servicePrincipalId === id).map(jobJson);
        return h.json(ctx, 200, {
          '@odata.context': `${h.base}/$metadata#servicePrincipals('${id}')/synchronization/jobs`,
          value,
        });
      },
    },
    {
      method: 'POST',
      pattern: jobsBase,
      run: async (ctx, { id }) => {
        servicePrincipal(id!);
        const body = await h.readJson(ctx);
        if (body.templateId !== 'scim') {
          throw badRequest(
            `Template '${String(body.templateId)}' is not available for this application; the simulator provides the 'scim' template.`,
          );
        }
        if ([...x.jobs.values()].some((j) => j.servicePrincipalId === id)) {
          throw new GraphQueryError(
            409,
            'Conflict',
            'The application already has a synchronization job from this template.',
          );
        }
        const record: JobRecord = {
          id: `scim.${tenant.id.replace(/-/g, '')}.${id}`,
          servicePrincipalId: id!,
          ruleId: `${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`,
          schedule: 'Disabled',
          settings: [
            { name: 'QuarantineTooManyDeletes', value: 'false' },
            { name: 'QuarantineTooManyDeletesThreshold', value: '500' },
          ],
          schema: {
            users: entraDefaultUserMappings,
            groups: entraDefaultGroupMappings,
            userFilters: [],
            groupFilters: [],
            actions: { create: true, update: true, delete: true },
            groupsEnabled: true,
            version: 1,
          },
          engine: null,
          last: null,
        };
        x.jobs.set(record.id, record);
        return h.json(ctx, 201, {
          '@odata.context': `${h.base}/$metadata#servicePrincipals('${id}')/synchronization/jobs/$entity`,
          ...jobJson(record),
        });
      },
    },
    {
      method: 'GET',
      pattern: [...jobsBase, ':jobId'],
      run: async (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        await due();
        return h.json(ctx, 200, {
          '@odata.context': `${h.base}/$metadata#servicePrincipals('${id}')/synchronization/jobs/$entity`,
          ...jobJson(record),
        });
      },
    },
    {
      method: 'PATCH',
      pattern: [...jobsBase, ':jobId'],
      run: async (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        const body = await h.readJson(ctx);
        const settings = body.synchronizationJobSettings;
        if (
          !Array.isArray(settings) ||
          settings.some((s) => typeof s?.name !== 'string' || typeof s?.value !== 'string')
        ) {
          throw badRequest('synchronizationJobSettings must be an array of { name, value } strings');
        }
        for (const s of settings as { name: string; value: string }[]) {
          const existing = record.settings.find((e) => e.name === s.name);
          if (existing) existing.value = s.value;
          else record.settings.push({ name: s.name, value: s.value });
        }
        x.retire(record);
        return h.noContent(ctx);
      },
    },
    {
      method: 'DELETE',
      pattern: [...jobsBase, ':jobId'],
      run: (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        x.retire(record);
        x.jobs.delete(record.id);
        return h.noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...jobsBase, ':jobId', 'start'],
      run: (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        engineOf(record).start();
        record.schedule = 'Active';
        return h.noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...jobsBase, ':jobId', 'pause'],
      run: (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        x.ensureEngine(record)?.pause();
        record.schedule = 'Paused';
        return h.noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...jobsBase, ':jobId', 'restart'],
      run: async (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        const text = await ctx.request.text();
        let scope: RestartScope[] | undefined;
        if (text.trim() !== '') {
          let body: { criteria?: { resetScope?: unknown } };
          try {
            body = JSON.parse(text);
          } catch {
            throw badRequest('Unable to read JSON request payload.');
          }
          const reset = body.criteria?.resetScope;
          if (reset !== undefined) {
            const known: RestartScope[] = [
              'Watermark',
              'Escrows',
              'QuarantineState',
              'Full',
              'ForceDeletes',
              'ConnectorDataStore',
            ];
            scope = String(reset)
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '') as RestartScope[];
            const wrong = scope.find((s) => !known.includes(s));
            if (wrong) throw badRequest(`resetScope '${wrong}' is not one of ${known.join(', ')}`);
          }
        }
        const engine = engineOf(record);
        engine.restart(scope === undefined ? {} : { resetScope: scope });
        record.schedule = 'Active';
        return h.noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...jobsBase, ':jobId', 'validateCredentials'],
      run: async (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        const body = await h.readJson(ctx);
        const saved = x.secrets.get(id!) ?? new Map<string, string>();
        const given = new Map<string, string>();
        if (body.useSavedCredentials !== true) {
          if (!Array.isArray(body.credentials))
            throw badRequest(
              'credentials must be an array of { key, value } unless useSavedCredentials is true',
            );
          for (const c of body.credentials as { key?: unknown; value?: unknown }[]) {
            if (typeof c?.key === 'string' && typeof c.value === 'string') given.set(c.key, c.value);
          }
        }
        const credentials = body.useSavedCredentials === true ? saved : given;
        const baseAddress = credentials.get('BaseAddress');
        if (!baseAddress) throw badRequest('The credentials have no BaseAddress (the Tenant URL).');
        const probe: ProvisioningJobOptions = {
          tenant,
          servicePrincipalId: id!,
          tenantUrl: baseAddress,
          userMappings: record.schema.users,
          // Test Connection also queries a random group when groups are provisioned.
          groupMappings: record.schema.groups,
          provisionGroups: record.schema.groupsEnabled,
          retry: { maxAttempts: 1 },
        };
        const token = credentials.get('SecretToken');
        if (token) probe.secretToken = token;
        if (x.options.fetch) probe.fetch = x.options.fetch;
        const result = await createProvisioningJob(probe).testConnection();
        if (!result.success) throw new GraphQueryError(400, result.errorCode ?? 'BadRequest', result.message);
        return h.noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...jobsBase, ':jobId', 'provisionOnDemand'],
      run: async (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        const body = await h.readJson(ctx);
        const parameter = (body.parameters as { ruleId?: unknown; subjects?: unknown }[] | undefined)?.[0];
        if (!parameter || !Array.isArray(parameter.subjects) || parameter.subjects.length === 0) {
          throw badRequest('parameters[0].subjects must name the user or group to provision');
        }
        if (parameter.ruleId !== record.ruleId) {
          throw badRequest(
            `parameters[0].ruleId must be the job's synchronization rule id, '${record.ruleId}' (GET .../jobs/{jobId}/schema).`,
          );
        }
        const subjects = parameter.subjects as { objectId?: unknown; objectTypeName?: unknown }[];
        const group = subjects.find((s) => s.objectTypeName === 'Group');
        const first = group ?? subjects[0]!;
        if (typeof first.objectId !== 'string') throw badRequest('every subject needs an objectId');
        const members = group
          ? subjects.filter((s) => s.objectTypeName === 'User').map((s) => String(s.objectId))
          : undefined;
        const request =
          members && members.length > 0
            ? { objectId: first.objectId, members }
            : { objectId: first.objectId };
        const { logs } = await engineOf(record).provisionOnDemand(request);
        const value: Schemas['stringKeyStringValuePair'] = {
          key: 'Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo',
          value: JSON.stringify(logs),
        };
        return h.json(ctx, 200, {
          '@odata.context': `${h.base}/$metadata#microsoft.graph.stringKeyStringValuePair`,
          ...value,
        });
      },
    },
    {
      method: 'GET',
      pattern: [...jobsBase, ':jobId', 'schema'],
      run: (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        return h.json(ctx, 200, {
          '@odata.context': `${h.base}/$metadata#servicePrincipals('${id}')/synchronization/jobs('${jobId}')/schema/$entity`,
          ...graphSchema(record),
        });
      },
    },
    {
      method: 'PUT',
      pattern: [...jobsBase, ':jobId', 'schema'],
      run: async (ctx, { id, jobId }) => {
        const record = job(id!, jobId!);
        const body = await h.readJson(ctx);
        record.schema = readSchema(body, record.schema);
        // Changing mappings or scoping filters restarts provisioning: the next cycle is an initial one.
        x.retire(record);
        return h.noContent(ctx);
      },
    },
    {
      method: 'PUT',
      pattern: ['servicePrincipals', ':id', 'synchronization', 'secrets'],
      run: async (ctx, { id }) => {
        servicePrincipal(id!);
        const body = await h.readJson(ctx);
        if (!Array.isArray(body.value)) throw badRequest('value must be an array of { key, value }');
        const saved = x.secrets.get(id!) ?? new Map<string, string>();
        for (const [i, entry] of (body.value as { key?: unknown; value?: unknown }[]).entries()) {
          if (typeof entry?.key !== 'string' || typeof entry.value !== 'string') {
            throw badRequest(`value[${i}] must be { "key": string, "value": string }`);
          }
          saved.set(entry.key, entry.value);
        }
        x.secrets.set(id!, saved);
        for (const record of x.jobs.values()) if (record.servicePrincipalId === id) x.retire(record);
        return h.noContent(ctx);
      },
    },
    {
      method: 'GET',
      pattern: ['servicePrincipals', ':id', 'synchronization', 'secrets'],
      run: (ctx, { id }) => {
        servicePrincipal(id!);
        const saved = x.secrets.get(id!) ?? new Map<string, string>();
        // Credentials are write-only: the token's value is not returned.
        const value = [...saved].map(([key, v]) => ({ key, value: key === 'SecretToken' ? '*' : v }));
        return h.json(ctx, 200, {
          '@odata.context': `${h.base}/$metadata#Collection(microsoft.graph.synchronizationSecretKeyStringValuePair)`,
          value,
        });
      },
    },
    {
      method: 'GET',
      pattern: ['auditLogs', 'provisioning'],
      run: async (ctx) => {
        await due();
        const newestFirst = sync.logs().reverse();
        const text = ctx.url.searchParams.get('$filter');
        let value = newestFirst;
        if (text !== null) {
          const clauses = parseEqFilter(text);
          for (const clause of clauses) {
            if (!LOG_PROPERTIES.has(clause.path[0]!)) {
              throw new GraphQueryError(
                400,
                'Request_UnsupportedQuery',
                `Unsupported or invalid query filter clause specified for property '${clause.path.join('/')}' of resource 'ProvisioningObjectSummary'.`,
              );
            }
          }
          value = value.filter((entry) =>
            matchesFilter(entry as unknown as Record<string, unknown>, clauses),
          );
        }
        return h.json(ctx, 200, h.page(ctx, 'auditLogs/provisioning', value));
      },
    },
  ];
}

// Graph's synchronization job routes: list, create (from the `scim` template), get, update settings,
// delete, start, pause, restart, validateCredentials and provisionOnDemand. Internal to the package.
import {
  createProvisioningJob,
  type ProvisioningJobOptions,
  type RestartScope,
} from '../../engine/engine.ts';
import { badRequest, json, noContent, type Route, readJson } from '../context.ts';
import { GraphQueryError } from '../odata.ts';
import type { components } from '../openapi.generated.ts';
import type { JobRecord } from '../sync.ts';
import { defaultSchemaState } from '../sync-schema.ts';
import type { SyncRouteContext } from './sync-context.ts';

type Schemas = components['schemas'];

const JOBS = ['servicePrincipals', ':id', 'synchronization', 'jobs'] as const;
const RESTART_SCOPES: readonly RestartScope[] = [
  'Watermark',
  'Escrows',
  'QuarantineState',
  'Full',
  'ForceDeletes',
  'ConnectorDataStore',
];

/** The job as Graph's `synchronizationJob`. */
function jobJson(s: SyncRouteContext, record: JobRecord): Schemas['synchronizationJob'] {
  const engine = s.state.ensureEngine(record);
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
    synchronizationJobSettings: record.settings.map((setting) => ({ ...setting })),
  };
}

/** Reads `{ criteria: { resetScope } }` of a restart; `undefined` when the body or the scope is absent. */
async function readRestartScope(request: Request): Promise<RestartScope[] | undefined> {
  const text = await request.text();
  if (text.trim() === '') return undefined;
  let body: { criteria?: { resetScope?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest('Unable to read JSON request payload.');
  }
  const reset = body.criteria?.resetScope;
  if (reset === undefined) return undefined;
  const scope = String(reset)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '') as RestartScope[];
  const wrong = scope.find((part) => !RESTART_SCOPES.includes(part));
  if (wrong) throw badRequest(`resetScope '${wrong}' is not one of ${RESTART_SCOPES.join(', ')}`);
  return scope;
}

/** The credentials a validateCredentials call names: the given ones, or the saved ones. */
function credentialsOf(body: Record<string, unknown>, saved: Map<string, string>): Map<string, string> {
  if (body.useSavedCredentials === true) return saved;
  if (!Array.isArray(body.credentials)) {
    throw badRequest('credentials must be an array of { key, value } unless useSavedCredentials is true');
  }
  const given = new Map<string, string>();
  for (const c of body.credentials as { key?: unknown; value?: unknown }[]) {
    if (typeof c?.key === 'string' && typeof c.value === 'string') given.set(c.key, c.value);
  }
  return given;
}

/** The engine's on-demand request from Graph's `parameters`, checked against the job's rule. */
function onDemandRequest(
  record: JobRecord,
  body: Record<string, unknown>,
): { objectId: string; members?: string[] } {
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
  const group = subjects.find((subject) => subject.objectTypeName === 'Group');
  const first = group ?? subjects[0]!;
  if (typeof first.objectId !== 'string') throw badRequest('every subject needs an objectId');
  const members = group
    ? subjects
        .filter((subject) => subject.objectTypeName === 'User')
        .map((subject) => String(subject.objectId))
    : undefined;
  return members && members.length > 0 ? { objectId: first.objectId, members } : { objectId: first.objectId };
}

/** The job collection: list and create. */
function collectionRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: JOBS,
      run: async (ctx, { id }) => {
        s.servicePrincipal(id!);
        await s.due();
        const value = [...s.state.jobs.values()]
          .filter((record) => record.servicePrincipalId === id)
          .map((record) => jobJson(s, record));
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${id}')/synchronization/jobs`,
          value,
        });
      },
    },
    {
      method: 'POST',
      pattern: JOBS,
      run: async (ctx, { id }) => {
        s.servicePrincipal(id!);
        const body = await readJson(ctx);
        if (body.templateId !== 'scim') {
          throw badRequest(
            `Template '${String(body.templateId)}' is not available for this application; the simulator provides the 'scim' template.`,
          );
        }
        if ([...s.state.jobs.values()].some((record) => record.servicePrincipalId === id)) {
          throw new GraphQueryError(
            409,
            'Conflict',
            'The application already has a synchronization job from this template.',
          );
        }
        const record: JobRecord = {
          id: `scim.${ctx.tenant.id.replace(/-/g, '')}.${id}`,
          servicePrincipalId: id!,
          ruleId: `${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`,
          schedule: 'Disabled',
          settings: [
            { name: 'QuarantineTooManyDeletes', value: 'false' },
            { name: 'QuarantineTooManyDeletesThreshold', value: '500' },
          ],
          schema: defaultSchemaState(),
          engine: null,
          last: null,
        };
        s.state.jobs.set(record.id, record);
        return json(ctx, 201, {
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${id}')/synchronization/jobs/$entity`,
          ...jobJson(s, record),
        });
      },
    },
  ];
}

/** One job: get, update settings, delete. */
function entityRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: [...JOBS, ':jobId'],
      run: async (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        await s.due();
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${id}')/synchronization/jobs/$entity`,
          ...jobJson(s, record),
        });
      },
    },
    {
      method: 'PATCH',
      pattern: [...JOBS, ':jobId'],
      run: async (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        const body = await readJson(ctx);
        const settings = body.synchronizationJobSettings;
        if (
          !Array.isArray(settings) ||
          settings.some((entry) => typeof entry?.name !== 'string' || typeof entry?.value !== 'string')
        ) {
          throw badRequest('synchronizationJobSettings must be an array of { name, value } strings');
        }
        for (const setting of settings as { name: string; value: string }[]) {
          const existing = record.settings.find((e) => e.name === setting.name);
          if (existing) existing.value = setting.value;
          else record.settings.push({ name: setting.name, value: setting.value });
        }
        s.state.retire(record);
        return noContent(ctx);
      },
    },
    {
      method: 'DELETE',
      pattern: [...JOBS, ':jobId'],
      run: (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        s.state.retire(record);
        s.state.jobs.delete(record.id);
        return noContent(ctx);
      },
    },
  ];
}

/** The job's actions: start, pause, restart, validateCredentials, provisionOnDemand. */
function actionRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'POST',
      pattern: [...JOBS, ':jobId', 'start'],
      run: (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        s.engineOf(record).start();
        record.schedule = 'Active';
        return noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...JOBS, ':jobId', 'pause'],
      run: (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        s.state.ensureEngine(record)?.pause();
        record.schedule = 'Paused';
        return noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...JOBS, ':jobId', 'restart'],
      run: async (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        const scope = await readRestartScope(ctx.request);
        s.engineOf(record).restart(scope === undefined ? {} : { resetScope: scope });
        record.schedule = 'Active';
        return noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...JOBS, ':jobId', 'validateCredentials'],
      run: async (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        const body = await readJson(ctx);
        const credentials = credentialsOf(body, s.state.secrets.get(id!) ?? new Map<string, string>());
        const baseAddress = credentials.get('BaseAddress');
        if (!baseAddress) throw badRequest('The credentials have no BaseAddress (the Tenant URL).');
        const probe: ProvisioningJobOptions = {
          tenant: ctx.tenant,
          servicePrincipalId: id!,
          tenantUrl: baseAddress,
          userMappings: record.schema.users,
          retry: { maxAttempts: 1 },
        };
        const token = credentials.get('SecretToken');
        if (token) probe.secretToken = token;
        if (s.state.options.fetch) probe.fetch = s.state.options.fetch;
        const result = await createProvisioningJob(probe).testConnection();
        if (!result.success) throw new GraphQueryError(400, result.errorCode ?? 'BadRequest', result.message);
        return noContent(ctx);
      },
    },
    {
      method: 'POST',
      pattern: [...JOBS, ':jobId', 'provisionOnDemand'],
      run: async (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        const request = onDemandRequest(record, await readJson(ctx));
        const { logs } = await s.engineOf(record).provisionOnDemand(request);
        const value: Schemas['stringKeyStringValuePair'] = {
          key: 'Microsoft.Identity.Health.CPP.Common.DataContracts.SyncFabric.StatusInfo',
          value: JSON.stringify(logs),
        };
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#microsoft.graph.stringKeyStringValuePair`,
          ...value,
        });
      },
    },
  ];
}

/**
 * The synchronization job routes.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationjob
 * @internal
 */
export function syncJobRoutes(s: SyncRouteContext): Route[] {
  return [...collectionRoutes(s), ...entityRoutes(s), ...actionRoutes(s)];
}

// Graph's synchronization job routes: list, create (from the `scim` template), get, update settings,
// delete, start, pause, restart, validateCredentials and provisionOnDemand. Internal to the package.
import {
  createProvisioningJob,
  type ProvisioningJobOptions,
  type RestartScope,
} from '../../engine/engine.ts';
import { badRequest, graphError, json, noContent, type Route, readJson } from '../context.ts';
import { GraphQueryError } from '../odata.ts';
import { onDemandAnswer } from '../on-demand-report.ts';
import { throttleOnDemand } from '../on-demand-throttle.ts';
import type { components } from '../openapi.generated.ts';
import { defaultSchemaState } from '../sync-schema.ts';
import { EMPTY_HISTORY, type JobView, scheduleJson, statusJson } from '../sync-status.ts';
import type { JobRecord } from '../sync-types.ts';
import type { SyncRouteContext } from './sync-context.ts';

type Schemas = components['schemas'];

const JOBS = ['servicePrincipals', ':id', 'synchronization', 'jobs'] as const;
const RESTART_SCOPES: readonly RestartScope[] = [
  'None',
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
  const view: JobView = {
    schedule: record.schedule,
    engine: engine?.status() ?? null,
    history: record.history,
    connections: engine?.connections() ?? [],
  };
  return {
    id: record.id,
    templateId: 'scim',
    schedule: scheduleJson(view),
    status: statusJson(view),
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

/**
 * The engine's on-demand request from Graph's `parameters`: one subject, a user or a group, and for
 * a group the members to provision with it in `links.members`, as the Graph API reference's third
 * example writes them. The rule id must be the job's.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 */
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
  if (parameter.subjects.length > 1) {
    throw badRequest(
      "parameters[0].subjects must hold one subject; give a group's members in subjects[0].links.members",
    );
  }
  const subject = parameter.subjects[0] as {
    objectId?: unknown;
    objectTypeName?: unknown;
    links?: { members?: unknown };
  };
  if (typeof subject.objectId !== 'string')
    throw badRequest('parameters[0].subjects[0].objectId must be a string');
  if (subject.objectTypeName !== 'User' && subject.objectTypeName !== 'Group') {
    throw badRequest('parameters[0].subjects[0].objectTypeName must be "User" or "Group"');
  }
  const members = subject.links?.members;
  if (members === undefined) return { objectId: subject.objectId };
  if (
    subject.objectTypeName !== 'Group' ||
    !Array.isArray(members) ||
    members.some((m) => typeof (m as { objectId?: unknown })?.objectId !== 'string')
  ) {
    throw badRequest(
      'links.members must be an array of { "objectId", "objectTypeName": "User" } on a Group subject',
    );
  }
  const ids = members.map((m) => (m as { objectId: string }).objectId);
  return ids.length > 0 ? { objectId: subject.objectId, members: ids } : { objectId: subject.objectId };
}

/** The job collection: list and create. */
function collectionRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: JOBS,
      run: async (ctx, { id }) => {
        const sp = s.servicePrincipal(id!);
        await s.due();
        const value = [...s.state.jobs.values()]
          .filter((record) => record.servicePrincipalId === sp.id)
          .map((record) => jobJson(s, record));
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${sp.id}')/synchronization/jobs`,
          value,
        });
      },
    },
    {
      method: 'POST',
      pattern: JOBS,
      run: async (ctx, { id }) => {
        const sp = s.servicePrincipal(id!);
        const body = await readJson(ctx);
        if (body.templateId !== 'scim') {
          throw badRequest(
            `Template '${String(body.templateId)}' is not available for this application; the simulator provides the 'scim' template.`,
          );
        }
        if ([...s.state.jobs.values()].some((record) => record.servicePrincipalId === sp.id)) {
          throw new GraphQueryError(
            409,
            'Conflict',
            'The application already has a synchronization job from this template.',
          );
        }
        const record: JobRecord = {
          id: `scim.${ctx.tenant.id.replace(/-/g, '')}.${sp.id}`,
          servicePrincipalId: sp.id,
          ruleId: s.state.ruleIdOf(sp.id),
          schedule: 'Disabled',
          settings: [
            { name: 'QuarantineTooManyDeletes', value: 'false' },
            { name: 'QuarantineTooManyDeletesThreshold', value: '500' },
          ],
          schema: defaultSchemaState(),
          engine: null,
          scope: 'assigned',
          history: EMPTY_HISTORY,
          onDemandCalls: [],
        };
        s.state.jobs.set(record.id, record);
        return json(ctx, 201, {
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${sp.id}')/synchronization/jobs/$entity`,
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
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${record.servicePrincipalId}')/synchronization/jobs/$entity`,
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
        s.state.reconfigure(record, 'settings');
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
        // A paused job reads back with schedule state Disabled and status code Paused, as the
        // Graph samples show.
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
        const engine = s.engineOf(record);
        // A switch between Sync All and Sync Assigned takes effect with the restart.
        s.state.reconfigure(record, 'restart');
        engine.restart(scope === undefined ? {} : { resetScope: scope });
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
        const saved = s.state.secrets.get(record.servicePrincipalId) ?? new Map<string, string>();
        const credentials = credentialsOf(body, saved);
        const baseAddress = credentials.get('BaseAddress');
        if (!baseAddress) throw badRequest('The credentials have no BaseAddress (the Tenant URL).');
        const probe: ProvisioningJobOptions = {
          tenant: ctx.tenant,
          servicePrincipalId: record.servicePrincipalId,
          tenantUrl: baseAddress,
          userMappings: record.schema.users,
          // Test Connection also queries a random group when groups are provisioned.
          groupMappings: record.schema.groups,
          provisionGroups: record.schema.groupsEnabled,
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
        const wait = throttleOnDemand(record.onDemandCalls, ctx.tenant.clock.now().getTime());
        if (wait !== null) {
          const throttled = graphError(
            ctx,
            429,
            'TooManyRequests',
            `provisionOnDemand allows 5 requests per 10 seconds; retry after ${wait} seconds.`,
          );
          throttled.headers.set('Retry-After', String(wait));
          return throttled;
        }
        const { reports } = await s.engineOf(record).provisionOnDemand(request);
        const value: Schemas['stringKeyStringValuePair'] = onDemandAnswer(reports, request.objectId);
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

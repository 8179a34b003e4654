// Graph's synchronization schema routes: read, replace and reset a job's schema, and the schema's
// tools (functions, filterOperators, parseExpression) on a job or on a template of a service
// principal or an application. Internal to the package.
import { json, noContent, type RequestContext, type Route, readJson } from '../context.ts';
import { filterOperatorsJson, functionsJson, parseExpressionJson } from '../schema-tools.ts';
import { defaultSchemaState, graphSchema, readSchema } from '../sync-schema.ts';
import type { SyncRouteContext } from './sync-context.ts';
import { templateOwners } from './sync-templates.ts';

const JOB = ['servicePrincipals', ':id', 'synchronization', 'jobs', ':jobId'] as const;
const SCHEMA = [...JOB, 'schema'] as const;

/** The job's schema: get, replace, reset. */
function jobSchemaRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: SCHEMA,
      run: (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${record.servicePrincipalId}')/synchronization/jobs('${jobId}')/schema/$entity`,
          ...graphSchema(record),
        });
      },
    },
    {
      method: 'PUT',
      pattern: SCHEMA,
      run: async (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        const body = await readJson(ctx);
        record.schema = readSchema(body, record.schema);
        // Changing mappings or scoping filters restarts provisioning: the next cycle is an initial
        // one; the links, and the job's logs, are kept.
        s.state.reconfigure(record, 'schema');
        return noContent(ctx);
      },
    },
    {
      // "Delete the customized schema and reset the schema to the default configuration."
      // https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationschema-delete
      method: 'DELETE',
      pattern: SCHEMA,
      run: (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        record.schema = { ...defaultSchemaState(), version: record.schema.version + 1 };
        s.state.reconfigure(record, 'schema');
        return noContent(ctx);
      },
    },
  ];
}

/** `functions`, `filterOperators` and `parseExpression` under a schema, once its owner is checked. */
function toolRoutes(prefix: readonly string[], check: (params: Record<string, string>) => void): Route[] {
  return [
    {
      method: 'GET',
      pattern: [...prefix, 'functions'],
      run: (ctx, params) => {
        check(params);
        // The Graph reference's sample answers with this context.
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#functions`,
          value: functionsJson(),
        });
      },
    },
    {
      method: 'GET',
      pattern: [...prefix, 'filterOperators'],
      run: (ctx, params) => {
        check(params);
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#Collection(microsoft.graph.filterOperatorSchema)`,
          value: filterOperatorsJson(),
        });
      },
    },
    {
      method: 'POST',
      pattern: [...prefix, 'parseExpression'],
      run: async (ctx: RequestContext, params) => {
        check(params);
        const answer = parseExpressionJson(await readJson(ctx), {
          now: () => ctx.tenant.clock.now(),
          ...(ctx.tenant.domains[0] === undefined ? {} : { defaultDomain: ctx.tenant.domains[0] }),
        });
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#microsoft.graph.parseExpressionResponse`,
          ...answer,
        });
      },
    },
  ];
}

/**
 * The schema routes: a job's schema, and the tools under a job's or a template's schema.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationschema
 * @internal
 */
export function syncSchemaRoutes(s: SyncRouteContext): Route[] {
  const tools = [
    ...toolRoutes(SCHEMA, ({ id, jobId }) => s.job(id!, jobId!)),
    ...templateOwners(s).flatMap((owner) =>
      toolRoutes([...owner.template, 'schema'], (params) => owner.resolve(params)),
    ),
  ];
  return [...jobSchemaRoutes(s), ...tools];
}

// Graph's synchronization schema routes: read and replace a job's schema. Internal to the package.
import { json, noContent, type Route, readJson } from '../context.ts';
import { graphSchema, readSchema } from '../sync-schema.ts';
import type { SyncRouteContext } from './sync-context.ts';

const SCHEMA = ['servicePrincipals', ':id', 'synchronization', 'jobs', ':jobId', 'schema'] as const;

/**
 * `GET` and `PUT .../jobs/{jobId}/schema`.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-synchronizationschema
 * @internal
 */
export function syncSchemaRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: SCHEMA,
      run: (ctx, { id, jobId }) => {
        const record = s.job(id!, jobId!);
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${id}')/synchronization/jobs('${jobId}')/schema/$entity`,
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
        // Changing mappings or scoping filters restarts provisioning: the next cycle is an initial one.
        s.state.retire(record);
        return noContent(ctx);
      },
    },
  ];
}

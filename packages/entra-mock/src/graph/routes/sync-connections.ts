// Graph's object connection lookup (beta): the linkage record a job keeps between a source object and
// its target object, read or cleared by a known object id. Internal to the package.
import type { ProvisioningConnection } from '../../engine/engine.ts';
import { badRequest, json, noContent, notFound, type RequestContext, type Route } from '../context.ts';
import { GraphQueryError, parseSelect } from '../odata.ts';
import type { components } from '../openapi.generated.ts';
import type { JobRecord } from '../sync-types.ts';
import type { SyncRouteContext } from './sync-context.ts';

type Schemas = components['schemas'];

const CONNECTIONS = ['servicePrincipals', ':id', 'synchronization', 'jobs', ':jobId', 'objectConnections'];
const PROPERTIES = new Set(['objectId', 'sourceAnchor', 'targetAnchor', 'displayName', 'objectTypeName']);

/** The resource exists in beta only: in v1.0 the segment is unknown, as for any other. */
function betaOnly(ctx: RequestContext): void {
  if (!ctx.base.endsWith('/beta')) {
    throw badRequest("Resource not found for the segment 'objectConnections'.");
  }
}

/** "The service first searches the source identifiers, then the target identifiers." */
function lookup(s: SyncRouteContext, record: JobRecord, objectId: string): ProvisioningConnection {
  const linked = s.state.ensureEngine(record)?.connections() ?? [];
  const found = linked.find((c) => c.sourceId === objectId) ?? linked.find((c) => c.targetId === objectId);
  if (!found) throw notFound(objectId);
  return found;
}

/** The record as Graph's `objectConnection`, with `$select` (the only query option it supports). */
function connectionJson(
  ctx: RequestContext,
  objectId: string,
  c: ProvisioningConnection,
): Record<string, unknown> {
  const full: Schemas['objectConnection'] = {
    objectId,
    sourceAnchor: c.sourceId,
    targetAnchor: c.targetId,
    displayName: c.displayName,
    objectTypeName: c.objectType,
  };
  const text = ctx.url.searchParams.get('$select');
  if (text === null) return full;
  const out: Record<string, unknown> = {};
  for (const name of parseSelect(text)) {
    if (!PROPERTIES.has(name)) {
      throw new GraphQueryError(
        400,
        'BadRequest',
        `Could not find a property named '${name}' on type 'microsoft.graph.objectConnection'.`,
      );
    }
    out[name] = full[name as keyof typeof full];
  }
  return out;
}

/**
 * `GET` and `DELETE .../jobs/{jobId}/objectConnections/{objectId}` (beta); the collection itself
 * answers 400, as Microsoft documents for the public preview.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-objectconnection?view=graph-rest-beta
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-objectconnection-get?view=graph-rest-beta
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-delete-objectconnections?view=graph-rest-beta
 * @internal
 */
export function syncConnectionRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: CONNECTIONS,
      run: (ctx, { id, jobId }) => {
        betaOnly(ctx);
        s.job(id!, jobId!);
        throw badRequest(
          'Listing objectConnections is not supported; get one connection by a known object id: .../objectConnections/{objectId}.',
        );
      },
    },
    {
      method: 'GET',
      pattern: [...CONNECTIONS, ':objectId'],
      run: (ctx, { id, jobId, objectId }) => {
        betaOnly(ctx);
        const record = s.job(id!, jobId!);
        const connection = lookup(s, record, objectId!);
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#servicePrincipals('${record.servicePrincipalId}')/synchronization/jobs('${record.id}')/objectConnections/$entity`,
          ...connectionJson(ctx, objectId!, connection),
        });
      },
    },
    {
      method: 'DELETE',
      pattern: [...CONNECTIONS, ':objectId'],
      run: (ctx, { id, jobId, objectId }) => {
        betaOnly(ctx);
        const record = s.job(id!, jobId!);
        // Manage object connections: "The synchronization job must be paused or disabled before
        // you delete an object connection"; DELETE is idempotent.
        if (record.schedule === 'Active') {
          throw new GraphQueryError(
            409,
            'Conflict',
            'The synchronization job is active; pause it (POST .../pause) before deleting an object connection, then start it again.',
          );
        }
        s.state.ensureEngine(record)?.clearConnection(objectId!);
        return noContent(ctx);
      },
    },
  ];
}

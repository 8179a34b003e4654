// Graph's provisioning logs: `GET /auditLogs/provisioning`. Internal to the package.
import { json, page, type Route } from '../context.ts';
import { GraphQueryError, matchesFilter, parseEqFilter } from '../odata.ts';
import type { SyncRouteContext } from './sync-context.ts';

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

/**
 * `GET /auditLogs/provisioning`: every job's log entries, newest first, with `$filter` and paging.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list
 * @internal
 */
export function auditLogRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'GET',
      pattern: ['auditLogs', 'provisioning'],
      run: async (ctx) => {
        await s.due();
        const newestFirst = s.sync.logs().reverse();
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
        return json(ctx, 200, page(ctx, 'auditLogs/provisioning', value));
      },
    },
  ];
}

// Graph's provisioning logs: `GET /auditLogs/provisioning`. Internal to the package.
import type { ProvisioningObjectSummary } from '../../logs/types.ts';
import { matchesAuditFilter, parseAuditFilter } from '../audit-filter.ts';
import { badRequest, json, page, type Route } from '../context.ts';
import type { SyncRouteContext } from './sync-context.ts';

/**
 * How long Graph lists provisioning log entries: Microsoft Entra ID "stores reported provisioning
 * data for 30 days if you have a premium edition and 7 days if you have a free edition"; the
 * simulated tenant is a premium one.
 *
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs
 */
const RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The entries in `$orderby` order: `activityDateTime` (Microsoft documents `orderby` on it only),
 * ascending or `desc`; newest first without `$orderby`.
 */
function ordered(entries: ProvisioningObjectSummary[], orderby: string | null): ProvisioningObjectSummary[] {
  const oldestFirst = entries.sort((a, b) => Date.parse(a.activityDateTime) - Date.parse(b.activityDateTime));
  if (orderby === null) return oldestFirst.reverse();
  const match = /^\s*activityDateTime(?:\s+(asc|desc))?\s*$/.exec(orderby);
  if (!match)
    throw badRequest(`$orderby '${orderby}' is not supported; order by activityDateTime [asc|desc].`);
  return match[1] === 'desc' ? oldestFirst.reverse() : oldestFirst;
}

/**
 * `GET /auditLogs/provisioning`: every job's log entries of the last 30 days with `$filter` (`eq`,
 * `contains`, `gt`, `lt`, `and`, case-sensitive), `$orderby`, `$top` and `$skiptoken`.
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
        const text = ctx.url.searchParams.get('$filter');
        const clauses = text === null ? [] : parseAuditFilter(text);
        // Entra keeps provisioning data for 30 days (a premium edition; 7 with a free one).
        const kept = ctx.tenant.clock.now().getTime() - RETENTION_MS;
        const value = ordered(s.sync.logs(), ctx.url.searchParams.get('$orderby')).filter(
          (entry) => Date.parse(entry.activityDateTime) >= kept && matchesAuditFilter(entry, clauses),
        );
        return json(ctx, 200, page(ctx, 'auditLogs/provisioning', value));
      },
    },
  ];
}

// The synchronization area of the Graph handler: jobs, schema, secrets and provisioning logs over one
// synchronization service. Internal to the package.
import type { Route } from '../context.ts';
import type { Synchronization } from '../sync.ts';
import { auditLogRoutes } from './audit-logs.ts';
import { createSyncRouteContext } from './sync-context.ts';
import { syncJobRoutes } from './sync-jobs.ts';
import { syncSchemaRoutes } from './sync-schema.ts';
import { syncSecretRoutes } from './sync-secrets.ts';

/**
 * The synchronization and provisioning-log routes over a service.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-overview
 * @internal
 */
export function synchronizationRoutes(sync: Synchronization): Route[] {
  const s = createSyncRouteContext(sync);
  return [...syncJobRoutes(s), ...syncSchemaRoutes(s), ...syncSecretRoutes(s), ...auditLogRoutes(s)];
}

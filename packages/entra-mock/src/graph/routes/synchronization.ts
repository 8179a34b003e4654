// The synchronization area of the Graph handler: jobs, schema, templates, secrets, object
// connections and provisioning logs over one synchronization service. Internal to the package.
import type { Route } from '../context.ts';
import type { Synchronization } from '../sync.ts';
import { auditLogRoutes } from './audit-logs.ts';
import { syncConnectionRoutes } from './sync-connections.ts';
import { createSyncRouteContext } from './sync-context.ts';
import { syncJobRoutes } from './sync-jobs.ts';
import { syncNotSimulatedRoutes } from './sync-not-simulated.ts';
import { syncSchemaRoutes } from './sync-schema.ts';
import { syncSecretRoutes } from './sync-secrets.ts';
import { syncTemplateRoutes } from './sync-templates.ts';

/**
 * The synchronization and provisioning-log routes over a service.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/synchronization-overview
 * @internal
 */
export function synchronizationRoutes(sync: Synchronization): Route[] {
  const s = createSyncRouteContext(sync);
  return [
    ...syncJobRoutes(s),
    ...syncSchemaRoutes(s),
    ...syncTemplateRoutes(s),
    ...syncSecretRoutes(s),
    ...syncConnectionRoutes(s),
    ...syncNotSimulatedRoutes(s),
    ...auditLogRoutes(s),
  ];
}

/**
 * An offline Microsoft Entra ID for tests: an in-memory tenant with Entra's semantics and a change
 * log, a seedable generator of realistic directories, Microsoft Graph handlers (v1.0 and beta) for
 * MSW, and the provisioning engine that pushes the tenant into a SCIM endpoint with Entra's requests,
 * writing Graph `provisioningObjectSummary` logs.
 *
 * @example
 * ```ts
 * import { createEntraTenant, createGraphHandlers, generateDirectory, importDirectory } from '@scim/entra-mock';
 * import { setupServer } from 'msw/node';
 *
 * const tenant = createEntraTenant({ seed: 1 });
 * importDirectory(tenant, generateDirectory({ seed: 1, users: 50, groups: 5 }));
 * const server = setupServer(...createGraphHandlers(tenant));
 * server.listen();
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 * @packageDocumentation
 */
export * from './clock.ts';
export * from './engine/dialect.ts';
export * from './engine/engine.ts';
export * from './engine/scoping.ts';
export * from './generator/directory.ts';
export * from './graph/handlers.ts';
export {
  createSynchronization,
  type Synchronization,
  type SynchronizationOptions,
} from './graph/sync.ts';
export * from './logs/summary-table.ts';
export type * from './logs/types.ts';
export * from './mount.ts';
export * from './tenant/tenant.ts';
export * from './tenant/types.ts';

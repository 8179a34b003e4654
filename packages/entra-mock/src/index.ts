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
export { createManualClock, type EntraClock, type ManualClock } from './clock.ts';
export {
  type AttributeChange,
  buildAddMembersPatch,
  buildRemoveMembersPatch,
  buildUserPatch,
  dialectOf,
  type EntraPatchBody,
  type EntraPatchOperation,
  type ScimDialect,
  type TargetAttributeChange,
} from './engine/dialect.ts';
export {
  createProvisioningJob,
  PROVISIONING_INTERVAL_MS,
  type ProvisioningConnection,
  type ProvisioningCycleSummary,
  type ProvisioningJob,
  type ProvisioningJobChanges,
  type ProvisioningJobOptions,
  type ProvisioningJobStatus,
  type ProvisioningProgressEvent,
  type ProvisionOnDemandReport,
  type ProvisionOnDemandResult,
  type QuarantineReason,
  type QuarantineThresholds,
  type RestartScope,
  type TestConnectionResult,
  type TimedProvisioningStep,
} from './engine/engine.ts';
export {
  evaluateScopingClause,
  isInScope,
  SCOPING_OPERATORS,
  type ScopingClause,
  type ScopingFilter,
  type ScopingOperator,
  UNSUPPORTED_SCOPING_ATTRIBUTES,
  validateScopingFilters,
} from './engine/scoping.ts';
export {
  type DescribedApplication,
  type DescribedGroup,
  type DescribedUser,
  type DirectoryDescription,
  exportDirectory,
  type GenerateDirectoryOptions,
  generateDirectory,
  type ImportedDirectory,
  importDirectory,
} from './generator/directory.ts';
export {
  createGraphHandler,
  createGraphHandlers,
  type GraphClientCredentials,
  type GraphFetchHandler,
  type GraphHandlerOptions,
} from './graph/handlers.ts';
export {
  createSynchronization,
  type Synchronization,
  type SynchronizationOptions,
} from './graph/sync.ts';
export {
  formatProvisioningSummary,
  type ProvisioningSummaryRow,
  summarizeProvisioningLogs,
} from './logs/summary-table.ts';
export type {
  DetailsInfo,
  ModifiedProperty,
  ProvisionedIdentity,
  ProvisioningAction,
  ProvisioningErrorInfo,
  ProvisioningInitiator,
  ProvisioningObjectSummary,
  ProvisioningResult,
  ProvisioningServicePrincipal,
  ProvisioningStatusErrorCategory,
  ProvisioningStatusInfo,
  ProvisioningStep,
  ProvisioningStepType,
  ProvisioningSystem,
} from './logs/types.ts';
export { mountFetchHandler } from './mount.ts';
export {
  createEntraTenant,
  type EntraTenant,
  type EntraTenantOptions,
  SOFT_DELETE_RETENTION_MS,
} from './tenant/tenant.ts';
export {
  type AppRole,
  DEFAULT_ACCESS_APP_ROLE_ID,
  type DirectoryChange,
  type DirectoryChangeKind,
  type DirectoryExtensionValue,
  type DirectoryObject,
  type EntraAppRoleAssignment,
  type EntraGroup,
  type EntraServicePrincipal,
  type EntraUser,
  type GroupInput,
  type OnPremisesExtensionAttributes,
  type PropertyChange,
  type ServicePrincipalInput,
  type UserInput,
} from './tenant/types.ts';

// The provisioning log model: Microsoft Graph's provisioningObjectSummary and the types it uses,
// field for field, so logs the engine writes read like `GET /auditLogs/provisioning` answers.

/**
 * What the provisioning service did to an object (`provisioningAction`).
 *
 * @example
 * ```ts
 * import type { ProvisioningAction } from '@scim/entra-mock';
 * const entriesFor = (action: ProvisioningAction) => job.logs.filter((e) => e.provisioningAction === action);
 * tenant.deleteUser(adele.id); // a soft delete: the next cycle disables her in the app
 * await job.runCycle();
 * entriesFor('disable').map((e) => e.sourceIdentity.displayName); // ['Adele Vance']
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary
 */
export type ProvisioningAction = 'create' | 'update' | 'delete' | 'stagedDelete' | 'disable' | 'other';

/**
 * The result of a provisioning event or of one of its steps (`provisioningResult`).
 *
 * @example
 * ```ts
 * import type { ProvisioningResult } from '@scim/entra-mock';
 * await job.runCycle();
 * const results: ProvisioningResult[] = job.logs.map((e) => e.provisioningStatusInfo.status);
 * const clean = !results.includes('failure'); // 'warning' and 'skipped' entries do not fail a cycle
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningstatusinfo
 */
export type ProvisioningResult = 'success' | 'warning' | 'failure' | 'skipped';

/**
 * The kind of a provisioning step. The Entra portal shows four: Import (`import`), Scoping
 * (`scoping`), Matching (`matching`) and Action (`export`, also for the skip of an export that would
 * change nothing, `EntrySynchronizationSkip`, as Microsoft's samples show); `referenceResolution` for
 * manager references.
 *
 * @example
 * ```ts
 * import type { ProvisioningStepType } from '@scim/entra-mock';
 * const { logs } = await job.provisionOnDemand({ objectId: adele.id });
 * const kinds: ProvisioningStepType[] = logs[0]?.provisioningSteps.map((s) => s.provisioningStepType) ?? [];
 * // ['import', 'scoping', 'matching', 'export']
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningstep
 */
export type ProvisioningStepType =
  | 'import'
  | 'scoping'
  | 'matching'
  | 'processing'
  | 'referenceResolution'
  | 'export';

/**
 * Free-form details as string key-value pairs (Graph's open `detailsInfo` type), for example
 * `{ ReportableIdentifier: 'adele@contoso.com' }`.
 *
 * @example
 * ```ts
 * import type { DetailsInfo } from '@scim/entra-mock';
 * await job.runCycle();
 * const imported: DetailsInfo | undefined = job.logs[0]?.provisioningSteps[0]?.details;
 * imported?.userPrincipalName; // the import step's details: the source attributes read, as strings
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/detailsinfo
 */
export type DetailsInfo = Record<string, string>;

/**
 * One step of a provisioning event, with Entra's step name and description.
 *
 * @example
 * ```ts
 * import type { ProvisioningStep } from '@scim/entra-mock';
 * const { logs } = await job.provisionOnDemand({ objectId: adele.id });
 * const steps: ProvisioningStep[] = logs[0]?.provisioningSteps ?? [];
 * steps.map((s) => `${s.name}: ${s.status}`); // ['EntryImport: success', ..., 'EntryExportAdd: success']
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningstep
 */
export interface ProvisioningStep {
  /** Entra's internal step name, for example `EntryImportAdd`, `EntrySynchronizationScoping`, `EntryExportUpdate`. */
  name: string;
  /** The kind of step. */
  provisioningStepType: ProvisioningStepType;
  /** How the step ended. */
  status: ProvisioningResult;
  /** What happened, in Entra's words. */
  description: string;
  /** Details, such as the scoping filter evaluation or the `ReportableIdentifier`. */
  details: DetailsInfo;
}

/**
 * Whether an error comes from the provisioning service or from the target application.
 *
 * @example
 * ```ts
 * import type { ProvisioningStatusErrorCategory } from '@scim/entra-mock';
 * await job.runCycle();
 * const categories: (ProvisioningStatusErrorCategory | null | undefined)[] = job.logs.map(
 *   (e) => e.provisioningStatusInfo.errorInformation?.errorCategory,
 * );
 * // 'nonServiceFailure' where the connector answered with an error
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningerrorinfo
 */
export type ProvisioningStatusErrorCategory = 'failure' | 'nonServiceFailure' | 'success';

/**
 * Why a provisioning event failed, and what to do.
 *
 * @example
 * ```ts
 * import type { ProvisioningErrorInfo } from '@scim/entra-mock';
 * await job.runCycle();
 * const failed = job.logs.find((e) => e.provisioningStatusInfo.status === 'failure');
 * const error: ProvisioningErrorInfo | null | undefined = failed?.provisioningStatusInfo.errorInformation;
 * console.log(error?.errorCode, error?.reason); // what the Entra portal shows for the entry
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningerrorinfo
 */
export interface ProvisioningErrorInfo {
  /** Entra's error code, for example `EntryConflict` or `DuplicateTargetEntries`. */
  errorCode: string | null;
  /** The category of the error. */
  errorCategory: ProvisioningStatusErrorCategory | null;
  /** What happened and why. */
  reason: string | null;
  /** More details, such as the target's response body. */
  additionalDetails: string | null;
  /** How to resolve it. */
  recommendedAction: string | null;
}

/**
 * The outcome of a provisioning event.
 *
 * @example
 * ```ts
 * import type { ProvisioningStatusInfo } from '@scim/entra-mock';
 * await job.runCycle();
 * const outcomes: ProvisioningStatusInfo[] = job.logs.map((e) => e.provisioningStatusInfo);
 * const errors = outcomes.flatMap((o) => (o.errorInformation ? [o.errorInformation.reason] : []));
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningstatusinfo
 */
export interface ProvisioningStatusInfo {
  /** The overall result. */
  status: ProvisioningResult;
  /** The error, when the status is `failure` or `warning`. */
  errorInformation: ProvisioningErrorInfo | null;
}

/**
 * A property the event changed, in Entra's terms: the source attribute behind the target attributes
 * it set (`userPrincipalName`, `jobTitle`, `IsSoftDeleted`, ...), with its old and new values as
 * Entra prints them (`True` / `False` for booleans).
 *
 * @example
 * ```ts
 * import type { ModifiedProperty } from '@scim/entra-mock';
 * tenant.updateUser(adele.id, { jobTitle: 'Senior Engineer' });
 * await job.runCycle();
 * const changed: ModifiedProperty[] = job.logs.at(-1)?.modifiedProperties ?? [];
 * changed.find((p) => p.displayName === 'jobTitle'); // { displayName: 'jobTitle', oldValue: ..., newValue: 'Senior Engineer' }
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/modifiedproperty
 * @see https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list
 */
export interface ModifiedProperty {
  /** The source attribute's name (`objectId`, `userPrincipalName`, `accountEnabled`, `IsSoftDeleted`, ...). */
  displayName: string;
  /** The value before, or `null`. */
  oldValue: string | null;
  /** The value after, or `null`. */
  newValue: string | null;
}

/**
 * Who started the provisioning: the service for scheduled cycles, a user for provision on demand.
 *
 * @example
 * ```ts
 * import type { ProvisioningInitiator } from '@scim/entra-mock';
 * const { logs } = await job.provisionOnDemand({ objectId: adele.id });
 * const by: ProvisioningInitiator | undefined = logs[0]?.initiatedBy; // who asked; 'system' for a scheduled cycle
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/initiator
 */
export interface ProvisioningInitiator {
  /** The initiator's id; empty for the service. */
  id: string;
  /** The initiator's name. */
  displayName: string;
  /** The kind of initiator. */
  initiatorType: 'user' | 'application' | 'system';
}

/**
 * The object being provisioned, in the source or in the target.
 *
 * @example
 * ```ts
 * import type { ProvisionedIdentity } from '@scim/entra-mock';
 * await job.runCycle();
 * const created: ProvisionedIdentity[] = job.logs
 *   .filter((e) => e.provisioningAction === 'create')
 *   .map((e) => e.targetIdentity); // each with the id the connector gave it
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisionedidentity
 */
export interface ProvisionedIdentity {
  /** The object's id in that system; empty in the target before it is created. */
  id: string;
  /** The object's display name. */
  displayName: string;
  /** The object type, for example `User` or `Group`. */
  identityType: string;
  /** Details. */
  details: DetailsInfo;
}

/**
 * The source or the target system of a provisioning event.
 *
 * @example
 * ```ts
 * import type { ProvisioningSystem } from '@scim/entra-mock';
 * await job.runCycle();
 * const target: ProvisioningSystem | undefined = job.logs[0]?.targetSystem;
 * target?.displayName; // the application's name; the source is 'Azure Active Directory'
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningsystem
 */
export interface ProvisioningSystem {
  /** The system's id. */
  id: string;
  /** The system's name: `Azure Active Directory` for the source, the application's name for the target. */
  displayName: string;
  /** Details, such as `ApplicationId`, `ServicePrincipalId` and `ServicePrincipalDisplayName`. */
  details: DetailsInfo;
}

/**
 * The enterprise application whose job logged the event.
 *
 * @example
 * ```ts
 * import type { ProvisioningServicePrincipal } from '@scim/entra-mock';
 * await job.runCycle();
 * const sp: ProvisioningServicePrincipal | undefined = job.logs[0]?.servicePrincipal;
 * sp?.id === app.id; // true: the enterprise application the job provisions for
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningserviceprincipal
 */
export interface ProvisioningServicePrincipal {
  /** The service principal's id. */
  id: string;
  /** Its name. */
  displayName: string;
}

/**
 * One provisioning log entry: what the provisioning service did to one object in one cycle, the
 * steps it took (Import, Scoping, Matching, Action), the properties it changed and the outcome.
 * The shape of `GET /auditLogs/provisioning`'s entries.
 *
 * @example
 * ```ts
 * import type { ProvisioningObjectSummary } from '@scim/entra-mock';
 * const from = job.logs.length;
 * await job.runCycle();
 * const entries: readonly ProvisioningObjectSummary[] = job.logs.slice(from); // this cycle's entries
 * entries.map((e) => `${e.provisioningAction} ${e.sourceIdentity.displayName}: ${e.provisioningStatusInfo.status}`);
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-provisioning-logs
 */
export interface ProvisioningObjectSummary {
  /** The entry's id, a GUID. */
  id: string;
  /** When the action happened (ISO 8601, UTC). */
  activityDateTime: string;
  /** The tenant's id. */
  tenantId: string;
  /** The provisioning job's id, for example `scim.{tenantIdWithoutDashes}.{servicePrincipalId}`. */
  jobId: string;
  /** The id of the cycle (one run of the job). */
  cycleId: string;
  /** The id of this change within the cycle; the retries of one change share it. */
  changeId: string;
  /** What was done. */
  provisioningAction: ProvisioningAction;
  /** How long the action took. */
  durationInMilliseconds: number;
  /** The outcome. */
  provisioningStatusInfo: ProvisioningStatusInfo;
  /** The steps, in order. */
  provisioningSteps: ProvisioningStep[];
  /** The target properties the action set, with old and new values. */
  modifiedProperties: ModifiedProperty[];
  /** Who started it. */
  initiatedBy: ProvisioningInitiator;
  /**
   * The application. Graph's reference page calls this a collection; its examples, and the
   * service, return one object, which is what this type follows.
   */
  servicePrincipal: ProvisioningServicePrincipal;
  /** The source system (Entra ID for outbound provisioning). */
  sourceSystem: ProvisioningSystem;
  /** The target system (the SCIM application). */
  targetSystem: ProvisioningSystem;
  /** The object in the source. */
  sourceIdentity: ProvisionedIdentity;
  /** The object in the target. */
  targetIdentity: ProvisionedIdentity;
}

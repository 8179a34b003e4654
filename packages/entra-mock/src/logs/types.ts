// The provisioning log model: Microsoft Graph's provisioningObjectSummary and the types it uses,
// field for field, so logs the engine writes read like `GET /auditLogs/provisioning` answers.

/**
 * What the provisioning service did to an object (`provisioningAction`).
 *
 * @example
 * ```ts
 * const action: ProvisioningAction = 'disable';
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary
 */
export type ProvisioningAction = 'create' | 'update' | 'delete' | 'stagedDelete' | 'disable' | 'other';

/**
 * The result of a provisioning event or of one of its steps (`provisioningResult`).
 *
 * @example
 * ```ts
 * const result: ProvisioningResult = 'skipped';
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
 * const type: ProvisioningStepType = 'matching';
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
 * const details: DetailsInfo = { ReportableIdentifier: 'adele@contoso.com' };
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/detailsinfo
 */
export type DetailsInfo = Record<string, string>;

/**
 * One step of a provisioning event, with Entra's step name and description.
 *
 * @example
 * ```ts
 * const step: ProvisioningStep = {
 *   name: 'EntryImportAdd', provisioningStepType: 'import', status: 'success',
 *   description: "Received User 'adele@contoso.com' change of type (Add) from Azure Active Directory", details: {},
 * };
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
 * const category: ProvisioningStatusErrorCategory = 'nonServiceFailure';
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningerrorinfo
 */
export type ProvisioningStatusErrorCategory = 'failure' | 'nonServiceFailure' | 'success';

/**
 * Why a provisioning event failed, and what to do.
 *
 * @example
 * ```ts
 * const error: ProvisioningErrorInfo = { errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
 *   errorCategory: 'nonServiceFailure', reason: 'The SCIM endpoint returned 400.', additionalDetails: null, recommendedAction: null };
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
 * const info: ProvisioningStatusInfo = { status: 'success', errorInformation: null };
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
 * const p: ModifiedProperty = { displayName: 'jobTitle', oldValue: 'Engineer', newValue: 'Senior Engineer' };
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
 * const by: ProvisioningInitiator = { id: '', displayName: 'Azure AD Provisioning Service', initiatorType: 'system' };
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
 * const id: ProvisionedIdentity = { id: '2819c223-7f76-453a-919d-413861904646', displayName: 'Adele Vance', identityType: 'User', details: {} };
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
 * const source: ProvisioningSystem = { id: 'b3d2c1a0-0000-4000-8000-000000000000', displayName: 'Azure Active Directory', details: {} };
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
 * const sp: ProvisioningServicePrincipal = { id: '6cc35b93-185a-4485-a519-50c09549f3ad', displayName: 'Contoso' };
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
 * const entry: ProvisioningObjectSummary = {
 *   id: '9a1f…', activityDateTime: '2026-01-01T08:40:00Z', tenantId, jobId: 'scim.…', cycleId, changeId,
 *   provisioningAction: 'create', durationInMilliseconds: 120,
 *   provisioningStatusInfo: { status: 'success', errorInformation: null },
 *   provisioningSteps: [], modifiedProperties: [{ displayName: 'userName', oldValue: null, newValue: 'adele@contoso.com' }],
 *   initiatedBy: { id: '', displayName: 'Azure AD Provisioning Service', initiatorType: 'system' },
 *   servicePrincipal: { id: app.id, displayName: app.displayName },
 *   sourceSystem, targetSystem, sourceIdentity, targetIdentity,
 * };
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

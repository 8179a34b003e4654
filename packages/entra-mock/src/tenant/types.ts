/**
 * The fifteen `extensionAttributeN` properties that Entra keeps for every user (synchronized from
 * on-premises Active Directory, or set directly on cloud-only users).
 *
 * @example
 * ```ts
 * import type { OnPremisesExtensionAttributes } from '@scim/entra-mock';
 * const ext: OnPremisesExtensionAttributes = { extensionAttribute1: 'EMP-0042' };
 * tenant.updateUser(adele.id, { onPremisesExtensionAttributes: ext }); // merged with the attributes she has
 * tenant.getUser(adele.id).onPremisesExtensionAttributes.extensionAttribute1; // 'EMP-0042'
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/onpremisesextensionattributes
 */
export type OnPremisesExtensionAttributes = {
  [N in 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 as `extensionAttribute${N}`]?:
    | string
    | null;
};

/**
 * The value of a directory extension property (`extension_{appIdWithoutDashes}_{name}`).
 *
 * @example
 * ```ts
 * import type { DirectoryExtensionValue } from '@scim/entra-mock';
 * const costCenter: DirectoryExtensionValue = 'Cost center 12';
 * tenant.updateUser(adele.id, { [`extension_${app.appId.replaceAll('-', '')}_costCenter`]: costCenter });
 * ```
 * @see https://learn.microsoft.com/en-us/graph/extensibility-overview
 */
export type DirectoryExtensionValue = string | number | boolean | string[] | null;

/**
 * A user of the tenant, with the properties of Microsoft Graph's `user` resource that provisioning
 * reads. Directory extensions appear as top-level `extension_{appId}_{name}` properties, as in Graph.
 *
 * @example
 * ```ts
 * const user: EntraUser = tenant.getUser(adele.id);
 * user.accountEnabled; // true
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/user
 */
export interface EntraUser {
  /** The object id, a GUID. Read-only. */
  readonly id: string;
  /** The sign-in name, `alias@verified-domain`; unique among the tenant's users. */
  readonly userPrincipalName: string;
  /** Whether the account can sign in. Disabling a user sets it to `false`. */
  readonly accountEnabled: boolean;
  /** The name shown in the address book. */
  readonly displayName: string;
  /** The mail alias, unique in practice. */
  readonly mailNickname: string;
  /** The SMTP address. */
  readonly mail: string | null;
  /** The given (first) name. */
  readonly givenName: string | null;
  /** The surname (family name). */
  readonly surname: string | null;
  /** The job title. */
  readonly jobTitle: string | null;
  /** The department. */
  readonly department: string | null;
  /** The company name. */
  readonly companyName: string | null;
  /** The employee identifier the organization assigns. */
  readonly employeeId: string | null;
  /** The employee type, for example `Employee` or `Contractor`. */
  readonly employeeType: string | null;
  /** The office location. */
  readonly officeLocation: string | null;
  /** The mobile phone number. */
  readonly mobilePhone: string | null;
  /** The business phone numbers; Graph allows only one to be set. */
  readonly businessPhones: readonly string[];
  /** The street address. */
  readonly streetAddress: string | null;
  /** The city. */
  readonly city: string | null;
  /** The state or province. */
  readonly state: string | null;
  /** The country or region, as free text (for example `United States`). */
  readonly country: string | null;
  /** The postal code. */
  readonly postalCode: string | null;
  /** The preferred language, an ISO 639-1 code with a region, for example `en-US`. */
  readonly preferredLanguage: string | null;
  /** The two-letter country code (ISO 3166) where the user's licenses apply. */
  readonly usageLocation: string | null;
  /** `Member` or `Guest`. */
  readonly userType: 'Member' | 'Guest';
  /** The fifteen on-premises extension attributes. */
  readonly onPremisesExtensionAttributes: OnPremisesExtensionAttributes;
  /** When the user was created (ISO 8601, UTC). Read-only. */
  readonly createdDateTime: string;
  /** When the user was soft-deleted, or `null`. Read-only. */
  readonly deletedDateTime: string | null;
  /** Directory extension properties. */
  readonly [extension: `extension_${string}`]: DirectoryExtensionValue | undefined;
}

/**
 * The writable properties of a user, for {@link EntraTenant.createUser} (where
 * `userPrincipalName`, `displayName` and `mailNickname` are required) and
 * {@link EntraTenant.updateUser}.
 *
 * @example
 * ```ts
 * import type { UserInput } from '@scim/entra-mock';
 * const promotion: UserInput = { jobTitle: 'Lead', department: null }; // null clears, undefined leaves as is
 * tenant.updateUser(adele.id, promotion); // the next cycle PATCHes title and department
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/user-post-users
 */
export type UserInput = {
  -readonly [K in Exclude<keyof EntraUser, 'id' | 'createdDateTime' | 'deletedDateTime'> as string extends K
    ? never
    : K]?: K extends 'businessPhones' ? string[] : EntraUser[K];
} & { [extension: `extension_${string}`]: DirectoryExtensionValue | undefined };

/**
 * A group of the tenant, with the properties of Microsoft Graph's `group` resource that
 * provisioning reads. Members are read with {@link EntraTenant.listMembers}.
 *
 * @example
 * ```ts
 * const group: EntraGroup = tenant.createGroup({ displayName: 'Sales', mailNickname: 'sales' });
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/group
 */
export interface EntraGroup {
  /** The object id, a GUID. Read-only. */
  readonly id: string;
  /** The display name; not unique in Entra. */
  readonly displayName: string;
  /** An optional description. */
  readonly description: string | null;
  /** The mail alias. */
  readonly mailNickname: string;
  /** The SMTP address, for mail-enabled groups. */
  readonly mail: string | null;
  /** Whether the group is mail-enabled. */
  readonly mailEnabled: boolean;
  /** Whether the group is a security group. */
  readonly securityEnabled: boolean;
  /** `["Unified"]` for a Microsoft 365 group, `[]` for security and distribution groups. */
  readonly groupTypes: readonly string[];
  /** When the group was created (ISO 8601, UTC). Read-only. */
  readonly createdDateTime: string;
  /** When the group was soft-deleted, or `null`. Read-only. */
  readonly deletedDateTime: string | null;
}

/**
 * The writable properties of a group, for {@link EntraTenant.createGroup} (where `displayName`
 * and `mailNickname` are required) and {@link EntraTenant.updateGroup}.
 *
 * @example
 * ```ts
 * import type { GroupInput } from '@scim/entra-mock';
 * const changes: GroupInput = { displayName: 'Sales EMEA', description: 'Sales in Europe' };
 * tenant.updateGroup(sales.id, changes); // the next cycle PATCHes the group's displayName
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/group-post-groups
 */
export type GroupInput = {
  -readonly [K in Exclude<
    keyof EntraGroup,
    'id' | 'createdDateTime' | 'deletedDateTime'
  >]?: K extends 'groupTypes' ? string[] : EntraGroup[K];
};

/**
 * A role an application declares, which assignments grant.
 *
 * @example
 * ```ts
 * import type { AppRole } from '@scim/entra-mock';
 * const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
 * const user: AppRole | undefined = app.appRoles.find((r) => r.displayName === 'User');
 * if (user) tenant.assign(app.id, adele.id, user.id); // without a role: Default Access
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/approle
 */
export interface AppRole {
  /** The role id, a GUID. */
  readonly id: string;
  /** The name shown in the assignment UI. */
  readonly displayName: string;
  /** The value sent in tokens and, through `AppRoleAssignmentsComplex`, in provisioning. */
  readonly value: string | null;
  /** A description. */
  readonly description: string;
  /** Who may be assigned: `User` (users and groups) and / or `Application`. */
  readonly allowedMemberTypes: readonly ('User' | 'Application')[];
  /** Whether the role can be assigned. */
  readonly isEnabled: boolean;
  /** Where the role was declared. */
  readonly origin: 'Application' | 'ServicePrincipal';
}

/**
 * An enterprise application (service principal): the object users and groups are assigned to,
 * and whose provisioning job pushes them into a SCIM endpoint.
 *
 * @example
 * ```ts
 * const app: EntraServicePrincipal = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal
 */
export interface EntraServicePrincipal {
  /** The object id, a GUID. */
  readonly id: string;
  /** The application (client) id, a GUID. */
  readonly appId: string;
  /** The name. */
  readonly displayName: string;
  /** Whether users can sign in to the application. */
  readonly accountEnabled: boolean;
  /** Whether users must be assigned (when `false`, "sync all users and groups" is the usual scope). */
  readonly appRoleAssignmentRequired: boolean;
  /** The declared roles. Assignments may also use {@link DEFAULT_ACCESS_APP_ROLE_ID}. */
  readonly appRoles: readonly AppRole[];
  /** Always `Application`. */
  readonly servicePrincipalType: 'Application';
  /** Tags, as Entra sets them on a non-gallery application. */
  readonly tags: readonly string[];
}

/**
 * Options of {@link EntraTenant.createServicePrincipal}.
 *
 * @example
 * ```ts
 * import type { ServicePrincipalInput } from '@scim/entra-mock';
 * const input: ServicePrincipalInput = { displayName: 'Contoso SCIM app' }; // with the User and msiam_access roles
 * const app = tenant.createServicePrincipal(input);
 * tenant.assign(app.id, adele.id, app.appRoles[0]!.id);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-configuration-api
 */
export interface ServicePrincipalInput {
  /** The name. */
  displayName: string;
  /**
   * The declared roles; defaults to the two Entra gives a non-gallery app, with Entra's fixed ids:
   * `User` (`18d14569-c3bd-439b-9a66-3a2aee01d14f`) and `msiam_access`
   * (`b9632174-c057-4f7e-951b-be3adc52bfe6`), both with a `null` value. Pass `[]` for an app that
   * declares none (then only the Default Access role can be assigned).
   */
  appRoles?: AppRole[];
  /** Defaults to `true`, as for a new enterprise application. */
  appRoleAssignmentRequired?: boolean;
}

/**
 * The id Entra uses for the Default Access role: an assignment to an application with no specific
 * role. Provisioning skips users whose only assignment is to this role.
 *
 * @example
 * ```ts
 * tenant.assign(app.id, adele.id, DEFAULT_ACCESS_APP_ROLE_ID);
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/approleassignment
 */
export const DEFAULT_ACCESS_APP_ROLE_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The assignment of a user or a group to an application role (`appRoleAssignedTo`).
 *
 * @example
 * ```ts
 * const a: EntraAppRoleAssignment = tenant.assign(app.id, adele.id);
 * a.principalType; // 'User'
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/approleassignment
 */
export interface EntraAppRoleAssignment {
  /** The assignment id. */
  readonly id: string;
  /** The assigned role, or {@link DEFAULT_ACCESS_APP_ROLE_ID}. */
  readonly appRoleId: string;
  /** The assigned user or group. */
  readonly principalId: string;
  /** Whether the principal is a user or a group. */
  readonly principalType: 'User' | 'Group';
  /** The principal's display name when assigned. */
  readonly principalDisplayName: string;
  /** The service principal's id. */
  readonly resourceId: string;
  /** The service principal's name. */
  readonly resourceDisplayName: string;
  /** When it was assigned (ISO 8601, UTC). */
  readonly createdDateTime: string;
  /** Always `null`; removed assignments are gone. */
  readonly deletedDateTime: null;
}

/**
 * A user or a group, tagged with its type: a group member, a membership, or a deleted item
 * (soft-deleted, restorable for 30 days).
 *
 * @example
 * ```ts
 * for (const item of tenant.listDeletedItems()) console.log(item.type, item.object.deletedDateTime);
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/directoryobject
 */
export type DirectoryObject =
  | {
      /** A user. */
      readonly type: 'user';
      /** The user. */
      readonly object: EntraUser;
    }
  | {
      /** A group. */
      readonly type: 'group';
      /** The group. */
      readonly object: EntraGroup;
    };

/**
 * One property that a change modified, with its old and new values.
 *
 * @example
 * ```ts
 * import type { PropertyChange } from '@scim/entra-mock';
 * tenant.updateUser(adele.id, { jobTitle: 'Senior Engineer' });
 * const last = tenant.changesSince().at(-1);
 * const changed: readonly PropertyChange[] = last?.kind === 'userUpdated' ? last.properties : [];
 * // [{ name: 'jobTitle', oldValue: 'Engineer', newValue: 'Senior Engineer' }]
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/modifiedproperty
 */
export interface PropertyChange {
  /** The Graph property name, for example `jobTitle` or `onPremisesExtensionAttributes.extensionAttribute1`. */
  readonly name: string;
  /** The value before. */
  readonly oldValue: unknown;
  /** The value after. */
  readonly newValue: unknown;
}

/**
 * One mutation of the tenant, in order. `sequence` increases by one with every change, so a
 * provisioning engine can keep the last sequence it processed as its watermark and read only what
 * changed since (see {@link EntraTenant.changesSince}).
 *
 * @example
 * ```ts
 * for (const change of tenant.changesSince(watermark)) {
 *   if (change.kind === 'userUpdated') console.log(change.userId, change.properties);
 * }
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#incremental-cycles
 */
export type DirectoryChange = {
  /** The change's position in the log: 1 for the first change, then +1 for each. */
  readonly sequence: number;
  /** When the change happened (ISO 8601, UTC, by the tenant's clock). */
  readonly occurredDateTime: string;
} & (
  | {
      /** A user was created, soft-deleted, restored or purged. */
      readonly kind: 'userCreated' | 'userSoftDeleted' | 'userRestored' | 'userHardDeleted';
      /** The user. */
      readonly userId: string;
    }
  | {
      /** A user's properties changed (disabling is `accountEnabled` going to `false`). */
      readonly kind: 'userUpdated';
      /** The user. */
      readonly userId: string;
      /** What changed, with old and new values. */
      readonly properties: readonly PropertyChange[];
    }
  | {
      /** A user's manager was set, changed or removed. */
      readonly kind: 'managerChanged';
      /** The user whose manager changed. */
      readonly userId: string;
      /** The manager before, or `null`. */
      readonly oldManagerId: string | null;
      /** The manager after, or `null`. */
      readonly newManagerId: string | null;
    }
  | {
      /** A group was created, soft-deleted, restored or purged. */
      readonly kind: 'groupCreated' | 'groupSoftDeleted' | 'groupRestored' | 'groupHardDeleted';
      /** The group. */
      readonly groupId: string;
    }
  | {
      /** A group's properties changed. */
      readonly kind: 'groupUpdated';
      /** The group. */
      readonly groupId: string;
      /** What changed, with old and new values. */
      readonly properties: readonly PropertyChange[];
    }
  | {
      /** A direct member was added to or removed from a group. */
      readonly kind: 'memberAdded' | 'memberRemoved';
      /** The group. */
      readonly groupId: string;
      /** The member. */
      readonly memberId: string;
      /** Whether the member is a user or a group. */
      readonly memberType: 'user' | 'group';
    }
  | {
      /** An enterprise application was created. */
      readonly kind: 'servicePrincipalCreated';
      /** The application. */
      readonly servicePrincipalId: string;
    }
  | {
      /** A user or group was assigned to, or unassigned from, an application role. */
      readonly kind: 'appRoleAssigned' | 'appRoleUnassigned';
      /** The assignment. */
      readonly assignmentId: string;
      /** The application. */
      readonly servicePrincipalId: string;
      /** The user or group. */
      readonly principalId: string;
      /** Whether the principal is a user or a group. */
      readonly principalType: 'User' | 'Group';
      /** The role, or the Default Access role id. */
      readonly appRoleId: string;
    }
);

/**
 * The `kind` of a {@link DirectoryChange}.
 *
 * @example
 * ```ts
 * import type { DirectoryChangeKind } from '@scim/entra-mock';
 * const watermark = tenant.changesSince().at(-1)?.sequence ?? 0;
 * tenant.setManager(megan.id, adele.id);
 * const kinds: DirectoryChangeKind[] = tenant.changesSince(watermark).map((c) => c.kind); // ['managerChanged']
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works#incremental-cycles
 */
export type DirectoryChangeKind = DirectoryChange['kind'];

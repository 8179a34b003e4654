import { ScimError } from '@scim/schemas';
import { createManualClock, type EntraClock } from '../clock.ts';
import { createRandom } from '../random.ts';
import {
  type AppRole,
  DEFAULT_ACCESS_APP_ROLE_ID,
  type DirectoryChange,
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
} from './types.ts';

/**
 * How long a soft-deleted user or group stays restorable in deleted items: 30 days.
 *
 * @example
 * ```ts
 * clock.advance(SOFT_DELETE_RETENTION_MS); // the deleted user is now gone for good
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/users/users-restore
 */
export const SOFT_DELETE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Options of {@link createEntraTenant}.
 *
 * @example
 * ```ts
 * const options: EntraTenantOptions = { seed: 42, domains: ['contoso.com'] };
 * ```
 * @see https://learn.microsoft.com/en-us/entra/fundamentals/whatis
 */
export interface EntraTenantOptions {
  /** The clock the tenant reads; defaults to a {@link createManualClock} at 2026-01-01T08:00:00Z. */
  clock?: EntraClock;
  /** Makes object ids deterministic; without it ids come from `crypto.randomUUID()`. */
  seed?: number;
  /** The tenant id, a GUID; derived from the seed (or random) when omitted. */
  tenantId?: string;
  /** Verified domains; the first is the default one. Defaults to `['contoso.onmicrosoft.com']`. */
  domains?: string[];
}

/**
 * An in-memory Microsoft Entra tenant: users, groups, enterprise applications and their
 * assignments, with Entra's semantics for every mutation and a change log a provisioning engine
 * reads from a watermark. Every read returns a copy; change the tenant through its methods.
 *
 * @example
 * ```ts
 * const tenant = createEntraTenant({ seed: 1 });
 * const user = tenant.createUser({ userPrincipalName: 'adele@contoso.onmicrosoft.com', displayName: 'Adele Vance', mailNickname: 'adele' });
 * tenant.disableUser(user.id);
 * tenant.changesSince(0).map((c) => c.kind); // ['userCreated', 'userUpdated']
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/users
 */
export interface EntraTenant {
  /** The tenant id (a GUID), as in `login.microsoftonline.com/{tenantId}`. */
  readonly id: string;
  /** The verified domains; the first is the default. */
  readonly domains: readonly string[];
  /** The clock the tenant reads. */
  readonly clock: EntraClock;
  /** The sequence of the last change, 0 when nothing changed yet: the current watermark. */
  readonly sequence: number;

  /**
   * Creates a user, enabled unless `accountEnabled` is `false`.
   *
   * @param input - the user's properties; `userPrincipalName`, `displayName` and `mailNickname` are required
   * @returns the new user
   * @throws ScimError `invalidValue` for a missing or malformed property or an unverified domain;
   *   `uniqueness` when another user has the userPrincipalName
   */
  createUser(
    input: UserInput & { userPrincipalName: string; displayName: string; mailNickname: string },
  ): EntraUser;
  /**
   * Reads a user that is not deleted.
   *
   * @param id - the object id
   * @returns the user
   * @throws ScimError `notFound` when there is no such user (or it is in deleted items)
   */
  getUser(id: string): EntraUser;
  /**
   * Finds a user that is not deleted by id or userPrincipalName (case-insensitive).
   *
   * @param idOrPrincipalName - the object id or the userPrincipalName
   * @returns the user, or `undefined`
   */
  findUser(idOrPrincipalName: string): EntraUser | undefined;
  /**
   * Lists the users that are not deleted, in creation order.
   *
   * @returns the users
   */
  listUsers(): EntraUser[];
  /**
   * Updates a user's properties: `undefined` leaves a property alone, `null` clears it, and
   * `onPremisesExtensionAttributes` merges. Records a `userUpdated` change with the properties
   * that really changed (none recorded when nothing did).
   *
   * @param id - the object id
   * @param changes - the properties to set
   * @returns the updated user
   * @throws ScimError `notFound` for an unknown user; `invalidValue` / `uniqueness` as {@link EntraTenant.createUser}
   */
  updateUser(id: string, changes: UserInput): EntraUser;
  /**
   * Disables a user (`accountEnabled: false`): the user stays in the directory but cannot sign in.
   *
   * @param id - the object id
   * @returns the updated user
   * @throws ScimError `notFound` for an unknown user
   */
  disableUser(id: string): EntraUser;
  /**
   * Enables a user (`accountEnabled: true`).
   *
   * @param id - the object id
   * @returns the updated user
   * @throws ScimError `notFound` for an unknown user
   */
  enableUser(id: string): EntraUser;
  /**
   * Deletes a user: by default a soft delete into deleted items, restorable for 30 days, after
   * which the user is purged; `permanently` also purges it at once (two changes recorded).
   *
   * @param id - the object id
   * @param options - `permanently: true` for a hard delete
   * @throws ScimError `notFound` for an unknown user
   */
  deleteUser(id: string, options?: { permanently?: boolean }): void;
  /**
   * Reads a user's manager.
   *
   * @param userId - the user's object id
   * @returns the manager, or `null` when none is set (or the manager is deleted)
   * @throws ScimError `notFound` for an unknown user
   */
  getManager(userId: string): EntraUser | null;
  /**
   * Sets or removes a user's manager, recording a `managerChanged` change.
   *
   * @param userId - the user's object id
   * @param managerId - the manager's object id, or `null` to remove the manager
   * @returns nothing
   * @throws ScimError `notFound` for an unknown user or manager; `invalidValue` when a user would manage itself
   */
  setManager(userId: string, managerId: string | null): void;
  /**
   * Lists the users whose manager is this user.
   *
   * @param userId - the manager's object id
   * @returns the direct reports that are not deleted
   * @throws ScimError `notFound` for an unknown user
   */
  listDirectReports(userId: string): EntraUser[];

  /**
   * Creates a group: a security group unless told otherwise.
   *
   * @param input - the group's properties; `displayName` and `mailNickname` are required
   * @returns the new group
   * @throws ScimError `invalidValue` for a missing or malformed property
   */
  createGroup(input: GroupInput & { displayName: string; mailNickname: string }): EntraGroup;
  /**
   * Reads a group that is not deleted.
   *
   * @param id - the object id
   * @returns the group
   * @throws ScimError `notFound` when there is no such group
   */
  getGroup(id: string): EntraGroup;
  /**
   * Finds a group that is not deleted by id.
   *
   * @param id - the object id
   * @returns the group, or `undefined`
   */
  findGroup(id: string): EntraGroup | undefined;
  /**
   * Lists the groups that are not deleted, in creation order.
   *
   * @returns the groups
   */
  listGroups(): EntraGroup[];
  /**
   * Updates a group's properties, recording a `groupUpdated` change with what really changed.
   *
   * @param id - the object id
   * @param changes - the properties to set (`null` clears)
   * @returns the updated group
   * @throws ScimError `notFound` for an unknown group; `invalidValue` for a malformed property
   */
  updateGroup(id: string, changes: GroupInput): EntraGroup;
  /**
   * Deletes a group. Security and Microsoft 365 groups go to deleted items for 30 days;
   * distribution groups (mail-enabled, not security, not Unified) are purged at once, as are groups
   * deleted with `permanently`.
   *
   * @param id - the object id
   * @param options - `permanently: true` for a hard delete
   * @throws ScimError `notFound` for an unknown group
   */
  deleteGroup(id: string, options?: { permanently?: boolean }): void;
  /**
   * Adds a direct member (a user or a group) to a group.
   *
   * @param groupId - the group
   * @param memberId - the user or group to add
   * @returns nothing
   * @throws ScimError `notFound` for an unknown group or member; `conflict` when already a member;
   *   `invalidValue` when a group would contain itself
   */
  addMember(groupId: string, memberId: string): void;
  /**
   * Removes a direct member from a group.
   *
   * @param groupId - the group
   * @param memberId - the member to remove
   * @returns nothing
   * @throws ScimError `notFound` for an unknown group, or when the object is not a member
   */
  removeMember(groupId: string, memberId: string): void;
  /**
   * Lists a group's direct members that are not deleted, in the order they were added.
   *
   * @param groupId - the group
   * @returns the members, each tagged with its type
   * @throws ScimError `notFound` for an unknown group
   */
  listMembers(groupId: string): DirectoryObject[];
  /**
   * Lists the groups a user or group is a direct member of.
   *
   * @param objectId - the user or group
   * @returns the groups that are not deleted
   * @throws ScimError `notFound` for an unknown object
   */
  listMemberOf(objectId: string): EntraGroup[];

  /**
   * Lists deleted items (soft-deleted users and groups not yet purged).
   *
   * @param type - only users or only groups
   * @returns the deleted items, oldest deletion first
   */
  listDeletedItems(type?: 'user' | 'group'): DirectoryObject[];
  /**
   * Restores a soft-deleted user or group with its memberships, assignments and manager.
   *
   * @param id - the object id
   * @returns the restored object
   * @throws ScimError `notFound` when the object is not in deleted items (never deleted, or purged);
   *   `uniqueness` when an active user now has the restored user's userPrincipalName
   */
  restoreDeletedItem(id: string): DirectoryObject;
  /**
   * Purges a soft-deleted object at once (a hard delete), removing its memberships, assignments
   * and manager links.
   *
   * @param id - the object id
   * @returns nothing
   * @throws ScimError `notFound` when the object is not in deleted items
   */
  permanentlyDeleteItem(id: string): void;

  /**
   * Creates an enterprise application (service principal).
   *
   * @param input - its name and roles
   * @returns the service principal
   * @throws ScimError `invalidValue` for an empty name or duplicate role ids
   */
  createServicePrincipal(input: ServicePrincipalInput): EntraServicePrincipal;
  /**
   * Reads a service principal.
   *
   * @param id - the object id
   * @returns the service principal
   * @throws ScimError `notFound` for an unknown id
   */
  getServicePrincipal(id: string): EntraServicePrincipal;
  /**
   * Lists the service principals.
   *
   * @returns the service principals, in creation order
   */
  listServicePrincipals(): EntraServicePrincipal[];
  /**
   * Assigns a user or a group to an application role.
   *
   * @param servicePrincipalId - the application
   * @param principalId - the user or group
   * @param appRoleId - a declared, enabled role, or {@link DEFAULT_ACCESS_APP_ROLE_ID} (the default)
   * @returns the assignment
   * @throws ScimError `notFound` for an unknown application or principal; `invalidValue` for an
   *   unknown or disabled role; `conflict` when the principal already has this role
   */
  assign(servicePrincipalId: string, principalId: string, appRoleId?: string): EntraAppRoleAssignment;
  /**
   * Removes an assignment.
   *
   * @param assignmentId - the assignment id
   * @returns nothing
   * @throws ScimError `notFound` for an unknown assignment
   */
  unassign(assignmentId: string): void;
  /**
   * Lists an application's assignments (`appRoleAssignedTo`) whose principal is not deleted.
   *
   * @param servicePrincipalId - the application
   * @returns the assignments, in creation order
   * @throws ScimError `notFound` for an unknown application
   */
  listAssignments(servicePrincipalId: string): EntraAppRoleAssignment[];

  /**
   * The changes after a watermark, in order (each with `sequence > watermark`).
   *
   * @param watermark - the last sequence already processed; 0 for everything
   * @returns the changes since
   */
  changesSince(watermark?: number): DirectoryChange[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type UserRecord = Mutable<EntraUser> & { businessPhones: string[] };
type GroupRecord = Mutable<EntraGroup> & { groupTypes: string[] };
type ChangeBody = DirectoryChange extends infer C
  ? C extends DirectoryChange
    ? Omit<C, 'sequence' | 'occurredDateTime'>
    : never
  : never;

const USER_NULLABLE = [
  'mail',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'companyName',
  'employeeId',
  'employeeType',
  'officeLocation',
  'mobilePhone',
  'streetAddress',
  'city',
  'state',
  'country',
  'postalCode',
  'preferredLanguage',
  'usageLocation',
] as const;
const USER_KEYS = new Set<string>([
  ...USER_NULLABLE,
  'userPrincipalName',
  'accountEnabled',
  'displayName',
  'mailNickname',
  'businessPhones',
  'userType',
  'onPremisesExtensionAttributes',
]);
const GROUP_KEYS = new Set<string>([
  'displayName',
  'description',
  'mailNickname',
  'mail',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
]);
const EXTENSION_ATTRIBUTE = /^extensionAttribute(?:[1-9]|1[0-5])$/;
const DIRECTORY_EXTENSION = /^extension_[0-9a-f]{32}_\w+$/i;
const MAIL_NICKNAME_FORBIDDEN = /[@()\\[\]";:<>,\s]/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(message: string): ScimError {
  return new ScimError('invalidValue', message);
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function copyUser(user: UserRecord): EntraUser {
  return {
    ...user,
    businessPhones: [...user.businessPhones],
    onPremisesExtensionAttributes: { ...user.onPremisesExtensionAttributes },
  };
}

function copyGroup(group: GroupRecord): EntraGroup {
  return { ...group, groupTypes: [...group.groupTypes] };
}

function copyServicePrincipal(sp: EntraServicePrincipal): EntraServicePrincipal {
  return {
    ...sp,
    appRoles: sp.appRoles.map((role) => ({ ...role, allowedMemberTypes: [...role.allowedMemberTypes] })),
    tags: [...sp.tags],
  };
}

/**
 * Creates an empty in-memory Entra tenant.
 *
 * @param options - clock, seed for deterministic ids, tenant id and verified domains
 * @returns the tenant
 * @throws ScimError `invalidValue` for a malformed tenant id or an empty domain list
 * @example
 * ```ts
 * import { createEntraTenant, createManualClock } from '@scim/entra-mock';
 * const clock = createManualClock();
 * const tenant = createEntraTenant({ clock, seed: 7 });
 * const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
 * const user = tenant.createUser({ userPrincipalName: 'adele@contoso.onmicrosoft.com', displayName: 'Adele Vance', mailNickname: 'adele' });
 * tenant.assign(app.id, user.id, app.appRoles[0]!.id);
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/users
 */
export function createEntraTenant(options: EntraTenantOptions = {}): EntraTenant {
  const clock = options.clock ?? createManualClock();
  const random = options.seed === undefined ? undefined : createRandom(options.seed);
  const newId = (): string => (random ? random.uuid() : crypto.randomUUID());
  const tenantId = options.tenantId ?? newId();
  if (!GUID.test(tenantId)) throw invalid(`tenant: tenantId "${tenantId}" is not a GUID`);
  const domains = (options.domains ?? ['contoso.onmicrosoft.com']).map((d) => d.toLowerCase());
  if (domains.length === 0) throw invalid('tenant: give at least one verified domain');

  const users = new Map<string, UserRecord>();
  const groups = new Map<string, GroupRecord>();
  const managers = new Map<string, string>();
  const members = new Map<string, Set<string>>();
  const servicePrincipals = new Map<string, EntraServicePrincipal>();
  const assignments = new Map<string, EntraAppRoleAssignment>();
  const changes: DirectoryChange[] = [];
  // Indexes, so that large directories (10,000 users and more) load and change in linear time.
  const deleted = new Set<string>();
  const upnIndex = new Map<string, string>();
  const assignmentKeys = new Set<string>();
  const assignmentKey = (a: { resourceId: string; principalId: string; appRoleId: string }): string =>
    `${a.resourceId}|${a.principalId}|${a.appRoleId}`;

  const nowIso = (): string => clock.now().toISOString();
  const record = (body: ChangeBody, at: string = nowIso()): void => {
    changes.push(
      Object.freeze({ ...body, sequence: changes.length + 1, occurredDateTime: at }) as DirectoryChange,
    );
  };

  // Soft-deleted objects expire 30 days after deletion; purge lazily whenever the tenant is used.
  const purgeExpired = (): void => {
    const now = clock.now().getTime();
    if (deleted.size === 0) return;
    const expired: { id: string; type: 'user' | 'group'; at: number }[] = [];
    for (const id of deleted) {
      const object = users.get(id) ?? groups.get(id);
      if (object?.deletedDateTime) {
        const at = Date.parse(object.deletedDateTime) + SOFT_DELETE_RETENTION_MS;
        if (at <= now) expired.push({ id, type: users.has(id) ? 'user' : 'group', at });
      }
    }
    expired.sort((a, b) => a.at - b.at);
    for (const item of expired) purge(item.id, item.type, new Date(item.at).toISOString());
  };

  const activeUser = (id: string): UserRecord => {
    const user = users.get(id);
    if (!user || user.deletedDateTime !== null) {
      throw new ScimError(
        'notFound',
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    return user;
  };
  const activeGroup = (id: string): GroupRecord => {
    const group = groups.get(id);
    if (!group || group.deletedDateTime !== null) {
      throw new ScimError(
        'notFound',
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    return group;
  };
  const isActive = (id: string): boolean => {
    const object = users.get(id) ?? groups.get(id);
    return object !== undefined && object.deletedDateTime === null;
  };
  const servicePrincipal = (id: string): EntraServicePrincipal => {
    const sp = servicePrincipals.get(id);
    if (!sp) throw new ScimError('notFound', `Resource '${id}' does not exist.`);
    return sp;
  };
  const upnTaken = (upn: string, exceptId?: string): boolean => {
    const owner = upnIndex.get(upn.toLowerCase());
    return owner !== undefined && owner !== exceptId;
  };

  const checkUserValues = (input: UserInput, id?: string): void => {
    for (const key of Object.keys(input)) {
      if (!USER_KEYS.has(key) && !DIRECTORY_EXTENSION.test(key)) {
        throw invalid(`user: "${key}" is not a writable property of a user`);
      }
    }
    if (input.userPrincipalName !== undefined) {
      const upn = input.userPrincipalName;
      const at = typeof upn === 'string' ? upn.lastIndexOf('@') : -1;
      if (at <= 0 || upn.indexOf('@') !== at) {
        throw invalid(`user: userPrincipalName "${String(upn)}" must be alias@domain with one "@"`);
      }
      const domain = upn.slice(at + 1).toLowerCase();
      if (!domains.includes(domain)) {
        throw invalid(
          `user: the domain portion of the userPrincipalName "${upn}" is invalid; use one of the tenant's verified domains: ${domains.join(', ')}`,
        );
      }
      if (upnTaken(upn, id)) {
        throw new ScimError(
          'uniqueness',
          `Another object with the same value for property userPrincipalName already exists: "${upn}".`,
        );
      }
    }
    for (const key of ['displayName', 'mailNickname'] as const) {
      const value = input[key];
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
        throw invalid(`user: ${key} must be a non-empty string`);
      }
    }
    if (input.mailNickname !== undefined && MAIL_NICKNAME_FORBIDDEN.test(input.mailNickname)) {
      throw invalid(
        `user: mailNickname "${input.mailNickname}" may not contain spaces or any of @ ( ) \\ [ ] " ; : < > ,`,
      );
    }
    if (input.accountEnabled !== undefined && typeof input.accountEnabled !== 'boolean') {
      throw invalid('user: accountEnabled must be true or false');
    }
    if (input.businessPhones !== undefined) {
      if (!Array.isArray(input.businessPhones) || input.businessPhones.some((p) => typeof p !== 'string')) {
        throw invalid('user: businessPhones must be an array of strings');
      }
      if (input.businessPhones.length > 1) {
        throw invalid('user: only one number can be set for businessPhones');
      }
    }
    if (input.usageLocation != null && !/^[A-Z]{2}$/.test(input.usageLocation)) {
      throw invalid(
        `user: usageLocation "${input.usageLocation}" must be a two-letter ISO 3166 country code, like US`,
      );
    }
    if (input.userType !== undefined && input.userType !== 'Member' && input.userType !== 'Guest') {
      throw invalid('user: userType must be Member or Guest');
    }
    for (const key of USER_NULLABLE) {
      const value = input[key];
      if (value !== undefined && value !== null && typeof value !== 'string') {
        throw invalid(`user: ${key} must be a string or null`);
      }
    }
    if (input.onPremisesExtensionAttributes !== undefined) {
      const ext = input.onPremisesExtensionAttributes;
      if (typeof ext !== 'object' || ext === null) {
        throw invalid('user: onPremisesExtensionAttributes must be an object');
      }
      for (const [key, value] of Object.entries(ext)) {
        if (!EXTENSION_ATTRIBUTE.test(key)) {
          throw invalid(
            `user: "${key}" is not an extension attribute; use extensionAttribute1 to extensionAttribute15`,
          );
        }
        if (value !== null && typeof value !== 'string')
          throw invalid(`user: ${key} must be a string or null`);
      }
    }
  };

  const applyUser = (user: UserRecord, input: UserInput): PropertyChange[] => {
    const changed: PropertyChange[] = [];
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      if (key === 'onPremisesExtensionAttributes') {
        const before: OnPremisesExtensionAttributes = user.onPremisesExtensionAttributes;
        const after: Record<string, string | null> = { ...before };
        for (const [name, v] of Object.entries(value as Record<string, string | null>)) {
          if (v === undefined) continue;
          const old = (before as Record<string, string | null | undefined>)[name] ?? null;
          if (v !== old)
            changed.push({ name: `onPremisesExtensionAttributes.${name}`, oldValue: old, newValue: v });
          if (v === null) delete after[name];
          else after[name] = v;
        }
        user.onPremisesExtensionAttributes = after;
        continue;
      }
      const record = user as unknown as Record<string, unknown>;
      const old = record[key] ?? null;
      const next = Array.isArray(value) ? [...value] : value;
      if (!same(old, next)) changed.push({ name: key, oldValue: old, newValue: next });
      if (next === null && DIRECTORY_EXTENSION.test(key)) delete record[key];
      else record[key] = next;
    }
    return changed;
  };

  const checkGroupValues = (input: GroupInput): void => {
    for (const key of Object.keys(input)) {
      if (!GROUP_KEYS.has(key)) throw invalid(`group: "${key}" is not a writable property of a group`);
    }
    for (const key of ['displayName', 'mailNickname'] as const) {
      const value = input[key];
      if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
        throw invalid(`group: ${key} must be a non-empty string`);
      }
    }
    if (input.mailNickname !== undefined && MAIL_NICKNAME_FORBIDDEN.test(input.mailNickname)) {
      throw invalid(
        `group: mailNickname "${input.mailNickname}" may not contain spaces or any of @ ( ) \\ [ ] " ; : < > ,`,
      );
    }
    for (const key of ['mailEnabled', 'securityEnabled'] as const) {
      if (input[key] !== undefined && typeof input[key] !== 'boolean')
        throw invalid(`group: ${key} must be true or false`);
    }
    if (
      input.groupTypes !== undefined &&
      (!Array.isArray(input.groupTypes) ||
        input.groupTypes.some((t) => t !== 'Unified' && t !== 'DynamicMembership'))
    ) {
      throw invalid('group: groupTypes may contain only "Unified" and "DynamicMembership"');
    }
  };

  const applyGroup = (group: GroupRecord, input: GroupInput): PropertyChange[] => {
    const changed: PropertyChange[] = [];
    const record = group as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(input)) {
      if (value === undefined) continue;
      const old = record[key] ?? null;
      const next = Array.isArray(value) ? [...value] : value;
      if (!same(old, next)) changed.push({ name: key, oldValue: old, newValue: next });
      record[key] = next;
    }
    return changed;
  };

  /**
   * Removes every link to a purged object, recording each removal (also on soft-deleted groups and
   * reports, so that replaying the log never leaves a link to an object that no longer exists).
   */
  const purge = (id: string, type: 'user' | 'group', at: string): void => {
    deleted.delete(id);
    for (const [groupId, set] of members) {
      if (set.delete(id)) {
        record({ kind: 'memberRemoved', groupId, memberId: id, memberType: type }, at);
      }
    }
    for (const assignment of [...assignments.values()]) {
      if (assignment.principalId === id) {
        assignments.delete(assignment.id);
        assignmentKeys.delete(assignmentKey(assignment));
        record(
          {
            kind: 'appRoleUnassigned',
            assignmentId: assignment.id,
            servicePrincipalId: assignment.resourceId,
            principalId: id,
            principalType: assignment.principalType,
            appRoleId: assignment.appRoleId,
          },
          at,
        );
      }
    }
    if (type === 'user') {
      managers.delete(id);
      for (const [reportId, managerId] of [...managers]) {
        if (managerId === id) {
          managers.delete(reportId);
          record({ kind: 'managerChanged', userId: reportId, oldManagerId: id, newManagerId: null }, at);
        }
      }
      users.delete(id);
      record({ kind: 'userHardDeleted', userId: id }, at);
    } else {
      members.delete(id);
      groups.delete(id);
      record({ kind: 'groupHardDeleted', groupId: id }, at);
    }
  };

  const asObject = (id: string): DirectoryObject => {
    const user = users.get(id);
    if (user) return { type: 'user', object: copyUser(user) };
    const group = groups.get(id);
    if (group) return { type: 'group', object: copyGroup(group) };
    throw new ScimError('notFound', `Resource '${id}' does not exist.`);
  };

  const tenant: EntraTenant = {
    id: tenantId,
    domains,
    clock,
    get sequence() {
      purgeExpired();
      return changes.length;
    },

    createUser(input) {
      purgeExpired();
      for (const key of ['userPrincipalName', 'displayName', 'mailNickname'] as const) {
        if (input[key] === undefined) throw invalid(`user: ${key} is required to create a user`);
      }
      checkUserValues(input);
      const user: UserRecord = {
        id: newId(),
        userPrincipalName: input.userPrincipalName,
        accountEnabled: true,
        displayName: input.displayName,
        mailNickname: input.mailNickname,
        mail: null,
        givenName: null,
        surname: null,
        jobTitle: null,
        department: null,
        companyName: null,
        employeeId: null,
        employeeType: null,
        officeLocation: null,
        mobilePhone: null,
        businessPhones: [],
        streetAddress: null,
        city: null,
        state: null,
        country: null,
        postalCode: null,
        preferredLanguage: null,
        usageLocation: null,
        userType: 'Member',
        onPremisesExtensionAttributes: {},
        createdDateTime: nowIso(),
        deletedDateTime: null,
      };
      applyUser(user, input);
      users.set(user.id, user);
      upnIndex.set(user.userPrincipalName.toLowerCase(), user.id);
      record({ kind: 'userCreated', userId: user.id });
      return copyUser(user);
    },
    getUser(id) {
      purgeExpired();
      return copyUser(activeUser(id));
    },
    findUser(idOrPrincipalName) {
      purgeExpired();
      const byId = users.get(idOrPrincipalName);
      if (byId) return byId.deletedDateTime === null ? copyUser(byId) : undefined;
      const id = upnIndex.get(idOrPrincipalName.toLowerCase());
      return id === undefined ? undefined : copyUser(users.get(id)!);
    },
    listUsers() {
      purgeExpired();
      return [...users.values()].filter((u) => u.deletedDateTime === null).map(copyUser);
    },
    updateUser(id, input) {
      purgeExpired();
      const user = activeUser(id);
      checkUserValues(input, id);
      for (const key of [
        'userPrincipalName',
        'displayName',
        'mailNickname',
        'accountEnabled',
        'userType',
      ] as const) {
        if (input[key] === null) throw invalid(`user: ${key} cannot be cleared`);
      }
      const oldUpn = user.userPrincipalName.toLowerCase();
      const properties = applyUser(user, input);
      if (user.userPrincipalName.toLowerCase() !== oldUpn) {
        upnIndex.delete(oldUpn);
        upnIndex.set(user.userPrincipalName.toLowerCase(), id);
      }
      if (properties.length > 0) record({ kind: 'userUpdated', userId: id, properties });
      return copyUser(user);
    },
    disableUser(id) {
      return tenant.updateUser(id, { accountEnabled: false });
    },
    enableUser(id) {
      return tenant.updateUser(id, { accountEnabled: true });
    },
    deleteUser(id, deleteOptions = {}) {
      purgeExpired();
      const user = activeUser(id);
      user.deletedDateTime = nowIso();
      deleted.add(id);
      upnIndex.delete(user.userPrincipalName.toLowerCase());
      record({ kind: 'userSoftDeleted', userId: id });
      if (deleteOptions.permanently) purge(id, 'user', user.deletedDateTime);
    },
    getManager(userId) {
      purgeExpired();
      activeUser(userId);
      const managerId = managers.get(userId);
      return managerId !== undefined && isActive(managerId) ? copyUser(users.get(managerId)!) : null;
    },
    setManager(userId, managerId) {
      purgeExpired();
      activeUser(userId);
      if (managerId !== null) {
        activeUser(managerId);
        if (managerId === userId) throw invalid(`user: ${userId} cannot be its own manager`);
      }
      const old = managers.get(userId) ?? null;
      if (old === managerId) return;
      if (managerId === null) managers.delete(userId);
      else managers.set(userId, managerId);
      record({ kind: 'managerChanged', userId, oldManagerId: old, newManagerId: managerId });
    },
    listDirectReports(userId) {
      purgeExpired();
      activeUser(userId);
      const reports: EntraUser[] = [];
      for (const [reportId, managerId] of managers) {
        if (managerId === userId && isActive(reportId)) reports.push(copyUser(users.get(reportId)!));
      }
      return reports;
    },

    createGroup(input) {
      purgeExpired();
      for (const key of ['displayName', 'mailNickname'] as const) {
        if (input[key] === undefined) throw invalid(`group: ${key} is required to create a group`);
      }
      checkGroupValues(input);
      const mailEnabled = input.mailEnabled ?? false;
      const group: GroupRecord = {
        id: newId(),
        displayName: input.displayName,
        description: null,
        mailNickname: input.mailNickname,
        mail: mailEnabled ? `${input.mailNickname}@${domains[0]}` : null,
        mailEnabled,
        securityEnabled: true,
        groupTypes: [],
        createdDateTime: nowIso(),
        deletedDateTime: null,
      };
      applyGroup(group, input);
      groups.set(group.id, group);
      members.set(group.id, new Set());
      record({ kind: 'groupCreated', groupId: group.id });
      return copyGroup(group);
    },
    getGroup(id) {
      purgeExpired();
      return copyGroup(activeGroup(id));
    },
    findGroup(id) {
      purgeExpired();
      const group = groups.get(id);
      return group && group.deletedDateTime === null ? copyGroup(group) : undefined;
    },
    listGroups() {
      purgeExpired();
      return [...groups.values()].filter((g) => g.deletedDateTime === null).map(copyGroup);
    },
    updateGroup(id, input) {
      purgeExpired();
      const group = activeGroup(id);
      checkGroupValues(input);
      for (const key of [
        'displayName',
        'mailNickname',
        'mailEnabled',
        'securityEnabled',
        'groupTypes',
      ] as const) {
        if (input[key] === null) throw invalid(`group: ${key} cannot be cleared`);
      }
      const properties = applyGroup(group, input);
      if (properties.length > 0) record({ kind: 'groupUpdated', groupId: id, properties });
      return copyGroup(group);
    },
    deleteGroup(id, deleteOptions = {}) {
      purgeExpired();
      const group = activeGroup(id);
      group.deletedDateTime = nowIso();
      deleted.add(id);
      record({ kind: 'groupSoftDeleted', groupId: id });
      const distribution =
        group.mailEnabled && !group.securityEnabled && !group.groupTypes.includes('Unified');
      if (deleteOptions.permanently || distribution) purge(id, 'group', group.deletedDateTime);
    },
    addMember(groupId, memberId) {
      purgeExpired();
      activeGroup(groupId);
      const memberType = users.has(memberId) ? 'user' : 'group';
      if (memberType === 'user') activeUser(memberId);
      else activeGroup(memberId);
      if (memberId === groupId) throw invalid(`group: ${groupId} cannot be a member of itself`);
      const set = members.get(groupId)!;
      if (set.has(memberId)) {
        throw new ScimError(
          'conflict',
          "One or more added object references already exist for the following modified properties: 'members'.",
        );
      }
      set.add(memberId);
      record({ kind: 'memberAdded', groupId, memberId, memberType });
    },
    removeMember(groupId, memberId) {
      purgeExpired();
      activeGroup(groupId);
      const set = members.get(groupId)!;
      if (!set.has(memberId) || !isActive(memberId)) {
        throw new ScimError('notFound', `Resource '${memberId}' is not a member of group '${groupId}'.`);
      }
      set.delete(memberId);
      record({
        kind: 'memberRemoved',
        groupId,
        memberId,
        memberType: users.has(memberId) ? 'user' : 'group',
      });
    },
    listMembers(groupId) {
      purgeExpired();
      activeGroup(groupId);
      return [...members.get(groupId)!].filter(isActive).map(asObject);
    },
    listMemberOf(objectId) {
      purgeExpired();
      if (!isActive(objectId)) throw new ScimError('notFound', `Resource '${objectId}' does not exist.`);
      const result: EntraGroup[] = [];
      for (const [groupId, set] of members) {
        if (set.has(objectId) && isActive(groupId)) result.push(copyGroup(groups.get(groupId)!));
      }
      return result;
    },

    listDeletedItems(type) {
      purgeExpired();
      const items: DirectoryObject[] = [];
      if (type !== 'group') {
        for (const user of users.values()) if (user.deletedDateTime !== null) items.push(asObject(user.id));
      }
      if (type !== 'user') {
        for (const group of groups.values())
          if (group.deletedDateTime !== null) items.push(asObject(group.id));
      }
      return items.sort((a, b) =>
        (a.object.deletedDateTime ?? '').localeCompare(b.object.deletedDateTime ?? ''),
      );
    },
    restoreDeletedItem(id) {
      purgeExpired();
      const user = users.get(id);
      const group = groups.get(id);
      const object = user ?? group;
      if (!object || object.deletedDateTime === null) {
        throw new ScimError('notFound', `Resource '${id}' does not exist in deleted items.`);
      }
      if (user) {
        if (upnTaken(user.userPrincipalName, id)) {
          throw new ScimError(
            'uniqueness',
            `Another object with the same value for property userPrincipalName already exists: "${user.userPrincipalName}"; rename that user before restoring this one.`,
          );
        }
        user.deletedDateTime = null;
        deleted.delete(id);
        upnIndex.set(user.userPrincipalName.toLowerCase(), id);
        record({ kind: 'userRestored', userId: id });
      } else if (group) {
        group.deletedDateTime = null;
        deleted.delete(id);
        record({ kind: 'groupRestored', groupId: id });
      }
      return asObject(id);
    },
    permanentlyDeleteItem(id) {
      purgeExpired();
      const user = users.get(id);
      const group = groups.get(id);
      const object = user ?? group;
      if (!object || object.deletedDateTime === null) {
        throw new ScimError('notFound', `Resource '${id}' does not exist in deleted items.`);
      }
      purge(id, user ? 'user' : 'group', nowIso());
    },

    createServicePrincipal(input) {
      purgeExpired();
      if (typeof input.displayName !== 'string' || input.displayName.trim() === '') {
        throw invalid('servicePrincipal: displayName must be a non-empty string');
      }
      const appRoles: AppRole[] = input.appRoles ?? [
        {
          id: '18d14569-c3bd-439b-9a66-3a2aee01d14f',
          displayName: 'User',
          value: null,
          description: 'User',
          allowedMemberTypes: ['User'],
          isEnabled: true,
          origin: 'Application',
        },
        {
          id: 'b9632174-c057-4f7e-951b-be3adc52bfe6',
          displayName: 'msiam_access',
          value: null,
          description: 'msiam_access',
          allowedMemberTypes: ['User'],
          isEnabled: true,
          origin: 'Application',
        },
      ];
      const ids = new Set(appRoles.map((r) => r.id));
      if (ids.size !== appRoles.length || ids.has(DEFAULT_ACCESS_APP_ROLE_ID)) {
        throw invalid('servicePrincipal: app role ids must be unique and not the Default Access role id');
      }
      const sp: EntraServicePrincipal = {
        id: newId(),
        appId: newId(),
        displayName: input.displayName,
        accountEnabled: true,
        appRoleAssignmentRequired: input.appRoleAssignmentRequired ?? true,
        appRoles,
        servicePrincipalType: 'Application',
        tags: [
          'WindowsAzureActiveDirectoryIntegratedApp',
          'WindowsAzureActiveDirectoryCustomSingleSignOnApplication',
        ],
      };
      servicePrincipals.set(sp.id, copyServicePrincipal(sp));
      record({ kind: 'servicePrincipalCreated', servicePrincipalId: sp.id });
      return copyServicePrincipal(sp);
    },
    getServicePrincipal(id) {
      purgeExpired();
      return copyServicePrincipal(servicePrincipal(id));
    },
    listServicePrincipals() {
      purgeExpired();
      return [...servicePrincipals.values()].map(copyServicePrincipal);
    },
    assign(servicePrincipalId, principalId, appRoleId = DEFAULT_ACCESS_APP_ROLE_ID) {
      purgeExpired();
      const sp = servicePrincipal(servicePrincipalId);
      const principalType = users.has(principalId) ? 'User' : 'Group';
      const principal = principalType === 'User' ? activeUser(principalId) : activeGroup(principalId);
      if (appRoleId !== DEFAULT_ACCESS_APP_ROLE_ID) {
        const role = sp.appRoles.find((r) => r.id === appRoleId);
        if (!role?.isEnabled || !role.allowedMemberTypes.includes('User')) {
          throw invalid(
            `Permission being assigned was not found on application '${sp.appId}': app role ${appRoleId} is not an enabled role for users and groups.`,
          );
        }
      }
      if (assignmentKeys.has(assignmentKey({ resourceId: servicePrincipalId, principalId, appRoleId }))) {
        throw new ScimError('conflict', 'Permission being assigned already exists on the object.');
      }
      const assignment: EntraAppRoleAssignment = {
        id: newId(),
        appRoleId,
        principalId,
        principalType,
        principalDisplayName: principal.displayName,
        resourceId: servicePrincipalId,
        resourceDisplayName: sp.displayName,
        createdDateTime: nowIso(),
        deletedDateTime: null,
      };
      assignments.set(assignment.id, assignment);
      assignmentKeys.add(assignmentKey(assignment));
      record({
        kind: 'appRoleAssigned',
        assignmentId: assignment.id,
        servicePrincipalId,
        principalId,
        principalType,
        appRoleId,
      });
      return { ...assignment };
    },
    unassign(assignmentId) {
      purgeExpired();
      const assignment = assignments.get(assignmentId);
      if (!assignment || !isActive(assignment.principalId)) {
        throw new ScimError('notFound', `Resource '${assignmentId}' does not exist.`);
      }
      assignments.delete(assignmentId);
      assignmentKeys.delete(assignmentKey(assignment));
      record({
        kind: 'appRoleUnassigned',
        assignmentId,
        servicePrincipalId: assignment.resourceId,
        principalId: assignment.principalId,
        principalType: assignment.principalType,
        appRoleId: assignment.appRoleId,
      });
    },
    listAssignments(servicePrincipalId) {
      purgeExpired();
      servicePrincipal(servicePrincipalId);
      return [...assignments.values()]
        .filter((a) => a.resourceId === servicePrincipalId && isActive(a.principalId))
        .map((a) => ({ ...a }));
    },

    changesSince(watermark = 0) {
      purgeExpired();
      if (!Number.isInteger(watermark) || watermark < 0) {
        throw invalid(`tenant: watermark ${watermark} must be an integer >= 0`);
      }
      return changes.slice(watermark);
    },
  };
  return tenant;
}

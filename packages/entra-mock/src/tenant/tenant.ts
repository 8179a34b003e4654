import { createManualClock, type EntraClock } from '../clock.ts';
import { createRandom } from '../random.ts';
import { Applications } from './applications.ts';
import { ChangeLog } from './change-log.ts';
import { invalid } from './checks.ts';
import { DeletedItems } from './deleted-items.ts';
import { Groups } from './groups.ts';
import { Memberships } from './memberships.ts';
import { DirectoryObjects } from './objects.ts';
import {
  DEFAULT_ACCESS_APP_ROLE_ID,
  type DirectoryChange,
  type DirectoryObject,
  type EntraAppRoleAssignment,
  type EntraGroup,
  type EntraServicePrincipal,
  type EntraUser,
  type GroupInput,
  type ServicePrincipalInput,
  type UserInput,
} from './types.ts';
import { Users } from './users.ts';

export { SOFT_DELETE_RETENTION_MS } from './deleted-items.ts';

/**
 * Options of {@link createEntraTenant}.
 *
 * @example
 * ```ts
 * import { createEntraTenant, createManualClock } from '@scim/entra-mock';
 *
 * // Ids derived from the seed, users under contoso.com, time moved only by the test.
 * const clock = createManualClock('2026-01-01T08:00:00Z');
 * const tenant = createEntraTenant({ seed: 42, domains: ['contoso.com'], clock });
 * tenant.createUser({ userPrincipalName: 'adele@contoso.com', displayName: 'Adele Vance', mailNickname: 'adele' });
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

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  // One part a concern, each owning its state; the tenant below only hands each call to its part.
  const log = new ChangeLog(clock);
  const users = new Users(log, newId, domains);
  const groups = new Groups(log, newId, domains[0]!);
  const objects = new DirectoryObjects(users, groups);
  const memberships = new Memberships(objects, log);
  const applications = new Applications(objects, log, newId);
  const deletedItems = new DeletedItems({ objects, memberships, applications }, log, clock);
  // Soft-deleted objects expire 30 days after deletion: purged lazily whenever the tenant is used.
  const expire = (): void => deletedItems.purgeExpired();

  const tenant: EntraTenant = {
    id: tenantId,
    domains,
    clock,
    get sequence() {
      expire();
      return log.sequence;
    },

    createUser(input) {
      expire();
      return users.create(input);
    },
    getUser(id) {
      expire();
      return users.get(id);
    },
    findUser(idOrPrincipalName) {
      expire();
      return users.find(idOrPrincipalName);
    },
    listUsers() {
      expire();
      return users.list();
    },
    updateUser(id, changes) {
      expire();
      return users.update(id, changes);
    },
    disableUser(id) {
      return tenant.updateUser(id, { accountEnabled: false });
    },
    enableUser(id) {
      return tenant.updateUser(id, { accountEnabled: true });
    },
    deleteUser(id, deleteOptions = {}) {
      expire();
      deletedItems.deleteUser(id, deleteOptions.permanently);
    },
    getManager(userId) {
      expire();
      return users.getManager(userId);
    },
    setManager(userId, managerId) {
      expire();
      users.setManager(userId, managerId);
    },
    listDirectReports(userId) {
      expire();
      return users.listDirectReports(userId);
    },

    createGroup(input) {
      expire();
      const group = groups.create(input);
      memberships.open(group.id); // a group has its member set from creation to purge
      return group;
    },
    getGroup(id) {
      expire();
      return groups.get(id);
    },
    findGroup(id) {
      expire();
      return groups.find(id);
    },
    listGroups() {
      expire();
      return groups.list();
    },
    updateGroup(id, changes) {
      expire();
      return groups.update(id, changes);
    },
    deleteGroup(id, deleteOptions = {}) {
      expire();
      deletedItems.deleteGroup(id, deleteOptions.permanently);
    },
    addMember(groupId, memberId) {
      expire();
      memberships.add(groupId, memberId);
    },
    removeMember(groupId, memberId) {
      expire();
      memberships.remove(groupId, memberId);
    },
    listMembers(groupId) {
      expire();
      return memberships.list(groupId);
    },
    listMemberOf(objectId) {
      expire();
      return memberships.listMemberOf(objectId);
    },

    listDeletedItems(type) {
      expire();
      return deletedItems.list(type);
    },
    restoreDeletedItem(id) {
      expire();
      return deletedItems.restore(id);
    },
    permanentlyDeleteItem(id) {
      expire();
      deletedItems.purgeNow(id);
    },

    createServicePrincipal(input) {
      expire();
      return applications.createServicePrincipal(input);
    },
    getServicePrincipal(id) {
      expire();
      return applications.getServicePrincipal(id);
    },
    listServicePrincipals() {
      expire();
      return applications.listServicePrincipals();
    },
    assign(servicePrincipalId, principalId, appRoleId = DEFAULT_ACCESS_APP_ROLE_ID) {
      expire();
      return applications.assign(servicePrincipalId, principalId, appRoleId);
    },
    unassign(assignmentId) {
      expire();
      applications.unassign(assignmentId);
    },
    listAssignments(servicePrincipalId) {
      expire();
      return applications.listAssignments(servicePrincipalId);
    },

    changesSince(watermark = 0) {
      expire();
      return log.since(watermark);
    },
  };
  return tenant;
}

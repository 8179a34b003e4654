import { ScimError } from '@scim/schemas';
import type { ChangeLog } from './change-log.ts';
import { invalid, noSuchObject } from './checks.ts';
import type { EntraUser, UserInput } from './types.ts';
import { applyUserInput, checkUserInput, copyUser, newUserRecord, type UserRecord } from './user-record.ts';

/**
 * @internal The tenant's users, with an index of their userPrincipalNames (case-insensitive, active
 * users only) and each user's manager. Reads return copies; the records stay here. `create`, `get`,
 * `find`, `list`, `update` and the manager methods do what `EntraTenant.createUser` and its
 * neighbours say; deleted items decide when a user is soft-deleted, restored or purged
 * ({@link Users.softDelete}, {@link Users.restore}, {@link Users.purge}).
 */
export class Users {
  readonly #log: ChangeLog;
  readonly #newId: () => string;
  readonly #domains: readonly string[];
  readonly #users = new Map<string, UserRecord>();
  /** Lower-cased userPrincipalName to id, for the users that are not deleted. */
  readonly #upnIndex = new Map<string, string>();
  /** User id to its manager's id. */
  readonly #managers = new Map<string, string>();

  constructor(log: ChangeLog, newId: () => string, domains: readonly string[]) {
    this.#log = log;
    this.#newId = newId;
    this.#domains = domains;
  }

  /** Whether the id is a user's, deleted or not. */
  has(id: string): boolean {
    return this.#users.has(id);
  }

  /** The stored user, deleted or not. */
  stored(id: string): UserRecord | undefined {
    return this.#users.get(id);
  }

  /** Every stored user, deleted or not, in creation order. */
  records(): Iterable<UserRecord> {
    return this.#users.values();
  }

  /** The stored user that is not deleted; throws `notFound` otherwise. */
  active(id: string): UserRecord {
    const user = this.#users.get(id);
    if (!user || user.deletedDateTime !== null) throw noSuchObject(id);
    return user;
  }

  create(
    input: UserInput & { userPrincipalName: string; displayName: string; mailNickname: string },
  ): EntraUser {
    for (const key of ['userPrincipalName', 'displayName', 'mailNickname'] as const) {
      if (input[key] === undefined) throw invalid(`user: ${key} is required to create a user`);
    }
    this.#check(input);
    const user = newUserRecord(this.#newId(), input, this.#log.now());
    applyUserInput(user, input);
    this.#users.set(user.id, user);
    this.#upnIndex.set(user.userPrincipalName.toLowerCase(), user.id);
    this.#log.record({ kind: 'userCreated', userId: user.id });
    return copyUser(user);
  }

  get(id: string): EntraUser {
    return copyUser(this.active(id));
  }

  find(idOrPrincipalName: string): EntraUser | undefined {
    const byId = this.#users.get(idOrPrincipalName);
    if (byId) return byId.deletedDateTime === null ? copyUser(byId) : undefined;
    const id = this.#upnIndex.get(idOrPrincipalName.toLowerCase());
    return id === undefined ? undefined : copyUser(this.#users.get(id)!);
  }

  list(): EntraUser[] {
    const users: EntraUser[] = [];
    for (const user of this.#users.values()) if (user.deletedDateTime === null) users.push(copyUser(user));
    return users;
  }

  update(id: string, input: UserInput): EntraUser {
    const user = this.active(id);
    this.#check(input, id);
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
    const properties = applyUserInput(user, input);
    if (user.userPrincipalName.toLowerCase() !== oldUpn) {
      this.#upnIndex.delete(oldUpn);
      this.#upnIndex.set(user.userPrincipalName.toLowerCase(), id);
    }
    if (properties.length > 0) this.#log.record({ kind: 'userUpdated', userId: id, properties });
    return copyUser(user);
  }

  /** Moves an active user to deleted items (its userPrincipalName is free again); returns the record. */
  softDelete(id: string): UserRecord {
    const user = this.active(id);
    user.deletedDateTime = this.#log.now();
    this.#upnIndex.delete(user.userPrincipalName.toLowerCase());
    this.#log.record({ kind: 'userSoftDeleted', userId: id });
    return user;
  }

  /**
   * Brings a soft-deleted user back.
   *
   * @throws ScimError `uniqueness` when an active user now has its userPrincipalName
   */
  restore(user: UserRecord): void {
    if (this.#upnTaken(user.userPrincipalName, user.id)) {
      throw new ScimError(
        'uniqueness',
        `Another object with the same value for property userPrincipalName already exists: "${user.userPrincipalName}"; rename that user before restoring this one.`,
      );
    }
    user.deletedDateTime = null;
    this.#upnIndex.set(user.userPrincipalName.toLowerCase(), user.id);
    this.#log.record({ kind: 'userRestored', userId: user.id });
  }

  /** Removes a soft-deleted user for good, with its manager and its reports' links to it. */
  purge(id: string, at: string): void {
    this.#managers.delete(id);
    for (const [reportId, managerId] of this.#managers) {
      if (managerId === id) {
        this.#managers.delete(reportId);
        this.#log.record(
          { kind: 'managerChanged', userId: reportId, oldManagerId: id, newManagerId: null },
          at,
        );
      }
    }
    this.#users.delete(id);
    this.#log.record({ kind: 'userHardDeleted', userId: id }, at);
  }

  getManager(userId: string): EntraUser | null {
    this.active(userId);
    const managerId = this.#managers.get(userId);
    if (managerId === undefined) return null;
    const manager = this.#users.get(managerId);
    return manager !== undefined && manager.deletedDateTime === null ? copyUser(manager) : null;
  }

  setManager(userId: string, managerId: string | null): void {
    this.active(userId);
    if (managerId !== null) {
      this.active(managerId);
      if (managerId === userId) throw invalid(`user: ${userId} cannot be its own manager`);
    }
    const old = this.#managers.get(userId) ?? null;
    if (old === managerId) return;
    if (managerId === null) this.#managers.delete(userId);
    else this.#managers.set(userId, managerId);
    this.#log.record({ kind: 'managerChanged', userId, oldManagerId: old, newManagerId: managerId });
  }

  listDirectReports(userId: string): EntraUser[] {
    this.active(userId);
    const reports: EntraUser[] = [];
    for (const [reportId, managerId] of this.#managers) {
      const report = managerId === userId ? this.#users.get(reportId) : undefined;
      if (report !== undefined && report.deletedDateTime === null) reports.push(copyUser(report));
    }
    return reports;
  }

  #check(input: UserInput, id?: string): void {
    checkUserInput(input, this.#domains, (upn) => this.#upnTaken(upn, id));
  }

  #upnTaken(upn: string, exceptId?: string): boolean {
    const owner = this.#upnIndex.get(upn.toLowerCase());
    return owner !== undefined && owner !== exceptId;
  }
}

import { ScimError } from '@scim/schemas';
import type { EntraClock } from '../clock.ts';
import type { Applications } from './applications.ts';
import type { ChangeLog } from './change-log.ts';
import { isDistributionGroup } from './group-record.ts';
import type { Memberships } from './memberships.ts';
import type { DirectoryObjects } from './objects.ts';
import type { DirectoryObject } from './types.ts';

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
 * @internal Deleted items: the lifecycle of a deleted user or group. A soft delete keeps the object
 * (and its links) restorable for {@link SOFT_DELETE_RETENTION_MS}; a purge, at expiry or on demand,
 * removes it with every link to it, recording each removal, so that replaying the log never leaves
 * a link to an object that no longer exists.
 */
export class DeletedItems {
  readonly #objects: DirectoryObjects;
  readonly #memberships: Memberships;
  readonly #applications: Applications;
  readonly #log: ChangeLog;
  readonly #clock: EntraClock;
  /** The soft-deleted users and groups: id to the instant (ms) its 30 days are over. */
  readonly #deleted = new Map<string, number>();
  /**
   * No soft-deleted object expires before this instant (ms): the earliest expiry when it was
   * computed, and restores and purges since only move the real one later. Until then a call costs
   * one read of the clock, however many objects are deleted.
   */
  #nextExpiry = Number.POSITIVE_INFINITY;

  constructor(
    parts: { objects: DirectoryObjects; memberships: Memberships; applications: Applications },
    log: ChangeLog,
    clock: EntraClock,
  ) {
    this.#objects = parts.objects;
    this.#memberships = parts.memberships;
    this.#applications = parts.applications;
    this.#log = log;
    this.#clock = clock;
  }

  /** Purges the soft-deleted objects whose 30 days are over, in the order they expired. */
  purgeExpired(): void {
    const now = this.#clock.now().getTime();
    if (now < this.#nextExpiry) return;
    const users = this.#objects.users;
    const expired: { id: string; type: 'user' | 'group'; at: number }[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [id, at] of this.#deleted) {
      if (at <= now) expired.push({ id, type: users.has(id) ? 'user' : 'group', at });
      else if (at < next) next = at;
    }
    this.#nextExpiry = next;
    expired.sort((a, b) => a.at - b.at);
    for (const item of expired) this.#purge(item.id, item.type, new Date(item.at).toISOString());
  }

  deleteUser(id: string, permanently: boolean | undefined): void {
    const deletedAt = this.#objects.users.softDelete(id).deletedDateTime!;
    this.#add(id, deletedAt);
    if (permanently) this.#purge(id, 'user', deletedAt);
  }

  /** Deletes a group; a distribution group skips deleted items, as in Entra. */
  deleteGroup(id: string, permanently: boolean | undefined): void {
    const group = this.#objects.groups.softDelete(id);
    this.#add(id, group.deletedDateTime!);
    if (permanently || isDistributionGroup(group)) this.#purge(id, 'group', group.deletedDateTime!);
  }

  /** The deleted items, oldest deletion first (users before groups on the same instant). */
  list(type?: 'user' | 'group'): DirectoryObject[] {
    const items: DirectoryObject[] = [];
    if (type !== 'group') {
      for (const user of this.#objects.users.records()) {
        if (user.deletedDateTime !== null) items.push(this.#objects.copy(user.id));
      }
    }
    if (type !== 'user') {
      for (const group of this.#objects.groups.records()) {
        if (group.deletedDateTime !== null) items.push(this.#objects.copy(group.id));
      }
    }
    return items.sort((a, b) =>
      (a.object.deletedDateTime ?? '').localeCompare(b.object.deletedDateTime ?? ''),
    );
  }

  /**
   * Restores a soft-deleted user or group; its memberships, assignments and manager were kept.
   *
   * @throws ScimError `notFound` when it is not in deleted items; `uniqueness` as {@link Users.restore}
   */
  restore(id: string): DirectoryObject {
    const type = this.#deletedType(id);
    if (type === 'user') this.#objects.users.restore(this.#objects.users.stored(id)!);
    else this.#objects.groups.restore(this.#objects.groups.stored(id)!);
    this.#deleted.delete(id);
    return this.#objects.copy(id);
  }

  /** Purges a soft-deleted object now. */
  purgeNow(id: string): void {
    this.#purge(id, this.#deletedType(id), this.#log.now());
  }

  /** Whether an id is in deleted items, as a user or group; throws `notFound` otherwise. */
  #deletedType(id: string): 'user' | 'group' {
    const user = this.#objects.users.stored(id);
    const object = user ?? this.#objects.groups.stored(id);
    if (!object || object.deletedDateTime === null) {
      throw new ScimError('notFound', `Resource '${id}' does not exist in deleted items.`);
    }
    return user ? 'user' : 'group';
  }

  #add(id: string, deletedDateTime: string): void {
    const expiry = Date.parse(deletedDateTime) + SOFT_DELETE_RETENTION_MS;
    this.#deleted.set(id, expiry);
    if (expiry < this.#nextExpiry) this.#nextExpiry = expiry;
  }

  #purge(id: string, type: 'user' | 'group', at: string): void {
    this.#deleted.delete(id);
    this.#memberships.removeEverywhere(id, type, at);
    this.#applications.unassignPrincipal(id, at);
    if (type === 'user') {
      this.#objects.users.purge(id, at);
    } else {
      this.#memberships.close(id);
      this.#objects.groups.purge(id, at);
    }
  }
}

import { ScimError } from '@scim/schemas';
import type { ChangeLog } from './change-log.ts';
import { invalid } from './checks.ts';
import { copyGroup } from './group-record.ts';
import type { DirectoryObjects } from './objects.ts';
import type { DirectoryObject, EntraGroup } from './types.ts';

/**
 * @internal The direct members of each group (users and groups), in the order they were added. A
 * group has its set from creation ({@link Memberships.open}) until it is purged
 * ({@link Memberships.close}), so the sets keep the groups' creation order. `add`, `remove`, `list`
 * and `listMemberOf` do what `EntraTenant.addMember` and its neighbours say.
 */
export class Memberships {
  readonly #objects: DirectoryObjects;
  readonly #log: ChangeLog;
  /** Group id to its direct members' ids. */
  readonly #members = new Map<string, Set<string>>();

  constructor(objects: DirectoryObjects, log: ChangeLog) {
    this.#objects = objects;
    this.#log = log;
  }

  /** Gives a new group its (empty) member set. */
  open(groupId: string): void {
    this.#members.set(groupId, new Set());
  }

  /** Forgets a purged group's member set. */
  close(groupId: string): void {
    this.#members.delete(groupId);
  }

  add(groupId: string, memberId: string): void {
    const { users, groups } = this.#objects;
    groups.active(groupId);
    const memberType = this.#objects.typeOf(memberId);
    if (memberType === 'user') users.active(memberId);
    else groups.active(memberId);
    if (memberId === groupId) throw invalid(`group: ${groupId} cannot be a member of itself`);
    const set = this.#members.get(groupId)!;
    if (set.has(memberId)) {
      throw new ScimError(
        'conflict',
        "One or more added object references already exist for the following modified properties: 'members'.",
      );
    }
    set.add(memberId);
    this.#log.record({ kind: 'memberAdded', groupId, memberId, memberType });
  }

  remove(groupId: string, memberId: string): void {
    this.#objects.groups.active(groupId);
    const set = this.#members.get(groupId)!;
    if (!set.has(memberId) || !this.#objects.isActive(memberId)) {
      throw new ScimError('notFound', `Resource '${memberId}' is not a member of group '${groupId}'.`);
    }
    set.delete(memberId);
    this.#log.record({
      kind: 'memberRemoved',
      groupId,
      memberId,
      memberType: this.#objects.typeOf(memberId),
    });
  }

  /** A group's direct members that are not deleted. */
  list(groupId: string): DirectoryObject[] {
    this.#objects.groups.active(groupId);
    const members: DirectoryObject[] = [];
    for (const memberId of this.#members.get(groupId)!) {
      if (this.#objects.isActive(memberId)) members.push(this.#objects.copy(memberId));
    }
    return members;
  }

  /** The groups that are not deleted which a user or group is a direct member of. */
  listMemberOf(objectId: string): EntraGroup[] {
    if (!this.#objects.isActive(objectId))
      throw new ScimError('notFound', `Resource '${objectId}' does not exist.`);
    const result: EntraGroup[] = [];
    for (const [groupId, set] of this.#members) {
      const group = set.has(objectId) ? this.#objects.groups.stored(groupId) : undefined;
      if (group !== undefined && group.deletedDateTime === null) result.push(copyGroup(group));
    }
    return result;
  }

  /** Takes a purged user or group out of every group, recording each removal as happening `at`. */
  removeEverywhere(memberId: string, memberType: 'user' | 'group', at: string): void {
    for (const [groupId, set] of this.#members) {
      if (set.delete(memberId))
        this.#log.record({ kind: 'memberRemoved', groupId, memberId, memberType }, at);
    }
  }
}

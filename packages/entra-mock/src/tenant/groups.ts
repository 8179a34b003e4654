import type { ChangeLog } from './change-log.ts';
import { invalid, noSuchObject } from './checks.ts';
import {
  applyGroupInput,
  checkGroupInput,
  copyGroup,
  type GroupRecord,
  newGroupRecord,
} from './group-record.ts';
import type { EntraGroup, GroupInput } from './types.ts';

/**
 * @internal The tenant's groups: their records and properties. Reads return copies; the records
 * stay here. `create`, `get`, `find`, `list` and `update` do what `EntraTenant.createGroup` and its
 * neighbours say. Members are `Memberships`'; deleted items decide when a group is
 * soft-deleted, restored or purged.
 */
export class Groups {
  readonly #log: ChangeLog;
  readonly #newId: () => string;
  readonly #defaultDomain: string;
  readonly #groups = new Map<string, GroupRecord>();

  constructor(log: ChangeLog, newId: () => string, defaultDomain: string) {
    this.#log = log;
    this.#newId = newId;
    this.#defaultDomain = defaultDomain;
  }

  /** The stored group, deleted or not. */
  stored(id: string): GroupRecord | undefined {
    return this.#groups.get(id);
  }

  /** Every stored group, deleted or not, in creation order. */
  records(): Iterable<GroupRecord> {
    return this.#groups.values();
  }

  /** The stored group that is not deleted; throws `notFound` otherwise. */
  active(id: string): GroupRecord {
    const group = this.#groups.get(id);
    if (!group || group.deletedDateTime !== null) throw noSuchObject(id);
    return group;
  }

  create(input: GroupInput & { displayName: string; mailNickname: string }): EntraGroup {
    for (const key of ['displayName', 'mailNickname'] as const) {
      if (input[key] === undefined) throw invalid(`group: ${key} is required to create a group`);
    }
    checkGroupInput(input);
    const group = newGroupRecord(this.#newId(), input, this.#defaultDomain, this.#log.now());
    applyGroupInput(group, input);
    this.#groups.set(group.id, group);
    this.#log.record({ kind: 'groupCreated', groupId: group.id });
    return copyGroup(group);
  }

  get(id: string): EntraGroup {
    return copyGroup(this.active(id));
  }

  find(id: string): EntraGroup | undefined {
    const group = this.#groups.get(id);
    return group && group.deletedDateTime === null ? copyGroup(group) : undefined;
  }

  list(): EntraGroup[] {
    const groups: EntraGroup[] = [];
    for (const group of this.#groups.values())
      if (group.deletedDateTime === null) groups.push(copyGroup(group));
    return groups;
  }

  update(id: string, input: GroupInput): EntraGroup {
    const group = this.active(id);
    checkGroupInput(input);
    for (const key of [
      'displayName',
      'mailNickname',
      'mailEnabled',
      'securityEnabled',
      'groupTypes',
    ] as const) {
      if (input[key] === null) throw invalid(`group: ${key} cannot be cleared`);
    }
    const properties = applyGroupInput(group, input);
    if (properties.length > 0) this.#log.record({ kind: 'groupUpdated', groupId: id, properties });
    return copyGroup(group);
  }

  /** Moves an active group to deleted items; returns the record. */
  softDelete(id: string): GroupRecord {
    const group = this.active(id);
    group.deletedDateTime = this.#log.now();
    this.#log.record({ kind: 'groupSoftDeleted', groupId: id });
    return group;
  }

  /** Brings a soft-deleted group back. */
  restore(group: GroupRecord): void {
    group.deletedDateTime = null;
    this.#log.record({ kind: 'groupRestored', groupId: group.id });
  }

  /** Removes a soft-deleted group for good. */
  purge(id: string, at: string): void {
    this.#groups.delete(id);
    this.#log.record({ kind: 'groupHardDeleted', groupId: id }, at);
  }
}

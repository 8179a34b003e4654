import { ScimError } from '@scim/schemas';
import { copyGroup } from './group-record.ts';
import type { Groups } from './groups.ts';
import type { DirectoryObject } from './types.ts';
import { copyUser } from './user-record.ts';
import type { Users } from './users.ts';

/**
 * @internal The users and groups seen together: what a group member, an assignment's principal or
 * a deleted item may be. Object ids are unique across both.
 */
export class DirectoryObjects {
  readonly users: Users;
  readonly groups: Groups;

  constructor(users: Users, groups: Groups) {
    this.users = users;
    this.groups = groups;
  }

  /** Whether an id is a user's or (otherwise) a group's. */
  typeOf(id: string): 'user' | 'group' {
    return this.users.has(id) ? 'user' : 'group';
  }

  /** Whether the id is a user or group that is not deleted. */
  isActive(id: string): boolean {
    const object = this.users.stored(id) ?? this.groups.stored(id);
    return object !== undefined && object.deletedDateTime === null;
  }

  /** A copy of a user or group, deleted or not, tagged with its type. */
  copy(id: string): DirectoryObject {
    const user = this.users.stored(id);
    if (user) return { type: 'user', object: copyUser(user) };
    const group = this.groups.stored(id);
    if (group) return { type: 'group', object: copyGroup(group) };
    throw new ScimError('notFound', `Resource '${id}' does not exist.`);
  }
}

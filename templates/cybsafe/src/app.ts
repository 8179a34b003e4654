// CybSafe's own user model: its people and groups. The connector's hooks (src/connector.ts) call it
// after every change Entra makes. This in-memory stand-in is where your application's code goes:
// replace its bodies with writes to your database or calls to your API.

/** A person as CybSafe keeps it (a few of the attributes Entra sends; add the ones you use). */
export interface Person {
  /** The SCIM id the connector gave the user. */
  readonly id: string;
  readonly userName: string;
  readonly displayName?: string;
  readonly email?: string;
  readonly mobile?: string;
  readonly title?: string;
  readonly language?: string;
  /** False once Entra deprovisions the user. */
  readonly active: boolean;
}

/** A group and its members' ids. */
export interface PersonGroup {
  readonly id: string;
  readonly name: string;
  readonly members: ReadonlySet<string>;
}

/** What the connector tells the application. */
export interface CybSafeApp {
  /** A user was created or changed in Entra. */
  savePerson(person: Person): Promise<void>;
  /** A user was deleted in Entra (after a soft delete or an unassignment disabled it). */
  deletePerson(id: string): Promise<void>;
  /** A group was created or renamed. */
  saveGroup(id: string, name: string): Promise<void>;
  /** Members joined or left a group. */
  changeMembers(
    id: string,
    change: { added?: readonly string[]; removed?: readonly string[] },
  ): Promise<void>;
  /** A group was deleted. */
  deleteGroup(id: string): Promise<void>;
}

/** The in-memory stand-in, with its state readable (for tests). */
export interface MemoryCybSafeApp extends CybSafeApp {
  readonly people: ReadonlyMap<string, Person>;
  readonly groups: ReadonlyMap<string, PersonGroup>;
}

/** Creates the in-memory stand-in for CybSafe's user model. */
export function memoryCybSafeApp(): MemoryCybSafeApp {
  const people = new Map<string, Person>();
  const groups = new Map<string, PersonGroup>();
  return {
    people,
    groups,
    async savePerson(person) {
      people.set(person.id, person);
    },
    async deletePerson(id) {
      people.delete(id);
      for (const [gid, group] of groups) {
        if (group.members.has(id))
          groups.set(gid, { ...group, members: new Set([...group.members].filter((m) => m !== id)) });
      }
    },
    async saveGroup(id, name) {
      groups.set(id, { id, name, members: groups.get(id)?.members ?? new Set() });
    },
    async changeMembers(id, change) {
      const group = groups.get(id);
      if (!group) return;
      const members = new Set(group.members);
      for (const m of change.added ?? []) members.add(m);
      for (const m of change.removed ?? []) members.delete(m);
      groups.set(id, { ...group, members });
    },
    async deleteGroup(id) {
      groups.delete(id);
    },
  };
}

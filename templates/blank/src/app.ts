// Your application's own user model. The connector's hooks (src/connector.ts) call it after every
// change Entra makes. This in-memory stand-in is where your application's code goes: replace its
// bodies with writes to your database or calls to your API.

/** A user as your application keeps it. Add the attributes you use. */
export interface AppUser {
  /** The SCIM id the connector gave the user. */
  readonly id: string;
  readonly userName: string;
  readonly displayName?: string;
  readonly email?: string;
  /** False once Entra deprovisions the user. */
  readonly active: boolean;
}

/** A group and its members' ids. */
export interface AppGroup {
  readonly id: string;
  readonly name: string;
  readonly members: ReadonlySet<string>;
}

/** What the connector tells the application. */
export interface App {
  saveUser(user: AppUser): Promise<void>;
  deleteUser(id: string): Promise<void>;
  saveGroup(id: string, name: string): Promise<void>;
  changeMembers(
    id: string,
    change: { added?: readonly string[]; removed?: readonly string[] },
  ): Promise<void>;
  deleteGroup(id: string): Promise<void>;
}

/** The in-memory stand-in, with its state readable (for tests). */
export interface MemoryApp extends App {
  readonly users: ReadonlyMap<string, AppUser>;
  readonly groups: ReadonlyMap<string, AppGroup>;
}

/** Creates the in-memory stand-in for your application's user model. */
export function memoryApp(): MemoryApp {
  const users = new Map<string, AppUser>();
  const groups = new Map<string, AppGroup>();
  return {
    users,
    groups,
    async saveUser(user) {
      users.set(user.id, user);
    },
    async deleteUser(id) {
      users.delete(id);
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

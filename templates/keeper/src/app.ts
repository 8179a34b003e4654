// Keeper's own user model: the vault users and teams of each node. The connector's hooks
// (src/connector.ts) call it after every change Entra makes. This in-memory stand-in is where your
// application's code goes: replace its bodies with writes to your database or calls to your API.

/** A vault user as the application keeps it. */
export interface VaultUser {
  /** The SCIM id the connector gave the user. */
  readonly id: string;
  /** The node the user belongs to (the tenant of the Tenant URL). */
  readonly node: string;
  /** The sign-in email: userName and emails share this one value. */
  readonly email: string;
  /** The name shown in the Admin Console. */
  readonly name: string;
  /** Disabled users are locked, never deleted. */
  readonly locked: boolean;
}

/** A team (a provisioned group) and its members' ids. */
export interface Team {
  readonly id: string;
  readonly node: string;
  readonly name: string;
  readonly members: ReadonlySet<string>;
}

/** What the connector tells the application. */
export interface KeeperApp {
  /** A user was created or changed in Entra. */
  saveUser(user: VaultUser): Promise<void>;
  /** A user was disabled, unassigned or deleted in Entra: lock it (Keeper never deletes users). */
  lockUser(node: string, id: string): Promise<void>;
  /** A locked user was enabled again. */
  unlockUser(node: string, id: string): Promise<void>;
  /** A team was created or renamed. */
  saveTeam(node: string, id: string, name: string): Promise<void>;
  /** Members joined or left a team. */
  changeTeamMembers(
    node: string,
    id: string,
    change: { added?: readonly string[]; removed?: readonly string[] },
  ): Promise<void>;
  /** A team was deleted. */
  deleteTeam(node: string, id: string): Promise<void>;
}

/** The in-memory stand-in, with its state readable (for tests and `npm start`'s log). */
export interface MemoryKeeperApp extends KeeperApp {
  readonly users: ReadonlyMap<string, VaultUser>;
  readonly teams: ReadonlyMap<string, Team>;
}

/** Creates the in-memory stand-in for Keeper's user model. */
export function memoryKeeperApp(): MemoryKeeperApp {
  const users = new Map<string, VaultUser>();
  const teams = new Map<string, Team>();
  const key = (node: string, id: string) => `${node}/${id}`;
  const setLocked = (node: string, id: string, locked: boolean) => {
    const user = users.get(key(node, id));
    if (user) users.set(key(node, id), { ...user, locked });
  };
  return {
    users,
    teams,
    async saveUser(user) {
      users.set(key(user.node, user.id), user);
    },
    async lockUser(node, id) {
      setLocked(node, id, true);
    },
    async unlockUser(node, id) {
      setLocked(node, id, false);
    },
    async saveTeam(node, id, name) {
      const team = teams.get(key(node, id));
      teams.set(key(node, id), { id, node, name, members: team?.members ?? new Set() });
    },
    async changeTeamMembers(node, id, change) {
      const team = teams.get(key(node, id));
      if (!team) return;
      const members = new Set(team.members);
      for (const m of change.added ?? []) members.add(m);
      for (const m of change.removed ?? []) members.delete(m);
      teams.set(key(node, id), { ...team, members });
    },
    async deleteTeam(node, id) {
      teams.delete(key(node, id));
    },
  };
}

// Hypervault's own user model: its accounts. The connector's hooks (src/connector.ts) call it after
// every change Entra makes. This in-memory stand-in is where your application's code goes: replace
// its bodies with writes to your database or calls to your API.

/** An account as Hypervault keeps it: the six attributes it requires. */
export interface Account {
  /** The SCIM id the connector gave the user. */
  readonly id: string;
  readonly userName: string;
  readonly displayName: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly email: string;
  /** False once Entra deprovisions the user. */
  readonly active: boolean;
}

/** What the connector tells the application. */
export interface HypervaultApp {
  /** A user was created or changed in Entra. */
  saveAccount(account: Account): Promise<void>;
  /** A user was deprovisioned (disabled, unassigned, soft-deleted in Entra). */
  deactivateAccount(id: string): Promise<void>;
  /** A user was enabled again. */
  reactivateAccount(id: string): Promise<void>;
  /** A user was deleted in Entra. */
  deleteAccount(id: string): Promise<void>;
}

/** The in-memory stand-in, with its accounts readable (for tests). */
export interface MemoryHypervaultApp extends HypervaultApp {
  readonly accounts: ReadonlyMap<string, Account>;
}

/** Creates the in-memory stand-in for Hypervault's user model. */
export function memoryHypervaultApp(): MemoryHypervaultApp {
  const accounts = new Map<string, Account>();
  const setActive = (id: string, active: boolean) => {
    const account = accounts.get(id);
    if (account) accounts.set(id, { ...account, active });
  };
  return {
    accounts,
    async saveAccount(account) {
      accounts.set(account.id, account);
    },
    async deactivateAccount(id) {
      setActive(id, false);
    },
    async reactivateAccount(id) {
      setActive(id, true);
    },
    async deleteAccount(id) {
      accounts.delete(id);
    },
  };
}

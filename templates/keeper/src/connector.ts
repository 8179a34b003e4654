// Keeper Password Manager & Digital Vault: what the app accepts from Microsoft Entra ID, in one
// place. Edit this file to change the schema, the policies or what happens in the app on each change.
//
// From Keeper's Entra provisioning guide:
// - users and groups (teams) are provisioned, with a Tenant URL and a Secret Token per node;
// - emails and userName share one value: writing either changes both;
// - users are never deleted, only disabled: a disabled user shows as locked.
import { pickAttributes, userResourceSchema } from '@scim/schemas';
import {
  type Authenticator,
  bearerTokens,
  createScimHandler,
  type ResourceTypeOptions,
  type ScimHandler,
  type ScimHooks,
  type ScimPolicies,
  type ScimStore,
} from '@scim/server';
import type { KeeperApp } from './app.ts';

/**
 * Where the endpoints live. `{tenant}` is the node: `https://<host>/scim/<node>` is the Tenant URL
 * of one node, and a token opens only its own node.
 */
export const basePath = '/scim/{tenant}';

/** What the `{tenant}` segment is called in this app (the token script's `--node`). */
export const tenantName = 'node';

/** The only attributes Keeper keeps: `/Schemas` advertises these, and anything else is dropped. */
export const keptAttributes = [
  'userName',
  'emails',
  'name',
  'active',
  // Read-only: the teams the user is a member of, which the connector keeps through the groups.
  'groups',
];

/** Users: userName and the work email are required; Entra matches users on userName. */
export const users: ResourceTypeOptions = {
  schema: pickAttributes(userResourceSchema, keptAttributes),
  required: ['userName', 'emails'],
  filterable: ['userName'],
};

/** Groups (Keeper's teams): displayName is required (by the core schema), and filterable. */
export const groups: ResourceTypeOptions = {
  filterable: ['displayName'],
};

/** How Keeper departs from plain storage. */
export const policies: ScimPolicies = {
  // DELETE disables the user (active: false) and keeps it: Keeper shows it as locked.
  deleteMode: 'disable',
  // userName and the work email are one value: a write to either changes both.
  linkedAttributes: [['userName', 'emails[type eq "work"].value']],
  allowedAttributes: keptAttributes,
};

/** The work email of a SCIM user (the primary one, or the first). */
function emailOf(resource: Readonly<Record<string, unknown>>): string {
  const emails = (resource.emails ?? []) as readonly { value?: string; type?: string; primary?: boolean }[];
  const work = emails.find((e) => e.type === 'work') ?? emails.find((e) => e.primary) ?? emails[0];
  return work?.value ?? String(resource.userName);
}

/** The name Keeper shows: given and family name, else the userName. */
function nameOf(resource: Readonly<Record<string, unknown>>): string {
  const name = (resource.name ?? {}) as { givenName?: string; familyName?: string; formatted?: string };
  const joined = [name.givenName, name.familyName].filter(Boolean).join(' ');
  return name.formatted ?? (joined || String(resource.userName));
}

/**
 * Where Keeper's own user model is updated: called after each change is committed. A hook that
 * throws is logged and does not fail Entra's request; the change feed (`handler.changes(node)`)
 * keeps every change for a retry.
 */
export function createHooks(app: KeeperApp): ScimHooks {
  const saveUser: NonNullable<ScimHooks['userCreated']> = async (e) => {
    await app.saveUser({
      id: e.id,
      node: e.tenant,
      email: emailOf(e.resource),
      name: nameOf(e.resource),
      locked: e.resource.active === false,
    });
  };
  return {
    userCreated: saveUser,
    userUpdated: saveUser,
    userDeactivated: (e) => app.lockUser(e.tenant, e.id),
    userReactivated: (e) => app.unlockUser(e.tenant, e.id),
    groupCreated: async (e) => {
      await app.saveTeam(e.tenant, e.id, String(e.resource.displayName));
      const members = (e.resource.members ?? []) as readonly { value: string }[];
      if (members.length > 0)
        await app.changeTeamMembers(e.tenant, e.id, { added: members.map((m) => m.value) });
    },
    groupRenamed: (e) => app.saveTeam(e.tenant, e.id, String(e.resource.displayName)),
    groupMembersAdded: (e) => app.changeTeamMembers(e.tenant, e.id, { added: e.members ?? [] }),
    groupMembersRemoved: (e) => app.changeTeamMembers(e.tenant, e.id, { removed: e.members ?? [] }),
    groupDeleted: (e) => app.deleteTeam(e.tenant, e.id),
  };
}

/** What the connector needs: where SCIM data lives, and the app to tell. */
export interface ConnectorOptions {
  /** The SCIM store (DATABASE_URL, opened by `connectorServer` of @scim/server): SQLite or PostgreSQL in production, memory in tests. */
  readonly store: ScimStore;
  /** Keeper's user model, which the hooks update. */
  readonly app: KeeperApp;
  /** Who may call; by default the tokens `npm run token -- create --node <node>` issues. */
  readonly authenticate?: Authenticator;
}

/** Creates Keeper's SCIM endpoint: a fetch handler (`Request` in, `Response` out). */
export function createConnector(options: ConnectorOptions): ScimHandler {
  return createScimHandler({
    store: options.store,
    authenticate: options.authenticate ?? bearerTokens({ tokens: options.store.tokens }),
    basePath,
    users,
    groups,
    policies,
    // A user PATCH is answered 204 with no body, as Microsoft's SCIM validator expects (Entra accepts
    // 200 with the user too).
    userPatchResponse: 204,
    hooks: createHooks(options.app),
  });
}

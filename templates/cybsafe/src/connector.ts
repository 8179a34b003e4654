// CybSafe: what the app accepts from Microsoft Entra ID, in one place. Edit this file to change the
// schema, the policies or what happens in the app on each change.
//
// From CybSafe's Entra provisioning guide: users, groups and group memberships; the Tenant URL is
// `https://<host>/scim/v2/`; the Secret Token is generated in the app's settings (here:
// `npm run token -- create`); Entra matches users on userName and groups on displayName.
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
import type { CybSafeApp, Person } from './app.ts';

/** Where the endpoints live: the Tenant URL is `https://<host>/scim/v2/`. */
export const basePath = '/scim/v2';

/** What the `{tenant}` segment is called in this app: none, one tenant. */
export const tenantName = undefined;

/** The only attributes CybSafe keeps: `/Schemas` advertises these, and anything else is dropped. */
export const keptAttributes = [
  'userName',
  'active',
  'displayName',
  'title',
  'preferredLanguage',
  'name',
  'nickName',
  'phoneNumbers',
  'emails',
  'locale',
  'timezone',
  'userType',
  // Read-only: the groups the user is a member of, which the connector keeps through the groups.
  'groups',
];

/** Users: userName is the one attribute CybSafe requires, and the one filterable. */
export const users: ResourceTypeOptions = {
  schema: pickAttributes(userResourceSchema, keptAttributes),
  filterable: ['userName'],
};

/** Groups: displayName (required by SCIM) is filterable. */
export const groups: ResourceTypeOptions = {
  filterable: ['displayName'],
};

/** How CybSafe departs from plain storage. */
export const policies: ScimPolicies = {
  allowedAttributes: keptAttributes,
};

type Resource = Readonly<Record<string, unknown>>;

/** The value of the element of a multi-valued attribute with a given type. */
function typed(resource: Resource, attribute: string, type: string): string | undefined {
  const list = (resource[attribute] ?? []) as readonly { type?: string; value?: string }[];
  return list.find((e) => e.type === type)?.value;
}

/** The Person the app keeps for a SCIM user. */
function toPerson(id: string, resource: Resource): Person {
  const fields: Record<string, string | undefined> = {
    displayName: resource.displayName as string | undefined,
    email: typed(resource, 'emails', 'work'),
    mobile: typed(resource, 'phoneNumbers', 'mobile'),
    title: resource.title as string | undefined,
    language: resource.preferredLanguage as string | undefined,
  };
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { id, userName: String(resource.userName), active: resource.active !== false, ...present };
}

/**
 * Where CybSafe's own user model is updated: called after each change is committed. A hook that
 * throws is logged and does not fail Entra's request; the change feed
 * (`handler.changes('default')`) keeps every change for a retry.
 */
export function createHooks(app: CybSafeApp): ScimHooks {
  const save: NonNullable<ScimHooks['userCreated']> = (e) => app.savePerson(toPerson(e.id, e.resource));
  return {
    userCreated: save,
    userUpdated: save,
    userDeactivated: save,
    userReactivated: save,
    userDeleted: (e) => app.deletePerson(e.id),
    groupCreated: async (e) => {
      await app.saveGroup(e.id, String(e.resource.displayName));
      const members = (e.resource.members ?? []) as readonly { value: string }[];
      if (members.length > 0) await app.changeMembers(e.id, { added: members.map((m) => m.value) });
    },
    groupRenamed: (e) => app.saveGroup(e.id, String(e.resource.displayName)),
    groupMembersAdded: (e) => app.changeMembers(e.id, { added: e.members ?? [] }),
    groupMembersRemoved: (e) => app.changeMembers(e.id, { removed: e.members ?? [] }),
    groupDeleted: (e) => app.deleteGroup(e.id),
  };
}

/** What the connector needs: where SCIM data lives, and the app to tell. */
export interface ConnectorOptions {
  /** The SCIM store (DATABASE_URL, opened by `connectorServer` of @scim/server): SQLite or PostgreSQL in production, memory in tests. */
  readonly store: ScimStore;
  /** CybSafe's user model, which the hooks update. */
  readonly app: CybSafeApp;
  /** Who may call; by default the tokens `npm run token -- create` issues. */
  readonly authenticate?: Authenticator;
}

/** Creates CybSafe's SCIM endpoint: a fetch handler (`Request` in, `Response` out). */
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

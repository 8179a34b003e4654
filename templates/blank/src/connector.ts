// Your SCIM connector: what your app accepts from Microsoft Entra ID, in one place. Every option is
// here, most commented out with what it does: uncomment and edit what your app needs.
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
// import { attr, defineSchema, extendResourceSchema, userResourceSchema } from '@scim/schemas';
import type { App, AppUser } from './app.ts';

/**
 * Where the endpoints live: the Tenant URL is `https://<host>/scim/v2`. For one endpoint per
 * customer, put a `{tenant}` segment in it (`/scim/{tenant}/v2`): each tenant then has its own
 * users and tokens (`npm run token -- create --tenant <tenant>`).
 */
export const basePath = '/scim/v2';

/** What the `{tenant}` segment is called in this app (the token script's flag), if it has one. */
export const tenantName: string | undefined = undefined;

// A custom extension: attributes your app has that SCIM's core and enterprise schemas lack. Entra
// sends them when you map them to `urn:ietf:params:scim:schemas:extension:acme:1.0:User:<name>`.
// export const acmeUser = defineSchema({
//   id: 'urn:ietf:params:scim:schemas:extension:acme:1.0:User',
//   name: 'AcmeUser',
//   attributes: [attr.string('costCenter'), attr.boolean('licensed')],
// });

/** Users: core User and Enterprise User; Entra matches on userName, and may look up externalId. */
export const users: ResourceTypeOptions = {
  // schema: extendResourceSchema(userResourceSchema, acmeUser),
  // Attributes a create or replace must carry, on top of SCIM's userName; a request without them is
  // refused with 400 naming each. Sub-attributes as name.givenName, extensions with their URN.
  // required: ['emails.value', 'name.givenName', 'name.familyName'],
  // The attributes a filter may name; a filter on another is refused with 400 invalidFilter. Left
  // out, every attribute may be filtered on (an SQL store may then scan). Entra filters on the
  // matching attributes only: userName, and externalId if you make it one.
  // filterable: ['userName', 'externalId'],
};

/** Groups: core Group, matched on displayName. Set `groups: false` below to serve none. */
export const groups: ResourceTypeOptions = {
  // filterable: ['displayName', 'externalId'],
};

/** How your app departs from plain storage. Each policy is off until you uncomment it. */
export const policies: ScimPolicies = {
  // What DELETE does: 'hard' removes the user (the default); 'disable' sets active: false and keeps it.
  // deleteMode: 'disable',
  // Pairs of attributes kept equal: writing either changes both.
  // linkedAttributes: [['userName', 'emails[type eq "work"].value']],
  // Attributes your app owns: Entra may not change them.
  // readOnlyAttributes: ['title'],
  // The only attributes your app keeps; the rest of what Entra sends is dropped.
  // allowedAttributes: ['userName', 'name', 'emails', 'active', 'displayName'],
};

/** The AppUser your app keeps for a SCIM user. */
function toAppUser(id: string, resource: Readonly<Record<string, unknown>>): AppUser {
  const emails = (resource.emails ?? []) as readonly { type?: string; value?: string; primary?: boolean }[];
  const email = (emails.find((e) => e.type === 'work') ?? emails.find((e) => e.primary) ?? emails[0])?.value;
  return {
    id,
    userName: String(resource.userName),
    ...(typeof resource.displayName === 'string' ? { displayName: resource.displayName } : {}),
    ...(email === undefined ? {} : { email }),
    active: resource.active !== false,
  };
}

/**
 * Where your app's own user model is updated: called after each change is committed. A hook that
 * throws is logged and does not fail Entra's request; the change feed
 * (`handler.changes('default')`) keeps every change for a retry.
 */
export function createHooks(app: App): ScimHooks {
  const save: NonNullable<ScimHooks['userCreated']> = (e) => app.saveUser(toAppUser(e.id, e.resource));
  return {
    userCreated: save,
    userUpdated: save,
    // Entra disables a user who is unassigned, disabled or soft-deleted: revoke sessions here.
    userDeactivated: save,
    userReactivated: save,
    userDeleted: (e) => app.deleteUser(e.id),
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
  /** Your app's user model, which the hooks update. */
  readonly app: App;
  /** Who may call; by default the tokens `npm run token -- create` issues. */
  readonly authenticate?: Authenticator;
}

/** Creates the SCIM endpoint: a fetch handler (`Request` in, `Response` out). */
export function createConnector(options: ConnectorOptions): ScimHandler {
  return createScimHandler({
    store: options.store,
    authenticate: options.authenticate ?? bearerTokens({ tokens: options.store.tokens }),
    basePath,
    users,
    groups,
    policies,
    hooks: createHooks(options.app),
    // profile: 'strict',              // hold clients to RFC 7643/7644 instead of accepting Entra's quirks
    // limits: { maxPageSize: 200 },   // size, page, bulk and rate limits
    // A user PATCH is answered 204 with no body, as Microsoft's SCIM validator expects (Entra
    // accepts 200 with the user too): remove this line for 200.
    userPatchResponse: 204,
  });
}

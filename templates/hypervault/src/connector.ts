// Hypervault: what the app accepts from Microsoft Entra ID, in one place. Edit this file to change
// the schema, the policies or what happens in the app on each change.
//
// From Hypervault's Entra provisioning guide: users only; Entra creates, updates and deprovisions
// them; all six mapped attributes are required, and Entra matches users on userName.
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
import type { HypervaultApp } from './app.ts';

/** Where the endpoints live: the Tenant URL is `https://<host>/scim/v2`. */
export const basePath = '/scim/v2';

/** What the `{tenant}` segment is called in this app: none, one tenant. */
export const tenantName = undefined;

/** The only attributes Hypervault keeps: `/Schemas` advertises these, and anything else is dropped. */
export const keptAttributes = ['userName', 'active', 'displayName', 'name', 'emails'];

/** Users: the six attributes of the guide are required; only userName is filterable. */
export const users: ResourceTypeOptions = {
  schema: pickAttributes(userResourceSchema, keptAttributes),
  required: ['userName', 'active', 'displayName', 'name.givenName', 'name.familyName', 'emails.value'],
  filterable: ['userName'],
};

/** How Hypervault departs from plain storage. */
export const policies: ScimPolicies = {
  allowedAttributes: keptAttributes,
};

/** The work email of a SCIM user (else the primary one, else the first). */
function emailOf(resource: Readonly<Record<string, unknown>>): string {
  const emails = (resource.emails ?? []) as readonly { value?: string; type?: string; primary?: boolean }[];
  const work = emails.find((e) => e.type === 'work') ?? emails.find((e) => e.primary) ?? emails[0];
  return work?.value ?? '';
}

/**
 * Where Hypervault's own user model is updated: called after each change is committed. A hook
 * that throws is logged and does not fail Entra's request; the change feed
 * (`handler.changes('default')`) keeps every change for a retry.
 */
export function createHooks(app: HypervaultApp): ScimHooks {
  const save: NonNullable<ScimHooks['userCreated']> = async (e) => {
    const name = (e.resource.name ?? {}) as { givenName?: string; familyName?: string };
    await app.saveAccount({
      id: e.id,
      userName: String(e.resource.userName),
      displayName: String(e.resource.displayName),
      givenName: name.givenName ?? '',
      familyName: name.familyName ?? '',
      email: emailOf(e.resource),
      active: e.resource.active !== false,
    });
  };
  return {
    userCreated: save,
    userUpdated: save,
    userDeactivated: (e) => app.deactivateAccount(e.id),
    userReactivated: (e) => app.reactivateAccount(e.id),
    userDeleted: (e) => app.deleteAccount(e.id),
  };
}

/** What the connector needs: where SCIM data lives, and the app to tell. */
export interface ConnectorOptions {
  /** The SCIM store (DATABASE_URL, opened by `connectorServer` of @scim/server): SQLite or PostgreSQL in production, memory in tests. */
  readonly store: ScimStore;
  /** Hypervault's user model, which the hooks update. */
  readonly app: HypervaultApp;
  /** Who may call; by default the tokens `npm run token -- create` issues. */
  readonly authenticate?: Authenticator;
}

/** Creates Hypervault's SCIM endpoint: a fetch handler (`Request` in, `Response` out). Users only. */
export function createConnector(options: ConnectorOptions): ScimHandler {
  return createScimHandler({
    store: options.store,
    authenticate: options.authenticate ?? bearerTokens({ tokens: options.store.tokens }),
    basePath,
    users,
    groups: false,
    policies,
    // A user PATCH is answered 204 with no body, as Microsoft's SCIM validator expects (Entra accepts
    // 200 with the user too).
    userPatchResponse: 204,
    hooks: createHooks(options.app),
  });
}

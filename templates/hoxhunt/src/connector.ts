// Hoxhunt: what the app accepts from Microsoft Entra ID, in one place. Edit this file to change the
// schema, the policies or what happens in the app on each change.
//
// From Hoxhunt's Entra provisioning guide: users only (assigned directly or through groups; the
// groups themselves are not provisioned); no attribute is required by the app beyond SCIM's own
// userName; Entra matches users on userName. Users assigned only with the Default Access role are
// not provisioned: Entra leaves them out, so nothing here has to.
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
import type { HoxhuntApp, Trainee } from './app.ts';

/** Where the endpoints live: the Tenant URL is `https://<host>/scim/v2`. */
export const basePath = '/scim/v2';

/** What the `{tenant}` segment is called in this app: none, one tenant. */
export const tenantName = undefined;

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The only attributes Hoxhunt keeps: `/Schemas` advertises these, and anything else is dropped. */
export const keptAttributes = [
  'userName',
  'emails',
  'active',
  'name',
  'addresses',
  'preferredLanguage',
  `${enterprise}:department`,
  `${enterprise}:division`,
];

/** Users: nothing required beyond userName (SCIM's own); only userName is filterable. */
export const users: ResourceTypeOptions = {
  schema: pickAttributes(userResourceSchema, keptAttributes),
  filterable: ['userName'],
};

/** How Hoxhunt departs from plain storage. */
export const policies: ScimPolicies = {
  allowedAttributes: keptAttributes,
};

type Resource = Readonly<Record<string, unknown>>;

/** The value of the element of a multi-valued attribute whose type is `work`. */
function work<T>(resource: Resource, attribute: string): T | undefined {
  const list = (resource[attribute] ?? []) as readonly (T & { type?: string })[];
  return list.find((e) => e.type === 'work') ?? list[0];
}

/** The Trainee the app keeps for a SCIM user. */
function toTrainee(id: string, resource: Resource): Trainee {
  const name = (resource.name ?? {}) as { givenName?: string; familyName?: string };
  const ext = (resource[enterprise] ?? {}) as { department?: string; division?: string };
  const fields: Record<string, string | undefined> = {
    email: work<{ value?: string }>(resource, 'emails')?.value,
    givenName: name.givenName,
    familyName: name.familyName,
    department: ext.department,
    division: ext.division,
    country: work<{ country?: string }>(resource, 'addresses')?.country,
    language: resource.preferredLanguage as string | undefined,
  };
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return { id, userName: String(resource.userName), active: resource.active !== false, ...present };
}

/**
 * Where Hoxhunt's own user model is updated: called after each change is committed. A hook that
 * throws is logged and does not fail Entra's request; the change feed
 * (`handler.changes('default')`) keeps every change for a retry.
 */
export function createHooks(app: HoxhuntApp): ScimHooks {
  const save: NonNullable<ScimHooks['userCreated']> = (e) => app.saveTrainee(toTrainee(e.id, e.resource));
  return {
    userCreated: save,
    userUpdated: save,
    userDeactivated: (e) => app.deactivateTrainee(e.id),
    userReactivated: (e) => app.reactivateTrainee(e.id),
    userDeleted: (e) => app.deleteTrainee(e.id),
  };
}

/** What the connector needs: where SCIM data lives, and the app to tell. */
export interface ConnectorOptions {
  /** The SCIM store (DATABASE_URL, opened by `connectorServer` of @scim/server): SQLite or PostgreSQL in production, memory in tests. */
  readonly store: ScimStore;
  /** Hoxhunt's user model, which the hooks update. */
  readonly app: HoxhuntApp;
  /** Who may call; by default the tokens `npm run token -- create` issues. */
  readonly authenticate?: Authenticator;
}

/** Creates Hoxhunt's SCIM endpoint: a fetch handler (`Request` in, `Response` out). Users only. */
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

// Vault Platform: what the app accepts from Microsoft Entra ID, in one place. Edit this file to
// change the schema, the policies or what happens in the app on each change.
//
// From Vault Platform's Entra provisioning guide: users only, one endpoint per organization (Tenant
// URL `https://<host>/api/scim/{organization-slug}`); the organization's administrator sets the
// bearer Secret and turns "Set as active SCIM Provider" on or off (off: the endpoint refuses);
// eleven of the thirteen attributes are required; Entra matches users on userName or externalId.

import { pickAttributes, ScimError, userResourceSchema } from '@scim/schemas';
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
import type { Employee, VaultPlatformApp } from './app.ts';
import type { OrganizationSettings } from './organizations.ts';

/** Where the endpoints live. `{tenant}` is the organization's slug. */
export const basePath = '/api/scim/{tenant}';

/** What the `{tenant}` segment is called in this app (the token script's `--organization`). */
export const tenantName = 'organization';

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The only attributes Vault Platform keeps: `/Schemas` advertises these, and anything else is dropped. */
export const keptAttributes = [
  'userName',
  'active',
  'displayName',
  'title',
  'emails',
  'name',
  'addresses',
  `${enterprise}:employeeNumber`,
  `${enterprise}:department`,
  `${enterprise}:manager`,
];

/** Users: the eleven attributes the guide marks required; userName and externalId are filterable. */
export const users: ResourceTypeOptions = {
  schema: pickAttributes(userResourceSchema, keptAttributes),
  required: [
    'userName',
    'externalId',
    'active',
    'title',
    'emails.value',
    'name.givenName',
    'name.familyName',
    'addresses.locality',
    'addresses.country',
    `${enterprise}:employeeNumber`,
    `${enterprise}:department`,
  ],
  filterable: ['userName', 'externalId'],
};

/** How Vault Platform departs from plain storage. */
export const policies: ScimPolicies = {
  allowedAttributes: keptAttributes,
};

type Resource = Readonly<Record<string, unknown>>;

/** The element of a multi-valued attribute whose type is `work` (else the first). */
function work<T>(resource: Resource, attribute: string): T | undefined {
  const list = (resource[attribute] ?? []) as readonly (T & { type?: string })[];
  return list.find((e) => e.type === 'work') ?? list[0];
}

/** The Employee the app keeps for a SCIM user (the required attributes are there: the handler checked). */
function toEmployee(organization: string, id: string, resource: Resource): Employee {
  const name = (resource.name ?? {}) as { givenName?: string; familyName?: string };
  const address = work<{ locality?: string; country?: string }>(resource, 'addresses') ?? {};
  const ext = (resource[enterprise] ?? {}) as {
    employeeNumber?: string;
    department?: string;
    manager?: { value?: string };
  };
  return {
    id,
    organization,
    userName: String(resource.userName),
    externalId: String(resource.externalId),
    email: work<{ value?: string }>(resource, 'emails')?.value ?? '',
    givenName: name.givenName ?? '',
    familyName: name.familyName ?? '',
    ...(typeof resource.displayName === 'string' ? { displayName: resource.displayName } : {}),
    title: String(resource.title),
    locality: address.locality ?? '',
    country: address.country ?? '',
    employeeNumber: ext.employeeNumber ?? '',
    department: ext.department ?? '',
    ...(ext.manager?.value === undefined ? {} : { managerId: ext.manager.value }),
    active: resource.active !== false,
  };
}

/**
 * Where Vault Platform's own user model is updated: called after each change is committed. A hook
 * that throws is logged and does not fail Entra's request; the change feed
 * (`handler.changes(organization)`) keeps every change for a retry.
 */
export function createHooks(app: VaultPlatformApp): ScimHooks {
  const save: NonNullable<ScimHooks['userCreated']> = (e) =>
    app.saveEmployee(toEmployee(e.tenant, e.id, e.resource));
  return {
    userCreated: save,
    userUpdated: save,
    userDeactivated: save,
    userReactivated: save,
    userDeleted: (e) => app.deleteEmployee(e.tenant, e.id),
  };
}

/**
 * Accepts a request when it carries its organization's Secret and the organization's SCIM provider
 * is active; a valid Secret of an inactive organization is refused with 403 and what to do.
 */
export function organizationAuthenticator(
  store: ScimStore,
  organizations: OrganizationSettings,
  tokenCommand = 'npm run token --',
): Authenticator {
  const secrets = bearerTokens({ tokens: store.tokens });
  return async (request, organization) => {
    const principal = await secrets(request, organization);
    if (principal === undefined) return undefined;
    if (!(await organizations.isScimProviderActive(organization))) {
      throw new ScimError(
        'forbidden',
        `SCIM provisioning is turned off for the organization "${organization}": turn on its "Set as active SCIM Provider" switch with \`${tokenCommand} activate --organization ${organization}\`.`,
      );
    }
    return principal;
  };
}

/** What the connector needs: where SCIM data lives, the organizations' switches, and the app to tell. */
export interface ConnectorOptions {
  /** The SCIM store (DATABASE_URL, opened by `connectorServer` of @scim/server): SQLite or PostgreSQL in production, memory in tests. */
  readonly store: ScimStore;
  /** Each organization's "Set as active SCIM Provider" switch. */
  readonly organizations: OrganizationSettings;
  /** Vault Platform's user model, which the hooks update. */
  readonly app: VaultPlatformApp;
  /** How the token script is run, for the 403 that says how to turn the switch on; `npm run token --` by default. */
  readonly tokenCommand?: string;
}

/** Creates Vault Platform's SCIM endpoint: a fetch handler (`Request` in, `Response` out). Users only. */
export function createConnector(options: ConnectorOptions): ScimHandler {
  return createScimHandler({
    store: options.store,
    authenticate: organizationAuthenticator(options.store, options.organizations, options.tokenCommand),
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

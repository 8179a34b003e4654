/**
 * What Microsoft Entra ID sends to a connector, for the connector's own tests: the user bodies its
 * provisioning service builds from an app's attribute mappings, and requests in Entra's shapes
 * (bearer token, `application/scim+json`, a `userName eq` filter to match a user).
 */
import { readFileSync } from 'node:fs';
import {
  type CompiledMappingTable,
  compileMappingTable,
  type MappingTable,
  parseMappingTable,
  type SourceObject,
} from '@scim/mapping';

/**
 * An app's attribute mappings as read by {@link readEntraMapping}: the checked tables, and the
 * SCIM user Entra POSTs for a directory user under them.
 *
 * @example
 * ```ts
 * const mapping: EntraMapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));
 * const body = mapping.userBody(directoryUser('adele.vance'));
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export interface EntraMapping {
  /** The users' mapping table. */
  readonly users: MappingTable;
  /** The groups' mapping table, when the file has one. */
  readonly groups?: MappingTable;
  /**
   * The SCIM user Entra POSTs for a directory user (its create operation).
   * @param user - the directory user ({@link directoryUser})
   * @returns the body
   */
  userBody(user: SourceObject): Record<string, unknown>;
}

/**
 * Reads an app's mapping file (`entra/mapping.json`: `{ users, groups? }`, each a mapping table),
 * checked by @scim/mapping.
 *
 * @param file - the file's path or `file:` URL
 * @returns the tables and {@link EntraMapping.userBody}
 * @throws MappingError for a bad target or expression
 * @example
 * ```ts
 * import { directoryUser, readEntraMapping } from '@scim/entra-mock/vitest';
 * const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));
 * const created = await scim('POST', '/Users', mapping.userBody(directoryUser('adele.vance')));
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export function readEntraMapping(file: string | URL): EntraMapping {
  const json = JSON.parse(readFileSync(file, 'utf8')) as { users: unknown; groups?: unknown };
  const users = parseMappingTable(json.users);
  const compiled: CompiledMappingTable = compileMappingTable(users);
  return {
    users,
    ...(json.groups === undefined ? {} : { groups: parseMappingTable(json.groups) }),
    userBody: (user) => compiled.evaluate(user, { operation: 'create' }),
  };
}

/**
 * A directory user as Entra holds it, with the attributes app mappings commonly read; `alias`
 * `adele.vance` gives `adele.vance@contoso.example`, Adele Vance.
 *
 * @param alias - the mail nickname, `given.family`
 * @param overrides - attributes to set or replace (`{ IsSoftDeleted: true }`)
 * @returns the directory object
 * @example
 * ```ts
 * const leaver = directoryUser('megan.bowen', { IsSoftDeleted: true });
 * ```
 * @see https://learn.microsoft.com/graph/api/resources/user
 */
export function directoryUser(alias: string, overrides: Record<string, unknown> = {}): SourceObject {
  const [given = alias, family = 'Tester'] = alias.split('.');
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  return {
    userPrincipalName: `${alias}@contoso.example`,
    mail: `${alias}@contoso.example`,
    mailNickname: alias,
    displayName: `${cap(given)} ${cap(family)}`,
    givenName: cap(given),
    surname: cap(family),
    jobTitle: 'Engineer',
    department: 'Research',
    employeeId: `E-${alias.length}${alias.charCodeAt(0)}`,
    city: 'Oslo',
    country: 'NO',
    preferredLanguage: 'en-US',
    mobile: '+47 555 0100',
    userType: 'Member',
    IsSoftDeleted: false,
    ...overrides,
  };
}

/** What {@link entraRequest}'s sender resolves with: the status and the parsed body (`{}` when empty). */
export interface EntraResponse {
  /** The HTTP status. */
  readonly status: number;
  /** The JSON body, or `{}` for an empty one. */
  readonly body: Record<string, unknown>;
}

/**
 * Sends SCIM requests to a handler the way Entra does: JSON body, bearer token,
 * `application/scim+json`.
 *
 * @param handler - the connector's fetch handler
 * @param token - the Secret Token
 * @param base - the Tenant URL (`http://localhost/scim/v2`)
 * @returns a sender: method, path under the Tenant URL, optional body
 * @example
 * ```ts
 * const scim = entraRequest(handler, token, 'http://localhost/scim/v2');
 * const found = await scim('GET', userNameFilter('adele.vance@contoso.example'));
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function entraRequest(
  handler: (request: Request) => Promise<Response>,
  token: string,
  base: string,
): (method: string, path: string, body?: unknown) => Promise<EntraResponse> {
  return async (method, path, body) => {
    const response = await handler(
      new Request(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/scim+json',
          ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await response.text();
    return {
      status: response.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  };
}

/**
 * The path of Entra's query for a user by its matching attribute, userName (`/Users?filter=...`).
 *
 * @param userName - the user's userName
 * @returns the path, its filter encoded
 * @example
 * ```ts
 * await scim('GET', userNameFilter('adele.vance@contoso.example'));
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function userNameFilter(userName: string): string {
  return `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
}

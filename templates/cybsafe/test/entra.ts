// What Microsoft Entra ID sends to this connector: the bodies its provisioning service builds from
// entra/mapping.json (the attribute mappings of the app's guide), and requests in Entra's shapes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CompiledMappingTable,
  compileMappingTable,
  type DirectoryObject,
  type MappingTable,
  parseMappingTable,
} from '@scim/mapping';

/** The raw entra/mapping.json. */
export const mappingJson = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'entra', 'mapping.json'), 'utf8'),
) as { users: unknown; groups?: unknown };

/** The mapping tables, checked by @scim/mapping (it throws on a bad target or expression). */
export const mapping: { users: MappingTable; groups?: MappingTable } = {
  users: parseMappingTable(mappingJson.users),
  ...(mappingJson.groups === undefined ? {} : { groups: parseMappingTable(mappingJson.groups) }),
};

const compiledUsers: CompiledMappingTable = compileMappingTable(mapping.users);

/** A directory user as Entra holds it, with the attributes the mappings read. */
export function directoryUser(alias: string, overrides: Record<string, unknown> = {}): DirectoryObject {
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

/** The SCIM user Entra POSTs for a directory user under this app's mappings. */
export function userBody(user: DirectoryObject): Record<string, unknown> {
  return compiledUsers.evaluate(user, { operation: 'create' });
}

/** Sends a SCIM request the way Entra does: JSON body, bearer token, `application/scim+json`. */
export function entraRequest(
  handler: (request: Request) => Promise<Response>,
  token: string,
  base: string,
): (
  method: string,
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: Record<string, unknown> }> {
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

/** Entra's filter for a user (its matching attribute, userName). */
export function userNameFilter(userName: string): string {
  return `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
}

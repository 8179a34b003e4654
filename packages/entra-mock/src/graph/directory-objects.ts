// Users, groups and directory objects as Graph writes and reads them: property sets, `$select`,
// `$filter`, serialization, body checks and lookups. Internal to the package.
import type { EntraTenant } from '../tenant/tenant.ts';
import type { DirectoryObject, EntraGroup, EntraUser } from '../tenant/types.ts';
import { notFound, type RequestContext } from './context.ts';
import { GraphQueryError, matchesFilter, parseEqFilter, parseSelect } from './odata.ts';
import type { components } from './openapi.generated.ts';

type Schemas = components['schemas'];

/** The properties `GET /users` returns without `$select`. @see https://learn.microsoft.com/en-us/graph/api/user-list */
const USER_DEFAULT_SELECT = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

/** @internal */
export const USER_PROPERTIES = new Set([
  'id',
  'userPrincipalName',
  'accountEnabled',
  'displayName',
  'mailNickname',
  'mail',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'companyName',
  'employeeId',
  'employeeType',
  'officeLocation',
  'mobilePhone',
  'businessPhones',
  'streetAddress',
  'city',
  'state',
  'country',
  'postalCode',
  'preferredLanguage',
  'usageLocation',
  'userType',
  'onPremisesExtensionAttributes',
  'createdDateTime',
  'deletedDateTime',
]);
/** @internal */
export const USER_READ_ONLY = new Set(['id', 'createdDateTime', 'deletedDateTime']);
/** @internal */
export const GROUP_PROPERTIES = new Set([
  'id',
  'displayName',
  'description',
  'mailNickname',
  'mail',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
  'createdDateTime',
  'deletedDateTime',
]);
/** @internal */
export const GROUP_READ_ONLY = new Set(['id', 'mail', 'createdDateTime', 'deletedDateTime']);

/** The `$select` names, checked against a type's properties; `undefined` without `$select`. @internal */
export function select(ctx: RequestContext, known: Set<string>, type: string): string[] | undefined {
  const text = ctx.url.searchParams.get('$select');
  if (text === null) return undefined;
  const names = parseSelect(text);
  for (const name of names) {
    if (!known.has(name) && !(type === 'user' && name.startsWith('extension_'))) {
      throw new GraphQueryError(
        400,
        'BadRequest',
        `Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
      );
    }
  }
  return names;
}

/** The `$select` names of a mixed directory-object collection, unchecked. @internal */
export function objectSelect(ctx: RequestContext): string[] | undefined {
  const text = ctx.url.searchParams.get('$select');
  return text === null ? undefined : parseSelect(text);
}

function pick(object: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = object[name] ?? null;
  return out;
}

/** @internal */
export function userJson(user: EntraUser, names?: readonly string[]): Schemas['user'] {
  return pick(user as unknown as Record<string, unknown>, names ?? USER_DEFAULT_SELECT) as Schemas['user'];
}

/** @internal */
export function groupJson(group: EntraGroup, names?: readonly string[]): Schemas['group'] {
  return (
    names ? pick(group as unknown as Record<string, unknown>, names) : { ...group }
  ) as Schemas['group'];
}

/** A user or group with its `@odata.type`, as directory-object collections carry them. @internal */
export function objectJson(item: DirectoryObject, names?: readonly string[]): Schemas['directoryObject'] {
  return item.type === 'user'
    ? { '@odata.type': '#microsoft.graph.user', ...userJson(item.object, names) }
    : { '@odata.type': '#microsoft.graph.group', ...groupJson(item.object, names) };
}

/**
 * Applies `$filter` (`eq` joined by `and`) to users or groups; a property Graph cannot filter on
 * answers `400 Request_UnsupportedQuery`.
 *
 * @see https://learn.microsoft.com/en-us/graph/aad-advanced-queries
 * @internal
 */
export function filtered<T>(ctx: RequestContext, items: T[], known: Set<string>, resource: string): T[] {
  const text = ctx.url.searchParams.get('$filter');
  if (text === null) return items;
  const clauses = parseEqFilter(text);
  for (const clause of clauses) {
    const root = clause.path[0]!;
    const ok =
      (known.has(root) || (resource === 'User' && root.startsWith('extension_'))) &&
      (clause.path.length === 1 || root === 'onPremisesExtensionAttributes') &&
      root !== 'businessPhones' &&
      root !== 'groupTypes';
    if (!ok) {
      throw new GraphQueryError(
        400,
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified for property '${clause.path.join('/')}' of resource '${resource}'.`,
      );
    }
  }
  return items.filter((item) => matchesFilter(item as Record<string, unknown>, clauses));
}

/** Rejects unknown and read-only properties in a create or update body. @internal */
export function checkProperties(
  body: Record<string, unknown>,
  known: Set<string>,
  readOnly: Set<string>,
  extra: readonly string[],
  type: string,
): void {
  for (const key of Object.keys(body)) {
    if (extra.includes(key) || (type === 'user' && key.startsWith('extension_'))) continue;
    if (!known.has(key)) {
      throw new GraphQueryError(
        400,
        'BadRequest',
        `Property '${key}' does not exist as a declared property or extension property.`,
      );
    }
    if (readOnly.has(key)) {
      throw new GraphQueryError(
        400,
        'Request_BadRequest',
        `Property '${key}' is read-only and cannot be set.`,
      );
    }
  }
}

/** Rejects a body that lacks a required property. @internal */
export function requireProperties(
  body: Record<string, unknown>,
  names: readonly string[],
  resource: string,
): void {
  for (const name of names) {
    if (body[name] === undefined || body[name] === null) {
      throw new GraphQueryError(
        400,
        'Request_BadRequest',
        `Invalid value specified for property '${name}' of resource '${resource}'.`,
      );
    }
  }
}

/** The object id at the end of an `@odata.id` reference URL. @internal */
export function referenceId(ctx: RequestContext, body: Record<string, unknown>): string {
  const ref = (body as Schemas['referenceCreate'])['@odata.id'];
  const match =
    typeof ref === 'string'
      ? /\/(?:v1\.0|beta)\/(?:directoryObjects|users|groups)\/([^/?#]+)$/.exec(ref)
      : null;
  if (!match) {
    throw new GraphQueryError(
      400,
      'Request_BadRequest',
      `Invalid object identifier '${String(ref)}'; use "@odata.id": "${ctx.base}/directoryObjects/{id}".`,
    );
  }
  return decodeURIComponent(match[1]!);
}

/** A user by id or userPrincipalName, or Graph's 404. @internal */
export function userById(tenant: EntraTenant, id: string): EntraUser {
  const user = tenant.findUser(id);
  if (!user) throw notFound(id);
  return user;
}

/** A user or group by id, or Graph's 404. @internal */
export function objectById(tenant: EntraTenant, id: string): DirectoryObject {
  const user = tenant.findUser(id);
  if (user) return { type: 'user', object: user };
  const group = tenant.findGroup(id);
  if (group) return { type: 'group', object: group };
  throw notFound(id);
}

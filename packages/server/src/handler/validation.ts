/**
 * What a POST or PUT body must be before it is written (RFC 7644 sections 3.3 and 3.5.1): parsed
 * against the schema (with Entra's role strings read as roles under the `entra` profile), `id` as
 * the URL names it, immutable attributes unchanged (RFC 7643 section 2.2), and every required
 * attribute present with a value that is more than white space.
 */
import { decodeEntraRole, jsonEqual } from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import type { ServedType } from './config.ts';
import type { RequestContext } from './context.ts';
import { isObject, type Json } from './stored.ts';

/**
 * Under the `entra` profile, the body's `roles` as Entra sends them (JSON-encoded app role
 * assignments, `displayName` for `display`) in the RFC 7643 shape, so a POST or PUT stores the same
 * role as a PATCH; see `decodeEntraRole`.
 */
function withEntraRoles(ctx: RequestContext, type: ServedType, body: unknown): unknown {
  if (!ctx.config.profile.appRoleStrings || !isObject(body)) return body;
  const key = Object.keys(body).find((k) => k.toLowerCase() === 'roles');
  const roles = key === undefined ? undefined : body[key];
  const attr = type.schema.attribute('roles');
  if (!Array.isArray(roles) || attr === undefined || !attr.definition.multiValued) return body;
  return { ...body, [key as string]: roles.map(decodeEntraRole) };
}

/**
 * A POST body parsed against the type's schema.
 * @throws ScimError `invalidSyntax` or `invalidValue`, as the schema's parser answers
 * @internal
 */
export function parseCreate(ctx: RequestContext, type: ServedType, body: unknown): Json {
  return type.createParser.parse(withEntraRoles(ctx, type, body)).value;
}

/**
 * A PUT body parsed against the type's schema; an `id` it sends must be the one in the URL.
 * @throws ScimError as the schema's parser answers; `mutability` for another `id`
 * @internal
 */
export function parseReplace(ctx: RequestContext, type: ServedType, id: string, body: unknown): Json {
  const parsed = type.replaceParser.parse(withEntraRoles(ctx, type, body)).value;
  if (isObject(body)) {
    const sentId = Object.entries(body).find(([k]) => k.toLowerCase() === 'id')?.[1];
    if (sentId !== undefined && sentId !== id) {
      throw new ScimError(
        'mutability',
        `id "${String(sentId)}" in the body does not match ${id} in the URL; id is read-only`,
      );
    }
  }
  return parsed;
}

/**
 * 400 when `next` changes a core attribute that is immutable and already set in `previous`
 * (RFC 7643 section 2.2: it may be set once, and then only sent again with the same value). Values
 * compare as JSON: an object's keys in any order.
 * @throws ScimError `mutability`
 * @internal
 */
export function checkImmutable(type: ServedType, previous: Readonly<Json>, next: Json): void {
  for (const a of type.schema.core.attributes) {
    if (
      a.mutability === 'immutable' &&
      previous[a.name] !== undefined &&
      !jsonEqual(previous[a.name], next[a.name])
    ) {
      throw new ScimError('mutability', `"${a.name}" is immutable and already set; it cannot be changed`);
    }
  }
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.keys(value).length === 0)
  );
}

/** Whether a value is text of white space only (`"   "`): no value for a required attribute. */
function isBlank(value: unknown): boolean {
  return typeof value === 'string' && value !== '' && value.trim() === '';
}

/** The value at an attribute path (`name.givenName`, `urn:...:manager`); a list of a sub-attribute's values. */
function readPath(type: ServedType, data: Json, path: string): unknown {
  const found = type.schema.resolvePath(path);
  if (found === undefined) return undefined;
  const top = found.parent ?? found;
  const holder = top.inExtension && top.schemaUrn !== undefined ? data[top.schemaUrn] : data;
  if (!isObject(holder)) return undefined;
  const value = holder[top.definition.name];
  if (found.parent === undefined) return value;
  if (Array.isArray(value)) {
    const subs = value
      .map((v) => (isObject(v) ? v[found.definition.name] : undefined))
      .filter((v) => !isEmpty(v));
    return subs.length === 0 ? undefined : subs;
  }
  return isObject(value) ? value[found.definition.name] : undefined;
}

/**
 * 400 naming every missing required attribute (schema-required and configured), and every
 * required one whose text is white space only (RFC 7643 section 4.1.1: each User has a non-empty
 * `userName`). With `members`, the reference attribute does not count as missing.
 * @throws ScimError `invalidValue`
 * @internal
 */
export function checkRequired(type: ServedType, data: Json, members: boolean): void {
  const missing: string[] = [];
  const blank: string[] = [];
  const check = (name: string, value: unknown) => {
    if (isEmpty(value)) missing.push(name);
    else if (isBlank(value)) blank.push(name);
  };
  for (const a of type.schema.core.attributes) {
    if (!a.required || a.mutability === 'readOnly') continue;
    if (members && type.referenceAttribute === a.name) continue;
    check(a.name, data[a.name]);
  }
  for (const path of type.required) check(path, readPath(type, data, path));
  if (missing.length > 0) {
    throw new ScimError(
      'invalidValue',
      `${type.name}: required attribute${missing.length > 1 ? 's' : ''} missing: ${missing.join(', ')}; add ${missing.length > 1 ? 'them' : 'it'}`,
    );
  }
  if (blank.length > 0) {
    throw new ScimError(
      'invalidValue',
      `${type.name}: ${blank.join(', ')} ${blank.length > 1 ? 'are' : 'is'} only white space; send a value with other characters`,
      { token: blank[0] as string },
    );
  }
}

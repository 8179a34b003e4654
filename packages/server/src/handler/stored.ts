/**
 * A resource's stored form: the attributes a store keeps in `data` (RFC 7643 section 3.1, without
 * what the server computes), the body PATCH and the policies work on, and the unique keys a store
 * enforces (RFC 7643 section 2.1, `uniqueness: server`).
 */
import { foldCase } from '@scim/protocol';
import type { StoredResource, UniqueKey } from '../store/types.ts';
import type { ServedType } from './config.ts';

/** A JSON object. @internal */
export type Json = Record<string, unknown>;

/** Whether a value is a JSON object (not an array, not null). @internal */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The attributes the store keeps in `data`: no `schemas`, `id`, `meta`, reference list, `groups`
 * or password.
 * @internal
 */
export function toData(type: ServedType, resource: Json): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas' || lower === 'id' || lower === 'meta') continue;
    if (type.referenceAttribute !== undefined && lower === type.referenceAttribute.toLowerCase()) continue;
    // `groups` is computed from memberships; a password is never stored in clear (changePassword: false).
    if (type.kind === 'user' && (lower === 'groups' || lower === 'password')) continue;
    if (value === undefined) continue;
    out[key] = value;
  }
  return out;
}

/** The `schemas` of a resource with this data: the core schema, then each extension it has. @internal */
export function schemasOf(type: ServedType, data: Json): string[] {
  const out = [type.schema.core.id];
  for (const e of type.schema.extensions) if (isObject(data[e.schema.id])) out.push(e.schema.id);
  return out;
}

/** The resource body for PATCH and policies: `schemas`, `id` and data. @internal */
export function toBody(type: ServedType, stored: StoredResource): Json {
  return { schemas: schemasOf(type, stored.data), id: stored.id, ...stored.data };
}

/**
 * The unique keys of this data, as the store compares them: the text of each attribute the type
 * keeps unique, case-folded unless the attribute is `caseExact`.
 * @internal
 */
export function uniqueKeys(type: ServedType, data: Json): UniqueKey[] {
  const out: UniqueKey[] = [];
  for (const u of type.unique) {
    const holder = u.urn === undefined ? data : data[u.urn];
    if (!isObject(holder)) continue;
    const value = holder[u.definition.name];
    if (value === undefined || value === null) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    out.push({ attribute: u.path, value: u.definition.caseExact ? text : foldCase(text) });
  }
  return out;
}

// Roles as Microsoft Entra ID sends them when an app role assignment is mapped to `roles`.
import type { AttributeDefinition } from '@scim/schemas';
import { findKey, isObject, type JsonObject } from './json.ts';

/** The role sub-attributes (RFC 7643 section 4.1.2) an encoded assignment may fill. */
const KEPT = ['value', 'display', 'type', 'primary'] as const;

function decoded(text: string): JsonObject | undefined {
  if (text.length < 2 || text.charCodeAt(0) !== 0x7b) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `object` without the key `name` (any case). */
function without(object: JsonObject, name: string): JsonObject {
  const key = findKey(object, name);
  if (key === undefined) return object;
  const { [key]: _, ...rest } = object;
  return rest;
}

/**
 * Reads one value of `roles` as Microsoft Entra ID sends it, and returns it in the RFC 7643 shape
 * `{ value, display, type, primary }`.
 *
 * With the expressions `AppRoleAssignmentsComplex` and `SingleAppRoleAssignment`, Entra's default
 * PATCH dialect sends each role as a JSON-encoded string in `value`:
 * `{"value": "{\"id\":\"06b07648-…\",\"value\":\"25\",\"displayName\":\"Role1234\"}"}`, while its POST
 * sends `{"value": "Admin", "displayName": "Admin", "type": "WindowsAzureActiveDirectoryRole",
 * "primary": false}`. Both become `{ value: '25', display: 'Role1234' }` (and the POST's `type` and
 * `primary`): a string `value` that is a JSON object is decoded (its `value`, `display`, `type` and
 * `primary` win over the outer ones), `displayName` becomes `display` (roles have no
 * `displayName`), and the assignment's `id` is dropped. Anything else is returned unchanged.
 *
 * @param role - one value of `roles`, as received
 * @returns the role, decoded; the input is never mutated
 * @throws never
 * @example
 * ```ts
 * import { decodeEntraRole } from '@scim/protocol';
 * decodeEntraRole({ value: '{"id":"06b07648","value":"25","displayName":"Role1234"}' });
 * // { value: '25', display: 'Role1234' }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes#provisioning-a-role-to-a-scim-app
 */
export function decodeEntraRole(role: unknown): unknown {
  if (!isObject(role)) return role;
  let out: JsonObject = role;
  const valueKey = findKey(role, 'value');
  const inner = valueKey === undefined ? undefined : role[valueKey];
  const fromJson = typeof inner === 'string' ? decoded(inner) : undefined;
  if (fromJson !== undefined) {
    out = without(without(out, 'value'), 'id');
    const renamed = renameDisplayName(fromJson);
    for (const name of KEPT) {
      const key = findKey(renamed, name);
      if (key === undefined) continue;
      out = { ...without(out, name), [name]: renamed[key] };
    }
  }
  out = renameDisplayName(out);
  return findKey(out, 'id') === undefined ? out : without(out, 'id');
}

/** `displayName` as `display` (kept when `display` is there too). */
function renameDisplayName(object: JsonObject): JsonObject {
  const key = findKey(object, 'displayName');
  if (key === undefined) return object;
  const rest = without(object, key);
  return findKey(rest, 'display') === undefined ? { ...rest, display: object[key] } : rest;
}

/** @internal Whether `def` is the `roles` attribute of RFC 7643 section 4.1.2 (or one of its shape). */
export function isRoles(def: AttributeDefinition): boolean {
  return def.multiValued && def.type === 'complex' && def.name.toLowerCase() === 'roles';
}

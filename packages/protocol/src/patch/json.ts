// JSON helpers of the PATCH engine: plain objects, cloning, equality and case-insensitive keys.

/** @internal A JSON object. */
export type JsonObject = Record<string, unknown>;

/** @internal Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** @internal Deep copy of JSON data. */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) out[key] = cloneJson(value[key]);
    return out as T;
  }
  return value;
}

/**
 * Whether two JSON values are equal: the same primitives, arrays of equal items in the same order,
 * objects with the same keys holding equal values, in any key order (RFC 8259 section 4: an object
 * is an unordered collection). The PATCH engine compares values by it (a `replace` with the value
 * already there changes nothing), and the server compares stored attributes by it. A key whose
 * value is `undefined` counts as present; JSON text never holds one.
 *
 * @param a - a JSON value
 * @param b - another JSON value
 * @returns `true` when they are equal as JSON
 * @example
 * ```ts
 * import { jsonEqual } from '@scim/protocol';
 * jsonEqual({ givenName: 'Barbara', familyName: 'Jensen' }, { familyName: 'Jensen', givenName: 'Barbara' }); // true
 * jsonEqual(['a', 'b'], ['b', 'a']); // false: arrays keep their order
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc8259#section-4
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** @internal The key of `object` equal to `name` ignoring case, if any. */
export function findKey(object: JsonObject, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  const lower = name.toLowerCase();
  // Only U+0130 changes a string's length when lower-cased, so a key of
  // another length is skipped without lower-casing it.
  const dotted = name.includes('\u0130');
  for (const key of Object.keys(object)) {
    if (key.length !== name.length && !dotted && !key.includes('\u0130')) continue;
    if (key.toLowerCase() === lower) return key;
  }
  return undefined;
}

/** @internal Reads `object[name]` ignoring the case of the key. */
export function getCi(object: JsonObject, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

/** @internal Writes `object[name]` under the canonical name, dropping a differently-cased key. */
export function setCi(object: JsonObject, name: string, value: unknown): void {
  const key = findKey(object, name);
  if (key !== undefined && key !== name) delete object[key];
  object[name] = value;
}

/** @internal Deletes `object[name]` ignoring case. */
export function deleteCi(object: JsonObject, name: string): void {
  const key = findKey(object, name);
  if (key !== undefined) delete object[key];
}

/** @internal Whether a value counts as empty (unassigned, RFC 7643 section 2.5). */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isObject(value)) return Object.keys(value).length === 0;
  return false;
}

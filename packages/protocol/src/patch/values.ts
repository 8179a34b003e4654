// Internal helpers of the PATCH engine: JSON cloning and equality, case-insensitive keys, and
// type checking / coercion of values against attribute definitions.
import { type AttributeDefinition, ScimError } from '@scim/schemas';
import type { CompatibilityProfile } from '../profile.ts';
import { foldCase } from '../text/fold.ts';

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

/** @internal Deep equality of JSON data. */
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
  // As in indexOfSame: only U+0130 changes a string's length when lower-cased, so a key of
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

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(path: string, expected: string, value: unknown): ScimError {
  return new ScimError(
    'invalidValue',
    `${path}: expected ${expected}, got ${describe(value)}; send a value of the attribute's type`,
    {
      token: describe(value),
    },
  );
}

/**
 * @internal Checks and coerces one value (not a list) of an attribute. Returns `undefined` when
 * the value clears the attribute (`null`, or `""` when the profile says so).
 */
export function coerceSingle(
  value: unknown,
  def: AttributeDefinition,
  path: string,
  profile: CompatibilityProfile,
): unknown {
  if (value === null || value === undefined) return undefined;
  if (value === '' && profile.emptyStringClears) return undefined;
  switch (def.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (profile.stringBooleans && typeof value === 'string') {
        const lower = value.toLowerCase();
        if (lower === 'true') return true;
        if (lower === 'false') return false;
      }
      throw invalid(path, 'a boolean', value);
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw invalid(path, 'an integer', value);
    case 'decimal':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw invalid(path, 'a number', value);
    case 'dateTime':
      if (typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)))
        return value;
      throw invalid(path, 'an xsd:dateTime string such as "2024-05-01T12:00:00Z"', value);
    case 'complex':
      return coerceComplex(value, def, path, profile);
    default:
      if (typeof value === 'string') return value;
      throw invalid(path, 'a string', value);
  }
}

const subAttributesByName = new WeakMap<AttributeDefinition, Map<string, AttributeDefinition>>();

/** The sub-attribute of `def` named `name`, ignoring case (a map per definition, built once). */
function subAttributeNamed(def: AttributeDefinition, name: string): AttributeDefinition | undefined {
  let byName = subAttributesByName.get(def);
  if (byName === undefined) {
    byName = new Map();
    for (const sub of def.subAttributes ?? []) byName.set(sub.name.toLowerCase(), sub);
    subAttributesByName.set(def, byName);
  }
  return byName.get(name) ?? byName.get(name.toLowerCase());
}

function coerceComplex(
  value: unknown,
  def: AttributeDefinition,
  path: string,
  profile: CompatibilityProfile,
): unknown {
  const subs = def.subAttributes ?? [];
  let input = value;
  if (profile.complexShorthands) {
    if (typeof input === 'string' && subs.some((s) => s.name === 'value')) input = { value: input };
    else if (Array.isArray(input) && !def.multiValued && input.length === 1) input = input[0];
    else if (Array.isArray(input) && !def.multiValued && input.length === 0) return undefined;
  }
  if (!isObject(input)) throw invalid(path, 'an object', value);
  const out: JsonObject = {};
  for (const key of Object.keys(input)) {
    const sub = subAttributeNamed(def, key);
    if (sub === undefined) {
      if (profile.ignoreExtraneous) continue;
      throw new ScimError(
        'invalidValue',
        `${path}: "${key}" is not a sub-attribute of ${def.name}; remove it`,
        {
          token: key,
        },
      );
    }
    const coerced = coerceSingle(input[key], sub, `${path}.${sub.name}`, profile);
    if (coerced !== undefined) out[sub.name] = coerced;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * @internal Checks and coerces a whole attribute value: a list for a multi-valued attribute
 * (a single value is taken as a one-element list under `complexShorthands`).
 */
export function coerceAttribute(
  value: unknown,
  def: AttributeDefinition,
  path: string,
  profile: CompatibilityProfile,
): unknown {
  if (!def.multiValued) return coerceSingle(value, def, path, profile);
  if (value === null || value === undefined) return undefined;
  if (value === '' && profile.emptyStringClears) return undefined;
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (profile.complexShorthands) list = [value];
  else throw invalid(path, 'an array', value);
  const out: unknown[] = [];
  for (const item of list) {
    const coerced = coerceSingle(item, def, path, profile);
    if (coerced !== undefined) out.push(coerced);
  }
  return out.length === 0 ? undefined : out;
}

const caseExactOfValue = new WeakMap<AttributeDefinition, boolean | undefined>();

/** Whether the `value` sub-attribute of a complex attribute is caseExact (`undefined`: it has none). */
function valueCaseExact(def: AttributeDefinition): boolean | undefined {
  if (caseExactOfValue.has(def)) return caseExactOfValue.get(def);
  const found = def.subAttributes?.find((s) => s.name === 'value')?.caseExact;
  caseExactOfValue.set(def, found);
  return found;
}

/** @internal Whether two values of a multi-valued attribute are the same value. */
export function sameValue(a: unknown, b: unknown, def: AttributeDefinition): boolean {
  if (def.type === 'complex' && isObject(a) && isObject(b)) {
    const av = a.value;
    const bv = b.value;
    if (av !== undefined && bv !== undefined && valueCaseExact(def) !== undefined) {
      if (av !== bv && !scalarEqual(av, bv, valueCaseExact(def) as boolean)) return false;
      const typeA = a.type;
      const typeB = b.type;
      return typeA === undefined || typeB === undefined || scalarEqual(typeA, typeB, false);
    }
    return jsonEqual(a, b);
  }
  return scalarEqual(a, b, def.caseExact);
}

/**
 * @internal The index of the first value of `list` that is the same value as `item`
 * ({@link sameValue}), or -1. For complex values with a string `value` (a group's members, a
 * user's emails) the comparison is inlined and each existing value is case-folded only when it
 * could be equal: adding one member to a large group stays one cheap pass.
 */
export function indexOfSame(list: readonly unknown[], item: unknown, def: AttributeDefinition): number {
  const exact = def.type === 'complex' ? valueCaseExact(def) : undefined;
  if (exact !== undefined && isObject(item) && typeof item.value === 'string') {
    const v = item.value;
    const type = item.type;
    const folded = exact ? v : foldCase(v);
    for (let i = 0; i < list.length; i++) {
      const el = list[i];
      if (!isObject(el)) continue;
      const ev = el.value;
      if (ev !== v) {
        // Case folding keeps a string's length: strings of different lengths are never equal.
        if (exact || typeof ev !== 'string' || ev.length !== v.length) continue;
        if (foldCase(ev) !== folded) continue;
      }
      const et = el.type;
      if (type === undefined || et === undefined || scalarEqual(et, type, false)) return i;
    }
    return -1;
  }
  for (let i = 0; i < list.length; i++) if (sameValue(list[i], item, def)) return i;
  return -1;
}

/** @internal Equality of two scalars, ignoring case (Unicode simple case folding) for strings unless `caseExact`. */
export function scalarEqual(a: unknown, b: unknown, caseExact: boolean): boolean {
  if (!caseExact && typeof a === 'string' && typeof b === 'string')
    return a.length === b.length && foldCase(a) === foldCase(b);
  return jsonEqual(a, b);
}

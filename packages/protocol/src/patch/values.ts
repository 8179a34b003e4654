// Internal helpers of the PATCH engine: type checking / coercion of values against attribute
// definitions, and comparison of values (the JSON helpers live in json.ts and are re-exported).
import { type AttributeDefinition, ScimError } from '@scim/schemas';
import type { CompatibilityProfile } from '../profile.ts';
import { foldCase } from '../text/fold.ts';
import { isObject, type JsonObject, jsonEqual } from './json.ts';
import { isReferenceList } from './references.ts';
import { decodeEntraRole, isRoles } from './roles.ts';
import { indexKey, type Lookup } from './working-list.ts';

export {
  cloneJson,
  deleteCi,
  findKey,
  getCi,
  isEmptyValue,
  isObject,
  type JsonObject,
  jsonEqual,
  setCi,
} from './json.ts';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** @internal The `invalidValue` error of a value that is not of the attribute's type. */
export function invalid(path: string, expected: string, value: unknown): ScimError {
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

/** @internal The sub-attribute of `def` named `name`, ignoring case (a map per definition, built once). */
export function subAttributeNamed(def: AttributeDefinition, name: string): AttributeDefinition | undefined {
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
  let input = profile.appRoleStrings && isRoles(def) ? decodeEntraRole(value) : value;
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
 * (a single value is taken as a one-element list under `complexShorthands`). `null` and `[]` give
 * no values (`undefined`); a value of the list that names nothing (`{}`, `""`, `null`, an object
 * of unknown sub-attributes) is `invalidValue`, as is `""` for the whole list: neither may be
 * read as "no values", which a replace would turn into "clear them all".
 */
export function coerceAttribute(
  value: unknown,
  def: AttributeDefinition,
  path: string,
  profile: CompatibilityProfile,
): unknown {
  if (!def.multiValued) return coerceSingle(value, def, path, profile);
  if (value === null || value === undefined) return undefined;
  let list: unknown[];
  if (Array.isArray(value)) list = value;
  else if (profile.complexShorthands && value !== '') list = [value];
  else throw invalid(path, 'an array (null or [] to give no values)', value);
  const out: unknown[] = [];
  for (let k = 0; k < list.length; k++) {
    const coerced = coerceSingle(list[k], def, path, profile);
    if (coerced === undefined) {
      throw new ScimError(
        'invalidValue',
        `${path}: value ${k + 1} of the list (${describe(list[k])}) names nothing; give each value its sub-attributes, for example {"value": "..."} (null or [] alone give no values)`,
        { token: describe(list[k]) },
      );
    }
    out.push(coerced);
  }
  return out.length === 0 ? undefined : out;
}

const caseExactOfValue = new WeakMap<AttributeDefinition, boolean | undefined>();

/**
 * Whether the `value` sub-attribute of a complex attribute is caseExact (`undefined`: it has
 * none). The values of a reference list (a group's `members`) are ids: always caseExact.
 */
function valueCaseExact(def: AttributeDefinition): boolean | undefined {
  if (caseExactOfValue.has(def)) return caseExactOfValue.get(def);
  const sub = def.subAttributes?.find((s) => s.name === 'value');
  const found = sub === undefined ? undefined : sub.caseExact || isReferenceList(def);
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
 * @internal A test of "the same value as `item`" ({@link sameValue}) for many values. For complex
 * values with a string `value` (a group's members, a user's emails) the comparison is inlined and
 * each value is case-folded only when it could be equal, so a scan of a large list stays cheap.
 */
export function sameAs(item: unknown, def: AttributeDefinition): (value: unknown) => boolean {
  const exact = def.type === 'complex' ? valueCaseExact(def) : undefined;
  if (exact === undefined || !isObject(item) || typeof item.value !== 'string') {
    return (el) => sameValue(el, item, def);
  }
  const v = item.value;
  const type = item.type;
  const folded = exact ? v : foldCase(v);
  return (el) => {
    if (!isObject(el)) return false;
    const ev = el.value;
    if (ev !== v) {
      // Case folding keeps a string's length: strings of different lengths are never equal.
      if (exact || typeof ev !== 'string' || ev.length !== v.length) return false;
      if (foldCase(ev) !== folded) return false;
    }
    const et = el.type;
    return type === undefined || et === undefined || scalarEqual(et, type, false);
  };
}

/**
 * @internal The index lookup that finds the values {@link sameAs} can match: by `value`, for a
 * complex attribute with that sub-attribute and an item with a string `value`; else none (scan).
 */
export function valueLookups(item: unknown, def: AttributeDefinition): readonly Lookup[] | undefined {
  if (def.type !== 'complex' || valueCaseExact(def) === undefined) return undefined;
  if (!isObject(item) || typeof item.value !== 'string') return undefined;
  return [{ sub: 'value', keys: [indexKey(item.value)] }];
}

/** @internal Equality of two scalars, ignoring case (Unicode simple case folding) for strings unless `caseExact`. */
export function scalarEqual(a: unknown, b: unknown, caseExact: boolean): boolean {
  if (!caseExact && typeof a === 'string' && typeof b === 'string')
    return a.length === b.length && foldCase(a) === foldCase(b);
  return jsonEqual(a, b);
}

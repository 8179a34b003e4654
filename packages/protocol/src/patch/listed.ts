// The values a PATCH operation lists for a multi-valued attribute, checked so that an empty or
// malformed value never widens into "every value": Entra's remove-by-value-list, and the values a
// reference list (a group's `members`) is given.
import { type AttributeDefinition, ScimError } from '@scim/schemas';
import type { CompatibilityProfile } from '../profile.ts';
import { getCi, isEmptyValue, isObject, type JsonObject } from './json.ts';
import { decodeEntraRole, isRoles } from './roles.ts';

/** @internal A value, shortened for an error message. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function hasValueSub(def: AttributeDefinition): boolean {
  return def.type === 'complex' && (def.subAttributes ?? []).some((s) => s.name === 'value');
}

/**
 * @internal The values a `remove` lists (`{"op":"Remove","path":"members","value":[{"value":"id"}]}`),
 * each naming one value: for an attribute with a `value` sub-attribute, `{ value, type? }` (a bare
 * string is the `value`); otherwise the value itself. A value that names nothing (`{"display":"x"}`,
 * `{}`, `""`, `null`) is `invalidValue`: it must never be read as "every value".
 */
export function listedValues(
  text: string,
  value: unknown,
  def: AttributeDefinition,
  profile: CompatibilityProfile,
): unknown[] {
  const list = Array.isArray(value) ? value : [value];
  const byValue = hasValueSub(def);
  return list.map((raw, k) => {
    let item = def.type === 'complex' && !isObject(raw) && byValue ? { value: raw } : raw;
    if (profile.appRoleStrings && isRoles(def)) item = decodeEntraRole(item);
    if (byValue) {
      const named = isObject(item) ? getCi(item, 'value') : undefined;
      if (!isEmptyValue(named) && !isObject(named) && !Array.isArray(named)) {
        const type = getCi(item as JsonObject, 'type');
        return type === undefined ? { value: named } : { value: named, type };
      }
    } else if (!isEmptyValue(item)) {
      return item;
    }
    throw new ScimError(
      'invalidValue',
      `"remove" on "${text}": value ${k + 1} of the list (${shown(raw)}) names nothing to remove; give each the "value" it removes, for example {"value": "2819c223"} (only a remove without "value" clears ${def.name})`,
      { token: shown(raw) },
    );
  });
}

/**
 * @internal Checks the values an `add` or `replace` gives a reference list (a group's `members`):
 * each must carry the id of a resource in `value` (or be that id, as a string). `null` and `[]`
 * give no values (a replace with them clears the list, as RFC 7643 section 2.5 reads them).
 */
export function checkReferenceValues(text: string, value: unknown, def: AttributeDefinition): void {
  if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return;
  const list = Array.isArray(value) ? value : [value];
  for (let k = 0; k < list.length; k++) {
    const el = list[k];
    const id = typeof el === 'string' ? el : isObject(el) ? getCi(el, 'value') : undefined;
    if (typeof id === 'string' && id !== '') continue;
    throw new ScimError(
      'invalidValue',
      `"${text}": value ${k + 1} (${shown(el)}) has no "value"; each of ${def.name} needs the id of a resource, for example {"value": "2819c223"}`,
      { token: shown(el) },
    );
  }
}

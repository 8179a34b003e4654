// Operations with a value on a single-valued attribute (or on a sub-attribute of one): a remove
// that names the value it removes, and the add / replace of a complex value, merged sub-attribute
// by sub-attribute. A value that names nothing never clears anything (RFC 7644 section 3.5.2: only
// a remove without "value" clears; sub-attributes an add or replace does not give stay as they are).
import { type AttributeDefinition, ScimError } from '@scim/schemas';
import { checkImmutableSubs } from './elements.ts';
import { deleteCi, getCi, isEmptyValue, isObject, type JsonObject, jsonEqual, setCi } from './json.ts';
import { shown } from './listed.ts';
import type { OpName, PatchState, Target } from './patcher-types.ts';
import { coerceAttribute, invalid, scalarEqual, subAttributeNamed } from './values.ts';

/** Whether `given` (a coerced remove value) names `have`: equal, or every sub-attribute it gives equal. */
function names(have: unknown, given: unknown, def: AttributeDefinition): boolean {
  if (def.type !== 'complex') return scalarEqual(have, given, def.caseExact);
  if (!isObject(have) || !isObject(given)) return false;
  for (const key of Object.keys(given)) {
    const sub = subAttributeNamed(def, key);
    const mine = getCi(have, key);
    if (sub === undefined || mine === undefined) return false;
    if (!scalarEqual(mine, given[key], sub.caseExact)) return false;
  }
  return true;
}

/**
 * @internal For a `remove` with a `value` on a single-valued attribute or sub-attribute (no filter):
 * `true` when the value names the current one, which the remove then clears. An empty value
 * (`[]`, `{}`, `""`, `null`) removes nothing under `removeByValueList` and is `invalidValue` without
 * it; a value that names nothing once read (`[{"value": ""}]`, `{"display": "x"}`) is `invalidValue`;
 * a value naming another one (`{"givenName": "Bob"}` when it is "Alice") removes nothing under
 * `idempotentRemove` and is `noTarget` without it. A value never widens into "clear it".
 */
export function namesCurrent(p: PatchState, t: Target, value: unknown): boolean {
  const def = (t.sub ?? t.attr).definition;
  if (isEmptyValue(value)) {
    if (p.profile.removeByValueList) return false;
    throw new ScimError(
      'invalidValue',
      `"remove" on "${t.text}" with an empty "value" (${shown(value)}) names nothing to remove; leave "value" out to remove ${def.name}, or give the value it removes`,
      { token: shown(value) },
    );
  }
  const given = coerceAttribute(value, def, t.text, p.profile);
  if (given === undefined) {
    throw new ScimError(
      'invalidValue',
      `"remove" on "${t.text}": the value ${shown(value)} names nothing to remove; leave "value" out to remove ${def.name}, or give the value it removes`,
      { token: shown(value) },
    );
  }
  const current = p.read(t.attr);
  const have =
    t.sub === undefined ? current : isObject(current) ? getCi(current, t.sub.definition.name) : undefined;
  if (have === undefined) return false;
  if (names(have, given, def)) return true;
  if (p.profile.idempotentRemove) return false;
  throw new ScimError('noTarget', `"${t.text}": its value is not ${shown(value)}`, { token: t.text });
}

/** What an add or replace of a complex value does: clear it, nothing, or set and unset sub-attributes. */
type ComplexUpdate =
  | { readonly kind: 'clear' }
  | { readonly kind: 'nothing' }
  | { readonly kind: 'merge'; readonly set: JsonObject; readonly unset: readonly string[] };

const CLEAR: ComplexUpdate = { kind: 'clear' };
const NOTHING: ComplexUpdate = { kind: 'nothing' };

/** The object an add or replace gives a single-valued complex attribute, shorthands read (`entra`). */
function complexInput(
  p: PatchState,
  op: OpName,
  t: Target,
  value: unknown,
): { readonly kind: 'object'; readonly object: JsonObject } | ComplexUpdate {
  const def = t.attr.definition;
  if (value === null || value === undefined) return CLEAR;
  if (value === '' && p.profile.emptyStringClears) return CLEAR;
  let input = value;
  if (p.profile.complexShorthands) {
    const hasValue = def.subAttributes?.some((s) => s.name === 'value') === true;
    if (typeof input === 'string' && hasValue) input = { value: input };
    else if (Array.isArray(input) && input.length === 1) input = input[0];
    // The legacy list form, empty: a replace unassigns (RFC 7643 section 2.5), an add adds nothing.
    else if (Array.isArray(input) && input.length === 0) return op === 'replace' ? CLEAR : NOTHING;
  }
  if (!isObject(input)) throw invalid(t.text, 'an object', value);
  return { kind: 'object', object: input };
}

/** A read-only sub-attribute given a value: ignored (`ignoreExtraneous`) or, if it changes it, `mutability`. */
function readOnlySub(p: PatchState, t: Target, sub: AttributeDefinition, coerced: unknown): void {
  const current = p.read(t.attr);
  const have = isObject(current) ? getCi(current, sub.name) : undefined;
  if (p.profile.ignoreExtraneous || (have !== undefined && scalarEqual(have, coerced, sub.caseExact))) return;
  throw new ScimError(
    'mutability',
    `"${t.text}": ${t.attr.definition.name}.${sub.name} is read-only; leave it out of the value`,
    { token: `${t.attr.definition.name}.${sub.name}` },
  );
}

function complexUpdate(p: PatchState, op: OpName, t: Target, value: unknown): ComplexUpdate {
  const def = t.attr.definition;
  const input = complexInput(p, op, t, value);
  if (input.kind !== 'object') return input;
  const { object } = input;
  const set: JsonObject = {};
  const unset: string[] = [];
  for (const key of Object.keys(object)) {
    const sub = subAttributeNamed(def, key);
    if (sub === undefined) {
      if (p.profile.ignoreExtraneous) continue;
      throw new ScimError(
        'invalidValue',
        `${t.text}: "${key}" is not a sub-attribute of ${def.name}; remove it`,
        {
          token: key,
        },
      );
    }
    const raw = object[key];
    if (raw === null || (raw === '' && p.profile.emptyStringClears)) {
      unset.push(sub.name);
      continue;
    }
    const coerced = coerceAttribute(raw, sub, `${t.text}.${sub.name}`, p.profile);
    if (coerced === undefined) continue;
    if (sub.mutability === 'readOnly') {
      readOnlySub(p, t, sub, coerced);
      continue;
    }
    set[sub.name] = coerced;
  }
  if (Object.keys(set).length === 0 && unset.length === 0) return NOTHING;
  return { kind: 'merge', set, unset };
}

/**
 * @internal `add` / `replace` of a whole single-valued complex attribute (`name`, `manager`): the
 * sub-attributes given are set, those given as `null` (or `""` under `emptyStringClears`) are
 * unassigned, the others stay as they are (RFC 7644 sections 3.5.2.1 and 3.5.2.3). A value that
 * gives no sub-attribute (`{}`, `[]` to add) changes nothing; `null` (or `""`, `[]` to replace
 * under `entra`) clears the attribute. Unassigning `value` clears an attribute identified by it
 * (`manager`), so no `$ref` or `displayName` is left without the id.
 */
export function setComplex(p: PatchState, op: OpName, t: Target, value: unknown): void {
  const def = t.attr.definition;
  const update = complexUpdate(p, op, t, value);
  if (update.kind === 'nothing') return;
  const current = p.read(t.attr);
  if (update.kind === 'clear') {
    if (def.mutability === 'immutable' && current !== undefined) {
      throw new ScimError('mutability', `"${t.text}" is immutable and already set; it cannot be removed`);
    }
    p.write(t.attr, undefined);
    return;
  }
  checkImmutableSubs(current, update.set, def, t.text);
  const next: JsonObject = isObject(current) ? { ...current } : {};
  for (const name of update.unset) {
    const sub = subAttributeNamed(def, name);
    if (sub?.mutability === 'immutable' && getCi(next, name) !== undefined) {
      throw new ScimError('mutability', `"${t.text}": ${def.name}.${name} is immutable and already set`);
    }
    deleteCi(next, name);
  }
  for (const [name, v] of Object.entries(update.set)) setCi(next, name, v);
  const cleared = update.unset.includes('value') && subAttributeNamed(def, 'value') !== undefined;
  if (cleared || Object.keys(next).length === 0) {
    p.write(t.attr, undefined);
    return;
  }
  if (!isObject(current) || !jsonEqual(current, next)) p.write(t.attr, next);
}

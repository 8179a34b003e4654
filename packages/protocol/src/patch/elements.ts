// Helpers on single values of complex and multi-valued attributes: sub-attributes, immutable
// sub-attributes, `primary`, and the value a value filter describes.
import { type AttributeDefinition, ScimError } from '@scim/schemas';
import type { Filter } from '../filter/ast.ts';
import { deleteCi, isObject, type JsonObject } from './json.ts';
import { scalarEqual } from './values.ts';
import type { WorkingList } from './working-list.ts';

/** @internal `element` without the sub-attribute `sub`, or `undefined` when nothing is left. */
export function stripSub(element: unknown, sub: AttributeDefinition): JsonObject | undefined {
  if (!isObject(element)) return undefined;
  const out = { ...element };
  deleteCi(out, sub.name);
  return Object.keys(out).length === 0 ? undefined : out;
}

/** @internal `incoming`'s sub-attributes set on `base` (which is changed). */
export function mergeInto(base: JsonObject, incoming: JsonObject | undefined): JsonObject {
  return incoming === undefined ? base : Object.assign(base, incoming);
}

/** @internal Throws `mutability` when `incoming` changes an immutable sub-attribute `existing` has. */
export function checkImmutableSubs(
  existing: unknown,
  incoming: unknown,
  def: AttributeDefinition,
  text: string,
): void {
  if (!isObject(existing) || !isObject(incoming)) return;
  for (const sub of def.subAttributes ?? []) {
    if (sub.mutability !== 'immutable') continue;
    const before = existing[sub.name];
    const after = incoming[sub.name];
    if (before !== undefined && after !== undefined && !scalarEqual(before, after, sub.caseExact)) {
      throw new ScimError('mutability', `"${text}": ${def.name}.${sub.name} is immutable and already set`);
    }
  }
}

/** @internal Whether a value has `primary: true`. */
export function isPrimary(value: unknown): boolean {
  return isObject(value) && value.primary === true;
}

/** @internal How many values of a list have `primary: true`. */
export function countPrimary(list: readonly unknown[]): number {
  let n = 0;
  for (const el of list) if (isPrimary(el)) n++;
  return n;
}

/**
 * @internal Keeps at most one `primary: true` in a working list: the one in slot `keep` when it is
 * primary, else the first.
 */
export function fixPrimary(list: WorkingList, keep: number): void {
  const unset = (i: number) => list.set(i, { ...(list.at(i) as JsonObject), primary: false });
  if (list.has(keep) && isPrimary(list.at(keep))) {
    for (const i of [...list.primaries]) if (i !== keep) unset(i);
    return;
  }
  if (list.primaries.size <= 1) return;
  const slots = [...list.primaries].sort((a, b) => a - b);
  for (const i of slots.slice(1)) unset(i);
}

/** @internal The value a filter describes, from its `eq` comparisons joined by `and` (`type eq "work"`). */
export function seedFromFilter(filter: Filter, def: AttributeDefinition): JsonObject | undefined {
  const out: JsonObject = {};
  const visit = (f: Filter): boolean => {
    if (f.kind === 'and') return f.filters.every(visit);
    if (
      f.kind !== 'compare' ||
      f.op !== 'eq' ||
      f.path.urn !== undefined ||
      f.path.subAttribute !== undefined
    )
      return false;
    const sub = def.subAttributes?.find((s) => s.name.toLowerCase() === f.path.attribute.toLowerCase());
    if (sub === undefined || f.value === null) return false;
    out[sub.name] = f.value;
    return true;
  };
  return visit(filter) ? out : undefined;
}

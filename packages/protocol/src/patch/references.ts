// Multi-valued reference attributes (a group's `members`): the ids a PATCH names, adds and removes.
import type { AttributeDefinition } from '@scim/schemas';
import type { Filter } from '../filter/ast.ts';
import { isObject } from './json.ts';

/** @internal The ids added and removed of a `deferred` attribute, by the operations so far. */
export interface Delta {
  readonly path: string;
  readonly added: Set<string>;
  readonly removed: Set<string>;
  readonly display: Map<string, string>;
  removedAll: boolean;
}

/** @internal Records the removal of `ids` (a later add of one of them wins again). */
export function removeFromDelta(delta: Delta, ids: readonly string[]): void {
  for (const id of ids) {
    delta.added.delete(id);
    delta.display.delete(id);
    delta.removed.add(id);
  }
}

/** @internal Records "remove every value first" (a remove without value, or a replace). */
export function clearDelta(delta: Delta): void {
  delta.added.clear();
  delta.display.clear();
  delta.removed.clear();
  delta.removedAll = true;
}

/**
 * @internal Records the addition of `ids`, with the display labels the client sent in `value`
 * (`display`; and Microsoft's `displayName` when `displayName` is allowed).
 */
export function addToDelta(delta: Delta, ids: readonly string[], value: unknown, displayName: boolean): void {
  for (const id of ids) {
    delta.removed.delete(id);
    delta.added.add(id);
  }
  for (const el of Array.isArray(value) ? value : [value]) {
    if (!isObject(el) || typeof el.value !== 'string' || !delta.added.has(el.value)) continue;
    const label =
      typeof el.display === 'string'
        ? el.display
        : displayName && typeof el.displayName === 'string'
          ? el.displayName
          : undefined;
    if (label !== undefined && label !== '') delta.display.set(el.value, label);
  }
}

/**
 * @internal Whether an attribute is a multi-valued reference attribute: complex, with `value` and
 * a `$ref` of type reference (a group's `members`). Its `value`s are resource ids, compared
 * exactly (ids are caseExact, RFC 7643 section 3.1), whatever the schema says of `value`.
 */
export function isReferenceList(def: AttributeDefinition): boolean {
  if (!def.multiValued || def.type !== 'complex') return false;
  let found = referenceLists.get(def);
  if (found === undefined) {
    found =
      (def.subAttributes ?? []).some((s) => s.name === 'value') &&
      (def.subAttributes ?? []).some((s) => s.name === '$ref' && s.type === 'reference');
    referenceLists.set(def, found);
  }
  return found;
}

const referenceLists = new WeakMap<AttributeDefinition, boolean>();

function isValueEq(f: Filter): f is Filter & { kind: 'compare'; value: string } {
  return (
    f.kind === 'compare' &&
    f.op === 'eq' &&
    f.path.urn === undefined &&
    f.path.attribute.toLowerCase() === 'value' &&
    f.path.subAttribute === undefined &&
    typeof f.value === 'string'
  );
}

/** @internal The ids a filter names: `value eq "a"`, or several joined with `or`; else `undefined`. */
export function idsOfFilter(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const out: string[] = [];
    for (const f of filter.filters) {
      const found = idsOfFilter(f);
      if (found === undefined) return undefined;
      out.push(...found);
    }
    return out;
  }
  return isValueEq(filter) ? [filter.value] : undefined;
}

/** @internal The string `value`s of a list, in order. */
export function ids(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const el of value) if (isObject(el) && typeof el.value === 'string') out.push(el.value);
  return out;
}

/** The distinct ids of `list[from..to)` that no value of `other` has, in order. */
function idsMissing(list: readonly unknown[], from: number, to: number, other: readonly unknown[]): string[] {
  const window = ids(list.slice(from, to));
  if (window.length === 0) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  if (window.length <= 8) {
    for (const id of window) {
      if (seen.has(id)) continue;
      seen.add(id);
      let found = false;
      for (const el of other) {
        if (isObject(el) && el.value === id) {
          found = true;
          break;
        }
      }
      if (!found) out.push(id);
    }
    return out;
  }
  const present = new Set(ids(other));
  for (const id of window) {
    if (seen.has(id) || present.has(id)) continue;
    seen.add(id);
    out.push(id);
  }
  return out;
}

/**
 * @internal The ids (`value`s) of `after` that `before` lacks (added) and of `before` that `after`
 * lacks (removed), each once, in order. The engine copies on write, so values a PATCH did not
 * touch are the same objects in both lists: only the window between their common prefix and
 * common suffix (by identity) can hold a changed id, and only its ids are looked up in the other
 * list.
 */
export function referenceDelta(before: unknown, after: unknown): { added: string[]; removed: string[] } {
  const a = Array.isArray(before) ? before : [];
  const b = Array.isArray(after) ? after : [];
  let start = 0;
  const shorter = Math.min(a.length, b.length);
  while (start < shorter && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { added: idsMissing(b, start, endB, a), removed: idsMissing(a, start, endA, b) };
}

// Operations on the values of a multi-valued attribute, through its working list (copied once per
// PATCH, indexed by sub-attribute value): value paths (`emails[type eq "work"].value`), Entra's
// remove by value list, and the add of values, each costing what it touches.
import { ScimError } from '@scim/schemas';
import type { Filter } from '../filter/ast.ts';
import { checkImmutableSubs, fixPrimary, mergeInto, seedFromFilter, stripSub } from './elements.ts';
import { isObject, type JsonObject, jsonEqual } from './json.ts';
import { listedValues } from './listed.ts';
import type { OpName, PatchState, Target } from './patcher-types.ts';
import { sameAs, valueLookups } from './values.ts';
import type { WorkingList } from './working-list.ts';

/** The slots of `list` whose values match the target's value filter, in order. */
function hits(p: PatchState, t: Target, list: WorkingList): number[] {
  const plan = p.plan(t);
  return list.matching(plan.lookups, plan.predicate);
}

/**
 * @internal `add` of values to a multi-valued attribute: a value already there (same `value`, and
 * same `type` when both have one) is merged, others are appended; at most one stays `primary`.
 */
export function addValues(p: PatchState, t: Target, incoming: readonly unknown[]): void {
  const def = t.attr.definition;
  const list = p.working(t.attr);
  let lastPrimary = -1;
  for (const item of incoming) {
    let at = list.first(list.indexable ? valueLookups(item, def) : undefined, sameAs(item, def));
    const present = list.at(at);
    if (at < 0) at = list.push(item);
    else if (isObject(item) && isObject(present)) {
      checkImmutableSubs(present, item, def, t.text);
      list.set(at, { ...present, ...item });
    }
    if (isObject(item) && item.primary === true) lastPrimary = at;
  }
  fixPrimary(list, lastPrimary);
}

/**
 * @internal `add` / `replace` on a value path (`emails[type eq "work"].value`): sets the matching
 * values, or creates one from the filter's `eq` terms (`createOnValuePathMiss`).
 */
export function setFiltered(p: PatchState, op: OpName, t: Target, value: unknown): void {
  const { sub } = t;
  const def = t.attr.definition;
  const list = p.working(t.attr);
  list.dropUnassigned();
  const found = hits(p, t, list);
  // A value naming nothing (`{}`) leaves the matched values as they are (RFC 7644 section 3.5.2.3:
  // sub-attributes not given are left unchanged); only `null` (or `""` under `emptyStringClears`)
  // unassigns them.
  const incoming = sub === undefined ? p.coerceElement(value, t) : undefined;
  if (sub === undefined && incoming === undefined && !clears(p, value)) return;
  if (found.length === 0) {
    const seed = p.profile.createOnValuePathMiss ? seedFromFilter(t.filter as Filter, def) : undefined;
    if (seed === undefined) {
      throw new ScimError('noTarget', `"${t.text}": no value of ${def.name} matches the filter`, {
        token: t.text,
      });
    }
    const made = sub === undefined ? mergeInto({ ...seed }, incoming) : p.withSub(seed, sub, value, t);
    // A value that clears or names nothing creates no value made of the filter alone.
    if (isObject(made) && !jsonEqual(made, seed)) fixPrimary(list, list.push(made));
    return;
  }
  let last = -1;
  for (const i of found) {
    const el = list.at(i);
    let next: JsonObject | undefined;
    if (sub !== undefined) next = p.withSub(el, sub, value, t);
    else if (op === 'replace') next = incoming;
    else {
      checkImmutableSubs(el, incoming, def, t.text);
      next = mergeInto(isObject(el) ? { ...el } : {}, incoming);
    }
    if (next === undefined || Object.keys(next).length === 0) list.drop(i);
    else list.set(i, next);
    last = i;
  }
  fixPrimary(list, last);
}

/** Whether a value unassigns what it is given to: `null`, or `""` under `emptyStringClears`. */
function clears(p: PatchState, value: unknown): boolean {
  return value === null || value === undefined || (value === '' && p.profile.emptyStringClears);
}

/** @internal Entra's `remove` with a list of the values to remove (`removeByValueList`). */
export function removeListed(p: PatchState, t: Target, value: unknown): void {
  const def = t.attr.definition;
  const listed = listedValues(t.text, value, def, p.profile);
  const list = p.working(t.attr);
  let hit = false;
  for (const item of listed) {
    for (const i of list.matching(list.indexable ? valueLookups(item, def) : undefined, sameAs(item, def))) {
      list.drop(i);
      hit = true;
    }
  }
  if (!hit && !p.profile.idempotentRemove) {
    throw new ScimError('noTarget', `"${t.text}": none of the listed values is present`);
  }
}

/** @internal `remove` on a value path (`members[value eq "id"]`, `emails[type eq "work"].display`). */
export function removeFiltered(p: PatchState, t: Target): void {
  const { sub } = t;
  const list = p.working(t.attr);
  const found = hits(p, t, list);
  if (found.length === 0) {
    if (p.profile.idempotentRemove) return;
    throw new ScimError('noTarget', `"${t.text}": no value of ${t.attr.definition.name} matches the filter`, {
      token: t.text,
    });
  }
  for (const i of found) {
    const stripped = sub === undefined ? undefined : stripSub(list.at(i), sub.definition);
    if (stripped === undefined) list.drop(i);
    else list.set(i, stripped);
  }
}

// The values of one multi-valued attribute while a PATCH works on them: copied once per PATCH,
// changed in place, and indexed by sub-attribute value, so that each value-path operation
// (`emails[value eq "x"].display`) costs what it touches, not the size of the list.
import type { AttributeDefinition } from '@scim/schemas';
import type { QueryFilter } from '../filter/ast.ts';
import { getCi, isObject, type JsonObject } from './json.ts';

/** A slot whose value was removed (slots keep their positions until the list is written back). */
const HOLE: unique symbol = Symbol('removed');

/** ASCII without upper-case letters: its index key is itself. */
const PLAIN = /^[\0-@[-\x7f]*$/;

/**
 * @internal The index key of a text: the same for every two texts that are equal ignoring case,
 * by lower-casing (`toLowerCase`) or by Unicode simple case folding (Σ, σ and ς; K and the Kelvin
 * sign; ẞ and ß). Texts with one key may still differ: the index only proposes candidates, which
 * the value filter then tests.
 */
export function indexKey(text: string): string {
  if (PLAIN.test(text)) return text;
  return text.toLowerCase().toUpperCase().toLowerCase();
}

/** The texts a filter's `eq` can compare a sub-attribute value with (as the evaluator reads them). */
function texts(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) texts(v, out);
}

/** Whether lookups use the indexes (off only to compare with testing every value). */
let indexed = true;

/**
 * @internal Turns the value indexes off (every value is a candidate) or on, for tests and
 * benchmarks that compare the two.
 */
export function useValueIndex(on: boolean): void {
  indexed = on;
}

/** A lookup in the index of one sub-attribute: the values that are the keys of the candidates. */
export interface Lookup {
  readonly sub: string;
  readonly keys: readonly string[];
}

const TEXT_TYPES = new Set(['string', 'reference', 'binary']);

function lookupOf(f: QueryFilter): Lookup[] | undefined {
  switch (f.kind) {
    case 'compare': {
      const def = f.path.definition;
      if (
        f.op !== 'eq' ||
        typeof f.value !== 'string' ||
        f.path.subAttribute !== undefined ||
        def.multiValued ||
        !TEXT_TYPES.has(def.type)
      ) {
        return undefined;
      }
      return [{ sub: def.name, keys: [indexKey(f.value)] }];
    }
    case 'or': {
      const out: Lookup[] = [];
      for (const part of f.filters) {
        const found = lookupOf(part);
        if (found === undefined) return undefined;
        out.push(...found);
      }
      return out;
    }
    case 'and':
      for (const part of f.filters) {
        const found = lookupOf(part);
        if (found !== undefined) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * @internal The index lookups that yield every value a value filter can match (a superset), or
 * `undefined` when the filter has no `eq` of a text sub-attribute to look up (then every value is
 * tested): `value eq "x"`, `type eq "work" and primary eq true`, `value eq "a" or value eq "b"`.
 */
export function lookupsOf(filter: QueryFilter): readonly Lookup[] | undefined {
  return lookupOf(filter);
}

function isPrimary(value: unknown): boolean {
  return isObject(value) && value.primary === true;
}

/**
 * @internal The values of one multi-valued attribute during one PATCH. Slots keep their positions
 * (a removed value leaves a hole) until {@link WorkingList.values} writes the list back, so the
 * indexes stay valid; the slots whose value has `primary: true` are tracked.
 */
export class WorkingList {
  private readonly slots: unknown[];
  private holes = 0;
  /** Slots whose value has `primary: true`. */
  readonly primaries = new Set<number>();
  /** Per sub-attribute name: index key to the slots whose value has that key. */
  private readonly indexes = new Map<string, Map<string, Set<number>>>();
  /** Whether unassigned values (`undefined`, `{}`) were dropped once, as add and replace do. */
  private tidy = false;

  constructor(values: readonly unknown[]) {
    this.slots = [...values];
    for (let i = 0; i < this.slots.length; i++) if (isPrimary(this.slots[i])) this.primaries.add(i);
  }

  /** The number of slots (present values and holes). */
  get size(): number {
    return this.slots.length;
  }

  /** The value in slot `i`, or `undefined` for a hole. */
  at(i: number): unknown {
    const v = this.slots[i];
    return v === HOLE ? undefined : v;
  }

  /** Whether slot `i` holds a value. */
  has(i: number): boolean {
    return i >= 0 && i < this.slots.length && this.slots[i] !== HOLE;
  }

  /** The present values, in order: the list to write back. */
  values(): unknown[] {
    if (this.holes === 0) return this.slots;
    const out: unknown[] = [];
    for (const v of this.slots) if (v !== HOLE) out.push(v);
    return out;
  }

  /** Drops `undefined` values and empty objects, once (add and replace never keep them). */
  dropUnassigned(): void {
    if (this.tidy) return;
    this.tidy = true;
    for (let i = 0; i < this.slots.length; i++) {
      const v = this.slots[i];
      if (v === undefined || (isObject(v) && Object.keys(v).length === 0)) this.drop(i);
    }
  }

  /** Sets slot `i` to `value`, keeping the indexes and the primaries up to date. */
  set(i: number, value: unknown): void {
    this.unindex(i);
    this.slots[i] = value;
    this.index(i);
  }

  /** Removes the value of slot `i`. */
  drop(i: number): void {
    if (!this.has(i)) return;
    this.unindex(i);
    this.slots[i] = HOLE;
    this.holes++;
  }

  /** Appends a value; returns its slot. */
  push(value: unknown): number {
    const i = this.slots.length;
    this.slots.push(value);
    this.index(i);
    return i;
  }

  /**
   * The slots, in order, whose values may match `lookups` (a superset of the matches); every
   * present slot when `lookups` is `undefined`.
   */
  candidates(lookups: readonly Lookup[] | undefined): number[] {
    const out: number[] = [];
    if (lookups === undefined || !indexed) {
      for (let i = 0; i < this.slots.length; i++) if (this.slots[i] !== HOLE) out.push(i);
      return out;
    }
    const seen = new Set<number>();
    for (const { sub, keys } of lookups) {
      const index = this.indexOf(sub);
      for (const key of keys) for (const i of index.get(key) ?? []) seen.add(i);
    }
    for (const i of seen) out.push(i);
    return out.length > 1 ? out.sort((a, b) => a - b) : out;
  }

  /**
   * The first slot whose value is the same value as `item` by `same`, looking up `item.value` in
   * the index of `value` when the attribute has that sub-attribute and the item a text value.
   */
  indexOfSame(item: unknown, def: AttributeDefinition, same: (a: unknown, b: unknown) => boolean): number {
    const value = isObject(item) ? item.value : undefined;
    const indexed =
      typeof value === 'string' &&
      def.type === 'complex' &&
      def.subAttributes?.some((s) => s.name === 'value');
    const slots = this.candidates(indexed ? [{ sub: 'value', keys: [indexKey(value)] }] : undefined);
    for (const i of slots) if (same(this.slots[i], item)) return i;
    return -1;
  }

  private indexOf(sub: string): Map<string, Set<number>> {
    let index = this.indexes.get(sub);
    if (index === undefined) {
      index = new Map();
      this.indexes.set(sub, index);
      for (let i = 0; i < this.slots.length; i++) this.add(index, sub, i);
    }
    return index;
  }

  private keysOf(sub: string, i: number): string[] {
    const v = this.slots[i];
    const out: string[] = [];
    if (isObject(v)) texts(getCi(v as JsonObject, sub), out);
    for (let k = 0; k < out.length; k++) out[k] = indexKey(out[k] as string);
    return out;
  }

  private add(index: Map<string, Set<number>>, sub: string, i: number): void {
    for (const key of this.keysOf(sub, i)) {
      let slots = index.get(key);
      if (slots === undefined) {
        slots = new Set();
        index.set(key, slots);
      }
      slots.add(i);
    }
  }

  private index(i: number): void {
    if (isPrimary(this.slots[i])) this.primaries.add(i);
    for (const [sub, index] of this.indexes) this.add(index, sub, i);
  }

  private unindex(i: number): void {
    this.primaries.delete(i);
    for (const [sub, index] of this.indexes) {
      for (const key of this.keysOf(sub, i)) {
        const slots = index.get(key);
        slots?.delete(i);
        if (slots?.size === 0) index.delete(key);
      }
    }
  }
}

// The values of one multi-valued attribute while a PATCH works on them: copied once per PATCH,
// changed in place, and indexed by sub-attribute value, so that each value-path operation
// (`emails[value eq "x"].display`) costs what it touches, not the size of the list.
import type { QueryFilter } from '../filter/ast.ts';
import { foldCase } from '../text/fold.ts';
import { getCi, isObject, type JsonObject } from './json.ts';

/** A slot whose value was removed (slots keep their positions until the list is written back). */
const HOLE: unique symbol = Symbol('removed');

/** ASCII without upper-case letters: its index key is itself. */
const PLAIN = /^[\0-@[-\x7f]*$/;

/**
 * @internal The index key of a text: its Unicode simple case folding ({@link foldCase}), the rule
 * every comparison ignoring case uses, so two texts equal ignoring case share one key. The index
 * only proposes candidates, which the value filter then tests.
 */
export function indexKey(text: string): string {
  return PLAIN.test(text) ? text : foldCase(text);
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

/** A lookup of one sub-attribute asked this many times gets an index (the first scans). */
const INDEX_AFTER = 2;

/** Lists shorter than this are scanned: an index would cost more than it saves. */
const SMALL = 32;

/**
 * @internal The values of one multi-valued attribute during one PATCH. Slots keep their positions
 * (a removed value leaves a hole) until {@link WorkingList.values} writes the list back, so the
 * indexes stay valid. An index of a sub-attribute is built when a second lookup asks for it (one
 * lookup costs a scan, as it always did; many cost what they find) on a list of at least 32
 * values (shorter ones are always scanned), and the slots whose value has `primary: true` are
 * tracked once asked for.
 */
export class WorkingList {
  private readonly slots: unknown[];
  private holes = 0;
  private primarySlots: Set<number> | undefined;
  /** Per sub-attribute name: index key to the slots whose value has that key. */
  private indexes: Map<string, Index> | undefined;
  /** Per sub-attribute name: how many lookups asked for it. */
  private asked: Map<string, number> | undefined;
  /** Whether unassigned values (`undefined`, `{}`) were dropped once, as add and replace do. */
  private tidy = false;

  constructor(values: readonly unknown[]) {
    this.slots = [...values];
  }

  /** The slots whose value has `primary: true`. */
  get primaries(): ReadonlySet<number> {
    if (this.primarySlots === undefined) {
      this.primarySlots = new Set();
      for (let i = 0; i < this.slots.length; i++) if (isPrimary(this.slots[i])) this.primarySlots.add(i);
    }
    return this.primarySlots;
  }

  /** The number of slots (present values and holes). */
  get size(): number {
    return this.slots.length;
  }

  /** Whether lookups may use an index (the list is long enough for one to pay). */
  get indexable(): boolean {
    return indexed && this.slots.length >= SMALL;
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
   * The slots, in order, whose values pass `test`: only the candidates `lookups` yields when an
   * index answers them, else every present slot.
   */
  matching(lookups: readonly Lookup[] | undefined, test: (value: unknown) => boolean): number[] {
    const out: number[] = [];
    const candidates = this.candidates(lookups);
    if (candidates === undefined) {
      for (let i = 0; i < this.slots.length; i++) {
        const v = this.slots[i];
        if (v !== HOLE && test(v)) out.push(i);
      }
      return out;
    }
    for (const i of candidates) if (test(this.slots[i])) out.push(i);
    return out;
  }

  /** The first slot whose value passes `test`, looking at the candidates of `lookups` only when indexed; or -1. */
  first(lookups: readonly Lookup[] | undefined, test: (value: unknown) => boolean): number {
    const candidates = this.candidates(lookups);
    if (candidates === undefined) {
      for (let i = 0; i < this.slots.length; i++) {
        const v = this.slots[i];
        if (v !== HOLE && test(v)) return i;
      }
      return -1;
    }
    for (const i of candidates) if (test(this.slots[i])) return i;
    return -1;
  }

  /**
   * The slots, in order, whose values may match `lookups` (a superset of the matches), or
   * `undefined` for every slot: without lookups, and for the first lookup of a sub-attribute
   * (the index is built by the next one).
   */
  private candidates(lookups: readonly Lookup[] | undefined): number[] | undefined {
    if (lookups === undefined || !this.indexable) return undefined;
    let ready = true;
    for (const { sub } of lookups) {
      if (this.indexes?.has(sub)) continue;
      this.asked ??= new Map<string, number>();
      const n = (this.asked.get(sub) ?? 0) + 1;
      this.asked.set(sub, n);
      if (n < INDEX_AFTER) ready = false;
    }
    if (!ready) return undefined;
    let out: number[] = [];
    let several = 0;
    for (const { sub, keys } of lookups) {
      const index = this.indexOf(sub);
      for (const key of keys) {
        const bucket = index.get(key);
        if (bucket === undefined) continue;
        several++;
        if (typeof bucket === 'number') out.push(bucket);
        else for (const i of bucket) out.push(i);
      }
    }
    if (several > 1) out = [...new Set(out)];
    return out.length > 1 ? out.sort((a, b) => a - b) : out;
  }

  private indexOf(sub: string): Index {
    this.indexes ??= new Map();
    const indexes = this.indexes;
    let index = indexes.get(sub);
    if (index === undefined) {
      index = new Map();
      indexes.set(sub, index);
      for (let i = 0; i < this.slots.length; i++) this.add(index, sub, i);
    }
    return index;
  }

  /** The index key of the value in slot `i` for `sub` (usually one; a list for a multi-valued one). */
  private keysOf(sub: string, i: number): string | string[] | undefined {
    const v = this.slots[i];
    if (!isObject(v)) return undefined;
    const found = Object.hasOwn(v, sub) ? v[sub] : getCi(v as JsonObject, sub);
    if (typeof found === 'string') return indexKey(found);
    const out: string[] = [];
    texts(found, out);
    return out.map(indexKey);
  }

  private add(index: Index, sub: string, i: number): void {
    const keys = this.keysOf(sub, i);
    if (typeof keys === 'string') addTo(index, keys, i);
    else if (keys !== undefined) for (const key of keys) addTo(index, key, i);
  }

  private index(i: number): void {
    if (this.primarySlots !== undefined && isPrimary(this.slots[i])) this.primarySlots.add(i);
    if (this.indexes === undefined) return;
    for (const [sub, index] of this.indexes) this.add(index, sub, i);
  }

  private unindex(i: number): void {
    this.primarySlots?.delete(i);
    if (this.indexes === undefined) return;
    for (const [sub, index] of this.indexes) {
      const keys = this.keysOf(sub, i);
      if (typeof keys === 'string') removeFrom(index, keys, i);
      else if (keys !== undefined) for (const key of keys) removeFrom(index, key, i);
    }
  }
}

/** An index of one sub-attribute: key to the slot that has it, or the slots when several do. */
type Index = Map<string, number | Set<number>>;

function addTo(index: Index, key: string, i: number): void {
  const bucket = index.get(key);
  if (bucket === undefined) index.set(key, i);
  else if (typeof bucket !== 'number') bucket.add(i);
  else if (bucket !== i) index.set(key, new Set([bucket, i]));
}

function removeFrom(index: Index, key: string, i: number): void {
  const bucket = index.get(key);
  if (bucket === i) index.delete(key);
  else if (typeof bucket === 'object') {
    bucket.delete(i);
    if (bucket.size === 0) index.delete(key);
  }
}

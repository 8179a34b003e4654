import { foldCase, type QueryFilter } from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import type { ChangeEvent, StoredMember, UniqueKey } from './types.ts';

/** A resource's JSON, as the memory store keeps it. */
export type Json = Record<string, unknown>;

/** One resource of a {@link MemoryTenant}. */
export interface Row {
  /** Creation order within the store (rows of a type are listed in it). */
  readonly seq: number;
  readonly id: string;
  readonly resourceType: string;
  data: Json;
  version: number;
  readonly created: string;
  lastModified: string;
  unique: readonly UniqueKey[];
  /** The keys of `MemoryTenant.lookup` this row is under. */
  lookupKeys: readonly string[];
}

/** Attributes (lower-cased) an `eq` filter on finds its rows through `MemoryTenant.lookup`. */
const LOOKUP = new Set(['username', 'externalid', 'displayname']);

/** The key of a unique value in `MemoryTenant.unique`. */
export function uniqueKey(resourceType: string, key: UniqueKey): string {
  return `${resourceType}\u0000${key.attribute}\u0000${key.value}`;
}

function lookupKey(resourceType: string, attribute: string, value: string): string {
  return `${resourceType}\u0000${attribute}\u0000${foldCase(value)}`;
}

/**
 * Every key a row can match an `eq` on a {@link LOOKUP} attribute under, the way the filter
 * evaluator reads it: any spelling of the attribute's name, each element of an array, numbers and
 * booleans as text, compared case-folded (a case-exact match is also a case-folded one).
 */
function lookupKeys(resourceType: string, data: Json): string[] {
  const out = new Set<string>();
  for (const k of Object.keys(data)) {
    const attribute = k.toLowerCase();
    if (!LOOKUP.has(attribute)) continue;
    const value = data[k];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        out.add(lookupKey(resourceType, attribute, String(v)));
      }
    }
  }
  return [...out];
}

/** The name a member list shows for a row: its `displayName`, else its `userName`. */
function displayOf(row: Row): string | undefined {
  const d = row.data.displayName ?? row.data.userName;
  return typeof d === 'string' ? d : undefined;
}

/** The 409 for a unique value another resource holds. */
export function alreadyExists(resourceType: string, key: UniqueKey): ScimError {
  return new ScimError(
    'uniqueness',
    `a ${resourceType} with ${key.attribute} "${key.value}" already exists; query for it and update it instead`,
    { token: key.attribute },
  );
}

/**
 * One tenant of the memory store: its rows and the indexes kept beside them (unique values, the
 * lookup of `eq` filters, memberships both ways) and its change feed. Its methods keep the indexes
 * in step with the rows; the store decides when to call them.
 */
export class MemoryTenant {
  /** Rows by type, in creation order. */
  readonly byType = new Map<string, Map<string, Row>>();
  /** Every row by id (ids are UUIDs, unique across types). */
  readonly byId = new Map<string, Row>();
  /** `type \0 attribute \0 value` -> id. */
  private readonly unique = new Map<string, string>();
  /**
   * `type \0 attribute \0 case-folded value` -> rows, for the attributes of {@link LOOKUP}: a
   * superset of the rows an `eq` on one of them matches, so that a filtered list needs to look at
   * those rows only.
   */
  private readonly lookup = new Map<string, Set<Row>>();
  /** Group id -> member id -> the label the client sent with it, in insertion order. */
  private readonly members = new Map<string, Map<string, string | undefined>>();
  /** Member id -> group ids. */
  private readonly memberOf = new Map<string, Set<string>>();
  readonly feed: ChangeEvent[] = [];

  /** The rows of a type, created empty on first use. */
  rowsOf(resourceType: string): Map<string, Row> {
    let rows = this.byType.get(resourceType);
    if (rows === undefined) {
      rows = new Map();
      this.byType.set(resourceType, rows);
    }
    return rows;
  }

  find(resourceType: string, id: string): Row | undefined {
    const row = this.byId.get(id);
    return row !== undefined && row.resourceType === resourceType ? row : undefined;
  }

  /** Throws 409 `uniqueness` when a resource other than `id` holds one of the keys. */
  checkUnique(resourceType: string, keys: readonly UniqueKey[], id: string | undefined): void {
    for (const key of keys) {
      const owner = this.unique.get(uniqueKey(resourceType, key));
      if (owner !== undefined && owner !== id) throw alreadyExists(resourceType, key);
    }
  }

  setUnique(row: Row, keys: readonly UniqueKey[]): void {
    for (const key of row.unique) this.unique.delete(uniqueKey(row.resourceType, key));
    for (const key of keys) this.unique.set(uniqueKey(row.resourceType, key), row.id);
    row.unique = keys.map((k) => ({ attribute: k.attribute, value: k.value }));
  }

  /** Files the row under its lookup keys (none once it is no longer in the tenant). */
  setLookup(row: Row): void {
    for (const key of row.lookupKeys) {
      const rows = this.lookup.get(key);
      rows?.delete(row);
      if (rows?.size === 0) this.lookup.delete(key);
    }
    row.lookupKeys = this.byId.get(row.id) === row ? lookupKeys(row.resourceType, row.data) : [];
    for (const key of row.lookupKeys) {
      let rows = this.lookup.get(key);
      if (rows === undefined) {
        rows = new Set();
        this.lookup.set(key, rows);
      }
      rows.add(row);
    }
  }

  /** Removes a row, its unique values, its memberships both ways and its lookup keys. */
  remove(row: Row): void {
    const id = row.id;
    for (const key of row.unique) this.unique.delete(uniqueKey(row.resourceType, key));
    for (const m of [...(this.members.get(id)?.keys() ?? [])]) this.removeMember(id, m);
    for (const g of [...(this.memberOf.get(id) ?? [])]) this.removeMember(g, id);
    this.members.delete(id);
    this.memberOf.delete(id);
    this.byType.get(row.resourceType)?.delete(id);
    this.byId.delete(id);
    this.setLookup(row);
  }

  /**
   * The rows a filter can match, found through the lookup (a superset of the matches, fewer than all
   * rows), or undefined when the filter names no `eq` the lookup serves: an `eq` on `id` or a
   * {@link LOOKUP} attribute, an `and` with one, an `or` of them only.
   */
  candidates(resourceType: string, f: QueryFilter): Set<Row> | undefined {
    switch (f.kind) {
      case 'compare': {
        const path = f.path;
        if (f.op !== 'eq' || typeof f.value !== 'string' || path.urn !== undefined) return undefined;
        if (path.subAttribute !== undefined) return undefined;
        const attribute = path.attribute.toLowerCase();
        if (attribute === 'id') {
          // The view's `id` is the row's; a case-insensitive definition is left to the scan.
          if (path.definition.caseExact !== true || path.attribute !== 'id') return undefined;
          const row = this.byId.get(f.value);
          return new Set(row !== undefined && row.resourceType === resourceType ? [row] : []);
        }
        if (!LOOKUP.has(attribute)) return undefined;
        return this.lookup.get(lookupKey(resourceType, attribute, f.value)) ?? new Set();
      }
      case 'and': {
        let best: Set<Row> | undefined;
        for (const x of f.filters) {
          const c = this.candidates(resourceType, x);
          if (c !== undefined && (best === undefined || c.size < best.size)) best = c;
        }
        return best;
      }
      case 'or': {
        if (f.filters.length === 0) return undefined;
        const out = new Set<Row>();
        for (const x of f.filters) {
          const c = this.candidates(resourceType, x);
          if (c === undefined) return undefined;
          for (const row of c) out.add(row);
        }
        return out;
      }
      default:
        return undefined;
    }
  }

  /** The ids to add: all of them, checked (`reject`), or those that exist (`skip`). */
  checkMembers(groupId: string, ids: readonly string[], unknown: 'reject' | 'skip' | undefined): string[] {
    const out: string[] = [];
    for (const id of ids) {
      if (unknown === 'skip' && typeof id === 'string' && !this.byId.has(id)) continue;
      if (typeof id !== 'string' || !this.byId.has(id)) {
        throw new ScimError(
          'invalidValue',
          `member "${String(id)}" is not a resource of this tenant; create it first, then add it`,
          { token: String(id) },
        );
      }
      if (id === groupId) throw new ScimError('invalidValue', 'a group cannot be a member of itself');
      out.push(id);
    }
    return out;
  }

  addMember(groupId: string, memberId: string, label: string | undefined): void {
    let set = this.members.get(groupId);
    if (set === undefined) {
      set = new Map();
      this.members.set(groupId, set);
    }
    // A label is set with the membership and kept while it lasts (display is immutable).
    if (!set.has(memberId)) set.set(memberId, label);
    let of = this.memberOf.get(memberId);
    if (of === undefined) {
      of = new Set();
      this.memberOf.set(memberId, of);
    }
    of.add(groupId);
  }

  removeMember(groupId: string, memberId: string): void {
    this.members.get(groupId)?.delete(memberId);
    this.memberOf.get(memberId)?.delete(groupId);
  }

  /** Removes every member of a group. */
  clearMembers(groupId: string): void {
    for (const m of [...(this.members.get(groupId)?.keys() ?? [])]) this.removeMember(groupId, m);
  }

  /** A group's members, with the label each was added with, else the member's own name. */
  memberList(groupId: string): StoredMember[] {
    const out: StoredMember[] = [];
    for (const [id, label] of this.members.get(groupId) ?? []) {
      const row = this.byId.get(id);
      if (row === undefined) continue;
      const d = label ?? displayOf(row);
      out.push(
        d === undefined
          ? { value: id, type: row.resourceType }
          : { value: id, type: row.resourceType, display: d },
      );
    }
    return out;
  }

  /** The groups a resource is a direct member of. */
  groupsOf(id: string): StoredMember[] {
    const out: StoredMember[] = [];
    for (const g of this.memberOf.get(id) ?? []) {
      const row = this.byId.get(g);
      if (row === undefined) continue;
      const d = displayOf(row);
      out.push(
        d === undefined
          ? { value: g, type: row.resourceType }
          : { value: g, type: row.resourceType, display: d },
      );
    }
    return out;
  }

  /**
   * The JSON a filter or sort sees: data, id, meta, members (under `referenceAttribute`, when the
   * type has one) and groups.
   */
  view(row: Row, referenceAttribute: string | undefined): Json {
    const out: Json = { ...row.data, id: row.id };
    out.meta = {
      resourceType: row.resourceType,
      created: row.created,
      lastModified: row.lastModified,
      version: `W/"${row.version}"`,
    };
    if (referenceAttribute !== undefined) out[referenceAttribute] = this.memberList(row.id);
    const of = this.memberOf.get(row.id);
    if (of !== undefined && of.size > 0 && out.groups === undefined) {
      out.groups = [...of].map((g) => ({ value: g, type: 'direct', display: displayOf(this.byId.get(g)!) }));
    }
    return out;
  }
}

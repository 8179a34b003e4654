import { randomUUID } from 'node:crypto';
import {
  compareSortKeys,
  compileFilter,
  foldCase,
  type QueryFilter,
  type QueryPath,
  type SortKey,
  sortKeyOf,
  sortResources,
} from '@scim/protocol';
import {
  type AttributeDefinition,
  createResourceSchema,
  type ResourceSchema,
  type SchemaDefinition,
  ScimError,
} from '@scim/schemas';
import { overBudget, queryBudget } from './budget.ts';
import { readPosition } from './sql/shared.ts';
import type {
  ChangeEvent,
  ChangeRecord,
  CreateInput,
  ListPage,
  ListQuery,
  ResourceTypeStorage,
  ScimStore,
  StoredMember,
  StoredResource,
  StoreSort,
  TokenRecord,
  TokenStore,
  UniqueKey,
  UpdateInput,
} from './types.ts';

type Json = Record<string, unknown>;

/** The label for `id` in a display map, read as an own property only. */
function own(labels: Readonly<Record<string, string>> | undefined, id: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, id) ? labels[id] : undefined;
}

interface Row {
  /** Creation order within the store (rows of a type are listed in it). */
  readonly seq: number;
  readonly id: string;
  readonly resourceType: string;
  data: Json;
  version: number;
  readonly created: string;
  lastModified: string;
  unique: readonly UniqueKey[];
  /** The keys of `Tenant.lookup` this row is under. */
  lookupKeys: readonly string[];
}

interface Tenant {
  /** Rows by type, in creation order. */
  readonly byType: Map<string, Map<string, Row>>;
  /** Every row by id (ids are UUIDs, unique across types). */
  readonly byId: Map<string, Row>;
  /** `type \0 attribute \0 value` -> id. */
  readonly unique: Map<string, string>;
  /**
   * `type \0 attribute \0 case-folded value` -> rows, for the attributes of {@link LOOKUP}: a
   * superset of the rows an `eq` on one of them matches, so that a filtered list needs to look at
   * those rows only.
   */
  readonly lookup: Map<string, Set<Row>>;
  /** Group id -> member id -> the label the client sent with it, in insertion order. */
  readonly members: Map<string, Map<string, string | undefined>>;
  /** Member id -> group ids. */
  readonly memberOf: Map<string, Set<string>>;
  readonly feed: ChangeEvent[];
}

/**
 * Options of {@link memoryStore}.
 *
 * @example
 * ```ts
 * const store = memoryStore({ clock: () => new Date('2026-11-30T10:00:00Z') });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 */
export interface MemoryStoreOptions {
  /** The current time, for `meta.created` / `meta.lastModified` (default: the system clock). */
  readonly clock?: () => Date;
  /** Generates resource ids (default: `crypto.randomUUID`). */
  readonly generateId?: () => string;
  /**
   * How long one list query's filter may run, in milliseconds (default 200; `0`: no limit); past
   * it, 400 `tooMany`, as on the SQL stores. Every query of this store runs on the event loop: it
   * is for tests and development, not for large directories.
   */
  readonly queryTimeoutMs?: number;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function uniqueKey(resourceType: string, key: UniqueKey): string {
  return `${resourceType}\u0000${key.attribute}\u0000${key.value}`;
}

const COMMON = new Set(['id', 'externalid', 'meta', 'schemas']);

/** Attributes (lower-cased) an `eq` filter on finds its rows through `Tenant.lookup`. */
const LOOKUP = new Set(['username', 'externalid', 'displayname']);

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

/** Collects the attribute definitions a query names, by schema URN (`''` for the core schema). */
function collect(
  filter: QueryFilter | undefined,
  sort: StoreSort | undefined,
): Map<string, Map<string, AttributeDefinition>> {
  const out = new Map<string, Map<string, AttributeDefinition>>();
  const add = (path: QueryPath) => {
    const top = path.subAttribute !== undefined && path.parent !== undefined ? path.parent : path.definition;
    if (path.urn === undefined && COMMON.has(top.name.toLowerCase())) return;
    const urn = path.urn ?? '';
    const defs = out.get(urn) ?? new Map<string, AttributeDefinition>();
    defs.set(top.name.toLowerCase(), top);
    out.set(urn, defs);
  };
  const walk = (f: QueryFilter) => {
    switch (f.kind) {
      case 'and':
      case 'or':
        for (const x of f.filters) walk(x);
        return;
      case 'not':
        walk(f.filter);
        return;
      case 'valuePath':
        add(f.path);
        return;
      default:
        add(f.path);
    }
  };
  if (filter !== undefined) walk(filter);
  if (sort !== undefined) add(sort.path);
  return out;
}

const CORE_URN = 'urn:scim-sdk:memory-store:Query';

/**
 * A resource schema made of the attribute definitions a query carries (a `QueryFilter` and a
 * `StoreSort` hold their definitions), so that the store can evaluate them with `compileFilter`
 * and `sortResources` without knowing the server's schemas.
 */
function querySchema(
  resourceType: string,
  filter: QueryFilter | undefined,
  sort: StoreSort | undefined,
): ResourceSchema {
  const defs = collect(filter, sort);
  const schemas: SchemaDefinition[] = [
    { id: CORE_URN, name: resourceType, attributes: [...(defs.get('')?.values() ?? [])] },
  ];
  for (const [urn, attrs] of defs) {
    if (urn !== '') schemas.push({ id: urn, name: urn, attributes: [...attrs.values()] });
  }
  return createResourceSchema(
    {
      id: resourceType,
      name: resourceType,
      endpoint: `/${resourceType}`,
      schema: CORE_URN,
      schemaExtensions: schemas.slice(1).map((s) => ({ schema: s.id, required: false })),
    },
    schemas,
  );
}

function sortPath(path: QueryPath): string {
  const head = `${path.urn === undefined ? '' : `${path.urn}:`}${path.subAttribute !== undefined && path.parent !== undefined ? path.parent.name : path.attribute}`;
  return path.subAttribute === undefined ? head : `${head}.${path.subAttribute}`;
}

/**
 * An in-memory {@link ScimStore}: complete and correct (atomic uniqueness, `ifVersion`, a member
 * table with displays resolved on read, memberships removed both ways on delete, member ids checked
 * within the tenant, a change feed, token records), for tests, demos and as the reference the SQL
 * stores are checked against. Data lives as long as the process; one process only.
 *
 * @param options - the clock and id generator, for deterministic tests
 * @returns a store
 * @example
 * ```ts
 * import { createScimHandler, memoryStore } from '@scim/server';
 * const store = memoryStore();
 * const handler = createScimHandler({ store, authenticate });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 */
export function memoryStore(options: MemoryStoreOptions = {}): ScimStore {
  const clock = options.clock ?? (() => new Date());
  const generateId = options.generateId ?? randomUUID;
  const budgetMs = queryBudget(options.queryTimeoutMs, 'memoryStore');
  const tenants = new Map<string, Tenant>();
  const storage = new Map<string, ResourceTypeStorage>();
  const tokens = new Map<string, TokenRecord>();
  let cursor = 0;
  let closed = false;
  let lastNow = '';
  let seq = 0;

  const live = () => {
    if (closed) throw new ScimError('unavailable', 'the memory store is closed; open it again');
  };
  const now = () => {
    let t = clock().toISOString();
    // lastModified never goes backwards within the store.
    if (t < lastNow) t = lastNow;
    lastNow = t;
    return t;
  };
  const tenantOf = (name: string): Tenant => {
    let t = tenants.get(name);
    if (t === undefined) {
      t = {
        byType: new Map(),
        byId: new Map(),
        unique: new Map(),
        lookup: new Map(),
        members: new Map(),
        memberOf: new Map(),
        feed: [],
      };
      tenants.set(name, t);
    }
    return t;
  };
  const rowsOf = (t: Tenant, resourceType: string) => {
    let rows = t.byType.get(resourceType);
    if (rows === undefined) {
      rows = new Map();
      t.byType.set(resourceType, rows);
    }
    return rows;
  };
  const find = (t: Tenant, resourceType: string, id: string): Row | undefined => {
    const row = t.byId.get(id);
    return row !== undefined && row.resourceType === resourceType ? row : undefined;
  };
  const notFound = (resourceType: string, id: string) =>
    new ScimError('notFound', `${resourceType} ${id} not found; it may have been deleted`);

  const checkUnique = (
    t: Tenant,
    resourceType: string,
    keys: readonly UniqueKey[],
    id: string | undefined,
  ) => {
    for (const key of keys) {
      const owner = t.unique.get(uniqueKey(resourceType, key));
      if (owner !== undefined && owner !== id) {
        throw new ScimError(
          'uniqueness',
          `a ${resourceType} with ${key.attribute} "${key.value}" already exists; query for it and update it instead`,
          { token: key.attribute },
        );
      }
    }
  };
  const setUnique = (t: Tenant, row: Row, keys: readonly UniqueKey[]) => {
    for (const key of row.unique) t.unique.delete(uniqueKey(row.resourceType, key));
    for (const key of keys) t.unique.set(uniqueKey(row.resourceType, key), row.id);
    row.unique = keys.map((k) => ({ attribute: k.attribute, value: k.value }));
  };
  const setLookup = (t: Tenant, row: Row) => {
    for (const key of row.lookupKeys) {
      const rows = t.lookup.get(key);
      rows?.delete(row);
      if (rows?.size === 0) t.lookup.delete(key);
    }
    row.lookupKeys = t.byId.get(row.id) === row ? lookupKeys(row.resourceType, row.data) : [];
    for (const key of row.lookupKeys) {
      let rows = t.lookup.get(key);
      if (rows === undefined) {
        rows = new Set();
        t.lookup.set(key, rows);
      }
      rows.add(row);
    }
  };
  /**
   * The rows a filter can match, found through the lookup (a superset of the matches, fewer than all
   * rows), or undefined when the filter names no `eq` the lookup serves: an `eq` on `id` or a
   * {@link LOOKUP} attribute, an `and` with one, an `or` of them only.
   */
  const candidates = (t: Tenant, resourceType: string, f: QueryFilter): Set<Row> | undefined => {
    switch (f.kind) {
      case 'compare': {
        const path = f.path;
        if (f.op !== 'eq' || typeof f.value !== 'string' || path.urn !== undefined) return undefined;
        if (path.subAttribute !== undefined) return undefined;
        const attribute = path.attribute.toLowerCase();
        if (attribute === 'id') {
          // The view's `id` is the row's; a case-insensitive definition is left to the scan.
          if (path.definition.caseExact !== true || path.attribute !== 'id') return undefined;
          const row = t.byId.get(f.value);
          return new Set(row !== undefined && row.resourceType === resourceType ? [row] : []);
        }
        if (!LOOKUP.has(attribute)) return undefined;
        return t.lookup.get(lookupKey(resourceType, attribute, f.value)) ?? new Set();
      }
      case 'and': {
        let best: Set<Row> | undefined;
        for (const x of f.filters) {
          const c = candidates(t, resourceType, x);
          if (c !== undefined && (best === undefined || c.size < best.size)) best = c;
        }
        return best;
      }
      case 'or': {
        if (f.filters.length === 0) return undefined;
        const out = new Set<Row>();
        for (const x of f.filters) {
          const c = candidates(t, resourceType, x);
          if (c === undefined) return undefined;
          for (const row of c) out.add(row);
        }
        return out;
      }
      default:
        return undefined;
    }
  };
  /** The ids to add: all of them, checked (`reject`), or those that exist (`skip`). */
  const checkMembers = (
    t: Tenant,
    groupId: string,
    ids: readonly string[],
    unknown: 'reject' | 'skip' | undefined,
  ): string[] => {
    const out: string[] = [];
    for (const id of ids) {
      if (unknown === 'skip' && typeof id === 'string' && !t.byId.has(id)) continue;
      if (typeof id !== 'string' || !t.byId.has(id)) {
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
  };
  const addMember = (t: Tenant, groupId: string, memberId: string, label: string | undefined) => {
    let set = t.members.get(groupId);
    if (set === undefined) {
      set = new Map();
      t.members.set(groupId, set);
    }
    // A label is set with the membership and kept while it lasts (display is immutable).
    if (!set.has(memberId)) set.set(memberId, label);
    let of = t.memberOf.get(memberId);
    if (of === undefined) {
      of = new Set();
      t.memberOf.set(memberId, of);
    }
    of.add(groupId);
  };
  const removeMember = (t: Tenant, groupId: string, memberId: string) => {
    t.members.get(groupId)?.delete(memberId);
    t.memberOf.get(memberId)?.delete(groupId);
  };
  const display = (row: Row): string | undefined => {
    const d = row.data.displayName ?? row.data.userName;
    return typeof d === 'string' ? d : undefined;
  };
  const memberList = (t: Tenant, groupId: string): StoredMember[] => {
    const out: StoredMember[] = [];
    for (const [id, label] of t.members.get(groupId) ?? []) {
      const row = t.byId.get(id);
      if (row === undefined) continue;
      const d = label ?? display(row);
      out.push(
        d === undefined
          ? { value: id, type: row.resourceType }
          : { value: id, type: row.resourceType, display: d },
      );
    }
    return out;
  };
  const record = (
    t: Tenant,
    tenant: string,
    row: { id: string; resourceType: string },
    version: number,
    at: string,
    change: ChangeRecord,
  ) => {
    cursor++;
    t.feed.push({
      ...clone(change),
      cursor: String(cursor),
      tenant,
      resourceType: row.resourceType,
      id: row.id,
      version,
      at,
    } as ChangeEvent);
  };
  const toStored = (t: Tenant, row: Row, members: boolean): StoredResource => {
    const base = {
      id: row.id,
      resourceType: row.resourceType,
      data: clone(row.data),
      version: row.version,
      created: row.created,
      lastModified: row.lastModified,
    };
    return members && storage.get(row.resourceType)?.referenceAttribute !== undefined
      ? { ...base, members: memberList(t, row.id) }
      : base;
  };
  /** One create: checks its unique values and members, then writes the row. */
  const insert = (t: Tenant, tenant: string, resourceType: string, input: CreateInput, at: string) => {
    checkUnique(t, resourceType, input.unique, undefined);
    let id = generateId();
    while (t.byId.has(id)) id = generateId();
    const members = checkMembers(t, id, [...new Set(input.members ?? [])], input.unknownMembers);
    const row: Row = {
      seq: ++seq,
      id,
      resourceType,
      data: clone(input.data) as Json,
      version: 1,
      created: at,
      lastModified: at,
      unique: [],
      lookupKeys: [],
    };
    rowsOf(t, resourceType).set(id, row);
    t.byId.set(id, row);
    setUnique(t, row, input.unique);
    setLookup(t, row);
    for (const m of members) addMember(t, id, m, own(input.memberDisplay, m));
    record(t, tenant, row, 1, at, input.change);
    return toStored(t, row, members.length > 0);
  };
  /** The JSON a filter or sort sees: data, id, meta, members and groups. */
  const view = (t: Tenant, row: Row): Json => {
    const out: Json = { ...row.data, id: row.id };
    out.meta = {
      resourceType: row.resourceType,
      created: row.created,
      lastModified: row.lastModified,
      version: `W/"${row.version}"`,
    };
    const ref = storage.get(row.resourceType)?.referenceAttribute;
    if (ref !== undefined) out[ref] = memberList(t, row.id);
    const of = t.memberOf.get(row.id);
    if (of !== undefined && of.size > 0 && out.groups === undefined) {
      out.groups = [...of].map((g) => ({ value: g, type: 'direct', display: display(t.byId.get(g)!) }));
    }
    return out;
  };

  const tokenStore: TokenStore = {
    async insert(record) {
      live();
      if ([...tokens.values()].some((r) => r.id === record.id || r.hash === record.hash)) {
        throw new ScimError('conflict', `a token with id ${record.id} (or the same hash) already exists`);
      }
      tokens.set(record.id, { ...record });
    },
    async findByHash(hash) {
      live();
      for (const r of tokens.values()) if (r.hash === hash) return { ...r };
      return undefined;
    },
    async list(tenant) {
      live();
      return [...tokens.values()].filter((r) => r.tenant === tenant).map((r) => ({ ...r }));
    },
    async update(tenant, id, patch) {
      live();
      const r = tokens.get(id);
      if (r === undefined || r.tenant !== tenant) return false;
      tokens.set(id, { ...r, ...patch });
      return true;
    },
  };

  return {
    kind: 'memory',
    tokens: tokenStore,
    async open(types) {
      closed = false;
      for (const t of types) storage.set(t.name, { ...t });
    },
    async close() {
      closed = true;
    },
    async ping() {
      live();
    },

    async create(tenant, resourceType, input: CreateInput) {
      live();
      return insert(tenantOf(tenant), tenant, resourceType, input, now());
    },

    async createMany(tenant, resourceType, inputs: readonly CreateInput[]) {
      live();
      const t = tenantOf(tenant);
      const at = now();
      // Every check first, against the tenant and the batch before it: then nothing can fail.
      const claimed = new Map<string, number>();
      for (const [n, input] of inputs.entries()) {
        checkUnique(t, resourceType, input.unique, undefined);
        for (const key of input.unique) {
          const k = uniqueKey(resourceType, key);
          if (claimed.has(k) && claimed.get(k) !== n) {
            throw new ScimError(
              'uniqueness',
              `a ${resourceType} with ${key.attribute} "${key.value}" already exists; query for it and update it instead`,
              { token: key.attribute },
            );
          }
          claimed.set(k, n);
        }
        checkMembers(t, '', [...new Set(input.members ?? [])], input.unknownMembers);
      }
      const out: StoredResource[] = [];
      for (const input of inputs) out.push(insert(t, tenant, resourceType, input, at));
      return out;
    },

    async get(tenant, resourceType, id, opts) {
      live();
      const t = tenants.get(tenant);
      const row = t === undefined ? undefined : find(t, resourceType, id);
      return row === undefined || t === undefined ? undefined : toStored(t, row, opts?.members === true);
    },

    async update(tenant, resourceType, id, input: UpdateInput) {
      live();
      const t = tenantOf(tenant);
      const row = find(t, resourceType, id);
      if (row === undefined) throw notFound(resourceType, id);
      if (input.ifVersion !== undefined && input.ifVersion !== row.version) {
        throw new ScimError(
          'preconditionFailed',
          `${resourceType} ${id} is at version ${row.version}, not ${input.ifVersion}; read it again and retry`,
        );
      }
      if (input.membersOnly !== true) checkUnique(t, resourceType, input.unique, id);
      const delta = input.members;
      const added = delta === undefined ? [] : checkMembers(t, id, delta.added, delta.unknown);
      // Everything is checked: apply.
      const at = now();
      if (input.membersOnly !== true) {
        row.data = clone(input.data) as Json;
        setUnique(t, row, input.unique);
        setLookup(t, row);
      }
      row.version++;
      row.lastModified = at;
      if (delta !== undefined) {
        if (delta.removeAll === true)
          for (const m of [...(t.members.get(id)?.keys() ?? [])]) removeMember(t, id, m);
        for (const m of delta.removed) removeMember(t, id, m);
        for (const m of added) addMember(t, id, m, own(delta.display, m));
      }
      record(t, tenant, row, row.version, at, input.change);
      return toStored(t, row, false);
    },

    async delete(tenant, resourceType, id, input) {
      live();
      const t = tenantOf(tenant);
      const row = find(t, resourceType, id);
      if (row === undefined) throw notFound(resourceType, id);
      if (input.ifVersion !== undefined && input.ifVersion !== row.version) {
        throw new ScimError(
          'preconditionFailed',
          `${resourceType} ${id} is at version ${row.version}, not ${input.ifVersion}; read it again and retry`,
        );
      }
      for (const key of row.unique) t.unique.delete(uniqueKey(resourceType, key));
      for (const m of [...(t.members.get(id)?.keys() ?? [])]) removeMember(t, id, m);
      for (const g of [...(t.memberOf.get(id) ?? [])]) removeMember(t, g, id);
      t.members.delete(id);
      t.memberOf.delete(id);
      t.byType.get(resourceType)?.delete(id);
      t.byId.delete(id);
      setLookup(t, row);
      record(t, tenant, row, 0, now(), input.change);
    },

    async list(tenant, query: ListQuery): Promise<ListPage> {
      live();
      const deadline = performance.now() + budgetMs;
      const t = tenants.get(tenant);
      const all = t?.byType.get(query.resourceType);
      if (t === undefined || all === undefined || all.size === 0) return { totalResults: 0, resources: [] };
      const found = query.filter === undefined ? undefined : candidates(t, query.resourceType, query.filter);
      // Found through the lookup: those rows only, in creation order; the filter still decides.
      const rows =
        found === undefined || found.size >= all.size
          ? [...all.values()]
          : [...found].filter((row) => all.get(row.id) === row).sort((a, b) => a.seq - b.seq);
      let matched = rows;
      // Each row's sort key, for the positions of keyset paging (RFC 9865 cursors).
      let keyOf: (row: Row) => SortKey = () => undefined;
      if (query.filter !== undefined || query.sort !== undefined) {
        const schema = querySchema(query.resourceType, query.filter, query.sort);
        const views = rows.map((row) => ({ row, json: view(t, row) }));
        let kept = views;
        if (query.filter !== undefined) {
          const predicate = compileFilter(query.filter, schema);
          // Checked on one resource in 16, as SQLite does.
          kept = views.filter((v, i) => {
            if ((i & 15) === 0 && performance.now() >= deadline)
              throw overBudget(query.resourceType, budgetMs);
            return predicate(v.json);
          });
        }
        if (query.sort !== undefined) {
          const sortBy = sortPath(query.sort.path);
          const sorted = sortResources(
            kept.map((v) => v.json),
            schema,
            { sortBy, sortOrder: query.sort.descending ? 'descending' : 'ascending' },
          );
          const byJson = new Map(kept.map((v) => [v.json, v.row]));
          matched = sorted.map((j) => byJson.get(j)!);
          const read = sortKeyOf(schema.resolvePath(sortBy)!);
          const keys = new Map(kept.map((v) => [v.row, read(v.json)]));
          keyOf = (row) => keys.get(row);
        } else matched = kept.map((v) => v.row);
      }
      const count = Math.max(0, Math.trunc(query.count));
      let start = Math.max(1, Math.trunc(query.startIndex)) - 1;
      if (query.after !== undefined) {
        const at = readPosition(query.after);
        const key = at.key ?? undefined;
        const descending = query.sort?.descending === true;
        const after = matched.findIndex((row) => {
          const c = compareSortKeys(keyOf(row), key, descending);
          return c > 0 || (c === 0 && row.seq > at.seq);
        });
        start = after < 0 ? matched.length : after;
      }
      const page = matched.slice(start, start + count);
      const keyset = query.keyset === true || query.after !== undefined;
      const lastRow = page[page.length - 1];
      const more = keyset && lastRow !== undefined && start + count < matched.length;
      return {
        ...(more ? { next: JSON.stringify([keyOf(lastRow) ?? null, lastRow.seq]) } : {}),
        totalResults: matched.length,
        resources: page.map((row) => toStored(t, row, query.members === true)),
      };
    },

    async memberOf(tenant, id) {
      live();
      const t = tenants.get(tenant);
      if (t === undefined) return [];
      const out: StoredMember[] = [];
      for (const g of t.memberOf.get(id) ?? []) {
        const row = t.byId.get(g);
        if (row === undefined) continue;
        const d = display(row);
        out.push(
          d === undefined
            ? { value: g, type: row.resourceType }
            : { value: g, type: row.resourceType, display: d },
        );
      }
      return out;
    },

    async changes(tenant, opts) {
      live();
      const feed = tenants.get(tenant)?.feed ?? [];
      const after = opts?.after === undefined ? 0 : Number(opts.after);
      if (!Number.isFinite(after))
        throw new ScimError('invalidValue', `cursor "${opts?.after}" is not one this store issued`);
      const limit = Math.max(1, Math.min(10_000, opts?.limit ?? 100));
      const out: ChangeEvent[] = [];
      for (const e of feed) {
        if (Number(e.cursor) <= after) continue;
        out.push(clone(e));
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}

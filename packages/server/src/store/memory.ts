import { randomUUID } from 'node:crypto';
import { compareSortKeys, compileFilter, type SortKey, sortKeyOf, sortResources } from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import { overBudget, queryBudget } from './budget.ts';
import { querySchema, sortByOf } from './memory-query.ts';
import { alreadyExists, type Json, MemoryTenant, type Row, uniqueKey } from './memory-tenant.ts';
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
  TokenRecord,
  TokenStore,
  UpdateInput,
} from './types.ts';

/** The label for `id` in a display map, read as an own property only. */
function own(labels: Readonly<Record<string, string>> | undefined, id: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, id) ? labels[id] : undefined;
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
  return ownMethods(new MemoryStore(options));
}

/**
 * The store as a plain object whose methods are its own properties, bound to it: as `memoryStore`
 * has always returned it, so that `{ ...store, list }` (a test's failing or counting store), the
 * same of `store.tokens`, and a method passed on its own keep working.
 */
function ownMethods(store: MemoryStore): ScimStore {
  const tokens = store.tokens;
  return {
    kind: store.kind,
    tokens: {
      insert: tokens.insert.bind(tokens),
      findByHash: tokens.findByHash.bind(tokens),
      list: tokens.list.bind(tokens),
      update: tokens.update.bind(tokens),
    },
    open: store.open.bind(store),
    close: store.close.bind(store),
    ping: store.ping.bind(store),
    create: store.create.bind(store),
    createMany: store.createMany.bind(store),
    get: store.get.bind(store),
    update: store.update.bind(store),
    delete: store.delete.bind(store),
    list: store.list.bind(store),
    memberOf: store.memberOf.bind(store),
    changes: store.changes.bind(store),
  };
}

/** The store of {@link memoryStore}: tenants, the resource types it was opened with, tokens. */
class MemoryStore implements ScimStore {
  readonly kind = 'memory';
  readonly tokens: MemoryTokens;
  private readonly clock: () => Date;
  private readonly generateId: () => string;
  /** A list query's time budget (`queryTimeoutMs`; `Infinity`: none). */
  private readonly budgetMs: number;
  private readonly tenants = new Map<string, MemoryTenant>();
  private readonly storage = new Map<string, ResourceTypeStorage>();
  /** The change feed's last cursor, across tenants. */
  private cursor = 0;
  private closed = false;
  /** The last time given out: `lastModified` never goes backwards within the store. */
  private lastNow = '';
  /** The last row's creation order. */
  private seq = 0;

  constructor(options: MemoryStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.generateId = options.generateId ?? randomUUID;
    this.budgetMs = queryBudget(options.queryTimeoutMs, 'memoryStore');
    this.tokens = new MemoryTokens(this);
  }

  /** Throws 503 once the store is closed. */
  live(): void {
    if (this.closed) throw new ScimError('unavailable', 'the memory store is closed; open it again');
  }

  async open(types: readonly ResourceTypeStorage[]): Promise<void> {
    this.closed = false;
    for (const t of types) this.storage.set(t.name, { ...t });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async ping(): Promise<void> {
    this.live();
  }

  async create(tenant: string, resourceType: string, input: CreateInput): Promise<StoredResource> {
    this.live();
    return this.insert(this.tenantOf(tenant), tenant, resourceType, input, this.now());
  }

  async createMany(
    tenant: string,
    resourceType: string,
    inputs: readonly CreateInput[],
  ): Promise<readonly StoredResource[]> {
    this.live();
    const t = this.tenantOf(tenant);
    const at = this.now();
    // Every check first, against the tenant and the batch before it: then nothing can fail.
    const claimed = new Map<string, number>();
    for (const [n, input] of inputs.entries()) {
      t.checkUnique(resourceType, input.unique, undefined);
      for (const key of input.unique) {
        const k = uniqueKey(resourceType, key);
        if (claimed.has(k) && claimed.get(k) !== n) throw alreadyExists(resourceType, key);
        claimed.set(k, n);
      }
      t.checkMembers('', [...new Set(input.members ?? [])], input.unknownMembers);
    }
    const out: StoredResource[] = [];
    for (const input of inputs) out.push(this.insert(t, tenant, resourceType, input, at));
    return out;
  }

  async get(
    tenant: string,
    resourceType: string,
    id: string,
    options?: { readonly members?: boolean },
  ): Promise<StoredResource | undefined> {
    this.live();
    const t = this.tenants.get(tenant);
    const row = t === undefined ? undefined : t.find(resourceType, id);
    return row === undefined || t === undefined
      ? undefined
      : this.toStored(t, row, options?.members === true);
  }

  async update(
    tenant: string,
    resourceType: string,
    id: string,
    input: UpdateInput,
  ): Promise<StoredResource> {
    this.live();
    const t = this.tenantOf(tenant);
    const row = this.current(t, resourceType, id, input.ifVersion);
    if (input.membersOnly !== true) t.checkUnique(resourceType, input.unique, id);
    const delta = input.members;
    const added = delta === undefined ? [] : t.checkMembers(id, delta.added, delta.unknown);
    // Everything is checked: apply.
    const at = this.now();
    if (input.membersOnly !== true) {
      row.data = clone(input.data) as Json;
      t.setUnique(row, input.unique);
      t.setLookup(row);
    }
    row.version++;
    row.lastModified = at;
    if (delta !== undefined) {
      if (delta.removeAll === true) t.clearMembers(id);
      for (const m of delta.removed) t.removeMember(id, m);
      for (const m of added) t.addMember(id, m, own(delta.display, m));
    }
    this.record(t, tenant, row, row.version, at, input.change);
    return this.toStored(t, row, false);
  }

  async delete(
    tenant: string,
    resourceType: string,
    id: string,
    input: { readonly ifVersion?: number; readonly change: ChangeRecord },
  ): Promise<void> {
    this.live();
    const t = this.tenantOf(tenant);
    const row = this.current(t, resourceType, id, input.ifVersion);
    t.remove(row);
    this.record(t, tenant, row, 0, this.now(), input.change);
  }

  async list(tenant: string, query: ListQuery): Promise<ListPage> {
    this.live();
    const deadline = query.unbudgeted === true ? Number.POSITIVE_INFINITY : performance.now() + this.budgetMs;
    const t = this.tenants.get(tenant);
    const all = t?.byType.get(query.resourceType);
    if (t === undefined || all === undefined || all.size === 0) return { totalResults: 0, resources: [] };
    const found = query.filter === undefined ? undefined : t.candidates(query.resourceType, query.filter);
    // Found through the lookup: those rows only, in creation order; the filter still decides.
    const rows =
      found === undefined || found.size >= all.size
        ? [...all.values()]
        : [...found].filter((row) => all.get(row.id) === row).sort((a, b) => a.seq - b.seq);
    const { matched, keyOf } = this.select(t, query, rows, deadline);
    const count = Math.max(0, Math.trunc(query.count));
    let start = Math.max(1, Math.trunc(query.startIndex)) - 1;
    if (query.after !== undefined) {
      const at = readPosition(query.after);
      const key = at.key ?? undefined;
      const descending = query.sort?.descending === true;
      const after = matched.findIndex((row) => {
        const c = compareSortKeys(keyOf(row), key, descending);
        return c > 0 || (c === 0 && (descending ? row.seq < at.seq : row.seq > at.seq));
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
      resources: page.map((row) => this.toStored(t, row, query.members === true)),
    };
  }

  async memberOf(tenant: string, id: string): Promise<readonly StoredMember[]> {
    this.live();
    const t = this.tenants.get(tenant);
    return t === undefined ? [] : t.groupsOf(id);
  }

  async changes(
    tenant: string,
    options?: { readonly after?: string | undefined; readonly limit?: number },
  ): Promise<readonly ChangeEvent[]> {
    this.live();
    const feed = this.tenants.get(tenant)?.feed ?? [];
    const after = options?.after === undefined ? 0 : Number(options.after);
    if (!Number.isFinite(after))
      throw new ScimError('invalidValue', `cursor "${options?.after}" is not one this store issued`);
    const limit = Math.max(1, Math.min(10_000, options?.limit ?? 100));
    const out: ChangeEvent[] = [];
    for (const e of feed) {
      if (Number(e.cursor) <= after) continue;
      out.push(clone(e));
      if (out.length >= limit) break;
    }
    return out;
  }

  /** The store's time, never earlier than a time it gave before. */
  private now(): string {
    let t = this.clock().toISOString();
    if (t < this.lastNow) t = this.lastNow;
    this.lastNow = t;
    return t;
  }

  private tenantOf(name: string): MemoryTenant {
    let t = this.tenants.get(name);
    if (t === undefined) {
      t = new MemoryTenant();
      this.tenants.set(name, t);
    }
    return t;
  }

  /** The row to change: 404 when there is none, 412 when it is not at `ifVersion`. */
  private current(t: MemoryTenant, resourceType: string, id: string, ifVersion: number | undefined): Row {
    const row = t.find(resourceType, id);
    if (row === undefined) {
      throw new ScimError('notFound', `${resourceType} ${id} not found; it may have been deleted`);
    }
    if (ifVersion !== undefined && ifVersion !== row.version) {
      throw new ScimError(
        'preconditionFailed',
        `${resourceType} ${id} is at version ${row.version}, not ${ifVersion}; read it again and retry`,
      );
    }
    return row;
  }

  /** One create: checks its unique values and members, then writes the row. */
  private insert(
    t: MemoryTenant,
    tenant: string,
    resourceType: string,
    input: CreateInput,
    at: string,
  ): StoredResource {
    t.checkUnique(resourceType, input.unique, undefined);
    let id = this.generateId();
    while (t.byId.has(id)) id = this.generateId();
    const members = t.checkMembers(id, [...new Set(input.members ?? [])], input.unknownMembers);
    const row: Row = {
      seq: ++this.seq,
      id,
      resourceType,
      data: clone(input.data) as Json,
      version: 1,
      created: at,
      lastModified: at,
      unique: [],
      lookupKeys: [],
    };
    t.rowsOf(resourceType).set(id, row);
    t.byId.set(id, row);
    t.setUnique(row, input.unique);
    t.setLookup(row);
    for (const m of members) t.addMember(id, m, own(input.memberDisplay, m));
    this.record(t, tenant, row, 1, at, input.change);
    return this.toStored(t, row, members.length > 0);
  }

  private record(
    t: MemoryTenant,
    tenant: string,
    row: Row,
    version: number,
    at: string,
    change: ChangeRecord,
  ) {
    this.cursor++;
    t.feed.push({
      ...clone(change),
      cursor: String(this.cursor),
      tenant,
      resourceType: row.resourceType,
      id: row.id,
      version,
      at,
    } as ChangeEvent);
  }

  private toStored(t: MemoryTenant, row: Row, members: boolean): StoredResource {
    const base = {
      id: row.id,
      resourceType: row.resourceType,
      data: clone(row.data),
      version: row.version,
      created: row.created,
      lastModified: row.lastModified,
    };
    return members && this.storage.get(row.resourceType)?.referenceAttribute !== undefined
      ? { ...base, members: t.memberList(row.id) }
      : base;
  }

  /**
   * The rows a list query keeps, filtered (within the time budget) and sorted, with each row's
   * sort key for the positions of keyset paging (RFC 9865 cursors).
   */
  private select(
    t: MemoryTenant,
    query: ListQuery,
    rows: Row[],
    deadline: number,
  ): { matched: Row[]; keyOf: (row: Row) => SortKey } {
    if (query.filter === undefined && query.sort === undefined)
      return { matched: rows, keyOf: () => undefined };
    const schema = querySchema(query.resourceType, query.filter, query.sort);
    const ref = this.storage.get(query.resourceType)?.referenceAttribute;
    const views = rows.map((row) => ({ row, json: t.view(row, ref) }));
    let kept = views;
    if (query.filter !== undefined) {
      const predicate = compileFilter(query.filter, schema);
      // Checked on one resource in 16, as SQLite does.
      kept = views.filter((v, i) => {
        if ((i & 15) === 0 && performance.now() >= deadline)
          throw overBudget(query.resourceType, this.budgetMs);
        return predicate(v.json);
      });
    }
    if (query.sort === undefined) return { matched: kept.map((v) => v.row), keyOf: () => undefined };
    const sortBy = sortByOf(query.sort.path);
    // `sortResources` keeps the order it is given among ties: creation order ascending, reversed
    // descending (a descending order is the ascending one reversed, as the SQL stores read it).
    const sorted = sortResources(
      (query.sort.descending ? [...kept].reverse() : kept).map((v) => v.json),
      schema,
      { sortBy, sortOrder: query.sort.descending ? 'descending' : 'ascending' },
    );
    const byJson = new Map(kept.map((v) => [v.json, v.row]));
    const read = sortKeyOf(schema.resolvePath(sortBy)!);
    const keys = new Map(kept.map((v) => [v.row, read(v.json)]));
    return { matched: sorted.map((j) => byJson.get(j)!), keyOf: (row) => keys.get(row) };
  }
}

/** The token records of a {@link MemoryStore}, kept in a map by id. */
class MemoryTokens implements TokenStore {
  private readonly store: MemoryStore;
  private readonly records = new Map<string, TokenRecord>();

  constructor(store: MemoryStore) {
    this.store = store;
  }

  async insert(record: TokenRecord): Promise<void> {
    this.store.live();
    if ([...this.records.values()].some((r) => r.id === record.id || r.hash === record.hash)) {
      throw new ScimError('conflict', `a token with id ${record.id} (or the same hash) already exists`);
    }
    this.records.set(record.id, { ...record });
  }

  async findByHash(hash: string): Promise<TokenRecord | undefined> {
    this.store.live();
    for (const r of this.records.values()) if (r.hash === hash) return { ...r };
    return undefined;
  }

  async list(tenant: string): Promise<readonly TokenRecord[]> {
    this.store.live();
    return [...this.records.values()].filter((r) => r.tenant === tenant).map((r) => ({ ...r }));
  }

  async update(
    tenant: string,
    id: string,
    patch: { readonly revoked?: string; readonly expires?: string; readonly lastUsed?: string },
  ): Promise<boolean> {
    this.store.live();
    const r = this.records.get(id);
    if (r === undefined || r.tenant !== tenant) return false;
    this.records.set(id, { ...r, ...patch });
    return true;
  }
}

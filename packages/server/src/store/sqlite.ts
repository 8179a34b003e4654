import { randomUUID } from 'node:crypto';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { foldCase } from '@scim/protocol';
import { isScimError, ScimError } from '@scim/schemas';
import { FaultLog, type StoreLogger } from './fault-log.ts';
import { Params, SqlCompiler, sqliteDialect } from './sql/compile.ts';
import { indexedValues } from './sql/indexed.ts';
import {
  type ChangeRow,
  changeDetail,
  cursorOf,
  distinct,
  labelOf,
  labelSearch,
  type MemberRow,
  missing,
  paging,
  type ResourceRow,
  sortedKeys,
  stale,
  storedData,
  type TokenRow,
  taken,
  toChange,
  toMember,
  toResource,
  toToken,
  unavailable,
  unknownMembers,
} from './sql/shared.ts';
import { sqliteMigrations } from './sql/sqlite-schema.ts';
import { chunks, instantOf, now, searchDocument } from './sql/values.ts';
import { DatabaseFile, type FileProblem } from './sqlite-file.ts';
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
  UniqueKey,
  UpdateInput,
} from './types.ts';

/**
 * Options of {@link sqliteStore}.
 *
 * @example
 * ```ts
 * const options: SqliteStoreOptions = { path: './scim.db', busyTimeoutMs: 5000 };
 * ```
 * @see https://nodejs.org/api/sqlite.html
 */
export interface SqliteStoreOptions {
  /**
   * The database file (created when missing on the first open; once opened, a missing file is a
   * lost database and is never silently created anew), or `':memory:'` for a private in-memory
   * database.
   */
  readonly path: string;
  /**
   * How long a request waits for another process's lock before failing with 503 and
   * `Retry-After` (default 5000 ms). The wait never blocks the event loop for more than a few
   * milliseconds at a time: the store tries, yields to other requests, and tries again.
   */
  readonly busyTimeoutMs?: number;
  /**
   * Where the store reports database faults (its file deleted or replaced, read-only, full, an
   * I/O error, a lock held by another process) and their end: one line per cause, not one per
   * request. `createLogger()` fits.
   */
  readonly logger?: StoreLogger;
}

/**
 * A {@link ScimStore} on SQLite, with access to its database handle.
 *
 * @example
 * ```ts
 * const store: SqliteStore = sqliteStore({ path: 'scim.db' });
 * store.database.prepare('PRAGMA integrity_check').get();
 * ```
 * @see https://nodejs.org/api/sqlite.html
 */
export interface SqliteStore extends ScimStore {
  /** The store's kind: `sqlite`. */
  readonly kind: 'sqlite';
  /**
   * The open `node:sqlite` handle (opened on first use). If it gets closed, the store opens the
   * file again on its next call (503 until it can).
   */
  readonly database: DatabaseSync;
}

const MEMBER_CHUNK = 500;
/** How many prepared statements a store keeps (list queries make their SQL per filter shape). */
const STATEMENT_CACHE = 200;
/** How long a request waits for another process's lock, in all (the `busyTimeoutMs` default). */
const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/**
 * SQLite's own busy wait, per attempt. It blocks the event loop, so it stays a few milliseconds;
 * the rest of the wait is asynchronous (see `SqliteScimStore.run`).
 */
const BUSY_SLICE_MS = 5;
/** How often a read checks that the database file is still the one opened (writes always do). */
const READ_CHECK_MS = 1000;

/**
 * `node:sqlite`, loaded when a SQLite store first opens its database (not when `@scim/server` is
 * imported), so that applications on other stores never load it.
 */
function sqlite(): typeof import('node:sqlite') {
  const found = process.getBuiltinModule?.('node:sqlite') as typeof import('node:sqlite') | undefined;
  if (found === undefined) {
    // Not --experimental-sqlite: the Node.js versions that need it bind numbered parameters wrongly.
    throw new Error(
      `node:sqlite is not available in Node.js ${process.versions.node}: the SQLite store needs Node.js 22.20 or later (24.7 or later on Node.js 24)`,
    );
  }
  return found;
}

/** SQLite result codes meaning "not usable right now": busy, locked, no memory, read-only, I/O, full, cannot open, protocol, not a database. */
const UNAVAILABLE_CODES = new Set([5, 6, 7, 8, 10, 13, 14, 15, 26]);
/** Busy and locked: another connection holds the lock; worth another try soon. */
const BUSY_CODES = new Set([5, 6]);
/**
 * Read-only, I/O error, full, cannot open, protocol, not a database: the handle is not to be
 * trusted any more (it may have been opened read-only, or its files changed); open it anew.
 */
const REOPEN_CODES = new Set([8, 10, 13, 14, 15, 26]);

function primaryCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { code?: unknown }).code === 'ERR_INVALID_STATE') return true;
  const code = primaryCode(error);
  return code !== undefined && UNAVAILABLE_CODES.has(code);
}

function isBusy(error: unknown): boolean {
  const code = primaryCode(error);
  return code !== undefined && BUSY_CODES.has(code);
}

/** Waits a little before the next try on a busy database: 1, 2, 4 ... 100 ms (with jitter), within the deadline. */
function pause(attempt: number, deadline: number): Promise<void> {
  const step = Math.min(100, 2 ** attempt) * (0.5 + Math.random());
  const ms = Math.max(1, Math.min(step, deadline - performance.now()));
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What the log says about a file problem. */
function describeProblem(problem: FileProblem, path: string): string {
  if (problem === 'gone') return `file ${path} is missing (deleted or moved)`;
  if (problem === 'replaced') return `file ${path} was replaced by another file`;
  return `write-ahead log ${path}-wal was deleted or replaced`;
}

/** Copies the database a handle reads to a file next to its path; the copy's path, if made. */
function rescue(db: DatabaseSync, file: DatabaseFile): string | undefined {
  const target = file.rescuePath(new Date());
  try {
    db.prepare('VACUUM INTO ?').run(target);
    return target;
  } catch {
    return undefined;
  }
}

/** Whether a checkpoint moved every commit of the handle's `-wal` into the database file. */
function checkpointed(db: DatabaseSync): boolean {
  try {
    const r = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy?: number } | undefined;
    return r?.busy === 0;
  } catch {
    return false;
  }
}

function isConstraint(error: unknown, extended: number): boolean {
  return typeof error === 'object' && error !== null && (error as { errcode?: unknown }).errcode === extended;
}
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_FOREIGNKEY = 787;

/**
 * Creates a SCIM store on SQLite through Node's built-in `node:sqlite`: the embedded default.
 * Resources are JSON documents in one table (with a lower-cased copy for case-insensitive
 * filters), uniqueness is a primary key, members a table of their own, and every write is one
 * `BEGIN IMMEDIATE` transaction together with its change-feed entry. The database runs in WAL mode
 * with a busy timeout, so several processes can share the file.
 *
 * Filters, sorting and paging run in SQL; there are expression indexes on `userName`
 * (case-insensitive), `externalId` and `displayName`, an index table for the values of
 * multi-valued attributes (`emails`), and membership is indexed both ways.
 *
 * @param options - the database path (`':memory:'` allowed) and the busy timeout
 * @returns a store; call `open(types)` before use (the handler does)
 * @throws ScimError `unavailable` (503, with `Retry-After`) from any method when the database cannot
 *   be opened or its handle was closed; `uniqueness` (409), `preconditionFailed` (412), `notFound`
 *   (404) and `invalidValue` (400) as the {@link ScimStore} contract says
 * @example
 * ```ts
 * import { createScimHandler, sqliteStore } from '@scim/server';
 * const store = sqliteStore({ path: process.env.SCIM_DB ?? 'scim.db' });
 * await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
 * ```
 * @see https://nodejs.org/api/sqlite.html
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteScimStore(options);
}

class SqliteScimStore implements SqliteStore {
  readonly kind = 'sqlite';
  readonly tokens: TokenStore;
  /** What `DatabaseSync` opens. */
  private readonly path: string;
  /** The file and the identity it had when opened; `undefined` for an in-memory database. */
  private readonly file: DatabaseFile | undefined;
  private readonly busyTimeoutMs: number;
  private readonly faults: FaultLog;
  private db: DatabaseSync | undefined;
  private closed = false;
  /** Whether the file was opened once: from then on a missing file is a lost database, not a new one. */
  private opened = false;
  /** When a read last checked the file's identity (`performance.now()`). */
  private checkedAt = Number.NEGATIVE_INFINITY;
  private types = new Map<string, ResourceTypeStorage>();
  /** Prepared statements of the open handle, by SQL text (`prepare` costs more than running one). */
  private statements = new Map<string, StatementSync>();

  constructor(options: SqliteStoreOptions) {
    this.file = DatabaseFile.of(options.path);
    // A URI stays a URI (its parameters count); a file name is opened by its absolute path.
    this.path = options.path.startsWith('file:') ? options.path : (this.file?.path ?? options.path);
    this.busyTimeoutMs = Math.max(0, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    this.faults = new FaultLog('SQLite', options.logger);
    this.tokens = new SqliteTokens(this);
  }

  get database(): DatabaseSync {
    try {
      return this.handle();
    } catch (error) {
      throw isScimError(error) ? error : this.failure(error);
    }
  }

  /**
   * The open handle: opened (and migrated) on first use, and again after it was closed or dropped.
   * A file that was opened once and is now missing is not created anew (that would hide the loss
   * of every resource and token behind an empty database): 503 until it is back.
   */
  private handle(): DatabaseSync {
    if (this.closed) throw unavailable('SQLite', new Error('the store was closed'));
    if (this.db?.isOpen === true) return this.db;
    if (this.db !== undefined) this.drop();
    const file = this.file;
    if (this.opened && file !== undefined && !file.exists()) {
      const cause = describeProblem('gone', file.path);
      this.faults.down(cause);
      throw unavailable('SQLite', new Error(cause), 'is unavailable');
    }
    let db: DatabaseSync | undefined;
    try {
      db = new (sqlite().DatabaseSync)(this.path);
      db.exec(`PRAGMA busy_timeout = ${BUSY_SLICE_MS}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      // Checkpoint the WAL every 4,000 pages (16 MB at 4 KiB) instead of 1,000: a quarter of the
      // checkpoints (each an fsync and a copy of the hot pages) under a steady write load. Every
      // commit is in the WAL as before, so durability is the same.
      db.exec('PRAGMA wal_autocheckpoint = 4000');
      db.exec('PRAGMA foreign_keys = ON');
      db.function('scim_instant', { deterministic: true }, (text) =>
        typeof text === 'string' ? instantOf(text) : null,
      );
      db.function('scim_fold', { deterministic: true }, (text) =>
        typeof text === 'string' ? foldCase(text) : text,
      );
      migrate(db);
    } catch (error) {
      try {
        db?.close();
      } catch {}
      throw error;
    }
    this.db = db;
    this.statements = new Map();
    this.opened = true;
    file?.remember();
    this.checkedAt = performance.now();
    return db;
  }

  /** Closes the handle, if open; the next call opens the file again. */
  private drop(): void {
    const db = this.db;
    this.db = undefined;
    this.statements = new Map();
    try {
      if (db?.isOpen === true) db.close();
    } catch {}
  }

  /**
   * Checks that the file is the one the handle opened. A deleted `-wal` whose commits all go into
   * the database file (a checkpoint through the handle, which still holds the old log) costs
   * nothing but a reopen: returns `true`, and the call goes on with a new handle. A deleted or
   * replaced database throws 503: before the handle is closed, the database it still reads (and
   * that no one else can reach any more) is copied next to the path with `VACUUM INTO`, as
   * `<path>.rescued-<time>`, so that every acknowledged write can be restored.
   */
  private checkFile(db: DatabaseSync): boolean {
    this.checkedAt = performance.now();
    const file = this.file;
    const problem = file?.problem();
    if (file === undefined || problem === undefined) return false;
    const cause = describeProblem(problem, file.path);
    if (problem === 'wal-gone' && checkpointed(db)) {
      this.drop();
      this.faults.down(cause, { checkpointed: true });
      return true;
    }
    const rescued = rescue(db, file);
    this.drop();
    file.removeStale();
    this.faults.down(cause, rescued === undefined ? { rescued: false } : { rescued });
    throw unavailable('SQLite', new Error(cause), 'is unavailable');
  }

  /** The prepared statement for `sql` on `db`, from the cache (bounded; oldest dropped first). */
  stmt(db: DatabaseSync, sql: string): StatementSync {
    if (db !== this.db) return db.prepare(sql);
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs `fn` on the handle: `read` checks the file's identity at most once a second, `check`
   * always, `write` always and in a `BEGIN IMMEDIATE` transaction. While another process holds
   * the lock, SQLite waits only a few milliseconds; then this yields to the event loop (1, 2, 4
   * ... 100 ms) and tries again, until `busyTimeoutMs` has passed (then 503). Database failures
   * become 503s, logged once per cause.
   */
  async run<T>(fn: (db: DatabaseSync) => T, mode: 'read' | 'check' | 'write' = 'read'): Promise<T> {
    const deadline = performance.now() + this.busyTimeoutMs;
    let reopened = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const out = this.attempt(fn, mode);
        if (this.faults.failing) this.faults.up(mode === 'write');
        return out;
      } catch (error) {
        if (isScimError(error)) throw error;
        // A write refused by a handle that cannot be trusted (opened while the file was read-only,
        // its files changed): once more on a new handle, at once, before answering 503.
        const code = primaryCode(error);
        if (mode === 'write' && !reopened && code !== undefined && REOPEN_CODES.has(code)) {
          reopened = true;
          this.drop();
          continue;
        }
        if (!isBusy(error) || performance.now() >= deadline) throw this.failure(error, mode === 'write');
      }
      await pause(attempt, deadline);
    }
  }

  /** Runs `fn` in a `BEGIN IMMEDIATE` transaction (see {@link run}). */
  write<T>(fn: (db: DatabaseSync) => T): Promise<T> {
    return this.run(fn, 'write');
  }

  /** One try of {@link run}, synchronous: no other request runs in between. */
  private attempt<T>(fn: (db: DatabaseSync) => T, mode: 'read' | 'check' | 'write'): T {
    let db = this.handle();
    if (mode !== 'read' || performance.now() - this.checkedAt >= READ_CHECK_MS) {
      if (this.checkFile(db)) db = this.handle();
    }
    if (mode !== 'write') return fn(db);
    this.stmt(db, 'BEGIN IMMEDIATE').run();
    try {
      const out = fn(db);
      this.stmt(db, 'COMMIT').run();
      return out;
    } catch (error) {
      this.rollback(db);
      throw error;
    }
  }

  /** Rolls back; a transaction that cannot be rolled back leaves a handle no one should reuse. */
  private rollback(db: DatabaseSync): void {
    try {
      if (db.isOpen && db.isTransaction) db.exec('ROLLBACK');
    } catch {}
    try {
      if (db.isOpen && db.isTransaction) this.drop();
    } catch {}
  }

  /**
   * The error to throw for a database failure: a 503 (logged once per cause), or the error itself.
   * A failed write (`write`) is a fault that reads, which may still work, do not end.
   */
  private failure(error: unknown, write = false): unknown {
    if (isBusy(error)) {
      this.faults.down('is locked by another process', {}, write);
      return unavailable('SQLite', error, 'is locked by another process');
    }
    if (!isUnavailable(error)) return error;
    const code = primaryCode(error);
    if (code === undefined || REOPEN_CODES.has(code)) this.drop();
    const message = error instanceof Error ? error.message : String(error);
    this.faults.down(`failed: ${message}`, code === undefined ? {} : { errcode: code }, write);
    return unavailable('SQLite', error);
  }

  private memberships(): boolean {
    for (const t of this.types.values()) if (t.referenceAttribute !== undefined) return true;
    return false;
  }

  async open(types: readonly ResourceTypeStorage[]): Promise<void> {
    for (const t of types) this.types.set(t.name, t);
    await this.run(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.drop();
  }

  async ping(): Promise<void> {
    await this.run((db) => this.stmt(db, 'SELECT 1').get(), 'check');
  }

  async create(tenant: string, resourceType: string, input: CreateInput): Promise<StoredResource> {
    const storage = this.types.get(resourceType);
    const data = storedData(input.data, storage);
    const id = randomUUID();
    const at = now();
    return this.write((db) => {
      this.stmt(
        db,
        `INSERT INTO resources (tenant, resource_type, id, version, created, last_modified, data, search)
         VALUES (?, ?, ?, 1, ?, ?, ?, ?)`,
      ).run(tenant, resourceType, id, at, at, JSON.stringify(data), JSON.stringify(searchDocument(data)));
      this.claim(db, tenant, resourceType, id, input.unique);
      this.indexValues(db, tenant, resourceType, id, data, false);
      if (input.members !== undefined && input.members.length > 0) {
        this.addMembers(db, tenant, id, distinct(input.members), input.memberDisplay, input.unknownMembers);
      }
      this.record(db, tenant, resourceType, id, 1, at, input.change);
      return {
        id,
        resourceType,
        version: 1,
        created: at,
        lastModified: at,
        data,
      };
    });
  }

  async get(
    tenant: string,
    resourceType: string,
    id: string,
    options?: { readonly members?: boolean },
  ): Promise<StoredResource | undefined> {
    return this.run((db) => {
      const row = this.stmt(
        db,
        `SELECT id, resource_type, version, created, last_modified, data FROM resources
           WHERE tenant = ? AND id = ? AND resource_type = ?`,
      ).get(tenant, id, resourceType) as ResourceRow | undefined;
      if (row === undefined) return undefined;
      return toResource(
        row,
        options?.members === true ? (this.membersOf(db, tenant, [id]).get(id) ?? []) : undefined,
      );
    });
  }

  async update(
    tenant: string,
    resourceType: string,
    id: string,
    input: UpdateInput,
  ): Promise<StoredResource> {
    const storage = this.types.get(resourceType);
    const membersOnly = input.membersOnly === true;
    const given = storedData(input.data, storage);
    const at = now();
    return this.write((db) => {
      const current = this.stmt(
        db,
        'SELECT version, created, data FROM resources WHERE tenant = ? AND id = ? AND resource_type = ?',
      ).get(tenant, id, resourceType) as { version: number; created: string; data: string } | undefined;
      if (current === undefined) throw missing(resourceType, id);
      if (input.ifVersion !== undefined && current.version !== input.ifVersion) {
        throw stale(resourceType, id, input.ifVersion);
      }
      const version = current.version + 1;
      const data = membersOnly ? (JSON.parse(current.data) as Record<string, unknown>) : given;
      if (membersOnly) {
        this.stmt(db, 'UPDATE resources SET version = ?, last_modified = ? WHERE tenant = ? AND id = ?').run(
          version,
          at,
          tenant,
          id,
        );
      } else {
        this.stmt(
          db,
          `UPDATE resources SET version = ?, last_modified = ?, data = ?, search = ?
           WHERE tenant = ? AND id = ?`,
        ).run(version, at, JSON.stringify(data), JSON.stringify(searchDocument(data)), tenant, id);
        this.reclaim(db, tenant, resourceType, id, input.unique);
        this.indexValues(db, tenant, resourceType, id, data, true);
      }
      const delta = input.members;
      if (delta !== undefined) {
        if (delta.removeAll === true) {
          this.stmt(db, 'DELETE FROM members WHERE tenant = ? AND group_id = ?').run(tenant, id);
        } else if (delta.removed.length > 0) {
          const del = this.stmt(
            db,
            'DELETE FROM members WHERE tenant = ? AND group_id = ? AND member_id = ?',
          );
          for (const m of distinct(delta.removed)) del.run(tenant, id, m);
        }
        if (delta.added.length > 0) {
          this.addMembers(db, tenant, id, distinct(delta.added), delta.display, delta.unknown);
        }
      }
      this.record(db, tenant, resourceType, id, version, at, input.change);
      return { id, resourceType, version, created: current.created, lastModified: at, data };
    });
  }

  async delete(
    tenant: string,
    resourceType: string,
    id: string,
    input: { readonly ifVersion?: number; readonly change: ChangeRecord },
  ): Promise<void> {
    const at = now();
    await this.write((db) => {
      const current = this.stmt(
        db,
        'SELECT version FROM resources WHERE tenant = ? AND id = ? AND resource_type = ?',
      ).get(tenant, id, resourceType) as { version: number } | undefined;
      if (current === undefined) throw missing(resourceType, id);
      if (input.ifVersion !== undefined && current.version !== input.ifVersion) {
        throw stale(resourceType, id, input.ifVersion);
      }
      // Memberships (both ways), unique values and indexed values go with the row (ON DELETE CASCADE).
      this.stmt(db, 'DELETE FROM resources WHERE tenant = ? AND id = ?').run(tenant, id);
      this.record(db, tenant, resourceType, id, 0, at, input.change);
    });
  }

  async list(tenant: string, query: ListQuery): Promise<ListPage> {
    const storage = this.types.get(query.resourceType);
    const params = new Params(false);
    const t = params.text(tenant);
    const rt = params.text(query.resourceType);
    const compiler = new SqlCompiler(sqliteDialect, params, {
      reference: storage?.referenceAttribute,
      memberships: this.memberships(),
      tenant: t,
      resourceType: rt,
    });
    const condition = query.filter === undefined ? '' : ` AND ${compiler.filter(query.filter)}`;
    // A list of ids: `+` keeps the planner off the type index, so that the (tenant, id) key looks
    // each one up instead of scanning every row of the type.
    const where = `r.tenant = ${t} AND ${compiler.byIds ? '+' : ''}r.resource_type = ${rt}${condition}`;
    const order = compiler.sort(query.sort);
    const { offset, limit } = paging(query);
    const countValues = [...params.values] as SQLInputValue[];
    const limitParam = params.count(limit);
    const offsetParam = params.count(offset);
    return this.run((db) => {
      const values = params.values as SQLInputValue[];
      // Unfiltered: the trigger-kept count (migration 4) instead of counting every row.
      const count = (
        query.filter === undefined
          ? (this.stmt(db, 'SELECT n FROM resource_counts WHERE tenant = ? AND resource_type = ?').get(
              tenant,
              query.resourceType,
            ) ?? { n: 0 })
          : this.stmt(db, `SELECT COUNT(*) AS n FROM resources AS r WHERE ${where}`).get(...countValues)
      ) as { n: number };
      if (limit === 0 || offset >= count.n) return { totalResults: count.n, resources: [] };
      const rows = this.stmt(
        db,
        `SELECT r.id, r.resource_type, r.version, r.created, r.last_modified, r.data FROM resources AS r
           WHERE ${where} ORDER BY ${order} LIMIT ${limitParam} OFFSET ${offsetParam}`,
      ).all(...values) as unknown as ResourceRow[];
      const members =
        query.members === true && storage?.referenceAttribute !== undefined
          ? this.membersOf(
              db,
              tenant,
              rows.map((r) => r.id),
            )
          : undefined;
      return {
        totalResults: count.n,
        resources: rows.map((r) =>
          toResource(r, members === undefined ? undefined : (members.get(r.id) ?? [])),
        ),
      };
    });
  }

  async memberOf(tenant: string, id: string): Promise<readonly StoredMember[]> {
    return this.run((db) => {
      const rows = this.stmt(
        db,
        `SELECT g.id AS member_id, g.resource_type AS resource_type,
                  COALESCE(json_extract(g.data, '$.displayName'), json_extract(g.data, '$.userName')) AS display
           FROM members AS m JOIN resources AS g ON g.tenant = m.tenant AND g.id = m.group_id
           WHERE m.tenant = ? AND m.member_id = ? ORDER BY g.seq`,
      ).all(tenant, id) as unknown as MemberRow[];
      return rows.map(toMember);
    });
  }

  async changes(
    tenant: string,
    options?: { readonly after?: string | undefined; readonly limit?: number },
  ): Promise<readonly ChangeEvent[]> {
    const after = cursorOf(options?.after);
    const limit = Math.max(1, Math.min(10_000, Math.floor(options?.limit ?? 1000)));
    return this.run((db) => {
      const rows = this.stmt(
        db,
        `SELECT cursor, tenant, type, resource_type, id, version, at, detail FROM changes
           WHERE tenant = ? AND cursor > ? ORDER BY cursor LIMIT ?`,
      ).all(tenant, after, limit) as unknown as ChangeRow[];
      return rows.map(toChange);
    });
  }

  private claim(
    db: DatabaseSync,
    tenant: string,
    resourceType: string,
    id: string,
    keys: readonly UniqueKey[],
  ): void {
    const insert = this.stmt(
      db,
      'INSERT INTO uniques (tenant, resource_type, attribute, value, id) VALUES (?, ?, ?, ?, ?)',
    );
    for (const key of sortedKeys(keys)) {
      try {
        insert.run(tenant, resourceType, key.attribute, key.value, id);
      } catch (error) {
        if (
          isConstraint(error, SQLITE_CONSTRAINT_PRIMARYKEY) ||
          isConstraint(error, SQLITE_CONSTRAINT_UNIQUE)
        ) {
          throw taken(resourceType, key);
        }
        throw error;
      }
    }
  }

  /** Replaces the row's unique values, unless they are the ones it holds (most updates). */
  private reclaim(
    db: DatabaseSync,
    tenant: string,
    resourceType: string,
    id: string,
    keys: readonly UniqueKey[],
  ): void {
    const held = this.stmt(db, 'SELECT attribute, value FROM uniques WHERE tenant = ? AND id = ?').all(
      tenant,
      id,
    ) as unknown as { attribute: string; value: string }[];
    const wanted = sortedKeys(keys);
    if (
      sameSet(
        held.map((k) => [k.attribute, k.value]),
        wanted.map((k) => [k.attribute, k.value]),
      )
    ) {
      return;
    }
    this.stmt(db, 'DELETE FROM uniques WHERE tenant = ? AND id = ?').run(tenant, id);
    this.claim(db, tenant, resourceType, id, keys);
  }

  private indexValues(
    db: DatabaseSync,
    tenant: string,
    resourceType: string,
    id: string,
    data: Readonly<Record<string, unknown>>,
    replace: boolean,
  ): void {
    const values = indexedValues(data);
    if (replace) {
      const held = this.stmt(
        db,
        'SELECT attribute, value FROM resource_values WHERE tenant = ? AND id = ?',
      ).all(tenant, id) as unknown as { attribute: string; value: string }[];
      // Unchanged (most updates): no write, so the index pages stay clean.
      if (
        sameSet(
          held.map((v) => [v.attribute, v.value]),
          values,
        )
      ) {
        return;
      }
      this.stmt(db, 'DELETE FROM resource_values WHERE tenant = ? AND id = ?').run(tenant, id);
    }
    if (values.length === 0) return;
    const insert = this.stmt(
      db,
      'INSERT INTO resource_values (tenant, resource_type, attribute, value, id) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [attribute, value] of values) insert.run(tenant, resourceType, attribute, value, id);
  }

  private addMembers(
    db: DatabaseSync,
    tenant: string,
    groupId: string,
    all: readonly string[],
    labels: Readonly<Record<string, string>> | undefined,
    mode: 'reject' | 'skip' | undefined,
  ): void {
    const unknown: string[] = [];
    const ids = [...all];
    for (const chunk of chunks(ids, MEMBER_CHUNK)) {
      const found = new Set(
        (
          this.stmt(
            db,
            `SELECT id FROM resources WHERE tenant = ? AND id IN (${chunk.map(() => '?').join(', ')})`,
          ).all(tenant, ...chunk) as { id: string }[]
        ).map((r) => r.id),
      );
      for (const m of chunk) if (!found.has(m)) unknown.push(m);
    }
    if (unknown.length > 0 && mode !== 'skip') throw unknownMembers(unknown);
    const skip = new Set(unknown);
    // A present member keeps its row and its label (OR IGNORE): `display` is immutable.
    const insert = this.stmt(
      db,
      'INSERT OR IGNORE INTO members (tenant, group_id, member_id, display, display_search) VALUES (?, ?, ?, ?, ?)',
    );
    try {
      for (const m of ids) {
        if (skip.has(m)) continue;
        const label = labelOf(labels, m);
        insert.run(tenant, groupId, m, label, labelSearch(label));
      }
    } catch (error) {
      if (isConstraint(error, SQLITE_CONSTRAINT_FOREIGNKEY)) throw unknownMembers(ids);
      throw error;
    }
  }

  private membersOf(
    db: DatabaseSync,
    tenant: string,
    groupIds: readonly string[],
  ): Map<string, StoredMember[]> {
    const out = new Map<string, StoredMember[]>();
    for (const chunk of chunks(groupIds, MEMBER_CHUNK)) {
      const rows = this.stmt(
        db,
        `SELECT m.group_id, m.member_id, r.resource_type,
                  COALESCE(m.display, json_extract(r.data, '$.displayName'), json_extract(r.data, '$.userName')) AS display
           FROM members AS m LEFT JOIN resources AS r ON r.tenant = m.tenant AND r.id = m.member_id
           WHERE m.tenant = ? AND m.group_id IN (${chunk.map(() => '?').join(', ')})
           ORDER BY m.rowid`,
      ).all(tenant, ...chunk) as unknown as (MemberRow & { group_id: string })[];
      for (const row of rows) {
        let list = out.get(row.group_id);
        if (list === undefined) {
          list = [];
          out.set(row.group_id, list);
        }
        list.push(toMember(row));
      }
    }
    return out;
  }

  private record(
    db: DatabaseSync,
    tenant: string,
    resourceType: string,
    id: string,
    version: number,
    at: string,
    change: ChangeRecord,
  ): void {
    this.stmt(
      db,
      `INSERT INTO changes (tenant, type, resource_type, id, version, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(tenant, change.type, resourceType, id, version, at, changeDetail(change));
  }
}

/** Whether two lists of distinct `[attribute, value]` pairs hold the same pairs, in any order. */
function sameSet(
  a: readonly (readonly [string, string])[],
  b: readonly (readonly [string, string])[],
): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(([x, y]) => `${x}\u0000${y}`));
  return keys.size === a.length && b.every(([x, y]) => keys.has(`${x}\u0000${y}`));
}

/** The schema version the database records (0 for a new database). */
function schemaVersion(db: DatabaseSync): number {
  const table = db
    .prepare("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'scim_migrations'")
    .get();
  if (table === undefined) return 0;
  return (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM scim_migrations').get() as { v: number }).v;
}

/**
 * Applies the migrations the database lacks, in one `BEGIN IMMEDIATE` transaction. An up-to-date
 * database is only read, so a file that is read-only for the moment still opens (reads work; writes
 * answer 503 until it is writable, and the store then opens it anew).
 */
function migrate(db: DatabaseSync): void {
  if (schemaVersion(db) >= sqliteMigrations.length) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS scim_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    for (let v = schemaVersion(db); v < sqliteMigrations.length; v++) {
      const migration = sqliteMigrations[v];
      if (typeof migration === 'function') migration(db);
      else db.exec(migration as string);
      db.prepare('INSERT INTO scim_migrations (version, applied_at) VALUES (?, ?)').run(v + 1, now());
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

class SqliteTokens implements TokenStore {
  private readonly store: SqliteScimStore;
  constructor(store: SqliteScimStore) {
    this.store = store;
  }

  async insert(record: TokenRecord): Promise<void> {
    await this.store.write((db) => {
      try {
        this.insertRow(db, record);
      } catch (error) {
        if (
          isConstraint(error, SQLITE_CONSTRAINT_PRIMARYKEY) ||
          isConstraint(error, SQLITE_CONSTRAINT_UNIQUE)
        ) {
          throw new ScimError('conflict', `a token with id ${record.id} (or the same hash) already exists`);
        }
        throw error;
      }
    });
  }

  private insertRow(db: DatabaseSync, record: TokenRecord): void {
    this.store
      .stmt(
        db,
        `INSERT INTO tokens (id, tenant, hash, label, created, expires, revoked, last_used)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.tenant,
        record.hash,
        record.label ?? null,
        record.created,
        record.expires ?? null,
        record.revoked ?? null,
        record.lastUsed ?? null,
      );
  }

  async findByHash(hash: string): Promise<TokenRecord | undefined> {
    return this.store.run((db) => {
      const row = this.store.stmt(db, 'SELECT * FROM tokens WHERE hash = ?').get(hash) as
        | TokenRow
        | undefined;
      return row === undefined ? undefined : toToken(row);
    });
  }

  async list(tenant: string): Promise<readonly TokenRecord[]> {
    return this.store.run((db) =>
      (
        this.store
          .stmt(db, 'SELECT * FROM tokens WHERE tenant = ? ORDER BY created, id')
          .all(tenant) as unknown as TokenRow[]
      ).map(toToken),
    );
  }

  async update(
    tenant: string,
    id: string,
    patch: { readonly revoked?: string; readonly expires?: string; readonly lastUsed?: string },
  ): Promise<boolean> {
    return this.store.write((db) => {
      const r = this.store
        .stmt(
          db,
          `UPDATE tokens SET revoked = COALESCE(?, revoked), expires = COALESCE(?, expires),
             last_used = COALESCE(?, last_used) WHERE tenant = ? AND id = ?`,
        )
        .run(patch.revoked ?? null, patch.expires ?? null, patch.lastUsed ?? null, tenant, id);
      return Number(r.changes) > 0;
    });
  }
}

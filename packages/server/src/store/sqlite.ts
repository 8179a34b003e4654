import { randomUUID } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { isScimError, ScimError } from '@scim/schemas';
import { overBudget, queryBudget } from './budget.ts';
import { FaultLog, type StoreLogger } from './fault-log.ts';
import { indexedValues } from './sql/indexed.ts';
import { climbedRows, versionOf } from './sql/ladder.ts';
import { countTail, repairLadder } from './sql/ladder-repair.ts';
import { PageMarks } from './sql/page-marks.ts';
import type { MigrationReport, UnreservedKey } from './sql/refold.ts';
import {
  type ChangeRow,
  changeDetail,
  cursorOf,
  distinct,
  keysetPage,
  labelOf,
  labelSearch,
  type MemberRow,
  missing,
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
import { sqliteMovedKeys } from './sql/sort-indexes.ts';
import { sqliteMigrations } from './sql/sqlite-schema.ts';
import { chunks, now, searchDocument } from './sql/values.ts';
import { SqliteCheckpointer } from './sqlite-checkpointer.ts';
import {
  DatabaseFile,
  damaged,
  databaseContents,
  type FileProblem,
  foreign,
  refusal,
} from './sqlite-file.ts';
import { QueryBudgetExceeded, QueryClock, registerFunctions } from './sqlite-functions.ts';
import {
  LIST_VERSION,
  type ListContext,
  type ListPlan,
  ladderTarget,
  listPlan,
  pageRows,
} from './sqlite-list.ts';
import { type Placement, placementOf } from './sqlite-plan.ts';
import {
  type GroupMemberRow,
  jobStatements,
  MEMBER_OF_SQL,
  RESOURCE_SQL,
  RESOURCE_WITH_GROUPS_SQL,
  type ReadJob,
  type ReadRows,
  readWithGroups,
  runRead,
} from './sqlite-read.ts';
import { ReaderError, SqliteReaders } from './sqlite-readers.ts';
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
 * import { bearerTokens, createLogger, createScimHandler, type SqliteStoreOptions, sqliteStore } from '@scim/server';
 * const options: SqliteStoreOptions = { path: './data/scim.db', busyTimeoutMs: 5000, logger: createLogger() };
 * const store = sqliteStore(options);
 * const handler = createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }) });
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
  /**
   * How long one list query (its count, its page, its members) may run, in milliseconds (default
   * 200; `0`: no limit). A query that needs longer is stopped and answered 400 `tooMany` (RFC 7644
   * section 3.12), saying to narrow the filter. Lookups (`id`, `userName eq`, ...) never come near it.
   */
  readonly queryTimeoutMs?: number;
  /**
   * How many reader threads run the queries that may read many rows (filters without an index,
   * sorts, deep pages), each on its own read-only connection, so that they never hold up the event
   * loop (default 2; `0`: every query on the event loop). Lookups by a key run on the event loop,
   * where they cost less. A database in memory (`':memory:'`) has no readers: another connection
   * could not see it.
   */
  readonly readers?: number;
  /**
   * How long a reader thread may go without a query before it ends, in milliseconds (default
   * 10,000; `0`: readers never end). An ended reader gives back its thread, its JavaScript heap
   * and its connection's page cache (some 15 to 20 MB each); the next query that needs a reader
   * starts one again, which costs that query about 40 ms of CPU once (the thread, its module, the
   * connection). A server under steady load keeps its readers.
   */
  readonly readerIdleTimeoutMs?: number;
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
  /** Always present on SQLite: see {@link ScimStore.createMany}. */
  createMany: NonNullable<ScimStore['createMany']>;
  /**
   * Refreshes the planner's statistics of the database (`ANALYZE`, in `sqlite_stat1`): after a
   * large import, so that queries plan for the data now there. `scim-server import` and
   * `scim-server migrate` run it.
   *
   * @example
   * ```ts
   * await store.createMany('default', 'User', inputs);
   * await store.analyze();
   * ```
   * @returns once the statistics are written
   * @throws ScimError `unavailable` (503) when the database cannot be opened or stays locked
   * @see https://sqlite.org/lang_analyze.html
   */
  analyze(): Promise<void>;
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
/** Reader threads (the `readers` default). */
const DEFAULT_READERS = 2;
/** How long a reader thread may be idle before it ends (the `readerIdleTimeoutMs` default). */
const DEFAULT_READER_IDLE_MS = 10_000;
/**
 * How long a read that looks like a lookup may work on the event loop (CPU time of the thread,
 * where Node tells it): past it, it stops and runs again on a reader thread, and reads of its SQL
 * text go there from then on (but for one in {@link REPROBE_EVERY}, which tries the event loop
 * again).
 */
const INLINE_SLICE_MS = 10;
/** How often a read moved to the readers tries the event loop again (its data may have shrunk). */
const REPROBE_EVERY = 64;
/**
 * SQL longer than this (a filter of many terms) runs on a reader without asking SQLite for its
 * plan: preparing it takes milliseconds, which the event loop would wait for.
 */
const PLAN_SQL_LENGTH = 16_384;
/** How many rows an unfiltered page may read in index order (offset + count) and stay a lookup. */
const INLINE_WALK_ROWS = 500;
/**
 * SQLite's automatic checkpoint when the store checkpoints on the event loop (no checkpoint
 * thread: a database in memory has no log, or threads cannot start here): every 4,000 pages (16 MB
 * at 4 KiB) instead of 1,000, a quarter of the checkpoints (each an fsync and a copy of the hot
 * pages) under a steady write load. Every commit is in the WAL as before: durability is the same.
 */
const INLINE_CHECKPOINT_PAGES = 4000;
/**
 * SQLite's automatic checkpoint when a thread checkpoints (`sqlite-checkpointer.ts`): a bound the
 * thread keeps the log far below. If the thread falls behind or stalls, the commit that takes the
 * log past it checkpoints on the event loop, and the log stays within about 64 MB (at 4 KiB a page).
 */
const WAL_LIMIT_PAGES = 16_000;
/** The size SQLite truncates the `-wal` back to when it starts the log anew (32 MB). */
const WAL_FILE_LIMIT_BYTES = 32 * 1024 * 1024;
/** How long after a write the checkpoint thread copies the log into the file. */
const CHECKPOINT_DELAY_MS = 1000;

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

/**
 * SQLite result codes meaning "not usable right now": busy, locked, no memory, read-only, I/O,
 * corrupt (a file truncated or overwritten in place), full, cannot open, protocol, not a database.
 */
const UNAVAILABLE_CODES = new Set([5, 6, 7, 8, 10, 11, 13, 14, 15, 26]);
/** Busy and locked: another connection holds the lock; worth another try soon. */
const BUSY_CODES = new Set([5, 6]);
/**
 * Read-only, I/O error, corrupt, full, cannot open, protocol, not a database: the handle is not to
 * be trusted any more (it may have been opened read-only, or its files changed); open it anew.
 */
const REOPEN_CODES = new Set([8, 10, 11, 13, 14, 15, 26]);

/** Corrupt and not a database: the file was truncated or overwritten in place. */
const DAMAGED_CODES = new Set([11, 26]);

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
  /** What the store's opening migrated (the last time it applied something, else its first open). */
  migration: MigrationReport | undefined;
  /** Whether the file was opened once: from then on a missing file is a lost database, not a new one. */
  private opened = false;
  /** When a read last checked the file's identity (`performance.now()`). */
  private checkedAt = Number.NEGATIVE_INFINITY;
  private types = new Map<string, ResourceTypeStorage>();
  /** Prepared statements of the open handle, by SQL text (`prepare` costs more than running one). */
  private statements = new Map<string, StatementSync>();
  /** A list query's time budget (`queryTimeoutMs`; `Infinity`: none). */
  private readonly budgetMs: number;
  /** The deadline `scim_budget()` reads on the handle. */
  private readonly clock = new QueryClock();
  /** The reader threads; `undefined` for a database in memory or `readers: 0`. */
  private readonly readers: SqliteReaders | undefined;
  private readonly logger: StoreLogger | undefined;
  /** Counts the handles opened: a reader reopens its connection when it changes. */
  private generation = 0;
  /** Where each read runs, by its SQL text (see {@link route}). */
  private routes = new Map<string, Route>();
  /**
   * The same for reads that walk at most {@link INLINE_WALK_ROWS} rows in order, whose plan may
   * differ: by the same text, so that the text is hashed once a read (the statement cache's
   * lookup reuses its hash), not also as a copy with a suffix.
   */
  private walkRoutes = new Map<string, Route>();
  /** Where `startIndex` pages of recent lists start (see `sql/page-marks.ts`). */
  private readonly marks = new PageMarks();
  /** The checkpoint thread; `undefined` for a database in memory. */
  private readonly checkpointer: SqliteCheckpointer | undefined;
  /** SQLite's automatic checkpoint while the thread runs (see {@link WAL_LIMIT_PAGES}; tests lower it). */
  private walLimitPages = WAL_LIMIT_PAGES;

  constructor(options: SqliteStoreOptions) {
    this.file = DatabaseFile.of(options.path);
    // A URI stays a URI (its parameters count); a file name is opened by its absolute path.
    this.path = options.path.startsWith('file:') ? options.path : (this.file?.path ?? options.path);
    this.busyTimeoutMs = Math.max(0, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    this.budgetMs = queryBudget(options.queryTimeoutMs, 'sqliteStore');
    this.faults = new FaultLog('SQLite', options.logger);
    this.logger = options.logger;
    this.tokens = new SqliteTokens(this);
    const readers = Math.max(0, Math.floor(options.readers ?? DEFAULT_READERS));
    this.readers =
      this.file === undefined || readers === 0
        ? undefined
        : new SqliteReaders({
            path: readerPath(this.path, this.file),
            size: readers,
            waitMs: this.busyTimeoutMs,
            busySliceMs: BUSY_SLICE_MS,
            idleMs: Math.max(0, options.readerIdleTimeoutMs ?? DEFAULT_READER_IDLE_MS),
          });
    this.checkpointer = this.file === undefined ? undefined : this.checkpoints(this.file, options);
  }

  /** The checkpoint thread of a database file (it ends when idle, as readers do). */
  private checkpoints(file: DatabaseFile, options: SqliteStoreOptions): SqliteCheckpointer {
    return new SqliteCheckpointer({
      path: this.path,
      file: file.path,
      busySliceMs: BUSY_SLICE_MS,
      delayMs: CHECKPOINT_DELAY_MS,
      idleMs: Math.max(0, options.readerIdleTimeoutMs ?? DEFAULT_READER_IDLE_MS),
      identity: () => (this.db?.isOpen === true ? file.identity() : undefined),
      unusable: (cause) => {
        this.logger?.error(
          { store: 'SQLite', cause: String(cause) },
          'the SQLite checkpoint thread cannot start here: checkpoints run on the event loop',
        );
        try {
          if (this.db?.isOpen === true)
            this.db.exec(`PRAGMA wal_autocheckpoint = ${INLINE_CHECKPOINT_PAGES}`);
        } catch {}
      },
    });
  }

  /** SQLite's automatic checkpoint for a new handle: a bound when a thread checkpoints, else the usual. */
  private autocheckpointPages(): number {
    return this.checkpointer?.usable === true ? this.walLimitPages : INLINE_CHECKPOINT_PAGES;
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
      this.checkContents(db);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      // A thread copies the WAL into the file (issue 14: 22 to 30 ms on the event loop otherwise);
      // SQLite's own checkpoint stays as a bound (see WAL_LIMIT_PAGES, INLINE_CHECKPOINT_PAGES).
      db.exec(`PRAGMA wal_autocheckpoint = ${this.autocheckpointPages()}`);
      // When the log starts anew after it grew past 32 MB (the thread fell behind, a burst of
      // writes that let no timer run), SQLite truncates the `-wal` back to 32 MB, so that a burst
      // does not keep the 64 MB the bound allows on disk.
      db.exec(`PRAGMA journal_size_limit = ${WAL_FILE_LIMIT_BYTES}`);
      db.exec('PRAGMA foreign_keys = ON');
      // A write's statement journal (the pages one statement changed, kept to undo that statement
      // alone) stays in memory: a create changes some 20 pages, past the 64 KiB after which SQLite
      // moves the journal to a temporary file (an open, 80 KB of writes and an unlink per create).
      // Not a durability setting: the journal is discarded when the statement ends.
      db.exec('PRAGMA temp_store = MEMORY');
      registerFunctions(db, this.clock);
      const migrated = migrate(db);
      if (this.migration === undefined || migrated.from < migrated.to) this.migration = migrated;
    } catch (error) {
      try {
        db?.close();
      } catch {}
      throw error;
    }
    this.db = db;
    this.statements = new Map();
    this.routes = new Map();
    this.walkRoutes = new Map();
    this.generation++;
    this.opened = true;
    file?.remember();
    this.checkedAt = performance.now();
    return db;
  }

  /**
   * Refuses a file that is not this store's to set up, before any pragma writes to it: another
   * application's SQLite database (tables, no `scim_migrations`) is never migrated, not even the
   * first time; and once this store opened its SCIM database, an empty one put at the path (a
   * 0-byte file after an `rm`) is not turned into a new, empty SCIM database, which would hide the
   * loss of every resource and token. Both answer 503, logged once, until the file is fixed.
   */
  private checkContents(db: DatabaseSync): void {
    const found = databaseContents(db);
    if (found === 'scim' || (found === 'empty' && (!this.opened || this.file === undefined))) return;
    const path = this.file?.path ?? this.path;
    this.faults.down(found === 'empty' ? damaged(path) : foreign(path));
    throw refusal(found, path);
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

  /**
   * The prepared statement for `sql` on `db`, from the cache (bounded; oldest dropped first).
   * Preparing does not count against a running read's budget (see `QueryClock.excluding`).
   */
  stmt(db: DatabaseSync, sql: string): StatementSync {
    if (db !== this.db) return db.prepare(sql);
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.clock.excluding(() => db.prepare(sql));
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
  run<T>(fn: (db: DatabaseSync) => T, mode: Mode = 'read'): Promise<T> {
    // A write begins once the checkpoint thread has copied the log's last commits, if it is doing
    // so (a few milliseconds now and then, asynchronously): then it starts the log anew.
    const held = mode === 'write' ? this.checkpointer?.held : undefined;
    if (held !== undefined) return held.then(() => this.retry(() => this.attempt(fn, mode), mode));
    return this.retry(() => this.attempt(fn, mode), mode);
  }

  /** The loop of {@link run}: `once` is one try (on the event loop, or on a reader thread). */
  private async retry<T>(once: () => T | Promise<T>, mode: Mode): Promise<T> {
    const deadline = performance.now() + this.busyTimeoutMs;
    let reopened = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const out = await once();
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

  /** The handle, once the file was checked (always for `check` and `write`; at most once a second for `read`). */
  private ready(mode: Mode): DatabaseSync {
    let db = this.handle();
    if (mode !== 'read' || performance.now() - this.checkedAt >= READ_CHECK_MS) {
      if (this.checkFile(db)) db = this.handle();
    }
    return db;
  }

  /** One try of {@link run}, synchronous: no other request runs in between. */
  private attempt<T>(fn: (db: DatabaseSync) => T, mode: Mode): T {
    const db = this.ready(mode);
    if (mode !== 'write') return fn(db);
    this.stmt(db, 'BEGIN IMMEDIATE').run();
    try {
      const out = fn(db);
      this.stmt(db, 'COMMIT').run();
      this.checkpointer?.wrote();
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
    // Corrupt, not a database: the file changed under the handle; one cause, however it shows.
    const cause =
      code !== undefined && DAMAGED_CODES.has(code) ? damaged(this.file?.path ?? this.path) : undefined;
    this.faults.down(
      cause ?? `failed: ${message}`,
      code === undefined ? {} : { errcode: code, error: message },
      write,
    );
    return unavailable('SQLite', error);
  }

  /**
   * Runs a read job where it costs the event loop least: a lookup (see `placementOf`) on the
   * handle, within {@link INLINE_SLICE_MS} of CPU time when there are readers (past it, it moves
   * to a reader, and so do later reads of its SQL text: see {@link route}); anything else on a
   * reader thread. Either way it stops once it has run `budgetMs` (wall-clock time) in all: 400
   * `tooMany`. Without readers, every job runs on the handle within `budgetMs`. Busy and
   * unavailable databases are handled as {@link run} does.
   */
  private read(job: ReadJob, budgetMs: number, resourceType: string): Promise<ReadRows> {
    const started = performance.now();
    const left = () => budgetMs - (performance.now() - started);
    return this.retry(async () => {
      const db = this.ready('read');
      const readers = this.readers?.usable === true ? this.readers : undefined;
      if (readers === undefined) return this.inline(db, job, left(), budgetMs, resourceType);
      const route = this.route(db, job);
      if (inlineNow(route)) {
        try {
          const rows = this.inline(db, job, Math.min(INLINE_SLICE_MS, left()), budgetMs, resourceType, true);
          route.moved = false;
          return rows;
        } catch (error) {
          if (!(error instanceof QueryBudgetExceeded)) throw error;
          route.moved = true;
          route.runs = 0;
        }
      }
      try {
        return await readers.run(job, Math.max(0, left()), this.generation);
      } catch (error) {
        if (!(error instanceof ReaderError)) throw error;
        const failure = error.failure;
        if (failure.kind === 'budget') throw overBudget(resourceType, budgetMs, error);
        if (failure.kind === 'busy') {
          throw unavailable('SQLite', error, 'is busy with other long queries');
        }
        if (failure.kind === 'stopped') throw unavailable('SQLite', error);
        this.logger?.error(
          { store: 'SQLite', cause: String(failure.cause) },
          'SQLite reader threads cannot start here: every query runs on the event loop',
        );
        return this.inline(this.ready('read'), job, left(), budgetMs, resourceType);
      }
    }, 'read');
  }

  /**
   * Runs a job on the handle within `sliceMs`. Out of time: `tooMany`, unless `movable` (a slice
   * of CPU time before a reader takes the job; the caller then moves it there).
   */
  private inline(
    db: DatabaseSync,
    job: ReadJob,
    sliceMs: number,
    budgetMs: number,
    resourceType: string,
    movable = false,
  ): ReadRows {
    try {
      return this.clock.within(sliceMs, () => runRead((sql) => this.stmt(db, sql), job), movable);
    } catch (error) {
      if (error instanceof QueryBudgetExceeded && !(movable && sliceMs < budgetMs)) {
        throw overBudget(resourceType, budgetMs, error);
      }
      throw error;
    }
  }

  /**
   * Where a job runs: from its plan, read once per SQL text (see `placementOf`), and whether a read
   * of that text ran past its slice on the event loop. Counts the runs of a moved read.
   */
  private route(db: DatabaseSync, job: ReadJob): Route {
    const walks = job.kind === 'list' && job.walk !== undefined && job.walk <= INLINE_WALK_ROWS;
    const routes = walks ? this.walkRoutes : this.routes;
    const key = job.kind === 'get' ? 'get' : job.page.sql;
    let route = routes.get(key);
    if (route === undefined) {
      let plan: Placement = 'inline';
      if (
        job.kind === 'list' &&
        (job.page.sql.length > PLAN_SQL_LENGTH || job.count.sql.length > PLAN_SQL_LENGTH)
      ) {
        // A filter of hundreds of terms is no lookup; planning it here would hold the event loop.
        plan = 'reader';
      } else if (job.kind === 'list') {
        const plans = jobStatements(job).map((s) =>
          (db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all() as { detail: string }[]).map((r) => r.detail),
        );
        plan = placementOf(plans, walks);
      }
      route = { plan, moved: false, runs: 0 };
      if (routes.size >= STATEMENT_CACHE) {
        const oldest = routes.keys().next().value;
        if (oldest !== undefined) routes.delete(oldest);
      }
      routes.set(key, route);
    }
    route.runs++;
    return route;
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
    // The thread first (after the checkpoint it runs, if any): the handle, closed last, checkpoints
    // what is left and deletes the log, as SQLite does when the last connection to a file closes.
    await this.checkpointer?.close();
    this.drop();
    await this.readers?.close();
  }

  async analyze(): Promise<void> {
    await this.write((db) => db.exec('ANALYZE'));
  }

  async ping(): Promise<void> {
    // A read of the file, not `SELECT 1`: a file truncated or overwritten in place fails it.
    await this.run((db) => this.stmt(db, 'SELECT MAX(version) AS v FROM scim_migrations').get(), 'check');
  }

  async create(tenant: string, resourceType: string, input: CreateInput): Promise<StoredResource> {
    const at = now();
    return this.write((db) => this.insert(db, tenant, resourceType, input, at));
  }

  async createMany(
    tenant: string,
    resourceType: string,
    inputs: readonly CreateInput[],
  ): Promise<readonly StoredResource[]> {
    if (inputs.length === 0) return [];
    const at = now();
    return this.write((db) => {
      // A batch touches index pages all over the file: a page cache of BULK_CACHE_KIB while it
      // runs (fewer page writes and reads back), and the usual one again after.
      const usual = (this.stmt(db, 'PRAGMA cache_size').get() as { cache_size: number }).cache_size;
      db.exec(`PRAGMA cache_size = -${BULK_CACHE_KIB}`);
      try {
        return inputs.map((input) => this.insert(db, tenant, resourceType, input, at));
      } finally {
        db.exec(`PRAGMA cache_size = ${Math.trunc(usual)}`);
      }
    });
  }

  /** One create, inside the caller's transaction. */
  private insert(
    db: DatabaseSync,
    tenant: string,
    resourceType: string,
    input: CreateInput,
    at: string,
  ): StoredResource {
    const data = storedData(input.data, this.types.get(resourceType));
    const id = randomUUID();
    this.stmt(
      db,
      `INSERT INTO resources (tenant, resource_type, id, version, created, last_modified, data, search, rendered)
       VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)`,
    ).run(
      tenant,
      resourceType,
      id,
      at,
      at,
      JSON.stringify(data),
      JSON.stringify(searchDocument(data)),
      input.rendering ?? null,
    );
    this.claim(db, tenant, resourceType, id, input.unique);
    this.indexValues(db, tenant, resourceType, id, data, false);
    if (input.members !== undefined && input.members.length > 0) {
      this.addMembers(db, tenant, id, distinct(input.members), input.memberDisplay, input.unknownMembers);
    }
    this.record(db, tenant, resourceType, id, 1, at, input.change);
    return { id, resourceType, version: 1, created: at, lastModified: at, data };
  }

  async get(
    tenant: string,
    resourceType: string,
    id: string,
    options?: { readonly members?: boolean; readonly groups?: boolean },
  ): Promise<StoredResource | undefined> {
    if (options?.members === true) {
      // A group's members may be many: a read that can move off the event loop (no budget).
      const found = await this.read(
        { kind: 'get', tenant, resourceType, id },
        Number.POSITIVE_INFINITY,
        resourceType,
      );
      const row = found.rows[0];
      return row === undefined ? undefined : toResource(row, byGroup(found.members).get(id) ?? []);
    }
    if (options?.groups === true) return this.run((db) => this.withGroups(db, tenant, resourceType, id));
    return this.run((db) => {
      const row = this.stmt(db, RESOURCE_SQL).get(tenant, id, resourceType) as ResourceRow | undefined;
      return row === undefined ? undefined : toResource(row);
    });
  }

  /**
   * A resource and the groups it is a direct member of (as {@link memberOf} reads them, in the
   * order of the groups' creation), in one statement: one read of the file, not two.
   */
  private withGroups(
    db: DatabaseSync,
    tenant: string,
    resourceType: string,
    id: string,
  ): StoredResource | undefined {
    const row = readWithGroups(this.stmt(db, RESOURCE_WITH_GROUPS_SQL), tenant, id, resourceType);
    if (row === undefined) return undefined;
    // NULL: in no group (see RESOURCE_WITH_GROUPS_SQL).
    const listed = row.groups === null ? [] : (JSON.parse(row.groups) as [string, string, string | null][]);
    const groups = listed.map(([value, type, display]) =>
      toMember({ member_id: value, resource_type: type, display }),
    );
    return toResource(row, undefined, groups);
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
    // The text the write stores, which the read before it compares the row's sort keys with.
    const text = membersOnly ? '' : JSON.stringify(given);
    const search = membersOnly ? '' : JSON.stringify(searchDocument(given));
    // The version the write expects, if any: a stale row is refused before its keys are compared.
    const written = membersOnly ? [at, input.ifVersion ?? null] : [text, search, at, input.ifVersion ?? null];
    return this.write((db) => {
      const current = this.stmt(db, membersOnly ? CURRENT_MEMBERS_ONLY : CURRENT_ROW).get(
        ...written,
        tenant,
        id,
        resourceType,
      ) as { version: number; created: string; data: string; keys_moved: number | null } | undefined;
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
          `UPDATE resources SET version = ?, last_modified = ?, data = ?, search = ?, rendered = ?
           WHERE tenant = ? AND id = ?`,
        ).run(version, at, text, search, input.rendering ?? null, tenant, id);
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
      this.record(db, tenant, resourceType, id, version, at, input.change, current.keys_moved);
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
    const context = { tenant, storage: this.types.get(query.resourceType), memberships: this.memberships() };
    const first = listPlan(context, query, this.marks);
    // Only a page that may climb or that reads from a ladder's list has anything to wait for first.
    let plan =
      first.probe || (first.list !== undefined && first.job.offset > 0)
        ? await this.laddered(context, query, first)
        : first;
    const budgetMs = query.unbudgeted === true ? Number.POSITIVE_INFINITY : this.budgetMs;
    let found = await this.read(plan.job, budgetMs, query.resourceType);
    let rows = pageRows(plan, found.rows, found.total, this.marks);
    if (rows === undefined) {
      // The mark was of other data (a write since): the page at its offset, as without marks.
      plan = listPlan(context, query, this.marks, false);
      found = await this.read(plan.job, budgetMs, query.resourceType);
      rows = found.rows;
    }
    const members = found.members === undefined ? undefined : byGroup(found.members);
    const page = keysetPage(rows, plan.job.limit, plan.keyset);
    const listed: { totalResults: number; resources: StoredResource[]; next?: string } = {
      totalResults: found.total,
      resources: page.rows.map((r) =>
        toResource(r, members === undefined ? undefined : (members.get(r.id) ?? [])),
      ),
    };
    if (page.next !== undefined) listed.next = page.next;
    return listed;
  }

  /**
   * A list page's plan after its list's ladder (see `sql/page-marks.ts`): moved to the data's
   * version when older (`sql/ladder-repair.ts`), or climbed when the page is far from every mark.
   */
  private async laddered(context: ListContext, query: ListQuery, first: ListPlan): Promise<ListPlan> {
    let plan = first;
    const dataVersion = () =>
      this.run((db) => versionOf(this.stmt(db, LIST_VERSION).get(context.tenant) as never));
    let version: number | undefined;
    const held = plan.list === undefined ? undefined : this.marks.ladderVersion(plan.list);
    if (plan.list !== undefined && plan.job.offset > 0 && held !== undefined) {
      // A list with a ladder: when the data is newer, the ladder moves to it first (or goes).
      version = await dataVersion();
      if (held < version) {
        await this.repairLadder(context, query, plan.list);
        plan = listPlan(context, query, this.marks);
      }
    }
    if (!plan.probe) return plan;
    // A deep page far from any mark: climb the list's ladder first if the data is the marks'.
    version ??= await dataVersion();
    const climb = listPlan(context, query, this.marks, true, version).climb;
    if (climb === undefined) return plan;
    const rows = (await this.read(climb.job, this.budgetMs, query.resourceType)).rows;
    // At the list's end: the rows after the last rung counted, for repairs.
    if (climbedRows(climb.climb, rows, this.marks))
      await countTail(ladderTarget(context, query), this.marks, climb.climb.list, this.statementRun());
    return listPlan(context, query, this.marks);
  }

  /**
   * Moves a list's ladder to the data's version (see `sql/ladder-repair.ts`): its two statements
   * on the event loop (a few index entries each), each with the version it read.
   */
  private async repairLadder(context: ListContext, query: ListQuery, list: string): Promise<boolean> {
    return (await repairLadder(ladderTarget(context, query), this.marks, list, this.statementRun())).held;
  }

  /** Runs a one-off statement on the event loop (not cached: its text varies). */
  private statementRun() {
    return (sql: string, values: readonly (string | number | null)[]) =>
      this.run((db) => db.prepare(sql).all(...values) as unknown as ResourceRow[]);
  }

  async memberOf(tenant: string, id: string): Promise<readonly StoredMember[]> {
    return this.run((db) => {
      const rows = this.stmt(db, MEMBER_OF_SQL).all(tenant, id) as unknown as MemberRow[];
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
           WHERE tenant = ? AND cursor > ? ORDER BY cursor LIMIT (? + 0)`,
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

  private record(
    db: DatabaseSync,
    tenant: string,
    resourceType: string,
    id: string,
    version: number,
    at: string,
    change: ChangeRecord,
    moved: number | null = null,
  ): void {
    this.stmt(
      db,
      `INSERT INTO changes (tenant, type, resource_type, id, version, at, detail, keys_moved) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(tenant, change.type, resourceType, id, version, at, changeDetail(change), moved);
  }
}

/**
 * The row an update replaces, with the sort keys it moves (`keys_moved`, see `sqliteMovedKeys`):
 * the text the write stores is bound first (`data`, `search`, `last_modified`; of a write of a
 * group's members only, `last_modified`), then the version it expects (`if_version`, or NULL):
 * a row at another version, which the write refuses (stale), is spared the comparison (a PATCH
 * of one user from many clients retries often).
 */
const currentRow = (membersOnly: boolean) =>
  `SELECT r.version, r.created, r.data,
    CASE WHEN w.if_version IS NULL OR w.if_version = r.version THEN ${sqliteMovedKeys(membersOnly, 'r', 'w')} END AS keys_moved
  FROM resources AS r, (SELECT ${membersOnly ? '' : '? AS data, ? AS search, '}? AS last_modified, ? AS if_version) AS w
  WHERE r.tenant = ? AND r.id = ? AND r.resource_type = ?`;
const CURRENT_ROW = currentRow(false);
const CURRENT_MEMBERS_ONLY = currentRow(true);

/** The page cache of a `createMany` batch, in KiB (64 MiB; the usual one is SQLite's 2 MB). */
const BULK_CACHE_KIB = 65_536;

/** How the store's handle is used by one call (see `SqliteScimStore.run`). */
type Mode = 'read' | 'check' | 'write';

/** Where reads of one SQL text run (see `SqliteScimStore.route`). */
interface Route {
  /** Where its plan says. */
  readonly plan: Placement;
  /** It ran past its slice on the event loop: it runs on a reader. */
  moved: boolean;
  /** Reads of it, counted from when it moved. */
  runs: number;
}

/** Whether a read runs on the event loop now: its plan says so, and it has not moved (or is tried again). */
function inlineNow(route: Route): boolean {
  return route.plan === 'inline' && (!route.moved || route.runs % REPROBE_EVERY === 0);
}

/** Member rows by the group they belong to, in their order. */
function byGroup(rows: readonly GroupMemberRow[] | undefined): Map<string, StoredMember[]> {
  const out = new Map<string, StoredMember[]>();
  for (const row of rows ?? []) {
    let list = out.get(row.group_id);
    if (list === undefined) {
      list = [];
      out.set(row.group_id, list);
    }
    list.push(toMember(row));
  }
  return out;
}

/**
 * What a reader thread opens: the file's absolute path, or the store's `file:` URI with `mode=ro`
 * (a reader never writes, and never creates a missing file).
 */
function readerPath(path: string, file: DatabaseFile): string {
  if (!path.startsWith('file:')) return file.path;
  const hash = path.indexOf('#');
  const uri = hash < 0 ? path : path.slice(0, hash);
  const question = uri.indexOf('?');
  const base = question < 0 ? uri : uri.slice(0, question);
  const query = question < 0 ? [] : uri.slice(question + 1).split('&');
  const kept = query.filter((p) => p !== '' && !p.startsWith('mode='));
  return `${base}?${[...kept, 'mode=ro'].join('&')}`;
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
 * Applies the migrations the database lacks, in one `BEGIN IMMEDIATE` transaction, and says what
 * it did. An up-to-date database is only read, so a file that is read-only for the moment still
 * opens (reads work; writes answer 503 until it is writable, and the store then opens it anew).
 */
function migrate(db: DatabaseSync): MigrationReport {
  const current = schemaVersion(db);
  if (current >= sqliteMigrations.length) return { from: current, to: current, unreserved: [] };
  const unreserved: UnreservedKey[] = [];
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS scim_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const from = schemaVersion(db);
    for (let v = from; v < sqliteMigrations.length; v++) {
      const migration = sqliteMigrations[v];
      if (typeof migration === 'function') unreserved.push(...(migration(db) ?? []));
      else db.exec(migration as string);
      db.prepare('INSERT INTO scim_migrations (version, applied_at) VALUES (?, ?)').run(v + 1, now());
    }
    db.exec('COMMIT');
    return { from, to: sqliteMigrations.length, unreserved };
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

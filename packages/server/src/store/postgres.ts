import { randomUUID } from 'node:crypto';
import { isScimError, ScimError } from '@scim/schemas';
import { overBudget, queryBudget } from './budget.ts';
import { type ListPosition, Params, postgresDialect, SqlCompiler } from './sql/compile.ts';
import { climbLadder, type LadderTarget } from './sql/ladder.ts';
import {
  finishRepair,
  gapsSql,
  type LadderRepair,
  planRepair,
  repairLadder,
  settleWalk,
} from './sql/ladder-repair.ts';
import { ListCounts } from './sql/list-counts.ts';
import { Coalescer, storable } from './sql/lookups.ts';
import { markedRows, PageMarks, PLAIN_SKIP } from './sql/page-marks.ts';
import {
  type FilterLookup,
  filterLookupName,
  filterLookupSql,
  type IdLookup,
  idLookupName,
  idLookupSql,
  type LookupPage,
  type LookupRow,
  lookupPages,
  memberOfLookupSql,
  type UniqueLookup,
  uniqueLookup,
} from './sql/postgres-lookups.ts';
import { memberWriteCtes, oneStatementDelta } from './sql/postgres-members.ts';
import { postgresMigrations } from './sql/postgres-schema.ts';
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
  pageSql,
  paging,
  type ResourceRow,
  readPosition,
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
import { movedKeysSql, postgresSortKeyColumns } from './sql/sort-indexes.ts';
import { StatementNames } from './sql/statement-names.ts';
import { now, searchDocument } from './sql/values.ts';
import { WriteBatches } from './sql/write-batches.ts';
import type {
  ChangeEvent,
  ChangeRecord,
  CreateInput,
  ListPage,
  ListQuery,
  MemberDelta,
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
 * The part of a `pg` client the store uses (a `PoolClient`).
 *
 * @example
 * ```ts
 * const client: PgClientLike = await pool.connect();
 * ```
 * @see https://node-postgres.com/apis/client
 */
export interface PgClientLike {
  /** Runs a statement. */
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  /** Returns the client to its pool (destroying it when given an error or `true`). */
  release(destroy?: boolean | Error): void;
}

/**
 * The part of a `pg` `Pool` the store uses.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 * @see https://node-postgres.com/apis/pool
 */
export interface PgPoolLike {
  /** Checks a client out of the pool. */
  connect(): Promise<PgClientLike>;
  /** Closes every client. */
  end(): Promise<void>;
}

/**
 * The part of a PGlite instance (`@electric-sql/pglite`) the store uses: PostgreSQL in
 * WebAssembly, for tests and single-process deployments without a server.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const db: PgliteLike = new PGlite();
 * ```
 * @see https://pglite.dev/docs/api
 */
export interface PgliteLike {
  /** Runs one statement with parameters. */
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
  /** Runs SQL text that may hold several statements, without parameters. */
  exec(text: string): Promise<unknown>;
  /** Runs `fn` in a transaction. */
  transaction<T>(
    fn: (tx: {
      query(text: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
      exec(text: string): Promise<unknown>;
    }) => Promise<T>,
  ): Promise<T | undefined>;
}

/**
 * Options of {@link postgresStore}: where the database is (a connection string, a `pg` pool, or a
 * PGlite instance), and the schema the store's tables live in.
 *
 * @example
 * ```ts
 * import { bearerTokens, createScimHandler, type PostgresStoreOptions, postgresStore } from '@scim/server';
 * const options: PostgresStoreOptions = { connectionString: process.env.DATABASE_URL!, schema: 'scim' };
 * const store = postgresStore(options);
 * const handler = createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }) });
 * ```
 * @see https://node-postgres.com/features/connecting
 */
export type PostgresStoreOptions = (
  | {
      /**
       * A `postgres://` URL; the store makes (and closes) its own `pg` pool, on which it runs its
       * statements as named prepared statements (parsed once per connection). Behind a pooler that
       * does not keep them across transactions (PgBouncer in transaction mode before 1.21), give
       * the store a `pool` instead: it runs unnamed statements on a pool it was given.
       */
      readonly connectionString: string;
      /**
       * The pool's size (default 10). With a list budget (`queryTimeoutMs`, on by default), writes
       * get a pool of this size too, whose connections have no `statement_timeout`: an instance
       * opens at most twice this many connections.
       */
      readonly maxConnections?: number;
      /** How long a connection attempt may take before the store answers 503 (default 5000 ms). */
      readonly connectTimeoutMs?: number;
    }
  | {
      /** A `pg` pool the application owns: the store never ends it. */
      readonly pool: PgPoolLike;
    }
  | {
      /** A PGlite instance the application owns: the store never closes it. */
      readonly pglite: PgliteLike;
    }
) & {
  /** The PostgreSQL schema of the store's tables (created when missing; default `public`). */
  readonly schema?: string;
  /**
   * After how many writes (of this store object) it refreshes the planner's statistics of its
   * tables with `ANALYZE`, in the background (default 10,000; `0`: never). Without statistics,
   * on a server whose autovacuum is off, every query plans as if the tables were empty.
   */
  readonly analyzeEvery?: number;
  /**
   * How long each statement of a list query (its count, its page, its members) may run, in
   * milliseconds (default 200; `0`: no limit), enforced by PostgreSQL's `statement_timeout`: set on
   * every connection of the read pool the store makes (its other reads run under it too; writes,
   * migrations and `ANALYZE` run on its write pool, without it), or with `SET LOCAL` in a
   * read-only transaction around the list on a pool you pass. A statement past it is canceled by
   * the server and the query answered 400 `tooMany` (RFC 7644 section 3.12). Not enforced on
   * PGlite, which cannot cancel a statement.
   */
  readonly queryTimeoutMs?: number;
};

/**
 * A {@link ScimStore} on PostgreSQL.
 *
 * @example
 * ```ts
 * const store: PostgresStore = postgresStore({ connectionString: 'postgres://localhost/scim' });
 * store.kind; // 'postgres'
 * ```
 * @see https://www.postgresql.org/docs/current/datatype-json.html
 */
export interface PostgresStore extends ScimStore {
  /** The store's kind: `postgres`. */
  readonly kind: 'postgres';
  /** The schema the store's tables are in. */
  readonly schema: string;
  /**
   * Refreshes the planner's statistics of the store's tables (`ANALYZE`): after a large import
   * (a restore, a bulk load), so that queries plan for the data now there. `scim-server migrate`
   * runs it; the store also runs it on open when a table has never been analyzed, and every
   * `analyzeEvery` writes.
   *
   * @returns once the statistics are written
   * @throws ScimError `unavailable` (503) when the database cannot be reached
   */
  analyze(): Promise<void>;
}

/** A list page's rows (before keyset paging takes its page of them) and its count. */
/** A list whose page read from a mark of other data: its marks' key and its count's. */
interface Stale {
  list?: string;
  count?: string;
}

interface ListRows {
  readonly rows: readonly ResourceRow[];
  readonly total: number;
  readonly limit: number;
  readonly keyset: boolean;
}

/**
 * A list statement's count (`bigint`: text; `NULL` when a remembered count still holds) and the
 * tenant's data version it was read at (its last change-feed cursor; `NULL` before any write).
 */
interface TotalRow {
  readonly total_count: string | number | null;
  readonly list_version: string | number | null;
}

/** A `pg` client, which also runs a named (prepared) statement. */
interface PgNamedClient {
  query(config: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number }>;
  exec(text: string): Promise<void>;
}

/** Whether a write waits for its flush: always, never, or by what it returned. */
type Flush<T> = boolean | ((out: T) => boolean);
const always = (): boolean => true;

interface Backend {
  /** Runs `fn` on one connection (no transaction). */
  session<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`, one write statement, on its own (autocommit: the statement is its transaction).
   * `flush` (or `flush(out)`, for a write that may have written nothing): then releases the
   * connection, calls `committed` and waits until the write is on disk (a {@link FLUSH} shared
   * with concurrent writes, see {@link sharedFlush}).
   */
  statement<T>(fn: (q: Queryable) => Promise<T>, flush?: Flush<T>, committed?: (out: T) => void): Promise<T>;
  /** Runs `fn` in a transaction (READ COMMITTED); `flush` and `committed` as {@link statement}'s. */
  transaction<T>(
    fn: (q: Queryable) => Promise<T>,
    flush?: Flush<T>,
    committed?: (out: T) => void,
  ): Promise<T>;
  /**
   * Runs `fn` in a read-only transaction whose statements each may run `budgetMs` (`Infinity`:
   * no limit); a statement past it fails with SQLSTATE 57014.
   */
  budgeted<T>(budgetMs: number, fn: (q: Queryable) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** A row's rendering while the row is at the version it was written at (see {@link RESOURCE_DATA}). */
const CURRENT_RENDERING = 'CASE WHEN r.rendered_version = r.version THEN r.rendered END AS rendered';
/**
 * A resource's data as reads select it (table alias `r`): as text, which `toResource` parses only
 * when something reads it (a row with its rendering answers a read without projection from the
 * rendering alone; as `jsonb`, `pg` would `JSON.parse` every row's data as it reads it), and its
 * stored rendering (migration 7) while the row is at the version it was written at; else `NULL`
 * (rendered from the data): a write of an earlier release, which knows nothing of renderings,
 * moves the version and so retires the rendering.
 */
const RESOURCE_DATA = `r.data::text AS data, ${CURRENT_RENDERING}`;
const RENDERED_ONLY_DATA = `CASE WHEN r.rendered_version = r.version AND r.rendered IS NOT NULL THEN NULL ELSE r.data::text END AS data, ${CURRENT_RENDERING}`;
/**
 * The data columns of a list page: {@link RESOURCE_DATA}, or, when its caller answers from
 * renderings (`ListQuery.renderedOnly`), the data only of rows without a current rendering (a
 * write without one sets `rendered` NULL at the new version). Writing `jsonb` out as text is the
 * dearest part of reading a row: without it, a page of 100 costs the database some 40% less
 * (docs/benchmarks.md, "List pages without their data").
 */
function pageData(query: ListQuery): string {
  return query.renderedOnly === true ? RENDERED_ONLY_DATA : RESOURCE_DATA;
}
/** A resource row's sort keys, read before an update and returned by it (see `movedKeysSql`). */
const SORT_KEYS = postgresSortKeyColumns();
/** Which sort keys an update moved, from the row before (`o`) and after (`r`) it. */
const MOVED_KEYS = movedKeysSql('o', 'r');
/**
 * A resource by id (`$1` tenant, `$2` id, `$3` type), found through the primary key whatever the
 * statistics say. With a bare `resource_type = $3`, PostgreSQL looks up one of a tenant's few groups
 * through an index on (tenant, resource_type, ...), which it counts as one row: every update of the
 * group leaves an entry there until a vacuum, so each lookup reads more of them (on the bench's
 * schema, after some 100,000 member PATCHes: 876 pages and 0.67 ms to read the group, 4 pages and
 * 0.02 ms through the key). `IS TRUE` keeps the meaning (the column is NOT NULL) and no index can
 * serve it, so the planner takes the key. `postgres-plans.test.ts` asserts it.
 */
const BY_ID = 'tenant = $1 AND id = $2 AND (resource_type = $3) IS TRUE';
/** {@link BY_ID} of the table as `r`. */
const R_BY_ID = 'r.tenant = $1 AND r.id = $2 AND (r.resource_type = $3) IS TRUE';

/** How many times a member-only write tries its one statement while other writes of the group come first. */
const MEMBER_STATEMENT_TRIES = 3;

/** The most updates one statement writes together (see {@link PostgresScimStore.runUpdates}). */
const MAX_UPDATES_TOGETHER = 16;
/** The row counts of that statement (padded up to the next; see `updatesTogether`). */
const UPDATE_SIZES: readonly number[] = [2, 4, 8, MAX_UPDATES_TOGETHER];
/** The types of that statement's `VALUES` columns, for the rows that pad it. */
const PAD_TYPES = [
  'int',
  'text',
  'text',
  'text',
  'text',
  'text',
  'int',
  'text[]',
  'text[]',
  'text',
  'text',
  'boolean',
];

/** An update waiting for its batch (see `sql/write-batches.ts`). */
interface QueuedUpdate {
  readonly tenant: string;
  readonly resourceType: string;
  readonly id: string;
  readonly input: UpdateInput;
  readonly resolve: (stored: StoredResource) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Whether an update may go with others in one statement: a write of the attributes from the
 * version it read (`ifVersion`), without member changes. A member-only write keeps the stored
 * data and moves members; those go alone.
 */
function batchable(input: UpdateInput): boolean {
  return input.ifVersion !== undefined && input.membersOnly !== true && movesNoMember(input.members);
}

/** Whether an update's member changes (if any) add, remove and clear nothing. */
function movesNoMember(delta: MemberDelta | undefined): boolean {
  return (
    delta === undefined ||
    (delta.removeAll !== true && delta.removed.length === 0 && delta.added.length === 0)
  );
}

/** A row {@link PostgresScimStore.runUpdates}'s statement wrote (`groups` NULL where not asked for). */
interface BatchRow {
  readonly i: number;
  readonly version: number;
  readonly created: string;
  readonly groups?: GroupCells | null;
}

/** What a batch of updates wrote (by the update's place, from 1) and whose `onCommitted` threw. */
interface BatchOutcome {
  written: ReadonlyMap<number, StoredResource> | undefined;
  readonly failed: Map<number, unknown>;
}

/** A resource's row as a read by id returns it, with its groups when the read asked for them. */
type GroupedRow = ResourceRow & { readonly groups?: GroupCells };

/** The row an update returns. */
interface WrittenRow {
  readonly version: number | string | null;
  readonly created: string;
  readonly data: string | Record<string, unknown>;
  readonly groups?: GroupCells;
}

/** The resource an update stored, from the row it returned (and the time it wrote). */
function storedOf(id: string, resourceType: string, row: WrittenRow, at: string): StoredResource {
  const data = typeof row.data === 'string' ? (JSON.parse(row.data) as Record<string, unknown>) : row.data;
  const stored = {
    id,
    resourceType,
    version: Number(row.version),
    created: row.created,
    lastModified: at,
    data,
  };
  return { ...stored, ...groupsOf(row.groups) };
}

/** The store's tables, for `ANALYZE`. */
const TABLES = ['resources', 'uniques', 'members', 'changes', 'tokens', 'scim_migrations'] as const;
/** Writes between two automatic `ANALYZE`s (the `analyzeEvery` default). */
const ANALYZE_EVERY = 10_000;
/** The first key of the store's advisory locks (`0x5C1A`, "SCIM"). */
const LOCK_SPACE = 0x5c1a;

/** 32-bit FNV-1a hash, as a signed int4 (advisory lock keys). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * The CTE `claimed` of a write's statement: inserts the unique keys (in `keys`' order, once the
 * CTE `from` has its row; without those the CTE `held` lists, when given). A key another resource
 * holds fails the statement with `unique_violation` (23505), so nothing of it is written. Adds its
 * values to `v`. Held by the SHA-256 of the value (migration 3), so that a key of any length fits
 * the index.
 */
function claimCte(
  s: string,
  v: unknown[],
  keys: readonly UniqueKey[],
  ids: { readonly tenant: string; readonly resourceType: string; readonly id: string },
  from: string,
  held?: string,
): string {
  const attributes = `$${v.push(keys.map((k) => k.attribute))}::text[]`;
  const values = `$${v.push(keys.map((k) => k.value))}::text[]`;
  const kept =
    held === undefined
      ? ''
      : ` WHERE NOT EXISTS (SELECT 1 FROM ${held} AS h WHERE h.attribute = k.a AND h.value = k.v)`;
  return `claimed AS (
      INSERT INTO ${s}.uniques (tenant, resource_type, attribute, value, digest, id)
      SELECT ${ids.tenant}, ${ids.resourceType}, k.a, k.v, sha256(convert_to(k.v, 'UTF8')), ${ids.id}
      FROM ${from}, unnest(${attributes}, ${values}) WITH ORDINALITY AS k(a, v, i)${kept} ORDER BY k.i
      RETURNING 1
    )`;
}

/**
 * What a write's statement adds beside its change-feed lock, on a `pg` pool: its transaction
 * commits without waiting for the WAL flush (`synchronous_commit` off for it alone, `SET LOCAL`),
 * so that the per-tenant feed lock, held to the end of the transaction, is not held through the
 * flush (with it, a tenant's writes would flush to disk one at a time).
 */
const ASYNC_COMMIT = `, set_config('synchronous_commit', 'off', true)`;

/**
 * Sent after such a commit returned (on any connection of the pool, shared by the writes that
 * committed before it was sent, see {@link sharedFlush}), before the write is answered: a transaction of
 * one WAL record (a transactional logical message, prefix `scim`, empty) whose commit is
 * synchronous (the session's `synchronous_commit`, `on` by default), so it returns once the WAL up
 * to its commit, after the write's, is flushed (and on synchronous standbys, as the setting asks).
 * Concurrent writes' flushes are one `fsync` (PostgreSQL's group commit): an answered write is on
 * disk as before, and the tenant's writes flush together rather than one after the other.
 */
const FLUSH = `SELECT pg_logical_emit_message(true, 'scim', '')`;

const UNAVAILABLE_STATES = /^(08|53|57P)/;
/** `query_canceled`: a statement past its `statement_timeout` (or canceled by an operator). */
const QUERY_CANCELED = '57014';
/** A character the database's encoding has no equivalent for, and one its encoding cannot hold. */
const UNTRANSLATABLE = '22P05';
const NOT_IN_REPERTOIRE = '22021';
const UNAVAILABLE_MESSAGES =
  /connect|terminat|closed|timeout|ended|not queryable|Connection|ECONN|EPIPE|socket/i;

function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_STATES.test(code);
  // Node's network errors (ECONNREFUSED, ETIMEDOUT, EAI_AGAIN, ...), not its ERR_* programming errors.
  if (typeof code === 'string' && /^E[A-Z_]+$/.test(code) && !code.startsWith('ERR_')) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/**
 * Whether a failed statement of reads sent together (see `sql/lookups.ts`) failed on a value the
 * database cannot hold in its encoding (on a database that is not UTF8: `untranslatable_character`,
 * `character_not_in_repertoire`): one value's fault, not the others'.
 */
function notConvertible(error: unknown): boolean {
  const code = sqlState(error);
  return code === UNTRANSLATABLE || code === NOT_IN_REPERTOIRE;
}

/** Whether a statement ran out of its time (a list's budget: 400 `tooMany`; a read's: 503). */
function timedOut(error: unknown): boolean {
  if (isScimError(error) && error.scimType === 'tooMany') return true;
  return sqlState(isScimError(error) ? error.cause : error) === QUERY_CANCELED;
}

function sqlState(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function ignore(): void {}

/**
 * Waits for the disk on behalf of concurrent writes: `flushed()` settles once a {@link FLUSH},
 * sent after it was called, has returned, so a write that calls it once committed is then on disk
 * (its commit record precedes that flush's in the WAL). One flush is in flight at a time; writes
 * that commit meanwhile share the next one, sent as it returns (none of them can share the one in
 * flight: it may have been sent before their commit). So a write holds no connection while it
 * waits, and concurrent writes cost one flush statement (one transaction id) between them, not
 * one each. `run` sends one flush and settles once it returned.
 */
function sharedFlush(run: () => Promise<void>): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const send = (): Promise<void> => {
    const sent = run().finally(() => {
      if (inFlight === sent) inFlight = undefined;
    });
    inFlight = sent;
    return sent;
  };
  return () => {
    if (inFlight === undefined) return send();
    next ??= inFlight.then(ignore, ignore).then(() => {
      next = undefined;
      return send();
    });
    return next;
  };
}

/**
 * A backend on `pg` pools: `reads` for reads, `writes` (the same pool, or one whose connections
 * have no `statement_timeout`) for writes. `timeoutMs`: the `statement_timeout` every connection
 * of `reads` already has (pools the store made): lists then need no transaction to carry it, and
 * writes, on `writes`, need no `SET` to lift it.
 */
function poolBackend(reads: PgPoolLike, writes: PgPoolLike, owned: boolean, timeoutMs?: number): Backend {
  // The store's own pools are `pg` pools: statements with parameters run by name (prepared once
  // per connection). A pool the application gives may be anything with `query(text, values)`.
  const names = owned ? new StatementNames() : undefined;
  const wrap = (client: PgClientLike): Queryable => ({
    async query(text, values) {
      const name = values === undefined ? undefined : names?.nameOf(text);
      const r =
        name === undefined
          ? await client.query(text, values)
          : await (client as unknown as PgNamedClient).query({ name, text, values: values ?? [] });
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
    async exec(text) {
      await client.query(text);
    },
  });
  const on =
    (pool: PgPoolLike) =>
    async <T>(
      fn: (q: Queryable) => Promise<T>,
      flush: Flush<T> = false,
      committed?: (out: T) => void,
    ): Promise<T> => {
      const client = await pool.connect();
      // A connection lost while the client is checked out is reported to the running query; the
      // event must not also crash the process.
      const events = client as unknown as {
        on?: (event: 'error', fn: () => void) => void;
        off?: (event: 'error', fn: () => void) => void;
      };
      events.on?.('error', ignore);
      let out: T;
      try {
        out = await fn(wrap(client));
      } catch (error) {
        events.off?.('error', ignore);
        client.release(isUnavailable(error) ? true : undefined);
        throw error;
      }
      events.off?.('error', ignore);
      client.release();
      if (typeof flush === 'function' ? flush(out) : flush) {
        // Committed and visible to other sessions; not on disk yet, so not to be answered yet.
        committed?.(out);
        await flushed();
      }
      return out;
    };
  const session = on(reads);
  const writing = on(writes);
  const flushed = sharedFlush(() => writing((q) => q.query(FLUSH, [])).then(ignore));
  /** Runs `fn` between `begin` (one round trip, however many statements) and COMMIT. */
  const within = <T>(
    run: typeof session,
    begin: string,
    fn: (q: Queryable) => Promise<T>,
    flush: Flush<T> = false,
    committed?: (out: T) => void,
  ): Promise<T> =>
    run(
      async (q) => {
        await q.exec(begin);
        try {
          const out = await fn(q);
          await q.exec('COMMIT');
          return out;
        } catch (error) {
          try {
            await q.exec('ROLLBACK');
          } catch {}
          throw error;
        }
      },
      flush,
      committed,
    );
  return {
    session,
    statement: writing,
    transaction: (fn, flush, committed) => within(writing, 'BEGIN', fn, flush, committed),
    budgeted: (budgetMs, fn) =>
      !Number.isFinite(budgetMs) || statementTimeout(budgetMs) === timeoutMs
        ? session(fn)
        : within(session, `BEGIN READ ONLY; SET LOCAL statement_timeout = ${statementTimeout(budgetMs)}`, fn),
    end: async () => {
      if (!owned) return;
      await reads.end();
      if (writes !== reads) await writes.end();
    },
  };
}

function pgliteBackend(db: PgliteLike): Backend {
  const wrap = (x: Pick<PgliteLike, 'query' | 'exec'>): Queryable => ({
    async query(text, values) {
      const r = await x.query(text, values);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(text) {
      await x.exec(text);
    },
  });
  // PGlite is one connection: reads run in transactions too, so that they never interleave with
  // the statements of a write.
  const transaction = async <T>(fn: (q: Queryable) => Promise<T>): Promise<T> =>
    (await db.transaction((tx) => fn(wrap(tx)))) as T;
  // PGlite runs each statement to its end (it has no timer to cancel one): no budget.
  return {
    session: transaction,
    statement: transaction,
    transaction,
    budgeted: (_ms, fn) => transaction(fn),
    end: async () => {},
  };
}

/**
 * Creates a SCIM store on PostgreSQL (`pg`), for several server instances behind a load balancer.
 * Resources are JSONB documents (with a lower-cased copy for case-insensitive filters, indexed by
 * expression for `userName`, `externalId` and `displayName`, and with GIN for multi-valued values such
 * as `emails`); uniqueness is the primary key of a table of unique values, so concurrent creates
 * cannot both succeed; `ifVersion` is `UPDATE ... WHERE version = $n`; member deltas are row
 * inserts and deletes (their cost does not grow with the group); the change feed is written in the
 * same transaction, in commit order per tenant. Migrations run under an advisory lock, so instances
 * may start together. A PGlite instance works in place of a server.
 *
 * @param options - a connection string, a `pg` pool or a PGlite instance, and the schema
 * @returns a store; call `open(types)` before use (the handler does)
 * @throws ScimError `invalidValue` when the schema name is not a plain lower-case identifier;
 *   from its methods `unavailable` (503, with `Retry-After`) when the database is unreachable, and
 *   `uniqueness` (409), `preconditionFailed` (412), `notFound` (404), `invalidValue` (400) as the
 *   {@link ScimStore} contract says
 * @example
 * ```ts
 * import { postgresStore } from '@scim/server';
 * const store = postgresStore({ connectionString: process.env.DATABASE_URL!, schema: 'scim' });
 * await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
 * ```
 * @see https://www.postgresql.org/docs/current/datatype-json.html
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 */
export function postgresStore(options: PostgresStoreOptions): PostgresStore {
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new ScimError(
      'invalidValue',
      `postgresStore: the schema name "${schema}" is not a plain identifier; use lower-case letters, digits and "_"`,
      { token: schema },
    );
  }
  return new PostgresScimStore(options, schema);
}

/** A resource's groups as a statement returns them: `[id, resource type, label]` each. */
type GroupCells = [string, string, string | null][];

/** `groups` of a stored resource from a statement's `groups` column, if it had one. */
function groupsOf(cells: GroupCells | undefined): { groups?: StoredMember[] } {
  if (cells === undefined) return {};
  return {
    groups: cells.map(([value, type, display]) =>
      toMember({ member_id: value, resource_type: type, display }),
    ),
  };
}

/** A budget in whole milliseconds, as `statement_timeout` takes it (at least 1: 0 would be none). */
function statementTimeout(budgetMs: number): number {
  return Math.max(1, Math.ceil(budgetMs));
}

async function makePool(
  options: {
    connectionString: string;
    maxConnections?: number;
    connectTimeoutMs?: number;
  },
  timeoutMs: number | undefined,
) {
  const pg = await import('pg');
  const Pool = (pg.default ?? pg).Pool;
  const make = (statementTimeout?: number) => {
    const pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // Sent when each connection starts: list queries carry their budget without a round trip.
      ...(statementTimeout === undefined ? {} : { statement_timeout: statementTimeout }),
    });
    // An idle client whose server went away emits 'error'; the next checkout reconnects.
    pool.on('error', () => {});
    return pool as unknown as PgPoolLike;
  };
  // With a budget, writes get their own pool, whose connections have none: each write is then one
  // round trip (autocommit) or a transaction, never a `SET` to lift the budget.
  const reads = make(timeoutMs);
  return { reads, writes: timeoutMs === undefined ? reads : make() };
}

class PostgresScimStore implements PostgresStore {
  readonly kind = 'postgres';
  readonly schema: string;
  readonly tokens: TokenStore;
  private readonly options: PostgresStoreOptions;
  private readonly s: string;
  private backendPromise: Promise<Backend> | undefined;
  private closed = false;
  private types = new Map<string, ResourceTypeStorage>();
  /** Where `startIndex` pages of recent lists start (see `sql/page-marks.ts`). */
  private readonly marks = new PageMarks();
  /** Counts of recent lists, with the data version they were counted at (`sql/list-counts.ts`). */
  private readonly counts = new ListCounts();
  /** Reads by id that arrive together: one statement each tenant, type and shape (`sql/lookups.ts`). */
  private readonly idLookups = new Coalescer<IdLookup, GroupedRow>(
    (key, ids) => this.lookup(key, ids),
    idLookupName,
    // Out of its time, a read by key alone means an overloaded server (not split: that would
    // send more statements to it); with its groups, one resource in very many can be the cause.
    (error, key) => notConvertible(error) || (key.groups && timedOut(error)),
  );
  /**
   * Membership reads that arrive together (a member PATCH reads one for each member it names, all
   * at once): one statement each tenant (`sql/postgres-lookups.ts`).
   */
  private readonly memberOfLookups = new Coalescer<string, StoredMember[]>(
    (tenant, ids) => this.groupsOfMembers(tenant, ids),
    (tenant) => tenant,
    notConvertible,
  );
  /** Lookups by a unique attribute that arrive together (`sql/postgres-lookups.ts`). */
  private readonly filterLookups = new Coalescer<FilterLookup, LookupPage>(
    (key, values) => this.lookupFilters(key, values),
    filterLookupName,
    (error) => notConvertible(error) || timedOut(error),
  );
  /**
   * Updates of a tenant's resources of one type that wait for one another: one statement each
   * batch (`sql/write-batches.ts`, {@link runUpdates}).
   */
  private readonly updates = new WriteBatches<QueuedUpdate>(
    (jobs, done) => this.runUpdates(jobs, done),
    MAX_UPDATES_TOGETHER,
    (a, b) => a.id === b.id,
  );
  private migrating: Promise<void> | undefined;
  /** What opening the store migrated: the schema version before and after, and unreserved keys. */
  migration: MigrationReport | undefined;
  /** Writes since the last `ANALYZE`, and the one running in the background, if any. */
  private writes = 0;
  private analyzing: Promise<void> | undefined;
  /** A list statement's time budget (`queryTimeoutMs`; `Infinity`: none). */
  private readonly budgetMs: number;
  /**
   * What a write's feed-lock statement adds on `pg` ({@link ASYNC_COMMIT}; its write is then
   * flushed with {@link FLUSH} before it returns); nothing on PGlite, one connection in process.
   */
  private readonly asyncCommit: string;

  constructor(options: PostgresStoreOptions, schema: string) {
    this.options = options;
    this.budgetMs = queryBudget(options.queryTimeoutMs, 'postgresStore');
    this.asyncCommit = 'pglite' in options ? '' : ASYNC_COMMIT;
    this.schema = schema;
    this.s = `"${schema}"`;
    this.tokens = new PostgresTokens(this);
  }

  private backend(): Promise<Backend> {
    if (this.backendPromise === undefined) {
      const o = this.options;
      this.backendPromise =
        'pglite' in o
          ? Promise.resolve(pgliteBackend(o.pglite))
          : 'pool' in o
            ? Promise.resolve(poolBackend(o.pool, o.pool, false))
            : makePool(o, this.poolTimeout()).then((p) =>
                poolBackend(p.reads, p.writes, true, this.poolTimeout()),
              );
    }
    return this.backendPromise;
  }

  /** Runs `fn`, turning connection failures into 503s. */
  private async guard<T>(fn: (b: Backend) => Promise<T>): Promise<T> {
    if (this.closed) throw unavailable('PostgreSQL', new Error('the store was closed'));
    const b = await this.backend();
    try {
      this.migrating ??= this.migrate(b).catch((error: unknown) => {
        this.migrating = undefined;
        throw error;
      });
      await this.migrating;
      return await fn(b);
    } catch (error) {
      if (isScimError(error)) throw error;
      if (isUnavailable(error)) throw unavailable('PostgreSQL', error);
      throw error;
    }
  }

  /** The `statement_timeout` of the connections of a pool the store makes: the list budget. */
  private poolTimeout(): number | undefined {
    return Number.isFinite(this.budgetMs) ? statementTimeout(this.budgetMs) : undefined;
  }

  /**
   * A read on one connection. On a pool the store made, it runs under the list budget too (a
   * lookup never comes near it); a read canceled by it means an overloaded server: 503.
   */
  async read<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.guard((b) => b.session(fn));
    } catch (error) {
      if (sqlState(error) === QUERY_CANCELED) throw unavailable('PostgreSQL', error, 'is overloaded');
      throw error;
    }
  }

  /** A list query: statements that may run `queryTimeoutMs` each; past it, 400 `tooMany`. */
  private async budgetedRead<T>(resourceType: string, fn: (q: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.guard((b) => b.budgeted(this.budgetMs, fn));
    } catch (error) {
      if (sqlState(error) === QUERY_CANCELED && Number.isFinite(this.budgetMs)) {
        throw overBudget(resourceType, this.budgetMs, error);
      }
      throw error;
    }
  }

  /**
   * A write in a transaction (`single`: one statement, its own transaction), retried on
   * serialization failures and deadlocks. `committed` (see `UpdateInput.onCommitted`) is called
   * with what `fn` returned once it committed, before it waits for the disk. `wrote`: whether
   * `fn` wrote anything, by what it returned; one that wrote nothing waits for no flush, calls no
   * `committed` and counts as no write.
   */
  write<T>(
    fn: (q: Queryable) => Promise<T>,
    single = false,
    committed?: (out: T) => void,
    wrote: (out: T) => boolean = always,
  ): Promise<T> {
    return this.guard(async (b) => {
      for (let attempt = 1; ; attempt++) {
        try {
          const flush = this.asyncCommit !== '' && wrote;
          // The page marks learn of the write at its commit, before the next write can start.
          let noted = false;
          const note = (out: T) => {
            if (noted) return;
            noted = true;
            this.marks.wrote();
            committed?.(out);
          };
          const out = await (single ? b.statement(fn, flush, note) : b.transaction(fn, flush, note));
          if (!wrote(out)) return out;
          if (!noted) this.marks.wrote();
          this.wrote();
          return out;
        } catch (error) {
          const state = sqlState(error);
          if (attempt < 5 && (state === '40001' || state === '40P01')) continue;
          throw error;
        }
      }
    });
  }

  /**
   * Applies the migrations the database lacks, in one transaction under an advisory lock, so that
   * instances starting together wait for each other instead of racing; then gives tables that
   * have no statistics yet their first `ANALYZE`.
   */
  private async migrate(b: Backend): Promise<void> {
    const s = this.s;
    await b.transaction(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [
        LOCK_SPACE,
        hash32(`migrate:${this.schema}`),
      ]);
      await q.exec(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await q.exec(
        `CREATE TABLE IF NOT EXISTS ${s}.scim_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)`,
      );
      const { rows } = await q.query(`SELECT COALESCE(MAX(version), 0) AS v FROM ${s}.scim_migrations`);
      const from = Number((rows[0] as { v: number | string }).v);
      const migrations = postgresMigrations(s);
      const unreserved: UnreservedKey[] = [];
      for (let v = from; v < migrations.length; v++) {
        const migration = migrations[v];
        if (typeof migration === 'function') unreserved.push(...((await migration(q)) ?? []));
        else await q.exec(migration as string);
        await q.query(`INSERT INTO ${s}.scim_migrations (version, applied_at) VALUES ($1, $2)`, [
          v + 1,
          now(),
        ]);
      }
      this.migration = { from, to: Math.max(from, migrations.length), unreserved };
    });
    await this.analyzeIfNever(b);
  }

  private memberships(): boolean {
    for (const t of this.types.values()) if (t.referenceAttribute !== undefined) return true;
    return false;
  }

  async open(types: readonly ResourceTypeStorage[]): Promise<void> {
    for (const t of types) this.types.set(t.name, t);
    await this.guard(async () => undefined);
  }

  /** Counts a committed write; every `analyzeEvery` writes, refreshes statistics in the background. */
  private wrote(): void {
    const every = this.options.analyzeEvery ?? ANALYZE_EVERY;
    if (every <= 0 || ++this.writes < every || this.analyzing !== undefined) return;
    this.writes = 0;
    // Nobody waits for it; a failure (the database went away meanwhile) is tried again later.
    this.analyzing = this.analyze()
      .catch(() => undefined)
      .finally(() => {
        this.analyzing = undefined;
      });
  }

  async analyze(): Promise<void> {
    // In a transaction: without the statement timeout of the store's connections.
    await this.guard((b) =>
      b.transaction((q) => q.exec(`ANALYZE ${TABLES.map((t) => `${this.s}.${t}`).join(', ')}`)),
    );
  }

  /**
   * After migrating: `ANALYZE` when a table of the store has never been analyzed (a new schema, or
   * data loaded while autovacuum was off), so that the first queries do not plan for empty tables.
   */
  private async analyzeIfNever(b: Backend): Promise<void> {
    // In a transaction, as migrations are: opening the store never runs out of the list budget.
    await b.transaction(async (q) => {
      const { rows } = await q.query(
        `SELECT 1 FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind = 'r' AND c.reltuples < 0`,
        [this.schema, [...TABLES]],
      );
      if (rows.length > 0) await q.exec(`ANALYZE ${TABLES.map((t) => `${this.s}.${t}`).join(', ')}`);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.analyzing;
    this.closed = true;
    if (this.backendPromise !== undefined) await (await this.backendPromise).end();
  }

  async ping(): Promise<void> {
    await this.read((q) => q.query('SELECT 1'));
  }

  async create(tenant: string, resourceType: string, input: CreateInput): Promise<StoredResource> {
    const data = storedData(input.data, this.types.get(resourceType));
    const id = randomUUID();
    const at = now();
    const s = this.s;
    const keys = sortedKeys(input.unique);
    const members = input.members !== undefined && input.members.length > 0 ? distinct(input.members) : [];
    const write = this.write(async (q) => {
      // One statement: the row, its unique keys and (without members) its change-feed entry.
      const v: unknown[] = [
        tenant,
        resourceType,
        id,
        at,
        JSON.stringify(data),
        JSON.stringify(searchDocument(data)),
        input.rendering ?? null,
      ];
      const claims = claimCte(s, v, keys, { tenant: '$1', resourceType: '$2', id: '$3' }, 'r');
      const feed =
        members.length === 0
          ? `, ${this.feedCte(v, tenant, resourceType, '$3', '1', at, input.change, 'claimed')}`
          : '';
      await q.query(
        `WITH r AS (
           INSERT INTO ${s}.resources (tenant, resource_type, id, version, created, last_modified, data, search, rendered, rendered_version)
           VALUES ($1, $2, $3, 1, $4, $4, $5::jsonb, $6::jsonb, $7::text, 1) RETURNING id
         ), ${claims}${feed}
         SELECT 1`,
        v,
      );
      if (members.length > 0) {
        await this.addMembers(q, tenant, id, members, input.memberDisplay, input.unknownMembers);
        await this.record(q, tenant, resourceType, id, 1, at, input.change);
      }
      return { id, resourceType, version: 1, created: at, lastModified: at, data };
    }, members.length === 0);
    return this.refusingTaken(write, tenant, resourceType, id, keys);
  }

  async createMany(
    tenant: string,
    resourceType: string,
    inputs: readonly CreateInput[],
  ): Promise<readonly StoredResource[]> {
    if (inputs.length === 0) return [];
    const storage = this.types.get(resourceType);
    const at = now();
    const out: StoredResource[] = inputs.map((input) => ({
      id: randomUUID(),
      resourceType,
      version: 1,
      created: at,
      lastModified: at,
      data: storedData(input.data, storage),
    }));
    const s = this.s;
    return this.write(async (q) => {
      // One statement per table for the whole batch: the round trips of a create, not of N.
      await q.query(
        `INSERT INTO ${s}.resources (tenant, resource_type, id, version, created, last_modified, data, search, rendered, rendered_version)
         SELECT $1, $2, i, 1, $3, $3, d::jsonb, x::jsonb, w, 1
         FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS t(i, d, x, w, n) ORDER BY n`,
        [
          tenant,
          resourceType,
          at,
          out.map((r) => r.id),
          out.map((r) => JSON.stringify(r.data)),
          out.map((r) => JSON.stringify(searchDocument(r.data))),
          inputs.map((input) => input.rendering ?? null),
        ],
      );
      await this.claimMany(
        q,
        tenant,
        resourceType,
        out.map((r, n) => ({ id: r.id, keys: inputs[n]?.unique ?? [] })),
      );
      for (const [n, input] of inputs.entries()) {
        if (input.members === undefined || input.members.length === 0) continue;
        const id = out[n]?.id as string;
        await this.addMembers(
          q,
          tenant,
          id,
          distinct(input.members),
          input.memberDisplay,
          input.unknownMembers,
        );
      }
      await q.query(`SELECT pg_advisory_xact_lock($1::int, $2::int)${this.asyncCommit}`, [
        LOCK_SPACE,
        hash32(`feed:${this.schema}:${tenant}`),
      ]);
      await q.query(
        `INSERT INTO ${s}.changes (tenant, type, resource_type, id, version, at, detail)
         SELECT $1, t, $2, i, 1, $3, d::jsonb
         FROM unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS x(t, i, d, n) ORDER BY n`,
        [
          tenant,
          resourceType,
          at,
          inputs.map((input) => input.change.type),
          out.map((r) => r.id),
          inputs.map((input) => changeDetail(input.change)),
        ],
      );
      return out;
    });
  }

  async get(
    tenant: string,
    resourceType: string,
    id: string,
    options?: { readonly members?: boolean; readonly groups?: boolean },
  ): Promise<StoredResource | undefined> {
    if (options?.members === true) {
      return this.read(async (q) => {
        const { rows } = await q.query(
          `SELECT r.id, r.resource_type, r.version, r.created, r.last_modified, ${RESOURCE_DATA}
           FROM ${this.s}.resources AS r WHERE ${R_BY_ID}`,
          [tenant, id, resourceType],
        );
        const row = rows[0] as ResourceRow | undefined;
        if (row === undefined) return undefined;
        return toResource(row, (await this.membersOf(q, tenant, [id])).get(id) ?? []);
      });
    }
    // Reads by id that arrive together share a statement (see `sql/lookups.ts`); no row holds an
    // id that no database can hold, and such an id must not fail the others' reads.
    if (!storable(id)) return undefined;
    const key = { tenant, resourceType, groups: options?.groups === true };
    const row = await this.idLookups.find(key, id);
    if (row === undefined) return undefined;
    // Not spread: a resource read with its rendering has `data` as a getter of its class.
    return key.groups ? toResource(row, undefined, groupsOf(row.groups).groups) : toResource(row);
  }

  /**
   * The rows of `ids` in `key`'s tenant and type, in one statement (see `sql/lookups.ts`); with
   * `key.groups`, each with the groups it is a direct member of (as {@link memberOf} reads them,
   * in the order of the groups' creation).
   */
  private lookup(key: IdLookup, ids: readonly string[]): Promise<Map<string, GroupedRow>> {
    const columns = `r.id, r.resource_type, r.version, r.created, r.last_modified, ${RESOURCE_DATA}${this.groupsColumn(key.groups, 'r.tenant', 'r.id')}`;
    const { text, values } = idLookupSql(`${this.s}.resources`, columns, key, ids);
    return this.read(async (q) => {
      const { rows } = await q.query(text, values);
      return new Map((rows as GroupedRow[]).map((row) => [row.id, row]));
    });
  }

  /** The pages of a batch of lookups by a unique attribute, in one statement (`sql/postgres-lookups.ts`). */
  private lookupFilters(key: FilterLookup, values: readonly string[]): Promise<Map<string, LookupPage>> {
    const statement = filterLookupSql(`${this.s}.resources`, pageData(key.query), key, values, (p, t, rt) =>
      this.compilerFor(p, key.query.resourceType, t, rt),
    );
    return this.budgetedRead(key.query.resourceType, async (q) => {
      const { rows } = await q.query(statement.text, statement.values);
      return lookupPages(values, rows as LookupRow[]);
    });
  }

  /** A compiler of filters and sorts of `resourceType` into `params`; `t` and `rt`: the tenant's and type's placeholders. */
  private compilerFor(params: Params, resourceType: string, t: string, rt: string): SqlCompiler {
    return new SqlCompiler(postgresDialect(this.schema), params, {
      reference: this.types.get(resourceType)?.referenceAttribute,
      memberships: this.memberships(),
      tenant: t,
      resourceType: rt,
    });
  }

  /**
   * A list that looks one resource up by a unique attribute (`filter`, see `uniqueLookup`), read
   * with the others that arrive in this turn (`sql/postgres-lookups.ts`).
   */
  private async lookupList(tenant: string, query: ListQuery, filter: UniqueLookup): Promise<ListPage> {
    const key = { tenant, query, filter };
    const page = await this.filterLookups.find(key, filter.value as string);
    return { totalResults: page?.total ?? 0, resources: (page?.rows ?? []).map((row) => toResource(row)) };
  }

  /**
   * With `wanted`, a column `groups` for a write's last `SELECT` (or a read's): the groups resource
   * `id` (default `$2`) of tenant `tenant` (default `$1`) is a direct member of (the order and
   * labels of {@link memberOf}), read by the write's own statement (see `UpdateInput.groups`) or
   * with a read by id; else nothing. With `when` (an SQL condition), only for the rows it holds for
   * (NULL for the others).
   */
  private groupsColumn(wanted: boolean | undefined, tenant = '$1', id = '$2', when?: string): string {
    if (wanted !== true) return '';
    const groups = `(SELECT COALESCE(json_agg(json_build_array(g.id, g.resource_type,
                 COALESCE(g.data ->> 'displayName', g.data ->> 'userName')) ORDER BY g.seq), '[]'::json)
               FROM ${this.s}.members AS m JOIN ${this.s}.resources AS g ON g.tenant = m.tenant AND g.id = m.group_id
               WHERE m.tenant = ${tenant} AND m.member_id = ${id})`;
    return `, ${when === undefined ? groups : `CASE WHEN ${when} THEN ${groups} END`} AS groups`;
  }

  async update(
    tenant: string,
    resourceType: string,
    id: string,
    input: UpdateInput,
  ): Promise<StoredResource> {
    // A write of the attributes from the version it read (a PATCH, PUT or disable of a resource):
    // with the others of its tenant and type that wait, in one statement (see `sql/write-batches.ts`).
    if (batchable(input)) {
      return new Promise<StoredResource>((resolve, reject) => {
        this.updates.add(JSON.stringify([tenant, resourceType]), {
          tenant,
          resourceType,
          id,
          input,
          resolve,
          reject,
        });
      });
    }
    return this.updateOne(tenant, resourceType, id, input);
  }

  /** {@link update} in a statement (or transaction) of its own. */
  private async updateOne(
    tenant: string,
    resourceType: string,
    id: string,
    input: UpdateInput,
  ): Promise<StoredResource> {
    const given = storedData(input.data, this.types.get(resourceType));
    const membersOnly = input.membersOnly === true;
    const at = now();
    const s = this.s;
    const keys = membersOnly ? [] : sortedKeys(input.unique);
    const delta = input.members;
    const deltaFree = movesNoMember(delta);
    if (membersOnly && delta !== undefined && !deltaFree && oneStatementDelta(delta)) {
      // Another write (or a delete) of the group came first: the statement again, on a new
      // snapshot (twice at most; a deleted group then finds no row). Nothing written for another
      // reason (the row, the client's version or a member is not there), or still contended: the
      // transaction below does it, statement by statement, and says why it refuses.
      for (let attempt = 0; attempt < MEMBER_STATEMENT_TRIES; attempt++) {
        const written = await this.membersInOneStatement(tenant, resourceType, id, input, delta, at);
        if (written === undefined) break;
        if (written !== 'again') return written;
      }
    }
    const write = this.write(
      async (q) => {
        // Member-only: keep the stored data (a concurrent change of attributes is not overwritten).
        const v: unknown[] = [tenant, id, resourceType, at];
        // The rendering moves to the new version with the data (a member-only write keeps it, if
        // it was the current one); `SET`'s right-hand sides read the row as it was.
        const set = membersOnly
          ? `, rendered_version = CASE WHEN rendered_version = version THEN version + 1 END`
          : `, data = $${v.push(JSON.stringify(given))}::jsonb, search = $${v.push(JSON.stringify(searchDocument(given)))}::jsonb, rendered = $${v.push(input.rendering ?? null)}::text, rendered_version = version + 1`;
        const guard = input.ifVersion === undefined ? '' : ` AND version = $${v.push(input.ifVersion)}`;
        // One statement: the row; its unique keys (those it no longer has released, new ones
        // claimed); without member changes, its change-feed entry. Nothing happens without the row.
        const claims = membersOnly
          ? ''
          : `, released AS (
             DELETE FROM ${s}.uniques AS o USING r WHERE o.tenant = $1 AND o.id = $2
               AND NOT EXISTS (SELECT 1 FROM unnest($${v.push(keys.map((k) => k.attribute))}::text[], $${v.push(keys.map((k) => k.value))}::text[]) AS k(a, v)
                               WHERE k.a = o.attribute AND k.v = o.value)
             RETURNING 1
           ), held AS (
             SELECT attribute, value FROM ${s}.uniques WHERE tenant = $1 AND id = $2
           ), ${claimCte(s, v, keys, { tenant: '$1', resourceType: '$3', id: '$2' }, 'r', 'held')}`;
        const after = membersOnly ? 'r' : 'claimed';
        // The row's sort keys before (`o`, in the statement's snapshot) and after the update: the
        // change records which it moved (see `movedKeysSql`).
        const feed = deltaFree
          ? `, ${this.feedCte(v, tenant, resourceType, '$2', 'r.version', at, input.change, after, 'r LEFT JOIN o ON TRUE', MOVED_KEYS)}`
          : '';
        const { rows } = await q.query(
          `WITH o AS (
           SELECT version AS before_version, ${SORT_KEYS} FROM ${s}.resources WHERE ${BY_ID}
         ), r AS (
           UPDATE ${s}.resources SET version = version + 1, last_modified = $4${set}
           WHERE ${BY_ID}${guard}
           RETURNING version, created${membersOnly ? ', data' : ''}, ${SORT_KEYS}
         )${claims}${feed}
         SELECT r.version, r.created${membersOnly ? ', r.data' : ''}, ${MOVED_KEYS} AS keys_moved${this.groupsColumn(input.groups)}
         FROM r LEFT JOIN o ON TRUE`,
          v,
        );
        const row = rows[0] as
          | {
              version: number;
              created: string;
              data?: string | Record<string, unknown>;
              groups?: GroupCells;
              keys_moved: number | null;
            }
          | undefined;
        if (row === undefined) {
          const exists = await q.query(`SELECT 1 FROM ${s}.resources WHERE ${BY_ID}`, [
            tenant,
            id,
            resourceType,
          ]);
          if (exists.rows.length === 0 || input.ifVersion === undefined) throw missing(resourceType, id);
          throw stale(resourceType, id, input.ifVersion);
        }
        // A member-only write returns the data it kept; another write stored what it was given.
        const stored = storedOf(id, resourceType, { ...row, data: row.data ?? given }, at);
        if (delta !== undefined && !deltaFree) {
          if (delta.removeAll === true) {
            await q.query(`DELETE FROM ${s}.members WHERE tenant = $1 AND group_id = $2`, [tenant, id]);
          } else if (delta.removed.length > 0) {
            await q.query(
              `DELETE FROM ${s}.members WHERE tenant = $1 AND group_id = $2 AND member_id = ANY($3::text[])`,
              [tenant, id, distinct(delta.removed)],
            );
          }
          if (delta.added.length > 0) {
            await this.addMembers(q, tenant, id, distinct(delta.added), delta.display, delta.unknown);
          }
          await this.record(q, tenant, resourceType, id, stored.version, at, input.change, row.keys_moved);
        }
        return stored;
      },
      deltaFree,
      input.onCommitted,
    );
    return this.refusingTaken(write, tenant, resourceType, id, keys);
  }

  /**
   * One batch of updates (see `sql/write-batches.ts`): one alone as {@link updateOne} writes it;
   * several in one statement ({@link updatesTogether}). Each update gets its own answer, as alone:
   * - one the statement did not write (its row gone, or at another version: another instance
   *   wrote it) is written again on its own, which says why it refuses (404, 412);
   * - when the statement failed before its commit (nothing of it written) for a reason that may be
   *   one update's alone (a unique key another resource holds, or two of the batch claim; a value
   *   the database cannot hold; a deadlock that outlasted its retries), each update is written on
   *   its own, one after the other in the order they came, so that only those at fault fail;
   *   when PostgreSQL cannot be reached, or the batch committed and then failed (its flush), every
   *   update fails with that error, as each would have alone;
   * - one whose `onCommitted` threw fails with that error, and only that one.
   */
  private async runUpdates(jobs: readonly QueuedUpdate[], done: () => void): Promise<void> {
    const alone = (job: QueuedUpdate, committed?: () => void) => {
      const { onCommitted } = job.input;
      const input: UpdateInput =
        committed === undefined
          ? job.input
          : {
              ...job.input,
              onCommitted: (stored) => {
                committed();
                onCommitted?.(stored);
              },
            };
      return this.updateOne(job.tenant, job.resourceType, job.id, input).then(job.resolve, job.reject);
    };
    if (jobs.length === 1) {
      await alone(jobs[0] as QueuedUpdate, done);
      return;
    }
    const batch: BatchOutcome = { written: undefined, failed: new Map() };
    try {
      await this.updatesTogether(jobs, done, batch);
    } catch (error) {
      done();
      if (
        batch.written !== undefined ||
        isUnavailable(error) ||
        (isScimError(error) && error.status === 503)
      ) {
        for (const job of jobs) job.reject(error);
        return;
      }
      // One after the other in the order they came, each starting once the one before committed
      // (not once it is on disk), as the batches do.
      for (const job of jobs) {
        await new Promise<void>((resolve) => {
          void alone(job, resolve).then(resolve);
        });
      }
      return;
    }
    // Set once the statement returned (see `updatesTogether`).
    const written = batch.written as ReadonlyMap<number, StoredResource>;
    const again: QueuedUpdate[] = [];
    for (const [i, job] of jobs.entries()) {
      const stored = written.get(i + 1);
      if (stored === undefined) again.push(job);
      else if (batch.failed.has(i + 1)) job.reject(batch.failed.get(i + 1));
      else job.resolve(stored);
    }
    await Promise.all(again.map((job) => alone(job)));
  }

  /**
   * Several updates of one tenant's resources of one type in one statement, its own transaction,
   * as {@link updateOne} writes each (see there): every row at its new version with its data,
   * rendering and last-modified time, if it is still at the version its update read; their unique
   * keys released (before any is claimed, so that a key one update gives up another may take),
   * held and claimed; one change-feed entry each, in the order the updates came, after the
   * per-tenant feed lock. The rows are listed in the order of their ids (two instances' batches
   * then seldom wait for each other in a circle; a deadlock is retried). At the commit,
   * `out.written` holds the stored resources by the update's place (from 1; an update not there
   * was not written: its row gone, or at another version), each update's `onCommitted` is called
   * (one that throws is in `out.failed`), and `done`.
   */
  private async updatesTogether(
    jobs: readonly QueuedUpdate[],
    done: () => void,
    out: BatchOutcome,
  ): Promise<void> {
    const first = jobs[0] as QueuedUpdate;
    const { tenant, resourceType } = first;
    const storage = this.types.get(resourceType);
    const s = this.s;
    const v: unknown[] = [tenant, resourceType];
    const writes = jobs.map((job, i) => ({
      job,
      place: i + 1,
      given: storedData(job.input.data, storage),
      at: now(),
    }));
    // Every value a parameter (the place too): the statement's text depends on the batch's size
    // alone, so that it is prepared once per size and keeps its plan (a text of its own for each
    // order of ids would be planned at every run: 1.4 ms a batch of 5).
    const rows = [...writes]
      .sort((a, b) => (a.job.id < b.job.id ? -1 : a.job.id > b.job.id ? 1 : 0))
      .map(({ job, place, given, at }) => {
        const keys = sortedKeys(job.input.unique);
        const p = (value: unknown) => `$${v.push(value)}`;
        return `(${p(place)}::int, ${p(job.id)}::text, ${p(at)}::text, ${p(JSON.stringify(given))}::text, ${p(JSON.stringify(searchDocument(given)))}::text, ${p(job.input.rendering ?? null)}::text, ${p(job.input.ifVersion)}::int, ${p(keys.map((k) => k.attribute))}::text[], ${p(keys.map((k) => k.value))}::text[], ${p(job.input.change.type)}::text, ${p(changeDetail(job.input.change))}::text, ${p(job.input.groups === true)}::boolean)`;
      });
    // Padded to the next of 2, 4, 8 and 16 rows with rows of no id (they match nothing), so that a
    // connection prepares four statements (eight, with and without groups), not one per size (a
    // plan of 16 rows holds some 0.8 MB of a backend's memory).
    const size = UPDATE_SIZES.find((n) => n >= rows.length) ?? rows.length;
    while (rows.length < size) {
      rows.push(`(${PAD_TYPES.map((type) => `$${v.push(null)}::${type}`).join(', ')})`);
    }
    const lock = `$${v.push(LOCK_SPACE)}::int, $${v.push(hash32(`feed:${this.schema}:${tenant}`))}::int`;
    const groups = jobs.some((job) => job.input.groups === true)
      ? this.groupsColumn(true, '$1', 'r.id', 'w.with_groups')
      : '';
    const statement = `WITH w (i, id, at, doc, search_doc, rendering, if_version, key_attributes, key_values, change_type, detail, with_groups) AS (
        VALUES ${rows.join(', ')}
      ), o AS (
        SELECT x.id, x.version AS before_version, ${SORT_KEYS}
        FROM w JOIN ${s}.resources AS x ON x.tenant = $1 AND x.id = w.id AND (x.resource_type = $2) IS TRUE
      ), r AS (
        UPDATE ${s}.resources AS t SET version = t.version + 1, last_modified = w.at, data = w.doc::jsonb,
          search = w.search_doc::jsonb, rendered = w.rendering, rendered_version = t.version + 1
        FROM w WHERE t.tenant = $1 AND t.id = w.id AND (t.resource_type = $2) IS TRUE AND t.version = w.if_version
        RETURNING w.i, t.id, t.version, t.created, ${SORT_KEYS}
      ), released AS (
        DELETE FROM ${s}.uniques AS u USING r JOIN w ON w.i = r.i
        WHERE u.tenant = $1 AND u.id = r.id
          AND NOT EXISTS (SELECT 1 FROM unnest(w.key_attributes, w.key_values) AS k(a, v)
                          WHERE k.a = u.attribute AND k.v = u.value)
        RETURNING 1
      ), held AS (
        SELECT u.id, u.attribute, u.value FROM w JOIN ${s}.uniques AS u ON u.tenant = $1 AND u.id = w.id
      ), claimed AS (
        INSERT INTO ${s}.uniques (tenant, resource_type, attribute, value, digest, id)
        SELECT $1, $2, k.a, k.v, sha256(convert_to(k.v, 'UTF8')), r.id
        FROM (SELECT count(*) FROM released) AS gone, r JOIN w ON w.i = r.i,
          unnest(w.key_attributes, w.key_values) WITH ORDINALITY AS k(a, v, n)
        WHERE NOT EXISTS (SELECT 1 FROM held AS h WHERE h.id = r.id AND h.attribute = k.a AND h.value = k.v)
        ORDER BY r.i, k.n
        RETURNING 1
      ), feed AS (
        SELECT pg_advisory_xact_lock(${lock})${this.asyncCommit} FROM (SELECT count(*) AS n FROM claimed) AS done
      ), change AS (
        INSERT INTO ${s}.changes (tenant, type, resource_type, id, version, at, detail, keys_moved)
        SELECT $1, w.change_type, $2, r.id, r.version, w.at, w.detail::jsonb, ${MOVED_KEYS}
        FROM feed, r JOIN w ON w.i = r.i LEFT JOIN o ON o.id = r.id
        ORDER BY r.i
      )
      SELECT r.i, r.version, r.created${groups} FROM r JOIN w ON w.i = r.i ORDER BY r.i`;
    const storedRows = (found: readonly BatchRow[]) =>
      new Map(
        found.map((row) => {
          const w = writes[row.i - 1] as (typeof writes)[number];
          const written = { version: row.version, created: row.created, data: w.given };
          const cells = row.groups ?? undefined;
          return [
            row.i,
            storedOf(
              w.job.id,
              resourceType,
              cells === undefined ? written : { ...written, groups: cells },
              w.at,
            ),
          ] as const;
        }),
      );
    const committed = (found: readonly BatchRow[]) => {
      const stored = storedRows(found);
      out.written = stored;
      for (const [place, resource] of stored) {
        try {
          jobs[place - 1]?.input.onCommitted?.(resource);
        } catch (error) {
          out.failed.set(place, error);
        }
      }
      // The next batch after this one's answers are on their way (its statement is built at once).
      done();
    };
    const found = await this.write(
      async (q) => (await q.query(statement, v)).rows as BatchRow[],
      true,
      committed,
      (rows) => rows.length > 0,
    );
    // Without a flush to wait for (PGlite), or when nothing was written, `committed` was not called;
    // as alone, no `onCommitted` then (the write has returned: the handler's turn passes with it).
    out.written ??= storedRows(found);
    done();
    // Each written update counts as a write (the next `ANALYZE`); `write` counted one.
    for (let i = 1; i < found.length; i++) this.wrote();
  }

  /**
   * A member-only write (Entra's member PATCH) in one statement, its own transaction: the row's
   * new version, the members removed and added, the change-feed entry. A group's writes take turns
   * (its row lock, and the handler's queue in each process), so each round trip saved is one less
   * for every writer waiting behind it: the transaction of {@link update} takes four.
   *
   * The statement reads the members in one snapshot, taken before it waits for the row's lock, so
   * it writes only when no other write of the row committed in between (its version is the one of
   * that snapshot); and, unless unknown members are skipped, only when every added member is a
   * resource of the tenant (locked FOR KEY SHARE, as `addMembers` does). Otherwise it writes
   * nothing and returns `'again'` when another write of the row came first (the caller tries the
   * statement again, on a new snapshot), else `undefined` (the row, the version the client named
   * or a member is not there), and {@link update}'s transaction runs instead and says why.
   */
  private async membersInOneStatement(
    tenant: string,
    resourceType: string,
    id: string,
    input: UpdateInput,
    delta: MemberDelta,
    at: string,
  ): Promise<StoredResource | 'again' | undefined> {
    const v: unknown[] = [tenant, id, resourceType, at];
    const guard = input.ifVersion === undefined ? '' : ` AND version = $${v.push(input.ifVersion)}`;
    const { ctes, written, missing } = memberWriteCtes(
      { schema: this.s, values: v, byId: BY_ID, sortKeys: SORT_KEYS, guard },
      delta,
    );
    // The feed's lock is taken last, once the member rows are written (as `record` takes it).
    const feed = this.feedCte(
      v,
      tenant,
      resourceType,
      '$2',
      'r.version',
      at,
      input.change,
      written,
      'r LEFT JOIN o ON TRUE',
      MOVED_KEYS,
      true,
    );
    const { onCommitted } = input;
    return this.write(
      async (q) => {
        // From `o`: a row when the resource was there at the snapshot, with `r`'s columns when
        // the statement wrote it.
        const { rows } = await q.query(
          `WITH ${ctes}, ${feed}
           SELECT r.version, r.created, r.data${this.groupsColumn(input.groups)},
                  ${missing} AS missing
           FROM o LEFT JOIN r ON TRUE`,
          v,
        );
        const row = rows[0] as (WrittenRow & { missing: boolean }) | undefined;
        if (row === undefined) return undefined;
        if (row.version !== null) return storedOf(id, resourceType, row, at);
        // The row was there and is not now at that version: another write (or a delete) came
        // first. Versions only grow, so with an If-Match the write can only be refused (412,
        // or 404): the transaction says which, without another try.
        return input.ifVersion !== undefined || row.missing ? undefined : 'again';
      },
      true,
      // The next write of the row may start once this one is committed; not after a statement
      // that wrote nothing (the statement again or the transaction that follows is still this
      // write), which also waits for no flush.
      onCommitted === undefined
        ? undefined
        : (out) => {
            if (typeof out === 'object') onCommitted(out);
          },
      (out) => typeof out === 'object',
    );
  }

  /**
   * `write`, whose unique-key violation (23505: a key another resource holds; nothing was
   * written) becomes the 409 `uniqueness` of the first such key, looked up once it failed.
   */
  private async refusingTaken<T>(
    write: Promise<T>,
    tenant: string,
    resourceType: string,
    id: string,
    keys: readonly UniqueKey[],
  ): Promise<T> {
    try {
      return await write;
    } catch (error) {
      if (sqlState(error) !== '23505' || keys.length === 0) throw error;
      const held = await this.read(async (q) => {
        const { rows } = await q.query(
          `SELECT attribute, value FROM ${this.s}.uniques AS u
           JOIN unnest($4::text[], $5::text[]) AS k(a, v)
             ON u.attribute = k.a AND u.digest = sha256(convert_to(k.v, 'UTF8'))
           WHERE u.tenant = $1 AND u.resource_type = $2 AND u.id <> $3`,
          [tenant, resourceType, id, keys.map((k) => k.attribute), keys.map((k) => k.value)],
        );
        return new Set((rows as UniqueKey[]).map((k) => JSON.stringify([k.attribute, k.value])));
      });
      // None held any more (its holder deleted since): the first key, as a create racing it.
      const lost = keys.find((k) => held.has(JSON.stringify([k.attribute, k.value]))) ?? keys[0]!;
      throw taken(resourceType, lost);
    }
  }

  async delete(
    tenant: string,
    resourceType: string,
    id: string,
    input: { readonly ifVersion?: number; readonly change: ChangeRecord },
  ): Promise<void> {
    const at = now();
    const s = this.s;
    await this.write(async (q) => {
      const params: unknown[] = [tenant, id, resourceType];
      if (input.ifVersion !== undefined) params.push(input.ifVersion);
      const { rowCount } = await q.query(
        `DELETE FROM ${s}.resources WHERE ${BY_ID}${input.ifVersion === undefined ? '' : ' AND version = $4'}`,
        params,
      );
      if (rowCount === 0) {
        const exists = await q.query(`SELECT 1 FROM ${s}.resources WHERE ${BY_ID}`, [
          tenant,
          id,
          resourceType,
        ]);
        if (exists.rows.length === 0 || input.ifVersion === undefined) throw missing(resourceType, id);
        throw stale(resourceType, id, input.ifVersion);
      }
      await this.record(q, tenant, resourceType, id, 0, at, input.change);
    });
  }

  async list(tenant: string, query: ListQuery): Promise<ListPage> {
    const lookup = uniqueLookup(query);
    if (lookup !== undefined) return this.lookupList(tenant, query, lookup);
    // An unbudgeted list runs as a read by id does: under the pool's timeout, if any (then 503).
    const run = <T>(fn: (q: Queryable) => Promise<T>) =>
      query.unbudgeted === true ? this.read(fn) : this.budgetedRead(query.resourceType, fn);
    return run(async (q) => {
      const stale: Stale = {};
      let found = await this.listRows(q, tenant, query, true, stale);
      // The mark was of other data (a write since): the list's ladder moved to the data's version
      // (see `sql/ladder-repair.ts`) and the page again; else at its offset, as without marks.
      if (found === undefined && stale.list !== undefined && (await this.repairList(q, tenant, query, stale)))
        found = await this.listRows(q, tenant, query, true);
      found ??= (await this.listRows(q, tenant, query, false)) as ListRows;
      const { rows, total, limit, keyset } = found;
      const storage = this.types.get(query.resourceType);
      const page = keysetPage(rows, limit, keyset);
      const list = page.rows;
      const members =
        query.members === true && storage?.referenceAttribute !== undefined
          ? await this.membersOf(
              q,
              tenant,
              list.map((r) => r.id),
            )
          : undefined;
      return {
        ...(page.next === undefined ? {} : { next: page.next }),
        totalResults: total,
        resources: list.map((r) =>
          toResource(r, members === undefined ? undefined : (members.get(r.id) ?? [])),
        ),
      };
    });
  }

  /**
   * A list page's rows and count, in one statement (a second when the page is empty): from the
   * nearest remembered mark of its list when `useMarks` (see `sql/page-marks.ts`; the tenant's
   * last change-feed cursor is the data's version, as the per-tenant feed lock commits cursors in
   * order), else at its offset; the count counted again only when that version moved since it
   * was last counted (see {@link countOf}). `undefined`: the mark was of other data (then
   * `stale.list` is the key of the list's marks).
   */
  private async listRows(
    q: Queryable,
    tenant: string,
    query: ListQuery,
    useMarks: boolean,
    stale: Stale = {},
  ): Promise<ListRows | undefined> {
    const params = new Params(true);
    const t = params.text(tenant);
    const rt = params.text(query.resourceType);
    const compiler = this.compilerFor(params, query.resourceType, t, rt);
    const where = `r.tenant = ${t} AND r.resource_type = ${rt}${query.filter === undefined ? '' : ` AND ${compiler.filter(query.filter)}`}`;
    const order = compiler.sort(query.sort);
    const paged = paging(query);
    const keyset = query.keyset === true || query.after !== undefined;
    const limit = paged.limit;
    const countValues = [...params.values];
    // Keyset paging starts after a position (a range of the sort index), never at an offset.
    const offset = query.after === undefined ? paged.offset : 0;
    const key = keyset || !useMarks ? undefined : JSON.stringify([where, order, countValues]);
    const list = key !== undefined && PageMarks.fits(key) ? key : undefined;
    // After a write of this store: the ladder repaired before the page reads from it, in the
    // page's own statement where it can (see `repairedPage`).
    if (list !== undefined && offset > 0 && limit > 0 && this.marks.wroteSince(list)) {
      const count = JSON.stringify([where, countValues]);
      const page =
        query.filter === undefined ? await this.repairedPage(q, tenant, query, list, offset, limit) : 'again';
      if (page !== undefined && page !== 'again') return page;
      if (page === 'again') await this.repairList(q, tenant, query, { list, count });
    }
    const versionSql = `(SELECT cursor FROM ${this.s}.changes WHERE tenant = ${t} ORDER BY cursor DESC LIMIT 1)`;
    const counting = this.countOf(params, where, versionSql, countValues);
    const counted = async () => {
      const { rows } = await q.query(
        `SELECT ${counting.sql} AS total_count, ${versionSql} AS list_version`,
        counting.values,
      );
      return counting.total(rows[0] as TotalRow);
    };
    if (limit === 0) return { rows: [], total: await counted(), limit, keyset };
    const nearest = list === undefined || offset === 0 ? undefined : this.marks.nearest(list, offset);
    // A deep page far from any mark climbs the list's ladder first (see `sql/ladder.ts`).
    const mark =
      list === undefined || query.filter !== undefined
        ? nearest
        : await climbLadder(
            this.ladderOf(tenant, query),
            this.marks,
            { list, offset, mark: nearest },
            async (sql, v) => (await q.query(sql, [...v])).rows as ResourceRow[],
          );
    const start = query.after === undefined ? mark?.position : readPosition(query.after);
    const after = start === undefined ? '' : ` AND ${compiler.after(query.sort, start)}`;
    // Rows to skip after the mark (or from the first row), one fewer when the row before is read.
    const skip = offset - (mark?.offset ?? 0);
    const lead = list !== undefined && skip > 0 ? 1 : 0;
    const sortKey = compiler.sortColumn(query.sort);
    // The page size as text, and a first page's offset: PostgreSQL then keeps one plan for the
    // statement instead of planning it again at every run (see `Params.pageRows`).
    const limitParam = params.pageRows(keyset ? limit + 1 : limit + lead);
    const offsetParam = skip - lead === 0 ? params.pageRows(0) : params.rows(skip - lead);
    // One round trip: the page with the count (or the data version that says a remembered count
    // still holds) beside it, its parameters first; a second only when the page is empty and so
    // holds no count. A page read from a mark of other data is not counted (it is read again).
    const countUnlessStale =
      mark === undefined
        ? counting.sql
        : `CASE WHEN ${versionSql} <> ${params.count(mark.version)} THEN -1 ELSE ${counting.sql} END`;
    const { rows } = await q.query(
      pageSql(
        `${this.s}.resources`,
        `${where}${after}`,
        order,
        limitParam,
        offsetParam,
        skip - lead > PLAIN_SKIP,
        sortKey,
        `, ${countUnlessStale} AS total_count, ${versionSql} AS list_version`,
        true,
        pageData(query),
      ),
      params.values,
    );
    const first = rows[0] as (ResourceRow & TotalRow) | undefined;
    if (mark !== undefined && first !== undefined && Number(first.list_version) !== mark.version) {
      // Read from a mark of other data: not counted (-1), read again (see `list`).
      this.marks.outdated(list as string, Number(first.list_version));
      Object.assign(stale, { list, count: JSON.stringify([where, countValues]) });
      return undefined;
    }
    const total = first === undefined ? await counted() : counting.total(first);
    const read = {
      ...(list === undefined ? {} : { list }),
      ...(mark === undefined ? {} : { mark }),
      lead,
      offset,
      limit,
    };
    const page = markedRows(read, rows as ResourceRow[], total, this.marks);
    return page === undefined ? undefined : { rows: page, total, limit, keyset };
  }

  /**
   * A deep page of an unfiltered list after a write of this store, its ladder repaired on the way
   * (see `sql/ladder-repair.ts`) in two round trips, not three: the change feed since the ladder's
   * version, then the walk of the gaps rows came to in the statement of the page. The page is read
   * from the highest rung at or below it however the repair moves it (every row the feed names now
   * in the list could have come before it, every row that existed could have left): from that
   * rung's old offset plus those rows, as many rows more than the page as the feed names, and cut
   * to the page once the walk gives the rung's offset now. `undefined`: settled (repaired or
   * dropped) without a page, read it as usual; `'again'`: the ladder untouched, repair it first.
   */
  private async repairedPage(
    q: Queryable,
    tenant: string,
    query: ListQuery,
    list: string,
    offset: number,
    limit: number,
  ): Promise<ListRows | 'again' | undefined> {
    const target = this.ladderOf(tenant, query);
    const run = async (sql: string, v: readonly (string | number | null)[]) =>
      (await q.query(sql, [...v])).rows as ResourceRow[];
    const params = new Params(true);
    const t = params.text(tenant);
    const rt = params.text(query.resourceType);
    const where = `r.tenant = ${t} AND r.resource_type = ${rt}`;
    const countValues = [...params.values];
    const planned = await planRepair(target, this.marks, list, run);
    this.moveCount(
      JSON.stringify([where, countValues]),
      'done' in planned ? planned.done.count : planned.count,
    );
    if ('done' in planned) return undefined;
    const { plan } = planned;
    const { ladder } = plan;
    // The highest rung that no repair moves past the page.
    let k = -1;
    while (k + 1 < ladder.offsets.length && (ladder.offsets[k + 1] as number) + plan.now <= offset) k++;
    if (k < 0) {
      await finishRepair(target, this.marks, list, run, plan);
      return undefined;
    }
    const compiler = this.compilerFor(params, query.resourceType, t, rt);
    const versionSql = `(SELECT cursor FROM ${this.s}.changes WHERE tenant = ${t} ORDER BY cursor DESC LIMIT 1)`;
    const counting = this.countOf(params, where, versionSql, countValues);
    const rung = ladder.rungs[k] as ListPosition;
    const skip = offset - ((ladder.offsets[k] as number) + plan.now);
    const window = limit + plan.now + plan.before;
    const after = compiler.after(query.sort, rung);
    const walk = gapsSql(target, ladder, plan.came, params);
    const { rows } = await q.query(
      pageSql(
        `${this.s}.resources`,
        `${where} AND ${after}`,
        compiler.sort(query.sort),
        params.rows(window),
        params.rows(skip),
        skip > PLAIN_SKIP,
        compiler.sortColumn(query.sort),
        `, ${counting.sql} AS total_count, ${versionSql} AS list_version, (SELECT json_agg(w) FROM (${walk.sql}) AS w) AS ladder_walk`,
        true,
        pageData(query),
      ),
      params.values,
    );
    const first = rows[0] as (ResourceRow & TotalRow & { ladder_walk?: unknown }) | undefined;
    // No row read, so no walk either: the ladder untouched.
    if (first === undefined || !Array.isArray(first.ladder_walk)) return 'again';
    const settled = settleWalk(this.marks, list, plan, first.ladder_walk as ResourceRow[]);
    if (settled.outcome === 'moved' || settled.outcome === 'tail') return 'again';
    if (settled.outcome !== 'held' || Number(first.list_version) !== plan.version) return undefined;
    const at = settled.offsets[k] as number;
    const from = offset - at - skip;
    // The rung moved as the bounds allow (else the page is read from the repaired ladder).
    if (from < 0 || from + limit > window) return undefined;
    const total = counting.total(first);
    const read = {
      list,
      mark: { offset: at, position: rung, version: plan.version },
      lead: 0,
      offset,
      limit,
    };
    const page = markedRows(read, rows.slice(from, from + limit) as ResourceRow[], total, this.marks);
    return page === undefined ? undefined : { rows: page, total, limit, keyset: false };
  }

  /**
   * Moves a list's ladder to the data's version after a page found its mark stale (see
   * `sql/ladder-repair.ts`), and the list's remembered count with it (see {@link countOf}), so
   * that the page read again need not count: whether the ladder holds.
   */
  private async repairList(q: Queryable, tenant: string, query: ListQuery, stale: Stale): Promise<boolean> {
    const { list, count: countKey } = stale;
    if (list === undefined || query.filter !== undefined) return false;
    const run = async (sql: string, v: readonly (string | number | null)[]) =>
      (await q.query(sql, [...v])).rows as ResourceRow[];
    const { held, count } = await repairLadder(this.ladderOf(tenant, query), this.marks, list, run);
    if (countKey !== undefined) this.moveCount(countKey, count);
    return held;
  }

  /**
   * Moves a list's remembered count (see {@link countOf}) by the rows a repair's feed read says it
   * gained: from the count's version, when the feed covers it (the ladder's version or later; a
   * list's pages of other sorts count it at later versions than its ladder's).
   */
  private moveCount(key: string, count: LadderRepair['count']): void {
    const known = count === undefined ? undefined : this.counts.get(key);
    if (count === undefined || known === undefined) return;
    const at = Number(known.version);
    if (at >= count.from && at < count.to)
      this.counts.moved(key, known.version, String(count.to), count.after(at));
  }

  /** Where a list's ladder is climbed (see `sql/ladder.ts`). */
  private ladderOf(tenant: string, query: ListQuery): LadderTarget {
    return {
      dialect: postgresDialect(this.schema),
      postgres: true,
      resources: `${this.s}.resources`,
      changes: `${this.s}.changes`,
      tenant,
      resourceType: query.resourceType,
      sort: query.sort,
    };
  }

  /**
   * A list's count as a SQL expression of its page's statement: `COUNT(*)`, or, when a count of
   * the list is remembered, `NULL` while the tenant's data version (`versionSql`, read in the
   * same statement) is the one it was counted at, and `COUNT(*)` only when it moved (PostgreSQL
   * runs the subquery of a `CASE` branch only when it takes it). Pushes the remembered version
   * after the list's `WHERE` values (`countValues`), before the page's own. `total` reads the
   * count of a row of the statement (and remembers it with its version).
   */
  private countOf(
    params: Params,
    where: string,
    versionSql: string,
    countValues: readonly unknown[],
  ): { sql: string; values: unknown[]; total: (row: TotalRow) => number } {
    const key = JSON.stringify([where, countValues]);
    const cacheable = ListCounts.fits(key);
    const known = cacheable ? this.counts.get(key) : undefined;
    const count = `(SELECT COUNT(*) FROM ${this.s}.resources AS r WHERE ${where})`;
    const sql =
      known === undefined
        ? count
        : `CASE WHEN ${versionSql} = ${params.text(known.version)}::bigint THEN NULL ELSE ${count} END`;
    const total = (row: TotalRow): number => {
      const n = row.total_count === null && known !== undefined ? known.total : Number(row.total_count);
      if (cacheable && row.list_version !== null) this.counts.remember(key, String(row.list_version), n);
      return n;
    };
    return { sql, values: [...params.values], total };
  }

  async memberOf(tenant: string, id: string): Promise<readonly StoredMember[]> {
    // No row holds an id that no database can hold, and such an id must not fail the others' reads.
    if (!storable(id)) return [];
    const groups = await this.memberOfLookups.find(tenant, id);
    // Reads of one id share its answer: each caller gets members of its own.
    return (groups ?? []).map((m) => ({ ...m }));
  }

  /** The groups each of `ids` is a direct member of, in one statement (see {@link memberOf}). */
  private groupsOfMembers(tenant: string, ids: readonly string[]): Promise<Map<string, StoredMember[]>> {
    const { text, values } = memberOfLookupSql(`${this.s}.members`, `${this.s}.resources`, tenant, ids);
    return this.read(async (q) => {
      const { rows } = await q.query(text, values);
      const out = new Map<string, StoredMember[]>();
      for (const row of rows as (MemberRow & { of: string })[]) {
        const groups = out.get(row.of);
        if (groups === undefined) out.set(row.of, [toMember(row)]);
        else groups.push(toMember(row));
      }
      return out;
    });
  }

  async changes(
    tenant: string,
    options?: { readonly after?: string | undefined; readonly limit?: number },
  ): Promise<readonly ChangeEvent[]> {
    const after = cursorOf(options?.after);
    const limit = Math.max(1, Math.min(10_000, Math.floor(options?.limit ?? 1000)));
    return this.read(async (q) => {
      const { rows } = await q.query(
        `SELECT cursor, tenant, type, resource_type, id, version, at, detail FROM ${this.s}.changes
         WHERE tenant = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`,
        [tenant, after, limit],
      );
      return (rows as ChangeRow[]).map(toChange);
    });
  }

  /**
   * The unique keys of a batch in one statement, in (attribute, value) order, as a single create
   * claims them; the first key held by another resource (in the tenant, or earlier in the batch)
   * is a 409 `uniqueness`.
   */
  private async claimMany(
    q: Queryable,
    tenant: string,
    resourceType: string,
    rows: readonly { readonly id: string; readonly keys: readonly UniqueKey[] }[],
  ): Promise<void> {
    const all = rows.flatMap((r) => sortedKeys(r.keys).map((key) => ({ key, id: r.id })));
    if (all.length === 0) return;
    const before = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const sorted = [...all].sort(
      (a, b) => before(a.key.attribute, b.key.attribute) || before(a.key.value, b.key.value),
    );
    const { rows: claimed } = await q.query(
      `INSERT INTO ${this.s}.uniques (tenant, resource_type, attribute, value, digest, id)
       SELECT $1, $2, a, v, sha256(convert_to(v, 'UTF8')), i
       FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(a, v, i, n) ORDER BY n
       ON CONFLICT DO NOTHING RETURNING attribute, value, id`,
      [
        tenant,
        resourceType,
        sorted.map((k) => k.key.attribute),
        sorted.map((k) => k.key.value),
        sorted.map((k) => k.id),
      ],
    );
    if (claimed.length === all.length) return;
    const holder = new Map(
      (claimed as { attribute: string; value: string; id: string }[]).map((c) => [
        `${c.attribute}\u0000${c.value}`,
        c.id,
      ]),
    );
    const lost = all.find((k) => holder.get(`${k.key.attribute}\u0000${k.key.value}`) !== k.id);
    if (lost !== undefined) throw taken(resourceType, lost.key);
  }

  private async addMembers(
    q: Queryable,
    tenant: string,
    groupId: string,
    all: readonly string[],
    labels: Readonly<Record<string, string>> | undefined,
    mode: 'reject' | 'skip' | undefined,
  ): Promise<void> {
    const display = all.map((m) => labelOf(labels, m));
    let found: Set<string>;
    try {
      // One statement. FOR KEY SHARE: a member found here cannot be deleted before this
      // transaction ends, so the insert never meets a member deleted meanwhile (a delete in flight
      // is waited for). A present member keeps its row and its label (DO NOTHING): `display` is
      // immutable. Unknown members are left out; the caller's mode decides (a rejection rolls back).
      const { rows } = await q.query(
        `WITH found AS (
           SELECT id FROM ${this.s}.resources WHERE tenant = $1 AND id = ANY($3::text[]) FOR KEY SHARE
         ), added AS (
           INSERT INTO ${this.s}.members (tenant, group_id, member_id, display, display_search)
           SELECT $1, $2, m, d, s FROM unnest($3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x(m, d, s, i)
           WHERE m IN (SELECT id FROM found) ORDER BY i
           ON CONFLICT DO NOTHING
         )
         SELECT id FROM found`,
        [tenant, groupId, all, display, display.map(labelSearch)],
      );
      found = new Set((rows as { id: string }[]).map((r) => r.id));
    } catch (error) {
      // A member deleted by another transaction since it was found.
      if (sqlState(error) === '23503') throw unknownMembers(all);
      throw error;
    }
    const unknown = all.filter((m) => !found.has(m));
    if (unknown.length > 0 && mode !== 'skip') throw unknownMembers(unknown);
  }

  private async membersOf(
    q: Queryable,
    tenant: string,
    groupIds: readonly string[],
  ): Promise<Map<string, StoredMember[]>> {
    const out = new Map<string, StoredMember[]>();
    if (groupIds.length === 0) return out;
    const { rows } = await q.query(
      `SELECT m.group_id, m.member_id, r.resource_type,
              COALESCE(m.display, r.data ->> 'displayName', r.data ->> 'userName') AS display
       FROM ${this.s}.members AS m LEFT JOIN ${this.s}.resources AS r ON r.tenant = m.tenant AND r.id = m.member_id
       WHERE m.tenant = $1 AND m.group_id = ANY($2::text[]) ORDER BY m.seq`,
      [tenant, groupIds],
    );
    for (const row of rows as (MemberRow & { group_id: string })[]) {
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
   * The change-feed entry as two CTEs (`feed`, `change`) of a write's statement, adding its
   * values to `v`: the per-tenant lock, taken once the CTE `after` has run to its end (so that
   * it is taken after the row and unique-key locks, as every writer takes them), makes cursors
   * commit in order. `id` and `version` are SQL expressions (`from`: the CTE they come from).
   * `rowsOnly`: no lock when `after` has no rows (a statement that writes nothing, as the
   * member-only write whose version guard failed, does not wait for the tenant's other writes).
   */
  private feedCte(
    v: unknown[],
    tenant: string,
    resourceType: string,
    id: string,
    version: string,
    at: string,
    change: ChangeRecord,
    after: string,
    from?: string,
    moved = 'NULL',
    rowsOnly = false,
  ): string {
    const lock = `$${v.push(LOCK_SPACE)}::int, $${v.push(hash32(`feed:${this.schema}:${tenant}`))}::int`;
    const values = [tenant, change.type, resourceType].map((x) => `$${v.push(x)}::text`);
    return `feed AS (
        SELECT pg_advisory_xact_lock(${lock})${this.asyncCommit} FROM (SELECT count(*) AS n FROM ${after}) AS done${rowsOnly ? ' WHERE done.n > 0' : ''}
      ), change AS (
        INSERT INTO ${this.s}.changes (tenant, type, resource_type, id, version, at, detail, keys_moved)
        SELECT ${values.join(', ')}, ${id}, ${version}, $${v.push(at)}::text, $${v.push(changeDetail(change))}::jsonb, ${moved}
        FROM feed${from === undefined ? '' : `, ${from}`}
      )`;
  }

  /** Appends to the change feed, in one statement (see {@link feedCte}). */
  private async record(
    q: Queryable,
    tenant: string,
    resourceType: string,
    id: string,
    version: number,
    at: string,
    change: ChangeRecord,
    moved: number | null = null,
  ): Promise<void> {
    const v: unknown[] = [id, version, moved];
    const feed = this.feedCte(
      v,
      tenant,
      resourceType,
      '$1::text',
      '$2::int',
      at,
      change,
      '(SELECT 1) AS now',
      undefined,
      '$3::int',
    );
    await q.query(`WITH ${feed} SELECT 1`, v);
  }

  /** @internal For the token store. */
  tokenRead<T>(fn: (q: Queryable, s: string) => Promise<T>): Promise<T> {
    return this.read((q) => fn(q, this.s));
  }
}

class PostgresTokens implements TokenStore {
  private readonly store: PostgresScimStore;
  constructor(store: PostgresScimStore) {
    this.store = store;
  }

  async insert(record: TokenRecord): Promise<void> {
    await this.store.tokenRead(async (q, s) => {
      try {
        await q.query(
          `INSERT INTO ${s}.tokens (id, tenant, hash, label, created, expires, revoked, last_used)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            record.id,
            record.tenant,
            record.hash,
            record.label ?? null,
            record.created,
            record.expires ?? null,
            record.revoked ?? null,
            record.lastUsed ?? null,
          ],
        );
      } catch (error) {
        if (sqlState(error) === '23505') {
          throw new ScimError('conflict', `a token with id ${record.id} (or the same hash) already exists`);
        }
        throw error;
      }
    });
  }

  async findByHash(hash: string): Promise<TokenRecord | undefined> {
    return this.store.tokenRead(async (q, s) => {
      const { rows } = await q.query(`SELECT * FROM ${s}.tokens WHERE hash = $1`, [hash]);
      const row = rows[0] as TokenRow | undefined;
      return row === undefined ? undefined : toToken(row);
    });
  }

  async list(tenant: string): Promise<readonly TokenRecord[]> {
    return this.store.tokenRead(async (q, s) => {
      const { rows } = await q.query(`SELECT * FROM ${s}.tokens WHERE tenant = $1 ORDER BY created, id`, [
        tenant,
      ]);
      return (rows as TokenRow[]).map(toToken);
    });
  }

  async update(
    tenant: string,
    id: string,
    patch: { readonly revoked?: string; readonly expires?: string; readonly lastUsed?: string },
  ): Promise<boolean> {
    return this.store.tokenRead(async (q, s) => {
      const { rowCount } = await q.query(
        `UPDATE ${s}.tokens SET revoked = COALESCE($1, revoked), expires = COALESCE($2, expires),
           last_used = COALESCE($3, last_used) WHERE tenant = $4 AND id = $5`,
        [patch.revoked ?? null, patch.expires ?? null, patch.lastUsed ?? null, tenant, id],
      );
      return rowCount > 0;
    });
  }
}

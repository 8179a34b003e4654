/**
 * A reader thread of a SQLite store (a `worker_threads` worker started by `SqliteReaders`): one
 * read-only connection to the store's file (WAL mode lets it read while the store writes), on
 * which it runs the jobs the store sends, one at a time, each under its time budget.
 *
 * Messages in: `{ id, generation, budgetMs, job }`, or `{ end: true }` (close the connection and end
 * the thread: the pool found it idle). When `generation` differs from the one its
 * connection was opened for (the store opened its file anew: after a fault, or another file at the
 * path), it reopens first. Messages out: `{ ready: true }` once started; then per job
 * `{ id, ok: true, value }`, `{ id, ok: false, budget: true }` (out of time), or
 * `{ id, ok: false, error: { message, errcode, code } }`, which the store treats as its own
 * connection's errors (busy: retried; unavailable: 503).
 *
 * @internal
 * @packageDocumentation
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { QueryBudgetExceeded, QueryClock, registerFunctions } from './sqlite-functions.ts';
import { type ReadJob, runRead } from './sqlite-read.ts';

/** What the store gives a reader when it starts it. @internal */
export interface ReaderData {
  /** What the connection opens (a path, or a `file:` URI with `mode=ro`). */
  readonly path: string;
  /** SQLite's own busy wait, per attempt (the store retries). */
  readonly busySliceMs: number;
}

/** A job, as the store sends it. @internal */
export interface ReaderJob {
  readonly id: number;
  readonly generation: number;
  readonly budgetMs: number;
  readonly job: ReadJob;
}

/** What the store sends a reader: a job, or the word to end (it was idle too long). @internal */
export type ReaderRequest = ReaderJob | { readonly end: true };

/** What a reader answers. @internal */
export type ReaderReply =
  | { readonly ready: true }
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly budget: true }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly message: string; readonly errcode?: number; readonly code?: string };
    };

/** How many prepared statements the connection keeps. */
const STATEMENT_CACHE = 200;

const data = workerData as ReaderData;
const clock = new QueryClock();
let db: DatabaseSync | undefined;
let openedFor = -1;
let statements = new Map<string, StatementSync>();

function connection(generation: number): DatabaseSync {
  if (db !== undefined && openedFor === generation && db.isOpen) return db;
  try {
    db?.close();
  } catch {}
  db = undefined;
  statements = new Map();
  // Read-only: a reader never creates a missing file (the store answers 503 for a lost database).
  const opened = new DatabaseSync(data.path, { readOnly: true });
  try {
    opened.exec(`PRAGMA busy_timeout = ${data.busySliceMs}`);
    registerFunctions(opened, clock);
  } catch (error) {
    opened.close();
    throw error;
  }
  db = opened;
  openedFor = generation;
  return opened;
}

function prepare(sql: string): StatementSync {
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = clock.excluding(() => (db as DatabaseSync).prepare(sql));
    if (statements.size >= STATEMENT_CACHE) {
      const oldest = statements.keys().next().value;
      if (oldest !== undefined) statements.delete(oldest);
    }
    statements.set(sql, statement);
  }
  return statement;
}

/** Closes the connection (its page cache goes with it) and ends the thread. */
function end(): never {
  statements = new Map();
  try {
    db?.close();
  } catch {}
  db = undefined;
  process.exit(0);
}

function handle(request: ReaderJob): ReaderReply {
  try {
    connection(request.generation);
    const value = clock.within(request.budgetMs, () => runRead(prepare, request.job));
    return { id: request.id, ok: true, value };
  } catch (error) {
    if (error instanceof QueryBudgetExceeded) return { id: request.id, ok: false, budget: true };
    const e = error as { message?: unknown; errcode?: unknown; code?: unknown };
    // A connection that failed may be stale (its file replaced): the next job opens it anew.
    if (typeof e.errcode === 'number' && (e.errcode & 0xff) !== 5 && (e.errcode & 0xff) !== 6) openedFor = -1;
    return {
      id: request.id,
      ok: false,
      error: {
        message: typeof e.message === 'string' ? e.message : String(error),
        ...(typeof e.errcode === 'number' ? { errcode: e.errcode } : {}),
        ...(typeof e.code === 'string' ? { code: e.code } : {}),
      },
    };
  }
}

const port = parentPort;
if (port !== null) {
  port.on('message', (request: ReaderRequest) => {
    if ('end' in request) end();
    else port.postMessage(handle(request));
  });
  port.postMessage({ ready: true } satisfies ReaderReply);
}

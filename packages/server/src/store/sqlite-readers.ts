/**
 * The reader threads of a SQLite store: up to `size` workers (`sqlite-reader.ts`), started on first
 * use, each with its own read-only connection to the store's file, running one job at a time. Jobs
 * wait in order for a free reader; a job that waits longer than `waitMs` answers 503. A reader that
 * does not answer within its job's budget and a grace period is terminated (its thread ends when
 * its statement next calls into JavaScript) and counts against `size` until it has ended, so that
 * runaway statements can never occupy more threads than `size`. A reader that has had no job for
 * `idleMs` ends (closing its connection), and gives its heap, its connection's page cache and its
 * thread back; the next job that finds no reader starts one again.
 *
 * @internal
 * @packageDocumentation
 */
import { Worker } from 'node:worker_threads';
import type { ReadJob, ReadRows } from './sqlite-read.ts';
import type { ReaderData, ReaderJob, ReaderReply, ReaderRequest } from './sqlite-reader.ts';

/** Why a job did not run on a reader. @internal */
export type ReaderFailure =
  /** The job ran out of its budget. */
  | { readonly kind: 'budget' }
  /** No reader was free within `waitMs`. */
  | { readonly kind: 'busy' }
  /** Readers cannot start here (their module is missing, threads are not allowed): run it yourself. */
  | { readonly kind: 'unusable'; readonly cause: unknown }
  /** The reader thread failed or the pool was closed. */
  | { readonly kind: 'stopped'; readonly cause: unknown };

/** The error a job of the pool rejects with: a {@link ReaderFailure}, or SQLite's error. @internal */
export class ReaderError extends Error {
  readonly failure: ReaderFailure;
  constructor(failure: ReaderFailure) {
    super(`SQLite reader: ${failure.kind}`, 'cause' in failure ? { cause: failure.cause } : undefined);
    this.name = 'ReaderError';
    this.failure = failure;
  }
}

/** Options of {@link SqliteReaders}. @internal */
export interface SqliteReadersOptions {
  /** What each reader opens (see {@link ReaderData.path}). */
  readonly path: string;
  /** How many readers at most. */
  readonly size: number;
  /** How long a job may wait for a free reader before it fails as `busy`. */
  readonly waitMs: number;
  /** SQLite's busy wait per attempt, in each reader. */
  readonly busySliceMs: number;
  /** How long a reader may go without a job before it ends; `0` or `Infinity`: it never does. */
  readonly idleMs?: number;
  /** The reader module (tests point it elsewhere). */
  readonly entry?: URL;
}

/** How long past its budget a reader may take to answer before it is terminated. */
const GRACE_MS = 1000;

interface Job {
  readonly id: number;
  readonly request: ReaderJob;
  readonly resolve: (rows: ReadRows) => void;
  readonly reject: (error: unknown) => void;
  timer?: ReturnType<typeof setTimeout> | undefined;
}

interface Reader {
  readonly worker: Worker;
  ready: boolean;
  job: Job | undefined;
  /** Terminated (or failed, or ending after its idle time); its thread may still be running. */
  stopping: boolean;
  /** When its last job ended (`performance.now()`). */
  idleSince: number;
}

/**
 * The module a reader runs: `sqlite-reader.ts` next to this file when running from source (tests,
 * benchmarks), the built `sqlite-reader.js` (or `.cjs`) next to the bundle otherwise.
 */
function defaultEntry(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./sqlite-reader.ts', here);
  return new URL(here.endsWith('.cjs') ? './sqlite-reader.cjs' : './sqlite-reader.js', here);
}

/** Options of the main script that a worker would inherit and cannot take (the worker runs a file). */
const SCRIPT_OPTIONS = new Set(['--input-type', '-e', '--eval', '-p', '--print']);

/**
 * The Node options a reader thread starts with: the process's (`--conditions`, loaders, ...), less
 * those about the main script (`-e`, `--input-type`), which make a worker that runs a file fail.
 * Only passed when there are such options to leave out: options given explicitly to a worker must
 * all be per-thread ones (`--max-old-space-size` would be refused), while inherited ones may not.
 * @internal
 */
export function readerExecArgv(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    const name = arg.split('=', 1)[0] as string;
    if (!SCRIPT_OPTIONS.has(name)) {
      out.push(arg);
      continue;
    }
    // `--input-type module` and `-e <script>` take the next argument; `--input-type=module` does not.
    if (!arg.includes('=')) i++;
  }
  return out;
}

/** The `execArgv` option of a reader: none (inherited), unless some must be left out. */
function workerArgv(): { execArgv?: string[] } {
  const kept = readerExecArgv(process.execArgv);
  return kept.length === process.execArgv.length ? {} : { execArgv: kept };
}

/** A pool of SQLite reader threads. @internal */
export class SqliteReaders {
  private readonly options: SqliteReadersOptions;
  private readonly readers: Reader[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Set when a reader could not start: the store then runs every job itself. */
  unusable: unknown;
  /** How many reader threads were started (for tests). */
  started = 0;
  /** The timer that ends readers idle for `idleMs` (one for the pool; unref'd). */
  private sweeper: ReturnType<typeof setTimeout> | undefined;

  constructor(options: SqliteReadersOptions) {
    this.options = options;
  }

  /** Whether jobs can be sent (not closed, readers can start). */
  get usable(): boolean {
    return !this.closed && this.unusable === undefined && this.options.size > 0;
  }

  /**
   * Runs a job on a reader, within `budgetMs` once it runs; `generation` is the store's handle
   * generation (a reader reopens its connection when it changes).
   * @throws ReaderError, or the reader's SQLite error (with its `errcode`)
   */
  run(job: ReadJob, budgetMs: number, generation: number): Promise<ReadRows> {
    if (!this.usable) {
      const failure: ReaderFailure =
        this.unusable !== undefined
          ? { kind: 'unusable', cause: this.unusable }
          : { kind: 'stopped', cause: new Error('the store was closed') };
      return Promise.reject(new ReaderError(failure));
    }
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const queued: Job = { id, request: { id, generation, budgetMs, job }, resolve, reject };
      this.queue.push(queued);
      this.pump();
      if (this.queue.includes(queued)) {
        queued.timer = setTimeout(() => {
          const at = this.queue.indexOf(queued);
          if (at < 0) return;
          this.queue.splice(at, 1);
          reject(new ReaderError({ kind: 'busy' }));
        }, this.options.waitMs);
        queued.timer.unref?.();
      }
    });
  }

  /** How many reader threads are running (or ending). */
  get running(): number {
    return this.readers.length;
  }

  /** Terminates every reader; queued jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.sweeper);
    this.sweeper = undefined;
    for (const job of this.queue.splice(0)) {
      clearTimeout(job.timer);
      job.reject(new ReaderError({ kind: 'stopped', cause: new Error('the store was closed') }));
    }
    await Promise.all(this.readers.map((r) => this.stop(r, new Error('the store was closed'))));
  }

  /** Hands queued jobs to free readers, starting readers up to `size`. */
  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let reader = this.readers.find((r) => r.job === undefined && !r.stopping);
      if (reader === undefined && this.readers.length < this.options.size) reader = this.start();
      if (reader === undefined) return;
      const job = this.queue.shift() as Job;
      clearTimeout(job.timer);
      this.assign(reader, job);
    }
  }

  private assign(reader: Reader, job: Job): void {
    reader.job = job;
    reader.worker.ref();
    reader.worker.postMessage(job.request);
    if (reader.ready) this.watch(reader, job);
  }

  /**
   * From when a job runs (its reader is ready): if no answer comes within its budget and
   * {@link GRACE_MS}, the job fails as out of budget and the reader is terminated.
   */
  private watch(reader: Reader, job: Job): void {
    const budget = job.request.budgetMs;
    if (!Number.isFinite(budget)) return;
    job.timer = setTimeout(() => {
      if (reader.job !== job) return;
      reader.job = undefined;
      job.reject(new ReaderError({ kind: 'budget' }));
      void this.stop(reader, new Error('the reader did not answer within its budget'));
    }, budget + GRACE_MS);
  }

  private start(): Reader | undefined {
    let worker: Worker;
    try {
      worker = new Worker(this.options.entry ?? defaultEntry(), {
        workerData: { path: this.options.path, busySliceMs: this.options.busySliceMs } satisfies ReaderData,
        ...workerArgv(),
      });
    } catch (error) {
      this.giveUp(error);
      return undefined;
    }
    this.started++;
    const reader: Reader = { worker, ready: false, job: undefined, stopping: false, idleSince: 0 };
    worker.unref();
    worker.on('message', (reply: ReaderReply) => this.answer(reader, reply));
    worker.on('error', (error) => {
      // Before it was ready: readers cannot start here. After: this one failed.
      if (!reader.ready) this.giveUp(error);
      this.fail(reader, error);
    });
    worker.on('exit', (code) => {
      this.fail(reader, new Error(`the SQLite reader thread exited (code ${code})`));
      const at = this.readers.indexOf(reader);
      if (at >= 0) this.readers.splice(at, 1);
      this.pump();
    });
    this.readers.push(reader);
    return reader;
  }

  private answer(reader: Reader, reply: ReaderReply): void {
    if ('ready' in reply) {
      reader.ready = true;
      if (reader.job !== undefined) this.watch(reader, reader.job);
      return;
    }
    const job = reader.job;
    if (job === undefined || job.id !== reply.id) return;
    clearTimeout(job.timer);
    reader.job = undefined;
    reader.idleSince = performance.now();
    reader.worker.unref();
    this.sweepLater();
    if (reply.ok) job.resolve(reply.value as ReadRows);
    else if ('budget' in reply) job.reject(new ReaderError({ kind: 'budget' }));
    else job.reject(Object.assign(new Error(reply.error.message), reply.error));
    this.pump();
  }

  /** A reader failed: its job fails; it is stopped. */
  private fail(reader: Reader, cause: unknown): void {
    const job = reader.job;
    reader.job = undefined;
    if (job !== undefined) {
      clearTimeout(job.timer);
      const failure: ReaderFailure =
        this.unusable !== undefined ? { kind: 'unusable', cause: this.unusable } : { kind: 'stopped', cause };
      job.reject(new ReaderError(failure));
    }
    if (!reader.stopping) void this.stop(reader, cause);
  }

  private async stop(reader: Reader, _cause: unknown): Promise<void> {
    reader.stopping = true;
    await reader.worker.terminate().catch(() => undefined);
  }

  /**
   * Makes sure a sweep of idle readers is due (see {@link sweep}); the hot path pays one check of
   * a field for it, and the pool keeps at most one timer.
   */
  private sweepLater(delayMs = this.options.idleMs ?? 0): void {
    if (this.sweeper !== undefined || this.closed) return;
    if (!(delayMs > 0 && Number.isFinite(delayMs))) return;
    this.sweeper = setTimeout(() => this.sweep(), delayMs);
    this.sweeper.unref?.();
  }

  /**
   * Ends the readers that have had no job for `idleMs` (their connection closes, their thread
   * ends); comes back for the others when they would reach it.
   */
  private sweep(): void {
    this.sweeper = undefined;
    const idleMs = this.options.idleMs ?? 0;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const reader of this.readers) {
      if (reader.job !== undefined || reader.stopping) continue;
      // Timers may fire a little early: a millisecond short counts as idle long enough.
      const left = reader.idleSince + idleMs - now;
      if (left <= 1) this.retire(reader);
      else next = Math.min(next, left);
    }
    if (Number.isFinite(next)) this.sweepLater(next);
  }

  /** Asks an idle reader to close its connection and end; terminated if it has not after {@link GRACE_MS}. */
  private retire(reader: Reader): void {
    reader.stopping = true;
    reader.worker.postMessage({ end: true } satisfies ReaderRequest);
    const timer = setTimeout(() => void this.stop(reader, new Error('idle')), GRACE_MS);
    timer.unref?.();
    reader.worker.once('exit', () => clearTimeout(timer));
  }

  /** Readers cannot start: every queued job fails as `unusable` (the store runs them itself). */
  private giveUp(error: unknown): void {
    this.unusable ??= error;
    for (const job of this.queue.splice(0)) {
      clearTimeout(job.timer);
      job.reject(new ReaderError({ kind: 'unusable', cause: error }));
    }
  }
}

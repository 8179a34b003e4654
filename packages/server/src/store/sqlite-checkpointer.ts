/**
 * Runs a SQLite store's WAL checkpoints on a thread of their own (`sqlite-checkpoint.ts`), so that
 * the event loop never pays for them. After a write, a checkpoint is due within `delayMs` (at once
 * after one that found a log of over {@link LARGE_LOG_PAGES}); one runs at a time, and writes
 * during it make the next one due. The thread starts on the first checkpoint
 * and ends when no write came for `idleMs`, giving its heap back; the next write starts it again.
 *
 * SQLite starts the log anew (writes from its beginning again, so the `-wal` keeps its size) only
 * when a write begins after a checkpoint that copied every commit. Under a steady write load a
 * checkpoint running beside the writes rarely ends so (a commit lands between its end and the
 * next write's beginning): so each checkpoint has two runs. The first copies the log while the
 * store writes on; for the second, the store's writes wait (asynchronously: the event loop goes
 * on; {@link HOLD_MS} at most) while the thread copies the few commits made meanwhile, and the
 * next write then starts the log anew.
 *
 * The store keeps SQLite's own automatic checkpoint as a bound, at a limit the thread keeps the log
 * far below (`WAL_LIMIT_PAGES` in `sqlite.ts`): if the thread falls behind, stalls or cannot start,
 * the commit that crosses it checkpoints on the event loop, as SQLite always did, and the log stays
 * bounded. A checkpoint that has not answered within {@link STALL_MS} ends its thread; the next write
 * starts another.
 *
 * @internal
 * @packageDocumentation
 */
import { Worker } from 'node:worker_threads';
import type {
  CheckpointData,
  CheckpointReply,
  CheckpointRequest,
  CheckpointResult,
} from './sqlite-checkpoint.ts';
import type { FileIdentity } from './sqlite-identity.ts';
import { readerExecArgv } from './sqlite-readers.ts';

/** Options of {@link SqliteCheckpointer}. @internal */
export interface SqliteCheckpointerOptions {
  /** What the thread's connection opens (the store's path or URI). */
  readonly path: string;
  /** The database file's absolute path (its identity is checked before each checkpoint). */
  readonly file: string;
  /** SQLite's busy wait, per attempt, on the thread's connection. */
  readonly busySliceMs: number;
  /** How long after a write its checkpoint is due. */
  readonly delayMs: number;
  /** How long the thread may go without a checkpoint before it ends; `0` or `Infinity`: never. */
  readonly idleMs: number;
  /** The identity of the files the store's handle opened; `undefined` while it has none. */
  readonly identity: () => FileIdentity | undefined;
  /** Called once if the thread cannot start here (the store then checkpoints as SQLite does). */
  readonly unusable: (cause: unknown) => void;
}

/**
 * A log of more pages than this (16 MB at 4 KiB, SQLite's automatic checkpoint of the store before
 * the thread) gets its next checkpoint as soon as it is written to, not after `delayMs`.
 */
const LARGE_LOG_PAGES = 4000;
/** How long writes may wait for the thread to copy the last commits of the log. */
const HOLD_MS = 50;
/** How long a checkpoint may go unanswered before its thread is ended. */
const STALL_MS = 30_000;
/**
 * How long a thread asked to end may take before it is terminated (which takes effect once the
 * statement it runs, if any, is done: a checkpoint is never cut in the middle).
 */
const GRACE_MS = 1000;

/** The thread's module: next to this file from source, the built bundle next to the library's. */
function defaultEntry(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./sqlite-checkpoint.ts', here);
  return new URL(here.endsWith('.cjs') ? './sqlite-checkpoint.cjs' : './sqlite-checkpoint.js', here);
}

/** The `execArgv` of the thread: inherited, unless some options must be left out (see `readerExecArgv`). */
function workerArgv(): { execArgv?: string[] } {
  const kept = readerExecArgv(process.execArgv);
  return kept.length === process.execArgv.length ? {} : { execArgv: kept };
}

/** The checkpoint thread of a SQLite store. @internal */
export class SqliteCheckpointer {
  private readonly options: SqliteCheckpointerOptions;
  private worker: Worker | undefined;
  /** When each thread started has exited. */
  private readonly exits = new WeakMap<Worker, Promise<void>>();
  /** Writes since the last checkpoint was sent. */
  private dirty = false;
  /** The checkpoint sent and not yet answered (its id). */
  private inflight: number | undefined;
  private nextId = 1;
  /** The due checkpoint's timer, the idle end's, or the stall watch's. */
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /** Set when the thread could not start: no more checkpoints here. */
  unusable: unknown;
  /** The thread's module (tests point it elsewhere). */
  entry: URL | undefined;
  /** How long writes may wait for the checkpoint that finishes the log (tests lengthen it). */
  holdMs = HOLD_MS;
  /** How many threads were started (for tests). */
  started = 0;
  /** How many checkpoints answered (for tests). */
  checkpoints = 0;
  /** SQLite's answer to the last checkpoint (for tests). */
  last: CheckpointResult | undefined;
  /** While the thread copies the last commits: what writes wait for (see {@link held}). */
  private hold: { readonly until: Promise<void>; readonly open: () => void } | undefined;
  /** Whether the checkpoint sent is the one that finishes the log while writes wait. */
  private finishing = false;
  /** Resolved when no checkpoint is due nor running (for tests and `close`). */
  private waiters: (() => void)[] = [];

  constructor(options: SqliteCheckpointerOptions) {
    this.options = options;
  }

  /** Whether checkpoints run on the thread (not closed, it could start). */
  get usable(): boolean {
    return !this.closed && this.unusable === undefined;
  }

  /** A write committed: a checkpoint is due within `delayMs` (one field set when one already is). */
  wrote(): void {
    this.dirty = true;
    if (this.inflight !== undefined || !this.usable) return;
    if (this.timer !== undefined && this.due) return;
    this.schedule();
  }

  /**
   * What a write must wait for before it begins: `undefined` (most of the time: go on at once), or
   * the end of the short checkpoint that copies the log's last commits.
   */
  get held(): Promise<void> | undefined {
    return this.hold?.until;
  }

  /** Whether {@link timer} is a due checkpoint's (not the idle end's). */
  private due = false;

  private schedule(): void {
    clearTimeout(this.timer);
    this.due = true;
    const soon = (this.last?.log ?? 0) > LARGE_LOG_PAGES;
    this.timer = setTimeout(() => this.send(), soon ? 0 : this.options.delayMs);
    this.timer.unref?.();
  }

  /** Resolves once no checkpoint is due nor running. */
  settled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private get busy(): boolean {
    return this.usable && (this.inflight !== undefined || (this.due && this.dirty));
  }

  /** Ends the thread after the checkpoint running, if any (its connection closes with it). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    const worker = this.worker;
    if (worker !== undefined) await this.end(worker);
    this.release();
  }

  private send(finish = false): void {
    this.timer = undefined;
    this.due = false;
    const identity = this.options.identity();
    if (!this.usable || (!this.dirty && !finish) || identity === undefined) {
      this.dirty = false;
      this.idleLater();
      this.release();
      return;
    }
    const worker = this.worker ?? this.start();
    if (worker === undefined) return;
    this.dirty = false;
    this.finishing = finish;
    const id = this.nextId++;
    this.inflight = id;
    worker.postMessage({ id, identity } satisfies CheckpointRequest);
    this.stallTimer = setTimeout(() => {
      if (this.inflight === id && this.worker === worker) void worker.terminate().catch(() => undefined);
    }, STALL_MS);
    this.stallTimer.unref?.();
  }

  private start(): Worker | undefined {
    let worker: Worker;
    try {
      const data: CheckpointData = {
        path: this.options.path,
        file: this.options.file,
        busySliceMs: this.options.busySliceMs,
      };
      worker = new Worker(this.entry ?? defaultEntry(), { workerData: data, ...workerArgv() });
    } catch (error) {
      this.giveUp(error);
      return undefined;
    }
    this.started++;
    this.exits.set(worker, new Promise((resolve) => worker.once('exit', () => resolve())));
    let ready = false;
    // Never holds the process open: a checkpoint cut short by the process's exit is safe.
    worker.unref();
    worker.on('message', (reply: CheckpointReply) => {
      if ('ready' in reply) ready = true;
      else this.answer(worker, reply);
    });
    worker.on('error', (error) => {
      if (!ready) this.giveUp(error);
    });
    worker.on('exit', () => this.gone(worker));
    this.worker = worker;
    return worker;
  }

  private answer(worker: Worker, reply: Exclude<CheckpointReply, { ready: true }>): void {
    if (worker !== this.worker || reply.id !== this.inflight) return;
    clearTimeout(this.stallTimer);
    this.inflight = undefined;
    this.checkpoints++;
    if (reply.ok) this.last = { busy: reply.busy, log: reply.log, checkpointed: reply.checkpointed };
    const finished = this.finishing;
    this.finishing = false;
    if (!finished && reply.ok && reply.busy === 0 && reply.log > 0 && this.usable) {
      this.holdWrites();
      this.send(true);
      return;
    }
    this.next();
  }

  /** Writes wait (for {@link HOLD_MS} at most) while the thread copies the log's last commits. */
  private holdWrites(): void {
    let open = (): void => undefined;
    const until = new Promise<void>((resolve) => {
      open = resolve;
    });
    const timer = setTimeout(() => this.letGo(), this.holdMs);
    timer.unref?.();
    this.hold = {
      until,
      open: () => {
        clearTimeout(timer);
        open();
      },
    };
  }

  /** After a checkpoint: the next one if writes came meanwhile, else the idle end. */
  private next(): void {
    this.letGo();
    if (this.dirty && this.usable) this.schedule();
    else {
      this.idleLater();
      this.release();
    }
  }

  /** The thread ended (asked to, idle, stalled, or failed): a checkpoint it ran is forgotten. */
  private gone(worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    clearTimeout(this.stallTimer);
    if (this.inflight !== undefined) {
      this.inflight = undefined;
      // Its writes are still to be copied.
      this.dirty = true;
    }
    if (!this.due) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.next();
  }

  /** Ends the thread when no checkpoint is due for `idleMs`. */
  private idleLater(): void {
    const idleMs = this.options.idleMs;
    if (this.worker === undefined || this.closed || !(idleMs > 0 && Number.isFinite(idleMs))) return;
    clearTimeout(this.timer);
    this.due = false;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const worker = this.worker;
      if (worker !== undefined && this.inflight === undefined) void this.end(worker);
    }, idleMs);
    this.timer.unref?.();
  }

  /** Asks the thread to end after what it is doing; terminated if it has not after a while. */
  private async end(worker: Worker): Promise<void> {
    // Held open until it has ended (`close` awaits it; the process may have nothing else to do).
    worker.ref();
    worker.postMessage({ end: true } satisfies CheckpointRequest);
    const timer = setTimeout(() => void worker.terminate().catch(() => undefined), GRACE_MS);
    timer.unref?.();
    await this.exits.get(worker);
    clearTimeout(timer);
  }

  private giveUp(error: unknown): void {
    if (this.unusable !== undefined) return;
    this.unusable = error;
    this.options.unusable(error);
    this.release();
  }

  /** Lets held writes go on. */
  private letGo(): void {
    const hold = this.hold;
    this.hold = undefined;
    hold?.open();
  }

  /** Lets held writes go on unless their checkpoint runs; resolves {@link settled} when nothing is due. */
  private release(): void {
    if (this.inflight === undefined || !this.finishing) this.letGo();
    if (this.busy) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

// `scim-server start` gives memory back once its load stops. V8 grows its heap under a steady load
// and keeps it, and neither its own memory reducer nor an ordinary full collection gave any of it
// back within 30 s of idleness: with 100,000 users, after 30 s of mixed load the heap of the main
// thread stood at 56 to 89 MB (35 to 46 MB used, most of it garbage by then) and the process at 172
// to 180 MB; one last-resort collection (V8's `CollectAllAvailableGarbage`, which collects with
// the memory-reducing flag, releases the pages it pooled and shrinks the young generation) took
// the heap to 19 MB and the process to 97 MB, for 85 ms of CPU (docs/benchmarks.md, "Resident
// memory of scim-server start"; bench/memory-breakdown.ts). So the server watches its event loop,
// and after a quiet spell that follows work it runs that collection once. The bin exposes `gc` for
// it (young-generation.ts); without it, nothing runs.
import { performance } from 'node:perf_hooks';

/** The options V8's exposed `gc` takes (`--expose-gc`). @internal */
export interface GcOptions {
  readonly type: 'major';
  readonly execution: 'sync';
  readonly flavor: 'last-resort';
}

/** What {@link collectWhenIdle} needs: injected by tests. @internal */
export interface IdleCollectorOptions {
  /** V8's `gc` (default `globalThis.gc`, present with `--expose-gc`); absent: nothing runs. */
  readonly gc?: ((options: GcOptions) => unknown) | undefined;
  /** The event loop's active time so far, in ms (default `performance.eventLoopUtilization().active`). */
  readonly activeMs?: () => number;
  /** How often it looks, in ms (default {@link CHECK_MS}). */
  readonly checkMs?: number;
}

/** How often the collector looks at the event loop. @internal */
export const CHECK_MS = 5000;
/** A look that finds less work than this (ms of event-loop activity since the last) finds it idle. @internal */
export const IDLE_ACTIVE_MS = 50;
/**
 * The work since the last collection (ms of event-loop activity) that makes one worth it: the
 * collection costs a few percent of that at most (85 ms of CPU after 30 s at full speed).
 * @internal
 */
export const WORK_MS = 2000;

/**
 * Runs a last-resort garbage collection when the event loop goes idle after at least
 * {@link WORK_MS} of work, at most once per such spell: every {@link CHECK_MS} (an unref'd timer,
 * which never keeps the process alive) it reads the event loop's active time; nothing runs on the
 * request path.
 *
 * @returns a function that stops it
 * @internal
 */
export function collectWhenIdle(options: IdleCollectorOptions = {}): () => void {
  const gc = options.gc ?? (globalThis as { gc?: (options: GcOptions) => unknown }).gc;
  if (typeof gc !== 'function') return () => undefined;
  const activeMs = options.activeMs ?? (() => performance.eventLoopUtilization().active);
  let last = activeMs();
  let work = 0;
  const timer = setInterval(() => {
    const now = activeMs();
    const spent = now - last;
    last = now;
    work += spent;
    if (spent >= IDLE_ACTIVE_MS || work < WORK_MS) return;
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    work = 0;
    // The collection's own time is not work to collect after.
    last = activeMs();
  }, options.checkMs ?? CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

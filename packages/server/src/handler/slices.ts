// A long write gives the event loop a turn between its steps, so that one request at the limits
// (a PATCH of 1,000 operations, a user with 1,000 emails) does not hold up every other one for its
// whole run (issue 14). Each step is whole: the resource is computed on a copy and written in one
// store transaction, so no other request ever sees it half done.
import type { RequestContext } from './context.ts';

/**
 * How long (ms) a request runs on the event loop before it lets other work run at its next step.
 * Small requests finish within it and never wait. Short, because a pause is decided before the
 * step it precedes: a request that ran 0.9 ms goes on into its next step (a large write's big
 * steps get a turn of their own: {@link pauseBefore}).
 * @internal
 */
export const SLICE_MS = 1;

let sliceMs = SLICE_MS;

/**
 * Sets the slice length (0: a request pauses at every step), for tests; returns the one before.
 * @internal
 */
export function setSliceMs(ms: number): number {
  const before = sliceMs;
  sliceMs = ms;
  return before;
}

const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;

/**
 * Resolves once the event loop has run what was waiting: I/O and other requests' callbacks (with
 * `setImmediate` where the runtime has it, Node, Bun and Deno; else a zero-delay timer).
 * @internal
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (immediate !== undefined) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * A request's clock: when it last started to run (it got its body, or had a turn). A mutable
 * field of the request's context; a context without it (an import) never pauses.
 * @internal
 */
export interface SliceClock {
  since: number;
  /** The request's body was {@link LARGE_CHARS} or more: its steps are each large. */
  large?: boolean;
}

/**
 * From this many characters (of a request's body, or of a resource's rendering) a write's steps
 * count as large: each of them (the validation, the PATCH engine, the rendering, the store write)
 * runs for a millisecond or more, so it starts on a slice of its own ({@link pauseBefore}). A user
 * with 1,000 emails renders to some 50,000; a user of a directory's usual size to under 1,000.
 * @internal
 */
export const LARGE_CHARS = 16_384;

/** A clock that starts now. @internal */
export function sliceClock(): SliceClock {
  return { since: performance.now() };
}

/**
 * Starts the request's slice again (it has just waited for its body, of `chars` characters).
 * @internal
 */
export function restartSlice(ctx: RequestContext, chars = 0): void {
  if (ctx.slice === undefined) return;
  ctx.slice.since = performance.now();
  if (chars >= LARGE_CHARS) ctx.slice.large = true;
}

/** Whether the request's body, or `text` (a resource's rendering), is large. @internal */
export function isLarge(ctx: RequestContext, text?: string): boolean {
  return ctx.slice?.large === true || (text !== undefined && text.length >= LARGE_CHARS);
}

/**
 * Between two steps of a request: when it has run {@link SLICE_MS} since its slice started (or
 * whatever it has run, with `always`), waits for a turn of the event loop (other requests run
 * meanwhile), and starts a new slice.
 * @internal
 */
export async function pause(ctx: RequestContext, always = false): Promise<void> {
  const clock = ctx.slice;
  if (clock === undefined || (!always && performance.now() - clock.since < sliceMs)) return;
  await yieldToEventLoop();
  clock.since = performance.now();
}

/**
 * Before a step that is `large` (a store write of a large resource, the PATCH engine on a large
 * body): waits for a turn of the event loop whatever the slice has run, so that the step starts a
 * slice of its own instead of adding to up to {@link SLICE_MS} of earlier work; else as
 * {@link pause}.
 * @internal
 */
export function pauseBefore(ctx: RequestContext, large: boolean): Promise<void> {
  return pause(ctx, large);
}

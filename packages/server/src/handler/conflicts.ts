/**
 * Read-modify-write without spurious 412s: a PUT, PATCH or soft delete reads the resource,
 * computes the new one, and writes it only if the version it read is still the stored one. When
 * the client sent no `If-Match`, a version conflict is not its doing and must never reach it as
 * 412 (RFC 7232 section 4.2 makes 412 the answer to a precondition the client sent). So:
 *
 * - in this process, writes to one resource take turns (a queue per store and resource), so they
 *   never conflict with each other at all; a turn passes once the write is committed (a store may
 *   say so before the write is on disk, see `UpdateInput.onCommitted`), and the answers go out in
 *   the order of the writes;
 * - a conflict with another instance (several servers on one PostgreSQL or SQLite file) is retried
 *   with a growing, jittered pause, until {@link CONFLICT_DEADLINE_MS} has passed; then 503 with
 *   `Retry-After`, never 412.
 *
 * @internal
 * @packageDocumentation
 */
import { isScimError, ScimError } from '@scim/schemas';
import { RETRY_AFTER_SECONDS } from '../retry-after.ts';
import type { StoredResource } from '../store/types.ts';

/**
 * How long, in all, a write without `If-Match` waits for its turn and retries version conflicts
 * before it answers 503 with `Retry-After` (10 s). @internal
 */
export const CONFLICT_DEADLINE_MS = 10_000;

/** Which resource a write is for. @internal */
export interface WriteTarget {
  /** The store: writes take turns per store object, so two stores on one database do not share turns. */
  readonly store: object;
  readonly tenant: string;
  readonly resourceType: string;
  readonly id: string;
}

/**
 * A writer's place in its resource's queue: `turn` settles once it and every writer before it
 * have committed (or given up), so the next may read and write, with what the writer committed
 * if it said so; `answered` once it and every writer before it are done (their answers, durable,
 * may go out in order).
 */
interface Place {
  readonly turn: Promise<StoredResource | undefined>;
  readonly answered: Promise<void>;
}

/** The queue of each resource being written, per store: the place of the last writer in line. */
const queues = new WeakMap<object, Map<string, Place>>();

function queueOf(store: object): Map<string, Place> {
  let queue = queues.get(store);
  if (queue === undefined) {
    queue = new Map();
    queues.set(store, queue);
  }
  return queue;
}

function gaveUp(target: WriteTarget, ms: number): ScimError {
  return new ScimError(
    'unavailable',
    `${target.resourceType} "${target.id}" kept changing under concurrent writes for ${ms / 1000} s; retry after ${RETRY_AFTER_SECONDS} seconds`,
    { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } },
  );
}

/** Waits for `turn`, or throws once `deadline` (a `performance.now()` time) has passed. */
async function waitFor<T>(turn: Promise<T>, deadline: number, error: () => ScimError): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([turn, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A promise and the function that settles it (the first call wins). */
function signal<T = void>(): { promise: Promise<T>; settle: (value: T) => void } {
  let settle!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    settle = resolve;
  });
  return { promise, settle };
}

/**
 * Runs `fn` when the writes queued before it for the same resource have committed, and settles
 * once they are done too. `fn` gets `committed`, to call with what it stored once its write is
 * committed (visible to the next writer's read) but perhaps not yet durable: the next writer
 * starts then, not when this one is answered, and gets that resource as `previous`. Without the
 * call, the turn passes when `fn` settles, with no `previous`.
 */
async function inTurn<T>(
  target: WriteTarget,
  deadline: number,
  error: () => ScimError,
  fn: (committed: (stored: StoredResource) => void, previous: StoredResource | undefined) => Promise<T>,
) {
  const queue = queueOf(target.store);
  const key = JSON.stringify([target.tenant, target.resourceType, target.id]);
  const before = queue.get(key);
  const turn = signal<StoredResource | undefined>();
  const done = signal();
  // The next writer waits for this one and every one before it (even one that gave up waiting).
  const place: Place =
    before === undefined
      ? { turn: turn.promise, answered: done.promise }
      : { turn: before.turn.then(() => turn.promise), answered: before.answered.then(() => done.promise) };
  queue.set(key, place);
  try {
    const previous = before === undefined ? undefined : await waitFor(before.turn, deadline, error);
    const out = await fn(turn.settle, previous);
    // Answers keep the order of the writes: this one waits for those before it to be done.
    if (before !== undefined) await before.answered;
    return out;
  } finally {
    turn.settle(undefined);
    done.settle();
    if (queue.get(key) === place) queue.delete(key);
  }
}

/**
 * Runs a read-modify-write `attempt` for one resource: in turn with the other writes of this
 * process to it, and again (after a short pause) when the store reports a version conflict the
 * client did not cause. With `clientPrecondition` (an `If-Match` was sent), a conflict is the
 * client's answer: 412, at once.
 *
 * @param target - the store and resource written
 * @param clientPrecondition - whether the client sent `If-Match`
 * @param attempt - reads, computes and writes (with `ifVersion`) once; it passes `committed` to
 *   the store (`UpdateInput.onCommitted`), so that the next write of the resource in this process
 *   starts once this one is committed, while this one waits to be on disk; its first try gets
 *   `previous`, what the write before it in this process committed, if that write said so (it
 *   may start from it instead of reading; a later try, after a conflict, gets none)
 * @param deadlineMs - how long turns and retries may take in all
 * @returns what `attempt` returns
 * @throws ScimError `unavailable` (503 + `Retry-After`) when the deadline passes; whatever
 *   `attempt` throws otherwise (`preconditionFailed` only with `clientPrecondition`)
 * @internal
 */
export async function retrying<T>(
  target: WriteTarget,
  clientPrecondition: boolean,
  attempt: (committed: (stored: StoredResource) => void, previous: StoredResource | undefined) => Promise<T>,
  deadlineMs = CONFLICT_DEADLINE_MS,
): Promise<T> {
  const deadline = performance.now() + deadlineMs;
  const error = () => gaveUp(target, deadlineMs);
  return inTurn(target, deadline, error, async (committed, previous) => {
    for (let i = 0; ; i++) {
      try {
        return await attempt(committed, i === 0 ? previous : undefined);
      } catch (failure) {
        if (clientPrecondition || !isScimError(failure) || failure.code !== 'preconditionFailed')
          throw failure;
        const left = deadline - performance.now();
        if (left <= 0) throw error();
        // 2, 4, 8 ... 200 ms with jitter: instances that collided do not collide again in step.
        const pause = Math.min(left, Math.min(200, 2 ** (i + 1)) * (0.5 + Math.random()));
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  });
}

/**
 * Reads that arrive together, answered by one statement (issue 14). On PostgreSQL a read of one
 * resource by its key, or by a unique attribute, costs the database little; what it costs is the
 * statement itself: the round trip, the wake-up of a server process and the protocol's messages
 * on both sides. Under load many such reads wait at once (Entra looks each user up by `userName`
 * before it writes it, and a GET by id is the commonest request), so the store collects the reads
 * of one shape that arrive in one turn of the event loop and sends them in one statement.
 *
 * - A batch is sent when the event loop has taken in every request that was ready (`setImmediate`
 *   runs after the poll phase): a read waits for no timer and no other request, and one alone is
 *   sent at once.
 * - Its items are padded to the next of {@link LOOKUP_SIZES} (the last repeated), so that a store
 *   prepares a few statements of each shape, each with a plan it keeps: one parameter per item
 *   plans as many as it holds, where an array parameter is planned as ten and planned again at
 *   every run.
 * - Reads of one item share its answer; the caller makes each its own resource from it.
 * - A failed statement fails the reads it carried, and only those. When the failure may be one
 *   item's alone (`splitOn`: a value the database cannot convert to its encoding, a statement that
 *   ran out of its time), each item is read again on its own, so that only that item's reads fail;
 *   a statement of one item is not read again.
 * - It waits with Node's own `setImmediate` (`node:timers`), copied when this module loads, so
 *   that fake timers a test installs later do not hold the store's reads.
 *
 * @internal
 * @packageDocumentation
 */
import { setImmediate } from 'node:timers';

/** `setImmediate` as it was when this module loaded (see the module comment); a copy, so that no build looks it up again at each call. */
const afterIo = setImmediate;

/**
 * Runs one statement for `items` (each at most once): the answer for each item found, by item.
 * `key` is what the batch's reads share (tenant, type, shape). @internal
 */
export type RunBatch<Key, Answer> = (
  key: Key,
  items: readonly string[],
) => Promise<ReadonlyMap<string, Answer>>;

/** The sizes of the statements a batch is sent in (see the module comment). @internal */
export const LOOKUP_SIZES: readonly number[] = [1, 2, 4, 8, 16];

/** The most items one statement carries. @internal */
export const MAX_LOOKUPS = LOOKUP_SIZES[LOOKUP_SIZES.length - 1] as number;

/** `items` padded to the next statement size by repeating the last (at most {@link MAX_LOOKUPS}). @internal */
export function padded(items: readonly string[]): string[] {
  const size = LOOKUP_SIZES.find((n) => n >= items.length) ?? MAX_LOOKUPS;
  const out = items.slice(0, size);
  while (out.length < size) out.push(items[items.length - 1] as string);
  return out;
}

/** Whether a database can hold `text`: no U+0000, no unpaired surrogate. @internal */
export function storable(text: string): boolean {
  return !text.includes('\u0000') && (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

interface Waiter<Answer> {
  readonly resolve: (answer: Answer | undefined) => void;
  readonly reject: (error: unknown) => void;
}

interface Batch<Key, Answer> {
  readonly key: Key;
  /** Who waits for each item, in the order the items were asked. */
  readonly waiters: Map<string, Waiter<Answer>[]>;
}

/** Reads collected per turn of the event loop and sent together (see the module comment). @internal */
export class Coalescer<Key, Answer> {
  readonly #run: RunBatch<Key, Answer>;
  readonly #nameOf: (key: Key) => string;
  readonly #splitOn: (error: unknown, key: Key) => boolean;
  readonly #pending = new Map<string, Batch<Key, Answer>>();
  #scheduled = false;

  /**
   * @param run - sends one statement (see {@link RunBatch})
   * @param nameOf - the name of a key: reads whose keys have one name share a statement
   * @param splitOn - whether a statement's failure (of a batch with that key) may be one item's
   *   alone: its items are then read again one by one (see the module comment)
   */
  constructor(
    run: RunBatch<Key, Answer>,
    nameOf: (key: Key) => string,
    splitOn: (error: unknown, key: Key) => boolean = () => false,
  ) {
    this.#run = run;
    this.#nameOf = nameOf;
    this.#splitOn = splitOn;
  }

  /**
   * The answer for `item` (`undefined`: none), read with the other items asked in this turn whose
   * keys have the same name (see the constructor), in one statement.
   */
  find(key: Key, item: string): Promise<Answer | undefined> {
    const name = this.#nameOf(key);
    let batch = this.#pending.get(name);
    if (batch === undefined) {
      batch = { key, waiters: new Map() };
      this.#pending.set(name, batch);
    }
    const { waiters } = batch;
    const out = new Promise<Answer | undefined>((resolve, reject) => {
      const waiter = { resolve, reject };
      const same = waiters.get(item);
      if (same === undefined) waiters.set(item, [waiter]);
      else same.push(waiter);
    });
    if (!this.#scheduled) {
      this.#scheduled = true;
      afterIo(() => this.#flush());
    }
    return out;
  }

  #flush(): void {
    this.#scheduled = false;
    const batches = [...this.#pending.values()];
    this.#pending.clear();
    for (const batch of batches) {
      const items = [...batch.waiters.keys()];
      for (let i = 0; i < items.length; i += MAX_LOOKUPS) {
        void this.#send(batch, items.slice(i, i + MAX_LOOKUPS));
      }
    }
  }

  async #send(batch: Batch<Key, Answer>, items: readonly string[]): Promise<void> {
    let answers: ReadonlyMap<string, Answer>;
    try {
      answers = await this.#run(batch.key, items);
    } catch (error) {
      if (items.length > 1 && this.#splitOn(error, batch.key)) {
        await Promise.all(items.map((item) => this.#send(batch, [item])));
        return;
      }
      for (const item of items) for (const w of batch.waiters.get(item) ?? []) w.reject(error);
      return;
    }
    for (const item of items) for (const w of batch.waiters.get(item) ?? []) w.resolve(answers.get(item));
  }
}

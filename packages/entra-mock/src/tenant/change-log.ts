import { ScimError } from '@scim/schemas';
import type { EntraClock } from '../clock.ts';
import type { DirectoryChange } from './types.ts';

/** @internal A change as the tenant's parts describe it: the log adds its sequence and time. */
export type ChangeBody = DirectoryChange extends infer C
  ? C extends DirectoryChange
    ? Omit<C, 'sequence' | 'occurredDateTime'>
    : never
  : never;

/**
 * @internal The tenant's change log: every mutation appends one {@link DirectoryChange}, numbered
 * from 1, that a provisioning engine reads from a watermark. It also tells the tenant's time, since
 * each change is stamped with it.
 *
 * The log lives as long as the tenant and grows with it (four changes a user as a directory is
 * imported: created, manager, member, assignment), so it keeps each change's body as its part
 * gave it and the times as runs (most changes share a time: a clock that did not move), and builds
 * the frozen changes when they are read: a change kept whole, with its sequence and time, took about
 * 100 bytes of heap, its body alone about half of that.
 */
export class ChangeLog {
  readonly #clock: EntraClock;
  /** Each change's body, by sequence - 1. */
  readonly #bodies: ChangeBody[] = [];
  /** The times, as runs: changes from `#runStarts[i]` (a sequence - 1) on happened at `#runTimes[i]`. */
  readonly #runStarts: number[] = [];
  readonly #runTimes: string[] = [];
  /** The last time told and its text: a clock that did not move gives the same string, not a copy. */
  #last: { ms: number; text: string } = { ms: Number.NaN, text: '' };

  constructor(clock: EntraClock) {
    this.#clock = clock;
  }

  /** The sequence of the last change, 0 when nothing changed yet. */
  get sequence(): number {
    return this.#bodies.length;
  }

  /** The clock's now, as an ISO 8601 string. */
  now(): string {
    const ms = this.#clock.now().getTime();
    if (ms !== this.#last.ms) this.#last = { ms, text: new Date(ms).toISOString() };
    return this.#last.text;
  }

  /** Appends a change that happened `at` (now unless told). */
  record(body: ChangeBody, at: string = this.now()): void {
    if (this.#runTimes.length === 0 || this.#runTimes[this.#runTimes.length - 1] !== at) {
      this.#runStarts.push(this.#bodies.length);
      this.#runTimes.push(at);
    }
    this.#bodies.push(body);
  }

  /**
   * The changes after a watermark, in order: new frozen objects, equal to those of an earlier call.
   *
   * @throws ScimError `invalidValue` for a watermark that is not an integer >= 0
   */
  since(watermark: number): DirectoryChange[] {
    if (!Number.isInteger(watermark) || watermark < 0) {
      throw new ScimError('invalidValue', `tenant: watermark ${watermark} must be an integer >= 0`);
    }
    const changes: DirectoryChange[] = [];
    let run = this.#runAt(watermark);
    for (let i = watermark; i < this.#bodies.length; i++) {
      while (run + 1 < this.#runStarts.length && this.#runStarts[run + 1]! <= i) run++;
      changes.push(
        Object.freeze({
          ...this.#bodies[i]!,
          sequence: i + 1,
          occurredDateTime: this.#runTimes[run]!,
        }) as DirectoryChange,
      );
    }
    return changes;
  }

  /** The run that the change at `index` (a sequence - 1) belongs to: the last that starts at or before it. */
  #runAt(index: number): number {
    let low = 0;
    let high = this.#runStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#runStarts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

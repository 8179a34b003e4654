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
 * @internal The tenant's change log: every mutation appends one frozen {@link DirectoryChange},
 * numbered from 1, that a provisioning engine reads from a watermark. It also tells the tenant's
 * time, since each change is stamped with it.
 */
export class ChangeLog {
  readonly #clock: EntraClock;
  readonly #changes: DirectoryChange[] = [];
  /** The last time told and its text: a clock that did not move gives the same string, not a copy. */
  #last: { ms: number; text: string } = { ms: Number.NaN, text: '' };

  constructor(clock: EntraClock) {
    this.#clock = clock;
  }

  /** The sequence of the last change, 0 when nothing changed yet. */
  get sequence(): number {
    return this.#changes.length;
  }

  /** The clock's now, as an ISO 8601 string. */
  now(): string {
    const ms = this.#clock.now().getTime();
    if (ms !== this.#last.ms) this.#last = { ms, text: new Date(ms).toISOString() };
    return this.#last.text;
  }

  /** Appends a change that happened `at` (now unless told). */
  record(body: ChangeBody, at: string = this.now()): void {
    this.#changes.push(
      Object.freeze({ ...body, sequence: this.#changes.length + 1, occurredDateTime: at }) as DirectoryChange,
    );
  }

  /**
   * The changes after a watermark, in order.
   *
   * @throws ScimError `invalidValue` for a watermark that is not an integer >= 0
   */
  since(watermark: number): DirectoryChange[] {
    if (!Number.isInteger(watermark) || watermark < 0) {
      throw new ScimError('invalidValue', `tenant: watermark ${watermark} must be an integer >= 0`);
    }
    return this.#changes.slice(watermark);
  }
}

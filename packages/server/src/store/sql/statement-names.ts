/**
 * Names for the prepared statements of a PostgreSQL store's own pools: a statement run by name is
 * parsed and planned once per connection (node-postgres sends `Parse` only the first time), where an
 * unnamed one is parsed and planned on every call. The names are bounded: a store names at most
 * {@link STATEMENTS} texts and runs any other unnamed, so that no connection holds more than that
 * many. A text is named the second time it is run, not the first: texts made for one call (a
 * ladder's repair names the ids a write moved; a search names its values) would otherwise take
 * the names of the statements that run on every request and leave those unnamed for good.
 *
 * @internal
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';

/** How many SQL texts a store names. */
const STATEMENTS = 256;

/** How many texts seen once are remembered (by digest) per name, waiting for a second run. */
const SEEN_PER_NAME = 4;

/** Statement names by SQL text (see the module comment). @internal */
export class StatementNames {
  readonly #names = new Map<string, string>();
  /** Digests of texts run once and not named yet, oldest first. */
  readonly #seen = new Set<string>();
  readonly #max: number;

  constructor(max = STATEMENTS) {
    this.#max = max;
  }

  /** The name of a statement's text, or `undefined`: run it unnamed. */
  nameOf(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined || this.#names.size >= this.#max) return known;
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 32);
    if (!this.#seen.delete(digest)) {
      this.#seen.add(digest);
      if (this.#seen.size > SEEN_PER_NAME * this.#max) {
        // The oldest text seen once goes: a Set iterates in insertion order.
        for (const oldest of this.#seen) {
          this.#seen.delete(oldest);
          break;
        }
      }
      return undefined;
    }
    const name = `scim_${digest}`;
    this.#names.set(text, name);
    return name;
  }
}

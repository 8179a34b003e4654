/**
 * Names for the prepared statements of a PostgreSQL store's own pools: a statement run by name is
 * parsed and planned once per connection (node-postgres sends `Parse` only the first time), where an
 * unnamed one is parsed and planned on every call. The names are bounded: a store names its first
 * {@link STATEMENTS} texts (its fixed statements and the list shapes it meets first) and runs any
 * other unnamed, so that no connection holds more than that many.
 *
 * @internal
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';

/** How many SQL texts a store names. */
const STATEMENTS = 256;

/** Statement names by SQL text (see the module comment). @internal */
export class StatementNames {
  readonly #names = new Map<string, string>();
  readonly #max: number;

  constructor(max = STATEMENTS) {
    this.#max = max;
  }

  /** The name of a statement's text, or `undefined`: run it unnamed. */
  nameOf(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined || this.#names.size >= this.#max) return known;
    const name = `scim_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    this.#names.set(text, name);
    return name;
  }
}

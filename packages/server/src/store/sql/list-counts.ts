/**
 * Counts of lists (their `totalResults`, RFC 7644 section 3.4.2), remembered with the version of
 * the data they were counted in, so that a list asked again before any write of its tenant is not
 * counted again: the PostgreSQL store reads the tenant's last change-feed cursor in the statement
 * of each page and counts only when it differs from the remembered one (`CASE`, whose other branch
 * PostgreSQL never runs). The per-tenant feed lock commits cursors in order (see `postgresStore`),
 * so a write committed by any instance since the count moves the cursor past it: a count read at
 * the same cursor is the count of the same rows.
 *
 * @internal
 * @packageDocumentation
 */

/** A list's count and the data version (change-feed cursor, as text) it was counted at. @internal */
export interface KnownCount {
  readonly version: string;
  readonly total: number;
}

/** How many lists keep a count (the least recently used is dropped first). */
const LISTS = 256;
/** A list named by a longer key (a filter of many terms) keeps no count. */
const KEY_LENGTH = 4096;

/**
 * Counts of lists by key (the list's `WHERE` and its values), bounded to {@link LISTS} (least
 * recently used dropped). A count of a newer version replaces one of an older version.
 * @internal
 */
export class ListCounts {
  readonly #counts = new Map<string, KnownCount>();
  readonly #max: number;

  constructor(max = LISTS) {
    this.#max = max;
  }

  /** Whether a list of this key may keep a count. */
  static fits(key: string): boolean {
    return key.length <= KEY_LENGTH;
  }

  /** The remembered count of a list, if any (it becomes the most recently used). */
  get(key: string): KnownCount | undefined {
    const found = this.#counts.get(key);
    if (found === undefined) return undefined;
    this.#counts.delete(key);
    this.#counts.set(key, found);
    return found;
  }

  /** Remembers a count read at `version` (ignored when the list holds one of a newer version). */
  remember(key: string, version: string, total: number): void {
    if (!ListCounts.fits(key) || !/^\d+$/.test(version)) return;
    const found = this.#counts.get(key);
    if (found !== undefined && BigInt(found.version) > BigInt(version)) return;
    this.#counts.delete(key);
    this.#counts.set(key, { version, total });
    if (this.#counts.size > this.#max) this.#counts.delete(this.#counts.keys().next().value as string);
  }

  /**
   * Moves a count of version `from` to version `to`, `rows` rows more (fewer when negative): what
   * the change feed between them says of an unfiltered list (see `ladder-repair.ts`). Ignored when
   * the list holds a count of another version.
   */
  moved(key: string, from: string, to: string, rows: number): void {
    const found = this.#counts.get(key);
    if (found?.version !== from || !/^\d+$/.test(to) || BigInt(to) <= BigInt(from)) return;
    this.#counts.set(key, { version: to, total: found.total + rows });
  }

  /** How many lists hold a count (for tests). */
  get size(): number {
    return this.#counts.size;
  }
}

/**
 * Where `startIndex` pages of a list began and ended, remembered so that a later page beyond one of
 * them starts from its position (a range of the sort index) instead of skipping every entry before
 * it: the pages of a client that reads a large list by `startIndex` (RFC 7644 section 3.4.2.4)
 * then cost what the first does.
 *
 * A mark is the position (sort key and `seq`, as a cursor holds it) of the row just before the
 * 0-based offset it stands for, tagged with the version of the data it was read in: the store
 * uses it only in a statement that reads the same version again (see `sqliteStore`), so that a
 * page from a mark is exactly the page `OFFSET` gives.
 *
 * @internal
 * @packageDocumentation
 */
import type { ListPosition } from './compile.ts';
import { positionOf, type ResourceRow } from './shared.ts';

/** A position in a list: the rows after `position` start at the 0-based `offset`. @internal */
export interface PageMark {
  readonly offset: number;
  readonly position: ListPosition;
  readonly version: number;
}

interface ListMarks {
  version: number;
  /** By offset; at most `perList`, the oldest dropped first. */
  readonly marks: Map<number, ListPosition>;
}

/** How many lists keep marks (the least recently used is dropped first). */
const LISTS = 64;
/** How many marks one list keeps. */
const PER_LIST = 32;
/** A list named by a longer key (a filter of many terms) keeps no marks. */
const KEY_LENGTH = 4096;

/**
 * Marks of lists, bounded: {@link LISTS} lists (least recently used dropped), {@link PER_LIST}
 * marks each (oldest dropped). A list's marks are all of one version: marks of a newer version
 * replace them, marks of an older one are ignored.
 * @internal
 */
export class PageMarks {
  readonly #lists = new Map<string, ListMarks>();
  readonly #maxLists: number;
  readonly #perList: number;

  constructor(lists = LISTS, perList = PER_LIST) {
    this.#maxLists = lists;
    this.#perList = perList;
  }

  /** Whether a list of this key may keep marks. */
  static fits(list: string): boolean {
    return list.length <= KEY_LENGTH;
  }

  /**
   * The mark of the list nearest before (or at) a 0-based offset above 0, if any that spares at
   * least half the rows to skip (from a mark far before the offset, the range it reads costs more
   * per row than the offset's plain skip).
   */
  nearest(list: string, offset: number): PageMark | undefined {
    const found = this.#lists.get(list);
    if (found === undefined) return undefined;
    this.#lists.delete(list);
    this.#lists.set(list, found);
    let best: number | undefined;
    for (const at of found.marks.keys()) if (at <= offset && (best === undefined || at > best)) best = at;
    if (best === undefined || (offset - best) * 2 > offset) return undefined;
    return { offset: best, position: found.marks.get(best) as ListPosition, version: found.version };
  }

  /** Remembers marks read at a version (ignored when the list holds a newer one). */
  remember(list: string, version: number, marks: readonly (readonly [number, ListPosition])[]): void {
    if (marks.length === 0 || !PageMarks.fits(list)) return;
    let found = this.#lists.get(list);
    if (found !== undefined && found.version > version) return;
    if (found === undefined || found.version < version) found = { version, marks: new Map() };
    this.#lists.delete(list);
    this.#lists.set(list, found);
    for (const [offset, position] of marks) {
      if (offset <= 0) continue;
      found.marks.delete(offset);
      found.marks.set(offset, position);
      if (found.marks.size > this.#perList) found.marks.delete(found.marks.keys().next().value as number);
    }
    if (this.#lists.size > this.#maxLists) this.#lists.delete(this.#lists.keys().next().value as string);
  }

  /** Forgets a list's marks (a read found its data at another version). */
  forget(list: string): void {
    this.#lists.delete(list);
  }

  /** How many lists hold marks (for tests). */
  get size(): number {
    return this.#lists.size;
  }
}

/** Where a page was read from: what {@link markedRows} needs of it. @internal */
export interface MarkedRead {
  /** The key of the list's marks, when it may keep them. */
  readonly list?: string;
  /** The mark the page was read from, if any. */
  readonly mark?: PageMark;
  /** Rows read before the page: 1 when the first row read is the one before the page. */
  readonly lead: number;
  /** The page's 0-based offset and its size. */
  readonly offset: number;
  readonly limit: number;
}

/**
 * The rows of a page read with its list's version (`list_version`), when its mark held for the
 * data they were read in (else `undefined`: read the page again at its offset), remembering
 * where this page and the next start. `total`: the list's count, which says whether an empty
 * read is an empty page.
 * @internal
 */
export function markedRows(
  read: MarkedRead,
  rows: readonly ResourceRow[],
  total: number,
  marks: PageMarks,
): readonly ResourceRow[] | undefined {
  const { list, mark, lead, offset, limit } = read;
  if (list === undefined) return rows;
  const first = rows[0];
  if (first === undefined) {
    // No row: the count said the page is empty (which no mark changes), or the mark is stale.
    if (mark === undefined || offset >= total) return rows;
    marks.forget(list);
    return undefined;
  }
  const version = Number(first.list_version ?? 0);
  if (mark !== undefined && version !== mark.version) {
    marks.forget(list);
    return undefined;
  }
  const page = rows.slice(lead);
  const found: [number, ListPosition][] = [];
  if (lead === 1) found.push([offset, positionOf(first)]);
  const last = page[page.length - 1];
  if (last !== undefined && page.length === limit) found.push([offset + page.length, positionOf(last)]);
  marks.remember(list, version, found);
  return page;
}

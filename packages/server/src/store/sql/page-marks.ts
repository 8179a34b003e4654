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
 * A page at an offset no page began or ended near would still skip every row before it. For that
 * a list also keeps a ladder: marks every `step` rows from the first (rungs), found by one
 * statement that hops from rung to rung in the sort index (`sql/ladder.ts`) when a page needs a
 * skip of at least {@link LadderOptions.minSkip} rows and a page of the list did before (of any
 * version; the store reads the version first). The climb costs at most about twice that skip (it
 * goes on to twice the page's offset); after it, a page at any offset the ladder reaches skips
 * about `step` rows or fewer. A new version
 * of the data drops the marks but not the ladder: the store repairs the ladder from the change
 * feed (`sql/ladder-repair.ts`, which moves each rung's offset by the rows inserted and deleted
 * before it) or drops it when it cannot ({@link PageMarks.dropLadder}).
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
  /** The version of the marks (the ladder has its own). */
  version: number;
  /** By offset; at most `perList`, the oldest dropped first. */
  readonly marks: Map<number, ListPosition>;
  /** Rungs in order; a ladder may be of an older version than the marks (until repaired). */
  ladder?: Ladder;
  /**
   * How many pages skipped at least `minSkip` rows since the list last climbed (of any version:
   * a ladder outlives writes, see `ladder-repair.ts`); a page climbs once there are
   * `2 ** drops` of them.
   */
  misses?: number;
  /**
   * How many ladders of the list repairs dropped in a row (a repair that holds resets it): where
   * writes keep defeating repairs (deletes, a sort key every write moves), climbs get rarer.
   */
  drops?: number;
}

/** At most `2 ** MAX_DROPS` pages skip before a list climbs again. */
const MAX_DROPS = 6;

/**
 * A list's rungs, climbed `step` rows apart (repairs move them), at a version of the data:
 * `rungs[i]` is the position of the row at 1-based offset `offsets[i]` (the rows after it start at
 * that 0-based offset), offsets increasing; `full` when their keys took all of {@link LADDER_CHARS}.
 */
interface Ladder {
  version: number;
  readonly step: number;
  readonly rungs: ListPosition[];
  offsets: number[];
  /** How many rows follow the last rung, when counted (see {@link PageMarks.tailed}). */
  tail?: number;
  /** The store's count of its own writes when the ladder was last found current. */
  seen: number;
  chars: number;
  full?: boolean;
}

/** A copy of a list's ladder, for a repair (see `sql/ladder-repair.ts`). @internal */
export interface LadderState {
  readonly version: number;
  /** The store's count of its own writes when this copy was made (see {@link PageMarks.wrote}). */
  readonly writes: number;
  readonly step: number;
  readonly rungs: readonly ListPosition[];
  readonly offsets: readonly number[];
  readonly tail?: number;
}

/** The most characters of sort keys one ladder keeps (long keys stop it lower). */
const LADDER_CHARS = 256 * 1024;

/** When a list climbs a ladder and how far apart its rungs are. @internal */
export interface LadderOptions {
  /** A page whose skip (from the nearest mark) is at least this many rows climbs first. */
  readonly minSkip: number;
  /** The least distance between rungs (a power of two). */
  readonly minStep: number;
  /** The most rungs a list keeps (a page beyond them skips from the last). */
  readonly maxRungs: number;
}

/** The ladder's defaults: rungs 256 rows apart or more, so that a page from one reads few rows. */
const LADDER: LadderOptions = { minSkip: 1024, minStep: 256, maxRungs: 2048 };

/**
 * The rungs a page needs before it is read: `hops` rungs `step` apart after `from` (the last rung
 * of the ladder, at offset `hops` steps below the first new one), or from the first row.
 * @internal
 */
export interface Climb {
  readonly list: string;
  readonly step: number;
  readonly hops: number;
  readonly from?: PageMark;
}

/**
 * The most rows a page skips with a plain `OFFSET` in its index walk (a page from a rung or a
 * mark, or near the first row), not in the subquery of `pageSql`'s deep form: that reads the
 * page's rows by key and sorts them again (on SQLite in a temporary B-tree, which sends the read
 * to a reader thread; PostgreSQL may plan it as a scan of every row), which a skip this short
 * does not repay. SQLite reads a skipped row's table entry only for its output; PostgreSQL reads
 * at most this many rows more. @internal
 */
export const PLAIN_SKIP = 512;

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
  readonly #ladder: LadderOptions;
  #writes = 0;

  constructor(lists = LISTS, perList = PER_LIST, ladder: LadderOptions = LADDER) {
    this.#maxLists = lists;
    this.#perList = perList;
    this.#ladder = ladder;
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
    const rung = this.#rungBelow(found, offset);
    if (rung !== undefined && (best === undefined || rung.offset > best)) {
      return (offset - rung.offset) * 2 > offset ? undefined : rung;
    }
    if (best === undefined || (offset - best) * 2 > offset) return undefined;
    return { offset: best, position: found.marks.get(best) as ListPosition, version: found.version };
  }

  /** The highest rung at or below an offset, with its ladder's version. */
  #rungBelow(found: ListMarks, offset: number): PageMark | undefined {
    const ladder = found.ladder;
    if (ladder === undefined) return undefined;
    const { offsets } = ladder;
    let low = 0;
    let high = offsets.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((offsets[mid] as number) <= offset) low = mid + 1;
      else high = mid;
    }
    const position = ladder.rungs[low - 1];
    return position === undefined
      ? undefined
      : { offset: offsets[low - 1] as number, position, version: ladder.version };
  }

  /**
   * Whether a page at a 0-based offset may climb (then ask {@link climb} with the data's version):
   * its nearest mark (`mark`, from {@link nearest}) leaves at least `minSkip` rows to skip, and it
   * has a ladder, or pages of the list skipped as many before: one, or `2 ** drops` when repairs
   * dropped its last ladders. A list's first deep page skips as a page always did.
   */
  mayClimb(list: string, offset: number, mark: PageMark | undefined): boolean {
    const found = this.#lists.get(list);
    if (found === undefined || offset - (mark?.offset ?? 0) < this.#ladder.minSkip) return false;
    const needed = 2 ** Math.min(found.drops ?? 0, MAX_DROPS);
    return found.ladder !== undefined || (found.misses ?? 0) >= needed;
  }

  /**
   * The climb a page at a 0-based offset needs first, if any: when it {@link mayClimb}, the list's
   * ladder, if it has one, is of the data's current version (`version`, read just before; an
   * older ladder needs a repair first), and the ladder can reach closer than `mark`.
   */
  climb(list: string, offset: number, mark: PageMark | undefined, version: number): Climb | undefined {
    const { minStep, maxRungs } = this.#ladder;
    const found = this.#lists.get(list);
    // A ladder of older data is repaired first (the miss that calls a first climb is of any version).
    if (found === undefined || (found.ladder !== undefined && found.ladder.version !== version))
      return undefined;
    if (!this.mayClimb(list, offset, mark)) return undefined;
    const ladder = found.ladder;
    // A new ladder's step: at least `minStep`, and such that `maxRungs / 2` rungs reach the page.
    let step = ladder?.step ?? minStep;
    while (ladder === undefined && step * (maxRungs / 2) < offset) step *= 2;
    if (ladder?.full === true) return undefined;
    const held = ladder?.rungs.length ?? 0;
    const base = ladder?.offsets[held - 1] ?? 0;
    if (Math.floor((offset - base) / step) <= 0) return undefined;
    // On to twice the page's offset (or the list's end): the rows after the last rung, which a
    // repair may have to count, are then few for a page deep in the list.
    const hops = Math.min(Math.floor((2 * offset - base) / step), maxRungs - held);
    if (hops <= 0) return undefined;
    const top = ladder?.rungs[held - 1];
    const from = top === undefined ? undefined : { offset: base, position: top, version };
    return { list, step, hops, ...(from === undefined ? {} : { from }) };
  }

  /** Notes a page read at a version that skipped `rows` rows from its mark (or the first row). */
  skipped(list: string, version: number, rows: number): void {
    if (rows < this.#ladder.minSkip || !PageMarks.fits(list)) return;
    const found = this.#lists.get(list);
    if (found !== undefined && found.version > version) return;
    const held = this.#holder(list, version);
    held.misses = (held.misses ?? 0) + 1;
  }

  /**
   * Adds the rungs a climb found at a version (`rungs[i]` at offset `from + (i + 1) * step`):
   * dropped when they extend a ladder of another version (they were hopped to from its stale
   * top rung, which a repair may still move); a ladder from the first row replaces an older
   * version's marks and a shorter or older ladder.
   */
  climbed(climb: Climb, version: number, rungs: readonly ListPosition[]): void {
    const { list, step, from } = climb;
    const found = this.#lists.get(list);
    if (from === undefined) {
      if (rungs.length === 0 || (found !== undefined && found.version > version)) return;
      const held = this.#holder(list, version);
      const old = held.ladder;
      if (old === undefined || old.version < version || old.rungs.length < rungs.length)
        held.ladder = add({ version, step, rungs: [], offsets: [], chars: 0, seen: this.#writes }, rungs, 0);
      delete held.misses;
      return;
    }
    const ladder = found?.ladder;
    // Hopped from a rung of other data: useless.
    if (ladder === undefined || ladder.version !== version || from.version !== version) return;
    if (ladder.step === step && ladder.offsets[ladder.offsets.length - 1] === from.offset)
      add(ladder, rungs, from.offset);
  }

  /** Counts a write of the store's own (see {@link wroteSince}). */
  wrote(): void {
    this.#writes++;
  }

  /**
   * Whether the store wrote since a list's ladder was last found current (then a page repairs it
   * first, rather than read from it and find it stale; other instances' writes are found so).
   */
  wroteSince(list: string): boolean {
    const ladder = this.#lists.get(list)?.ladder;
    return ladder !== undefined && ladder.seen !== this.#writes;
  }

  /** The version of a list's ladder, if it has one. */
  ladderVersion(list: string): number | undefined {
    return this.#lists.get(list)?.ladder?.version;
  }

  /** A copy of a list's ladder, if it has one (for a repair, see `sql/ladder-repair.ts`). */
  ladderOf(list: string): LadderState | undefined {
    const ladder = this.#lists.get(list)?.ladder;
    if (ladder === undefined) return undefined;
    const { version, step, tail } = ladder;
    return {
      version,
      writes: this.#writes,
      step,
      rungs: [...ladder.rungs],
      offsets: [...ladder.offsets],
      ...(tail === undefined ? {} : { tail }),
    };
  }

  /**
   * Notes how many rows follow a ladder's last rung (at `offset`) at its version (ignored when
   * the ladder changed), which lets a repair count them again.
   */
  tailed(list: string, version: number, offset: number, rows: number): void {
    const ladder = this.#lists.get(list)?.ladder;
    if (ladder?.version !== version || ladder.offsets[ladder.offsets.length - 1] !== offset) return;
    ladder.tail = rows;
  }

  /**
   * Moves a ladder copied at version `from.version` to version `to`, its rungs now at `offsets` (a
   * repair's result; ignored when the ladder changed since it was copied), and notes it current as
   * of the writes counted when it was copied. Marks older than `to` go.
   */
  repaired(list: string, from: LadderState, to: number, offsets: readonly number[], tail?: number): void {
    const found = this.#lists.get(list);
    const ladder = found?.ladder;
    if (found === undefined || ladder === undefined || ladder.version !== from.version) return;
    if (to === from.version) ladder.seen = Math.max(ladder.seen, from.writes);
    if (to <= from.version) return;
    ladder.seen = Math.max(ladder.seen, from.writes);
    if (ladder.rungs.length !== offsets.length) return;
    ladder.version = to;
    ladder.offsets = [...offsets];
    if (tail === undefined) delete ladder.tail;
    else ladder.tail = tail;
    delete found.drops;
    if (found.version < to) this.#renew(found, to);
  }

  /**
   * A page found its mark stale: the data it read is at `version` (unknown when it read no row).
   * Its marks go; the ladder stays, for a repair to move or drop.
   */
  outdated(list: string, version?: number): void {
    const found = this.#lists.get(list);
    if (found === undefined) return;
    if (version !== undefined && found.version < version) this.#renew(found, version);
    else found.marks.clear();
  }

  /**
   * Drops a list's ladder (a repair of data at `version` could not move it), keeping its marks of
   * that version; the list climbs again
   * after twice as many skipping pages as last time (at most `2 ** MAX_DROPS`).
   */
  dropLadder(list: string, version?: number): void {
    const found = this.#lists.get(list);
    if (found?.ladder === undefined) return;
    // The marks of older data than the repair read go too.
    if (version !== undefined && found.version < version) this.#renew(found, version);
    delete found.ladder;
    found.drops = (found.drops ?? 0) + 1;
    delete found.misses;
  }

  /** Empties a list's marks for a newer version (the ladder keeps its own). */
  #renew(found: ListMarks, version: number): void {
    found.version = version;
    found.marks.clear();
  }

  /** Remembers marks read at a version (ignored when the list holds a newer one). */
  remember(list: string, version: number, marks: readonly (readonly [number, ListPosition])[]): void {
    if (marks.length === 0 || !PageMarks.fits(list)) return;
    const found = this.#lists.get(list);
    if (found !== undefined && found.version > version) return;
    const held = this.#holder(list, version);
    for (const [offset, position] of marks) {
      if (offset <= 0) continue;
      held.marks.delete(offset);
      held.marks.set(offset, position);
      if (held.marks.size > this.#perList) held.marks.delete(held.marks.keys().next().value as number);
    }
  }

  /**
   * The list's marks at a version not older than it holds (a newer one replaces them, keeping
   * the ladder for a repair), as most recently used.
   */
  #holder(list: string, version: number): ListMarks {
    let found = this.#lists.get(list);
    if (found === undefined) found = { version, marks: new Map() };
    else if (found.version < version) this.#renew(found, version);
    this.#lists.delete(list);
    this.#lists.set(list, found);
    if (this.#lists.size > this.#maxLists) this.#lists.delete(this.#lists.keys().next().value as string);
    return found;
  }

  /** Forgets a list's marks (a read found its data at another version). */
  forget(list: string): void {
    this.#lists.delete(list);
  }

  /** The keys of the lists that hold marks (for tests). */
  lists(): string[] {
    return [...this.#lists.keys()];
  }

  /** How many lists hold marks (for tests). */
  get size(): number {
    return this.#lists.size;
  }
}

/**
 * Adds rungs to a ladder, `step` rows apart from the offset `from`, while their keys fit in
 * {@link LADDER_CHARS} (then it is full).
 */
function add(ladder: Ladder, rungs: readonly ListPosition[], from: number): Ladder {
  for (const [i, rung] of rungs.entries()) {
    const chars = 16 + (typeof rung.key === 'string' ? rung.key.length : 0);
    if (ladder.chars + chars > LADDER_CHARS) {
      ladder.full = true;
      break;
    }
    ladder.chars += chars;
    delete ladder.tail;
    ladder.rungs.push(rung);
    ladder.offsets.push(from + (i + 1) * ladder.step);
  }
  return ladder;
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
    marks.outdated(list);
    return undefined;
  }
  const version = Number(first.list_version ?? 0);
  if (mark !== undefined && version !== mark.version) {
    marks.outdated(list, version);
    return undefined;
  }
  const page = rows.slice(lead);
  const found: [number, ListPosition][] = [];
  if (lead === 1) found.push([offset, positionOf(first)]);
  const last = page[page.length - 1];
  if (last !== undefined && page.length === limit) found.push([offset + page.length, positionOf(last)]);
  marks.remember(list, version, found);
  marks.skipped(list, version, offset - (mark?.offset ?? 0));
  return page;
}

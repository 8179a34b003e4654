/**
 * Repairs a list's ladder (see `page-marks.ts`) after writes instead of climbing it again: the
 * change feed since the ladder's version names the resources written since (their `id`, and
 * whether each existed before: its first change since is not a create, version 1), and the index
 * walk of a few gaps between rungs says how many rows each gap holds now.
 *
 * Every write of a resource records a change in the same transaction, in commit order per tenant
 * (SQLite has one writer; PostgreSQL's writers take the tenant's feed lock before the cursor), so
 * a row without a change since the ladder's version sits where it sat: only the rows the feed
 * names (`C`) can have arrived in a gap or left it. Their positions now are read by `id`; where
 * they were is unknown (the feed keeps no sort key), so the repair counts every gap that holds
 * one of them now, and each such gap's count says how many of its rows left (`left = then + came
 * - now`). When the rows that left the counted gaps are all of `C` that existed before, no other
 * gap changed, and each rung's offset is the sum of the gaps up to it. Otherwise (a row deleted,
 * or moved, from a gap that holds none of `C` now; the feed too long; the data changed while the
 * repair read) the repair fails and the ladder is dropped or kept for the next page to try.
 *
 * The gap a row of `C` is in is guessed in JavaScript (a comparison of positions in the sort's
 * order) and checked by the database in the walk of that gap (or, past the last rung, by a range
 * test): a wrong guess fails the repair, never moves a rung wrong.
 *
 * @internal
 * @packageDocumentation
 */

import type { ListPosition } from './compile.ts';
import { Params, SqlCompiler } from './compile.ts';
import type { LadderTarget } from './ladder.ts';
import type { LadderState, PageMarks } from './page-marks.ts';
import { positionOf, type ResourceRow } from './shared.ts';
import { sortKeyBit } from './sort-indexes.ts';

/** The most changes (of the list's resource type) a repair reads; more: climb again. @internal */
export const REPAIR_CHANGES = 32;

type Run = (sql: string, values: readonly (string | number | null)[]) => Promise<readonly ResourceRow[]>;
type Statement = { readonly sql: string; readonly values: readonly (string | number | null)[] };

/** The version of the data, as a column of a statement on the target. */
function versionColumn(target: LadderTarget, t: string): string {
  return `(SELECT cursor FROM ${target.changes} WHERE tenant = ${t} ORDER BY cursor DESC LIMIT 1)`;
}

/**
 * The changes of the list's resource type after `version` (at most {@link REPAIR_CHANGES} + 1), in
 * order, each with its resource's position now (`seq` NULL: gone), beside the data's version (one
 * row with NULL columns when there are none). @internal
 */
export function feedSql(target: LadderTarget, version: number): Statement {
  const { postgres, resources: T, changes } = target;
  const p = new Params(postgres);
  const t = p.text(target.tenant);
  const rt = p.text(target.resourceType);
  const c = new SqlCompiler(target.dialect, p, { tenant: t, resourceType: rt });
  const key = c.sortColumn(target.sort);
  const after = p.count(version);
  const limit = p.rows(REPAIR_CHANGES + 1);
  return {
    sql: `SELECT v.list_version AS list_version, f.cursor AS cursor, f.id AS id, f.change_version AS change_version, f.keys_moved AS keys_moved, f.seq AS seq, f.sort_key AS sort_key
FROM (SELECT ${versionColumn(target, t)} AS list_version) AS v LEFT JOIN (
  SELECT ch.cursor AS cursor, ch.id AS id, ch.version AS change_version, ch.keys_moved AS keys_moved, r.seq AS seq, ${key} AS sort_key
  FROM ${changes} AS ch LEFT JOIN ${T} AS r ON r.tenant = ch.tenant AND r.id = ch.id AND r.resource_type = ch.resource_type
  WHERE ch.tenant = ${t} AND ch.resource_type = ${rt} AND ch.cursor > ${after}
  ORDER BY ch.cursor LIMIT ${limit}
) AS f ON 1 = 1 ORDER BY f.cursor`,
    values: p.values,
  };
}

/** What the feed says of one resource written since the ladder's version. @internal */
export interface Written {
  /** It existed at the ladder's version (its first change since is not a create). */
  readonly before: boolean;
  /** Its position now, when it is in the list. */
  readonly now?: ListPosition;
  /**
   * The sort keys its changes since moved (the bits of `changes.keys_moved`, see
   * `sort-indexes.ts`, of every one), `null` when a change does not say (written before the
   * column, by an instance of an earlier release, or by a write the store could not tell of).
   */
  readonly moved: number | null;
}

/** The resources a feed read names, by `id`; `undefined` when it is too long to repair from. */
export function writtenSince(rows: readonly ResourceRow[]): Map<string, Written> | undefined {
  const out = new Map<string, Written>();
  let n = 0;
  for (const row of rows) {
    const r = row as ResourceRow & { change_version?: unknown; cursor?: unknown; keys_moved?: unknown };
    if (r.cursor === null || r.cursor === undefined) continue;
    if (++n > REPAIR_CHANGES) return undefined;
    const said = r.keys_moved === null || r.keys_moved === undefined ? null : Number(r.keys_moved);
    const seen = out.get(r.id);
    if (seen !== undefined) {
      out.set(r.id, { ...seen, moved: seen.moved === null || said === null ? null : seen.moved | said });
      continue;
    }
    const before = Number(r.change_version) !== 1;
    const moved = before ? said : 0;
    out.set(
      r.id,
      r.seq === null || r.seq === undefined ? { before, moved } : { before, now: positionOf(r), moved },
    );
  }
  return out;
}

/**
 * How many rows of the list the changes of a feed read (see {@link feedSql}, every change after the
 * ladder's version) after a version `after` added (negative: removed): those of a resource whose
 * first change after it is a create (version 1) did not exist then, the others did. @internal
 */
export function gainedAfter(rows: readonly ResourceRow[], after: number): number {
  const seen = new Set<string>();
  let gained = 0;
  for (const row of rows) {
    const r = row as ResourceRow & { change_version?: unknown; cursor?: unknown };
    if (r.cursor === null || r.cursor === undefined || Number(r.cursor) <= after || seen.has(r.id)) continue;
    seen.add(r.id);
    gained += (r.seq === null || r.seq === undefined ? 0 : 1) - (Number(r.change_version) !== 1 ? 1 : 0);
  }
  return gained;
}

/** Compares text as SQLite's BINARY and PostgreSQL's "C" collations do: by code point. */
function codePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    // A surrogate (a code point past U+FFFF) is after every other UTF-16 unit.
    if (sx !== sy) return sx ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Compares sort keys, a missing key (`null`) last. */
function keyOrder(a: ListPosition['key'], b: ListPosition['key']): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'string' && typeof b === 'string') return codePoints(a, b);
  return Number(a) - Number(b);
}

/**
 * Compares two positions in a sort's order (missing keys last ascending, first descending; ties by
 * creation in the sort's direction), as a guess that the database checks. @internal
 */
export function comparePositions(a: ListPosition, b: ListPosition, descending: boolean | undefined): number {
  const keys = descending === undefined ? 0 : keyOrder(a.key, b.key) * (descending ? -1 : 1);
  if (keys !== 0 && !Number.isNaN(keys)) return keys;
  return descending === true ? b.seq - a.seq : a.seq - b.seq;
}

/** The gap of a position: how many rungs are before it (gap `i` ends at rung `i`). */
function gapOf(rungs: readonly ListPosition[], at: ListPosition, descending: boolean | undefined): number {
  let low = 0;
  let high = rungs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (comparePositions(rungs[mid] as ListPosition, at, descending) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The rows a gap held at the ladder's version (past the last rung: its tail, when counted). */
function held(ladder: LadderState, gap: number): number {
  if (gap === ladder.rungs.length) return ladder.tail as number;
  return (ladder.offsets[gap] as number) - (ladder.offsets[gap - 1] ?? 0);
}

/** The most rows after a ladder's last rung that a repair counts (more: it is not counted). */
function tailCap(ladder: { readonly step: number }): number {
  return 4 * ladder.step;
}

/**
 * The statement that counts the rows after a ladder's last rung, up to {@link tailCap} + 1, with
 * the version. @internal
 */
export function tailSql(target: LadderTarget, ladder: LadderState): Statement {
  const { postgres, resources: T, sort } = target;
  const p = new Params(postgres);
  const t = p.text(target.tenant);
  const rt = p.text(target.resourceType);
  const c = new SqlCompiler(target.dialect, p, { tenant: t, resourceType: rt });
  const past = c.after(sort, ladder.rungs[ladder.rungs.length - 1] as ListPosition);
  const limit = p.rows(tailCap(ladder) + 1);
  return {
    sql: `SELECT (SELECT COUNT(*) FROM (SELECT r.seq FROM ${T} AS r WHERE r.tenant = ${t} AND r.resource_type = ${rt} AND ${past} ORDER BY ${c.sort(sort)} LIMIT ${limit}) AS w) AS n, ${versionColumn(target, t)} AS list_version`,
    values: p.values,
  };
}

/**
 * Counts the rows after a list's last rung (after a climb that reached the list's end), so that
 * a repair can count them again: the rows a write moves or deletes there are then found.
 * @internal
 */
export async function countTail(
  target: LadderTarget,
  marks: PageMarks,
  list: string,
  run: Run,
): Promise<void> {
  const ladder = marks.ladderOf(list);
  if (ladder === undefined) return;
  const statement = tailSql(target, ladder);
  const row = (await run(statement.sql, statement.values))[0] as
    | { n?: unknown; list_version?: unknown }
    | undefined;
  const n = Number(row?.n ?? 0);
  if (n > tailCap(ladder)) return;
  marks.tailed(list, Number(row?.list_version ?? 0), ladder.offsets[ladder.offsets.length - 1] as number, n);
}

/**
 * The statement that checks the guessed gaps and counts them: a row per counted gap `j` (`n`: its
 * rows now, read by a walk of at most `held + came + 1` rows from the rung before it; `c`: how many
 * of the rows guessed in it it holds; `walked`: the rows the walk read), a row `j = -1` (`n`: how
 * many of the rows guessed past the last rung are past it, when its tail was not counted; else the
 * tail is walked as a gap), and a row `j = -2` with the version.
 * @internal
 */
export function gapsSql(
  target: LadderTarget,
  ladder: LadderState,
  came: ReadonlyMap<number, readonly string[]>,
  params?: Params,
): Statement {
  const { postgres, resources: T, sort } = target;
  const p = params ?? new Params(postgres);
  const t = p.text(target.tenant);
  const rt = p.text(target.resourceType);
  const c = new SqlCompiler(target.dialect, p, { tenant: t, resourceType: rt });
  const where = `r.tenant = ${t} AND r.resource_type = ${rt}`;
  const order = c.sort(sort);
  const last = ladder.rungs.length;
  const parts = [`SELECT -2 AS j, 0 AS n, 0 AS c, 0 AS walked, ${versionColumn(target, t)} AS list_version`];
  for (const [gap, ids] of came) {
    const list = ids.length === 0 ? 'NULL' : ids.map((id) => p.text(id)).join(', ');
    if (gap === last && ladder.tail === undefined) {
      const past = c.after(sort, ladder.rungs[last - 1] as ListPosition);
      parts.push(
        `SELECT -1 AS j, COUNT(*) AS n, 0 AS c, 0 AS walked, NULL AS list_version FROM ${T} AS r WHERE ${where} AND r.id IN (${list}) AND ${past}`,
      );
      continue;
    }
    const from = gap === 0 ? '' : ` AND ${c.after(sort, ladder.rungs[gap - 1] as ListPosition)}`;
    // Past the last rung (its tail counted before): every row walked is in the gap.
    const beyond = gap === last ? '1 = 0' : c.after(sort, ladder.rungs[gap] as ListPosition);
    const limit = p.rows(held(ladder, gap) + ids.length + 1);
    parts.push(
      `SELECT ${p.int(gap)} AS j, COALESCE(SUM(w.inside), 0) AS n,
  COALESCE(SUM(CASE WHEN w.inside = 1 AND w.id IN (${list}) THEN 1 ELSE 0 END), 0) AS c, COUNT(*) AS walked, NULL AS list_version
FROM (SELECT r.id AS id, CASE WHEN ${beyond} THEN 0 ELSE 1 END AS inside FROM ${T} AS r WHERE ${where}${from} ORDER BY ${order} LIMIT ${limit}) AS w`,
    );
  }
  return { sql: parts.join('\nUNION ALL\n'), values: p.values };
}

/**
 * The rungs' offsets after the writes the feed names, from the counts of {@link gapsSql}
 * (`version`: the feed's); `undefined` when they cannot be known: a guess was wrong, or a row
 * that existed before left a gap no count covers.
 * @internal
 */
export function repairedOffsets(
  ladder: LadderState,
  written: ReadonlyMap<string, Written>,
  came: ReadonlyMap<number, readonly string[]>,
  counts: readonly ResourceRow[],
  version: number,
): { readonly offsets: number[]; readonly tail?: number } | undefined {
  const last = ladder.rungs.length;
  const now = new Map<number, number>();
  let left = 0;
  let checked = false;
  for (const row of counts) {
    const r = row as unknown as {
      j: unknown;
      n: unknown;
      c: unknown;
      walked: unknown;
      list_version: unknown;
    };
    const j = Number(r.j);
    const n = Number(r.n);
    if (j === -2) {
      if (Number(r.list_version ?? 0) !== version) return undefined;
      checked = true;
    } else if (j === -1) {
      if (n !== came.get(last)?.length) return undefined;
    } else {
      const ids = came.get(j)?.length ?? 0;
      const walked = Number(r.walked);
      // The walk read past the gap (or to the list's end), and found every row guessed in it.
      if (Number(r.c) !== ids || (n === walked && walked === held(ladder, j) + ids + 1)) return undefined;
      const gone = held(ladder, j) + ids - n;
      if (gone < 0) return undefined;
      left += gone;
      now.set(j, n);
    }
  }
  let before = 0;
  for (const w of written.values()) if (w.before) before++;
  if (!checked || left !== before) return undefined;
  const offsets: number[] = [];
  let sum = 0;
  for (let j = 0; j < last; j++) {
    sum += now.get(j) ?? held(ladder, j);
    offsets.push(sum);
  }
  const tail = now.get(last) ?? ladder.tail;
  return tail === undefined || tail > tailCap(ladder) ? { offsets } : { offsets, tail };
}

/**
 * What a repair found: whether the ladder holds for the data's version now (`held`), and, when the
 * feed since its version was short enough to read, how many rows the list gained (`count`: from
 * version, to version, rows; negative when it lost some), which moves a count of the list too.
 * @internal
 */
export interface LadderRepair {
  readonly held: boolean;
  readonly count?: {
    readonly from: number;
    readonly to: number;
    readonly rows: number;
    /** The rows gained after a later version (of `from` or after, before `to`): a count of it moves too. */
    readonly after: (version: number) => number;
  };
}

/**
 * A repair read up to its walk of the gaps (see {@link planRepair}): the ladder copied, what the
 * feed named, the gaps rows came to, whether a counted tail may need a walk too, and the data's
 * version the feed read. @internal
 */
export interface RepairPlan {
  readonly ladder: LadderState;
  readonly written: ReadonlyMap<string, Written>;
  readonly came: ReadonlyMap<number, readonly string[]>;
  readonly tail: boolean;
  readonly version: number;
  /** How many of the rows the feed names are in the list now, and how many existed before. */
  readonly now: number;
  readonly before: number;
}

/**
 * The first half of a repair (see {@link repairLadder}): reads the feed since the ladder's version
 * (one statement), and either settles the ladder at once (`done`: current already, too many
 * changes, nothing to walk) or says which gaps to walk (`plan`, with the feed's move of the list's
 * count) for {@link settleWalk}. @internal
 */
export async function planRepair(
  target: LadderTarget,
  marks: PageMarks,
  list: string,
  run: Run,
): Promise<
  { readonly done: LadderRepair } | { readonly plan: RepairPlan; readonly count: LadderRepair['count'] }
> {
  const ladder = marks.ladderOf(list);
  if (ladder === undefined) return { done: { held: false } };
  const feed = feedSql(target, ladder.version);
  const rows = await run(feed.sql, feed.values);
  const version = Number((rows[0] as { list_version?: unknown } | undefined)?.list_version ?? 0);
  if (version === ladder.version) {
    marks.repaired(list, ladder, version, ladder.offsets, ladder.tail);
    return { done: { held: true } };
  }
  // A read of older data than the ladder's (a reader behind the writer): nothing to repair.
  if (version < ladder.version) return { done: { held: false } };
  const written = writtenSince(rows);
  if (written === undefined) {
    marks.dropLadder(list, version);
    return { done: { held: false } };
  }
  keptInPlace(written, target);
  let now = 0;
  let before = 0;
  for (const w of written.values()) {
    if (w.now !== undefined) now++;
    if (w.before) before++;
  }
  const count = {
    from: ladder.version,
    to: version,
    rows: now - before,
    after: (v: number) => gainedAfter(rows, v),
  };
  const descending = target.sort === undefined ? undefined : target.sort.descending === true;
  const last = ladder.rungs.length;
  // The rows in the list now, by the gap they seem to be in.
  const came = new Map<number, string[]>();
  for (const [id, w] of written) {
    if (w.now === undefined) continue;
    const gap = gapOf(ladder.rungs, w.now, descending);
    came.set(gap, [...(came.get(gap) ?? []), id]);
  }
  // A counted tail is walked too when a row that existed may have left it: at once when no gap
  // before it is walked, else only when the gaps walked do not find every row that left.
  const tail = ladder.tail !== undefined && !came.has(last) && before > 0;
  if (tail && came.size === 0) came.set(last, []);
  if (came.size === 0) {
    // None in the list now: rows created and deleted since move no rung; a row deleted is lost.
    if (before > 0) {
      marks.dropLadder(list, version);
      return { done: { held: false, count } };
    }
    marks.repaired(list, ladder, version, ladder.offsets, ladder.tail);
    return { done: { held: true, count } };
  }
  return { plan: { ladder, written, came, tail, version, now, before }, count };
}

/**
 * Leaves out of a repair every row that existed at the ladder's version, still does, and sits
 * where it sat: its place is its sort key and its `seq` (given once: a store's ids are new UUIDs,
 * never given again), so it moves no rung, wherever it is. In creation order (no sort) that is
 * every such row; sorted, a row whose changes since all kept the sort's key (none of them set its
 * bit of `changes.keys_moved`, and each says). Without this, a row updated past the last rung of a
 * ladder whose tail is not counted dropped the ladder: where it had been was not known
 * (docs/benchmarks.md, "List pages without their data, planned once, and ladders kept in
 * creation order", "Sorted ladders kept through writes that keep their key"; decision 0015).
 */
function keptInPlace(written: Map<string, Written>, target: LadderTarget): void {
  const bit = target.sort === undefined ? undefined : sortBit(target);
  if (target.sort !== undefined && bit === undefined) return;
  for (const [id, w] of written) {
    if (!w.before || w.now === undefined) continue;
    if (bit === undefined || (w.moved !== null && (w.moved & (1 << bit)) === 0)) written.delete(id);
  }
}

/** The bit of a sorted list's key in `changes.keys_moved`; `undefined` for a key without a sort index. */
function sortBit(target: LadderTarget): number | undefined {
  const c = new SqlCompiler(target.dialect, new Params(target.postgres), { tenant: '', resourceType: '' });
  return sortKeyBit(c.sortColumn(target.sort), target.postgres);
}

/** What {@link settleWalk} made of a walk. @internal */
export type Settled =
  | { readonly outcome: 'held'; readonly offsets: readonly number[] }
  | { readonly outcome: 'dropped' | 'moved' | 'tail' };

/**
 * Settles a planned repair from the rows of its walk ({@link gapsSql} on `plan.came`): `'held'`
 * with the rungs' new offsets (the ladder moved to the plan's version), `'dropped'` (no repair can
 * succeed), `'moved'` (the data changed since the feed was read) or `'tail'` (the counted tail
 * must be walked too); the ladder is untouched but for `'held'` and `'dropped'`. @internal
 */
export function settleWalk(
  marks: PageMarks,
  list: string,
  plan: RepairPlan,
  counts: readonly ResourceRow[],
): Settled {
  const { ladder, written, came, version } = plan;
  const moved = Number(counts.find((r) => Number((r as { j?: unknown }).j) === -2)?.list_version ?? 0);
  if (moved !== version) return { outcome: 'moved' };
  const repaired = repairedOffsets(ladder, written, came, counts, version);
  if (repaired === undefined) {
    if (plan.tail && !came.has(ladder.rungs.length)) return { outcome: 'tail' };
    marks.dropLadder(list, version);
    return { outcome: 'dropped' };
  }
  marks.repaired(list, ladder, version, repaired.offsets, repaired.tail);
  return { outcome: 'held', offsets: repaired.offsets };
}

/**
 * Brings a list's ladder to the data's version when it is older (`run` runs a statement on the
 * target; the first one also reads the version, so a ladder of the data's version costs one
 * small statement). The ladder is dropped where no repair can succeed (see the module's summary).
 * @internal
 */
export async function repairLadder(
  target: LadderTarget,
  marks: PageMarks,
  list: string,
  run: Run,
): Promise<LadderRepair> {
  const planned = await planRepair(target, marks, list, run);
  if ('done' in planned) return planned.done;
  const { plan, count } = planned;
  return {
    held: await finishRepair(target, marks, list, run, plan),
    ...(count === undefined ? {} : { count }),
  };
}

/** Walks the gaps of a plan (see {@link gapsSql}) and settles it ({@link settleWalk}). */
async function walkGaps(
  target: LadderTarget,
  marks: PageMarks,
  list: string,
  run: Run,
  plan: RepairPlan,
): Promise<Settled> {
  const gaps = gapsSql(target, plan.ladder, plan.came);
  return settleWalk(marks, list, plan, await run(gaps.sql, gaps.values));
}

/**
 * The second half of {@link repairLadder}: the gaps of a plan ({@link planRepair}) walked (the
 * counted tail too, when the first walk leaves a row that left unfound), the ladder moved or
 * dropped; whether it holds. @internal
 */
export async function finishRepair(
  target: LadderTarget,
  marks: PageMarks,
  list: string,
  run: Run,
  plan: RepairPlan,
): Promise<boolean> {
  const first = await walkGaps(target, marks, list, run, plan);
  // 'moved': the data changed since the feed was read; the next page tries again.
  if (first.outcome !== 'tail') return first.outcome === 'held';
  const came = new Map(plan.came);
  came.set(plan.ladder.rungs.length, []);
  const second = await walkGaps(target, marks, list, run, { ...plan, came });
  return second.outcome === 'held';
}

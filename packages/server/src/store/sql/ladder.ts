/**
 * The statement that climbs a list's ladder (see `page-marks.ts`): from the ladder's last rung (or
 * the first row) it hops `step` rows at a time through the sort index, each hop a range of the
 * index after the rung before (`LIMIT 1 OFFSET step - 1`, which reads index entries only), and
 * returns every rung it lands on with its sort key and the version of the data it read.
 *
 * A recursive query alternates two steps per rung: the hop, which finds the rung's `seq`, and the
 * lookup of that one row's sort key, which the next hop starts after. It reads about what one
 * skip to the last rung does, plus one row per rung.
 *
 * Only an unfiltered list, unsorted or sorted on a key with an index (`sort-indexes.ts`): without
 * the index every hop would sort the rows.
 *
 * @internal
 * @packageDocumentation
 */
import type { StoreSort } from '../types.ts';
import { type Dialect, Params, SqlCompiler } from './compile.ts';
import { countTail, repairLadder } from './ladder-repair.ts';
import type { Climb, PageMark, PageMarks } from './page-marks.ts';
import { positionOf, type ResourceRow } from './shared.ts';
import { hasSortIndex } from './sort-indexes.ts';

/** Where a climb reads. @internal */
export interface LadderTarget {
  readonly dialect: Dialect;
  readonly postgres: boolean;
  /** The resources and changes tables, schema-qualified where needed. */
  readonly resources: string;
  readonly changes: string;
  readonly tenant: string;
  readonly resourceType: string;
  readonly sort: StoreSort | undefined;
  /** A term the list's `WHERE` carries after the tenant and type (SQLite's budget check). */
  readonly check?: string;
}

/** Whether a sort key (as `SqlCompiler.sortColumn` writes it) has a sort index. */
function indexed(key: string, postgres: boolean): boolean {
  return key === 'NULL' || hasSortIndex(key, postgres);
}

/**
 * The climb's statement: rows of `n` (the offset the rung marks), `seq`, `sort_key` and
 * `list_version` (in any order: {@link climbedRows} sorts them); `undefined` when the sort has no
 * index.
 * @internal
 */
export function climbSql(
  target: LadderTarget,
  climb: Climb,
): { readonly sql: string; readonly values: readonly (string | number | null)[] } | undefined {
  const { postgres, resources: T, sort } = target;
  const p = new Params(postgres);
  const t = p.text(target.tenant);
  const rt = p.text(target.resourceType);
  const c = new SqlCompiler(target.dialect, p, { tenant: t, resourceType: rt });
  const key = c.sortColumn(sort);
  if (!indexed(key, postgres)) return undefined;
  const where = `r.tenant = ${t} AND r.resource_type = ${rt}${target.check === undefined ? '' : ` AND ${target.check}`}`;
  const order = c.sort(sort);
  const step = p.rows(climb.step);
  const skip = p.rows(climb.step - 1);
  const top = p.count((climb.from?.offset ?? 0) + climb.hops * climb.step);
  const hop = (after: string, offset = skip) =>
    `(SELECT r.seq FROM ${T} AS r WHERE ${where}${after} ORDER BY ${order} LIMIT 1 OFFSET ${offset})`;
  const start = climb.from === undefined ? '' : ` AND ${c.after(sort, climb.from.position)}`;
  const first = p.count((climb.from?.offset ?? 0) + climb.step);
  // The next hop after the rung `h`; a key that may be NULL takes the range of a missing key then.
  const after = hop(` AND ${c.afterRow(sort, 'h.k', 'h.s')}`);
  const range = c.keyRange(sort, 'h.k');
  const next = c.nullableSort(sort)
    ? `CASE WHEN h.k IS NULL THEN ${hop(` AND ${c.afterRow(sort, undefined, 'h.s')}`)} ELSE ${after} END`
    : range === undefined
      ? after
      : // The rung the only row of its key (as a unique key's always is): the hop is a range from
        // that key, one row longer, which tests no row (the range after the rung tests each).
        `CASE WHEN (SELECT COUNT(*) FROM ${T} AS r WHERE r.tenant = ${t} AND r.resource_type = ${rt} AND ${range.tie} AND r.seq ${sort?.descending === true ? '>' : '<'}= h.s) = 1 THEN ${hop(` AND ${range.from}`, step)} ELSE ${after} END`;
  // PostgreSQL: the key's own collation ("C") would differ from the column's first (NULL) value's.
  const keyOf =
    key === 'NULL'
      ? 'NULL'
      : `(SELECT ${key}${postgres ? ' COLLATE "default"' : ''} FROM ${T} AS r WHERE r.tenant = ${t} AND r.resource_type = ${rt} AND r.seq = h.s)`;
  const none = postgres ? 'NULL::text' : 'NULL';
  return {
    sql: `WITH RECURSIVE hop(n, s, k, keyed) AS (
  SELECT ${first}, ${hop(start)}, ${none}, 0
  UNION ALL
  SELECT CASE WHEN h.keyed = 1 THEN h.n + ${step} ELSE h.n END,
    CASE WHEN h.keyed = 1 THEN ${next} ELSE h.s END,
    CASE WHEN h.keyed = 1 THEN ${none} ELSE ${keyOf} END,
    1 - h.keyed
  FROM hop AS h WHERE h.s IS NOT NULL AND (h.keyed = 0 OR h.n + ${step} <= ${top})
)
SELECT h.n AS n, h.s AS seq, h.k AS sort_key,
  (SELECT cursor FROM ${target.changes} WHERE tenant = ${t} ORDER BY cursor DESC LIMIT 1) AS list_version
FROM hop AS h WHERE h.keyed = 1 AND h.s IS NOT NULL`,
    values: p.values,
  };
}

/**
 * Remembers the rungs a climb's statement returned (rows of {@link climbSql}), read at the
 * version its rows carry; `true` when the climb reached the list's end (fewer rungs than hops),
 * then the rows after the last rung are few enough to count (`ladder-repair.ts`, `countTail`).
 * @internal
 */
export function climbedRows(climb: Climb, rows: readonly ResourceRow[], marks: PageMarks): boolean {
  const first = rows[0];
  if (first === undefined) return false;
  const at = (row: ResourceRow) => Number((row as { n?: unknown }).n);
  const sorted = [...rows].sort((a, b) => at(a) - at(b));
  // Rungs from the climb's start, one step apart (the statement stops at the list's end).
  const start = climb.from?.offset ?? 0;
  const rungs = sorted.filter((row, i) => at(row) === start + (i + 1) * climb.step);
  if (rungs.length !== sorted.length) return false;
  marks.climbed(climb, Number(first.list_version ?? 0), rungs.map(positionOf));
  return rungs.length < climb.hops;
}

/** The statement of the data's version (the tenant's last change), as a list page reads it. @internal */
export function versionSql(target: LadderTarget): {
  readonly sql: string;
  readonly values: readonly (string | number | null)[];
} {
  const p = new Params(target.postgres);
  const t = p.text(target.tenant);
  return {
    sql: `SELECT cursor AS list_version FROM ${target.changes} WHERE tenant = ${t} ORDER BY cursor DESC LIMIT 1`,
    values: p.values,
  };
}

/** The version a {@link versionSql} row gives (0 before the first change). @internal */
export function versionOf(row: { readonly list_version?: unknown } | undefined): number {
  return Number(row?.list_version ?? 0);
}

/**
 * The mark a page at a 0-based offset reads from after climbing its list's ladder when it may
 * (`run` runs the version's statement, then the climb's), else `mark` (the nearest without
 * climbing). @internal
 */
export async function climbLadder(
  target: LadderTarget,
  marks: PageMarks,
  page: { readonly list: string; readonly offset: number; readonly mark: PageMark | undefined },
  run: (sql: string, values: readonly (string | number | null)[]) => Promise<readonly ResourceRow[]>,
): Promise<PageMark | undefined> {
  let mark = page.mark;
  if (!marks.mayClimb(page.list, page.offset, mark)) return mark;
  const current = versionSql(target);
  const version = versionOf((await run(current.sql, current.values))[0]);
  // A ladder of older data: moved to this version first (or dropped), see `ladder-repair.ts`.
  if ((marks.ladderVersion(page.list) ?? version) < version) {
    await repairLadder(target, marks, page.list, run);
    mark = marks.nearest(page.list, page.offset);
  }
  const climb = marks.climb(page.list, page.offset, mark, version);
  const statement = climb === undefined ? undefined : climbSql(target, climb);
  if (climb === undefined || statement === undefined) return mark;
  if (climbedRows(climb, await run(statement.sql, statement.values), marks))
    await countTail(target, marks, page.list, run);
  return marks.nearest(page.list, page.offset);
}

/**
 * The read job of a SQLite list page, and what its rows say about where pages start: the job
 * reads a `startIndex` page from the nearest remembered mark of its list when there is one (see
 * `sql/page-marks.ts`), with the version of the tenant's data (its last change, `changes.cursor`,
 * which only grows and which every write of a resource moves) in the same statement, so that the
 * store can tell whether the mark held for the data the page was read in.
 *
 * @internal
 * @packageDocumentation
 */

import { type ListPosition, Params, SqlCompiler, sqliteDialect } from './sql/compile.ts';
import { climbSql, type LadderTarget } from './sql/ladder.ts';
import { type Climb, markedRows, type PageMark, PageMarks, PLAIN_SKIP } from './sql/page-marks.ts';
import { pageSql, paging, type ResourceRow, readPosition } from './sql/shared.ts';
import { BUDGET_CHECK, WALK_BUDGET_CHECK } from './sqlite-functions.ts';
import type { ListJob } from './sqlite-read.ts';
import type { ListQuery, ResourceTypeStorage } from './types.ts';

/** The data's version as a list page reads it (the tenant's last change; `?`: the tenant). @internal */
export const LIST_VERSION =
  'SELECT cursor AS list_version FROM changes WHERE tenant = ? ORDER BY cursor DESC LIMIT 1';

/**
 * A page's `data` column when the caller answers from renderings (`ListQuery.renderedOnly`): only
 * for rows without one. Every write sets `rendered` with the data (NULL when the handler gave
 * none; a member-only write keeps both), so a row with a rendering is answered from it, or read
 * again by the handler when the rendering is of another schema (see `left-out.ts`).
 */
const RENDERED_ONLY_DATA = 'CASE WHEN r.rendered IS NULL THEN r.data END AS data';

/** A list page's job and how to read its rows. @internal */
export interface ListPlan {
  readonly job: ListJob;
  /** The key of the list's marks (its filter, sort and tenant), when it may keep them (not a filter's first page). */
  readonly list?: string;
  /** The mark the page was read from, if any. */
  readonly mark?: PageMark;
  /** Rows read before the page (its first is the row before `startIndex`, for a mark). */
  readonly lead: number;
  /** Read one more row than the page (keyset paging: whether more follow). */
  readonly keyset: boolean;
  /** Whether the page may climb its list's ladder: plan it again with the data's version. */
  readonly probe: boolean;
  /** The climb of the list's ladder to read first (then plan the page again), if it needs one. */
  readonly climb?: { readonly climb: Climb; readonly job: ListJob };
}

/** What a list compiles with. @internal */
export interface ListContext {
  readonly tenant: string;
  readonly storage: ResourceTypeStorage | undefined;
  readonly memberships: boolean;
}

/**
 * The job of a list page: from the nearest mark of its list in `marks` when `useMarks` and one
 * spares enough of the skip, else at its offset. A `startIndex` page past the first reads the row
 * before it too (`lead`), which marks where it starts. With the data's version (`dataVersion`), the plan may
 * climb the list's ladder first (`climb`); without, it says whether it may (`probe`).
 * @internal
 */
export function listPlan(
  context: ListContext,
  query: ListQuery,
  marks: PageMarks,
  useMarks = true,
  dataVersion?: number,
): ListPlan {
  const { tenant, storage } = context;
  const params = new Params(false);
  const t = params.text(tenant);
  const rt = params.text(query.resourceType);
  const compiler = new SqlCompiler(sqliteDialect, params, {
    reference: storage?.referenceAttribute,
    memberships: context.memberships,
    tenant: t,
    resourceType: rt,
  });
  const condition = query.filter === undefined ? '' : ` AND ${compiler.filter(query.filter)}`;
  // A list of ids: `+` keeps the planner off the type index, so that the (tenant, id) key looks
  // each one up instead of scanning every row of the type. The budget check stops the query when it
  // runs out of time.
  const check = query.filter === undefined ? WALK_BUDGET_CHECK : BUDGET_CHECK;
  const where = `r.tenant = ${t} AND ${compiler.byIds ? '+' : ''}r.resource_type = ${rt} AND ${check}${condition}`;
  const order = compiler.sort(query.sort);
  const paged = paging(query);
  const keyset = query.keyset === true || query.after !== undefined;
  const limit = paged.limit;
  const countValues = [...params.values];
  // Keyset paging starts after a position (a range of the sort index), never at an offset.
  const offset = query.after === undefined ? paged.offset : 0;
  // A filter's first page keeps no marks: it is mostly a lookup (`userName eq`, which Microsoft
  // Entra sends before every write), and the data's version it would read for them (a descent of
  // the change log's index) costs the lookup more than the mark at its end spares the next page.
  const lookup = query.filter !== undefined && offset === 0 && query.after === undefined;
  const key =
    keyset || limit === 0 || !useMarks || lookup ? undefined : JSON.stringify([where, order, countValues]);
  const list = key !== undefined && PageMarks.fits(key) ? key : undefined;
  const mark = list === undefined || offset === 0 ? undefined : marks.nearest(list, offset);
  // A deep page far from any mark may climb its list's ladder, when the data's version is the marks'.
  const deep = list !== undefined && query.filter === undefined && marks.mayClimb(list, offset, mark);
  const climb = deep && dataVersion !== undefined ? marks.climb(list, offset, mark, dataVersion) : undefined;
  const start: ListPosition | undefined =
    query.after === undefined ? mark?.position : readPosition(query.after);
  const after = start === undefined ? '' : ` AND ${compiler.after(query.sort, start)}`;
  // Rows to skip after the mark (or from the first row), one fewer when the row before is read.
  const skip = offset - (mark?.offset ?? 0);
  const lead = list !== undefined && skip > 0 ? 1 : 0;
  const sortKey = compiler.sortColumn(query.sort);
  const limitParam = params.rows(keyset && limit > 0 ? limit + 1 : limit + lead);
  const offsetParam = params.rows(skip - lead);
  const version =
    list === undefined
      ? ''
      : `, (SELECT cursor FROM changes WHERE tenant = ${t} ORDER BY cursor DESC LIMIT 1) AS list_version`;
  // Unfiltered: the trigger-kept count (migration 4) instead of counting every row.
  const count =
    query.filter === undefined
      ? {
          sql: 'SELECT n FROM resource_counts WHERE tenant = ? AND resource_type = ?',
          values: [tenant, query.resourceType],
        }
      : { sql: `SELECT COUNT(*) AS n FROM resources AS r WHERE ${where}`, values: countValues };
  const job: ListJob = {
    kind: 'list',
    count,
    page: {
      sql: pageSql(
        'resources',
        `${where}${after}`,
        order,
        limitParam,
        offsetParam,
        skip - lead > PLAIN_SKIP,
        sortKey,
        `, r.rendered${version}`,
        false,
        query.renderedOnly === true ? RENDERED_ONLY_DATA : 'r.data',
      ),
      values: params.values,
    },
    resourceType: query.resourceType,
    offset,
    limit,
    ...(query.members === true && storage?.referenceAttribute !== undefined ? { membersOf: tenant } : {}),
    ...(query.filter === undefined ? { walk: skip + limit } : {}),
    ...(offset === 0 && !keyset && start === undefined ? { countedByPage: true } : {}),
  };
  const climbing = climb === undefined ? undefined : climbJob(context, query, climb, count);
  // The spreads last: V8 defines a member written after a spread through its runtime.
  return {
    job,
    probe: deep && dataVersion === undefined,
    lead,
    keyset,
    ...(climbing === undefined ? {} : { climb: climbing }),
    ...(list === undefined ? {} : { list }),
    ...(mark === undefined ? {} : { mark }),
  };
}

/** Where a list's ladder is climbed or repaired (see `sql/ladder.ts`, `sql/ladder-repair.ts`). @internal */
export function ladderTarget(context: ListContext, query: ListQuery): LadderTarget {
  return {
    dialect: sqliteDialect,
    postgres: false,
    resources: 'resources',
    changes: 'changes',
    tenant: context.tenant,
    resourceType: query.resourceType,
    sort: query.sort,
  };
}

/** The job of a climb (see `sql/ladder.ts`), `undefined` when the list's sort has no index. */
function climbJob(
  context: ListContext,
  query: ListQuery,
  climb: Climb,
  count: ListJob['count'],
): { readonly climb: Climb; readonly job: ListJob } | undefined {
  const statement = climbSql({ ...ladderTarget(context, query), check: WALK_BUDGET_CHECK }, climb);
  if (statement === undefined) return undefined;
  return { climb, job: { kind: 'list', count, page: statement, offset: 0, limit: climb.hops } };
}

/**
 * The page's rows, when the plan's mark held for the data they were read in (else `undefined`:
 * read the page again at its offset); see `markedRows`.
 * @internal
 */
export function pageRows(
  plan: ListPlan,
  rows: readonly ResourceRow[],
  total: number,
  marks: PageMarks,
): readonly ResourceRow[] | undefined {
  return markedRows({ ...plan, offset: plan.job.offset, limit: plan.job.limit }, rows, total, marks);
}

/**
 * The reads of a SQLite store that may cost more than a lookup (a list: its count, its page and its
 * members; a group with its members), as data: a job the store runs on its own connection or sends
 * to a reader thread (`sqlite-reader.ts`), which runs it with the same code. A job holds SQL text
 * and parameters already compiled; it returns rows, which the store turns into resources.
 *
 * @internal
 * @packageDocumentation
 */
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { MemberRow, ResourceRow } from './sql/shared.ts';
import { chunks } from './sql/values.ts';
import { MEMBER_BUDGET_CHECK } from './sqlite-functions.ts';

/** One statement: its SQL text and its parameters (numbered `?1`, `?2`, ... or positional). @internal */
export interface JobStatement {
  readonly sql: string;
  readonly values: readonly (string | number | null)[];
}

/** A list query: the count, then (when the page is not empty) the page, then its members. @internal */
export interface ListJob {
  readonly kind: 'list';
  readonly count: JobStatement;
  readonly page: JobStatement;
  readonly offset: number;
  readonly limit: number;
  /** The type of every row of the page, when its SQL leaves `resource_type` out (see `pageSql`). */
  readonly resourceType?: string;
  /** Load the members of the page's resources (the tenant's). */
  readonly membersOf?: string;
  /**
   * The query has no filter and reads at most this many rows in index order (offset + count): a
   * plan that walks the type's rows in order is then as bounded as a lookup.
   */
  readonly walk?: number;
  /**
   * The page starts at the list's first row (no offset, mark or keyset position): when it holds
   * fewer rows than `limit`, they are the whole list, and the count is not run. A filter that names
   * one user (`userName eq`, Entra's lookup before each write) then reads one statement, not two.
   */
  readonly countedByPage?: boolean;
}

/** A resource read with its members (a group). @internal */
export interface GetJob {
  readonly kind: 'get';
  readonly tenant: string;
  readonly resourceType: string;
  readonly id: string;
}

/** What a reader runs. @internal */
export type ReadJob = ListJob | GetJob;

/** A member row with the group it belongs to. @internal */
export type GroupMemberRow = MemberRow & { group_id: string };

/** What a job returns: rows, turned into resources by the store. @internal */
export interface ReadRows {
  /** The list's `totalResults` (a get: 1 when found, else 0). */
  readonly total: number;
  readonly rows: readonly ResourceRow[];
  /** The members of the rows, when asked for. */
  readonly members?: readonly GroupMemberRow[];
}

/** One resource by tenant, id and type (`?1` tenant, `?2` id, `?3` type). @internal */
export const RESOURCE_SQL = `SELECT id, resource_type, version, created, last_modified, data, rendered FROM resources
  WHERE tenant = ? AND id = ? AND resource_type = ?`;

/** How a member's group is labelled: its `displayName`, else its `userName`. */
const GROUP_LABEL = "COALESCE(json_extract(g.data, '$.displayName'), json_extract(g.data, '$.userName'))";

/** The groups a resource is a direct member of, oldest first (`?` tenant, `?` member id). @internal */
export const MEMBER_OF_SQL = `SELECT g.id AS member_id, g.resource_type AS resource_type, ${GROUP_LABEL} AS display
  FROM members AS m JOIN resources AS g ON g.tenant = m.tenant AND g.id = m.group_id
  WHERE m.tenant = ? AND m.member_id = ? ORDER BY g.seq`;

/**
 * {@link RESOURCE_SQL} with the resource's groups as {@link MEMBER_OF_SQL} reads them, in one
 * statement: a JSON array of `[id, type, label]` in the column `groups`, `NULL` when it is in no
 * group. The `EXISTS` guard (one probe of `members_member`) spares most users, who are in no
 * group, the aggregate's setup: some 1.1 µs of the 4.3 µs the statement cost without it. @internal
 */
export const RESOURCE_WITH_GROUPS_SQL = `SELECT r.id, r.resource_type, r.version, r.created, r.last_modified, r.data, r.rendered,
  CASE WHEN EXISTS (SELECT 1 FROM members AS e WHERE e.tenant = r.tenant AND e.member_id = r.id) THEN
  (SELECT json_group_array(json_array(g.id, g.resource_type, ${GROUP_LABEL}) ORDER BY g.seq)
     FROM members AS m JOIN resources AS g ON g.tenant = m.tenant AND g.id = m.group_id
     WHERE m.tenant = r.tenant AND m.member_id = r.id) END AS groups
  FROM resources AS r WHERE r.tenant = ? AND r.id = ? AND r.resource_type = ?`;

/** A row of {@link RESOURCE_WITH_GROUPS_SQL}: `groups` is `NULL` for a resource in no group. @internal */
export type RowWithGroups = ResourceRow & { groups: string | null };

/**
 * Reads the row of {@link RESOURCE_WITH_GROUPS_SQL} as an array and names its columns: node:sqlite
 * builds a row object one property at a time (0.7 µs of the statement's 3.3 µs for these eight
 * columns). The statement is left as it was (it returns objects to other callers).
 * @internal
 */
export function readWithGroups(
  statement: StatementSync,
  tenant: string,
  id: string,
  resourceType: string,
): RowWithGroups | undefined {
  const row = asArrays(statement, () => statement.get(tenant, id, resourceType)) as unknown[] | undefined;
  if (row === undefined) return undefined;
  return {
    id: row[0] as string,
    resource_type: row[1] as string,
    version: row[2] as number,
    created: row[3] as string,
    last_modified: row[4] as string,
    data: row[5] as string,
    rendered: row[6] as string | null,
    groups: row[7] as string | null,
  };
}

/**
 * Runs `read` with `statement` returning rows as arrays, then sets it back to objects (the same SQL
 * text is one cached statement for every caller, and others read it as objects).
 */
function asArrays<T>(statement: StatementSync, read: () => T): T {
  statement.setReturnArrays(true);
  try {
    return read();
  } finally {
    statement.setReturnArrays(false);
  }
}

/** How many ids one membership query names. */
const MEMBER_CHUNK = 500;

/** The statements of a job, for its query plan (the members query is bounded by the page). @internal */
export function jobStatements(job: ReadJob): readonly JobStatement[] {
  return job.kind === 'list' ? [job.count, job.page] : [];
}

/**
 * Runs a job on a connection (`prepare` returns its cached statements). Synchronous: a reader
 * thread runs it whole; on the event loop it runs under a short deadline (see `scim_budget`).
 * @internal
 */
export function runRead(prepare: (sql: string) => StatementSync, job: ReadJob): ReadRows {
  if (job.kind === 'get') {
    const row = prepare(RESOURCE_SQL).get(job.tenant, job.id, job.resourceType) as ResourceRow | undefined;
    if (row === undefined) return { total: 0, rows: [] };
    return { total: 1, rows: [row], members: membersOf(prepare, job.tenant, [job.id]) };
  }
  const page = () => readPage(prepare(job.page.sql), job.page.values as SQLInputValue[], job.resourceType);
  if (job.countedByPage === true && job.limit > 0) {
    const rows = page();
    return withMembers(prepare, job, rows.length < job.limit ? rows.length : countOf(prepare, job), rows);
  }
  const total = countOf(prepare, job);
  if (job.limit === 0 || job.offset >= total) return { total, rows: [] };
  return withMembers(prepare, job, total, page());
}

/** The columns of a page's row (see `pageSql`), as {@link ResourceRow} names them. */
const PAGE_COLUMNS = [
  'id',
  'resource_type',
  'version',
  'created',
  'last_modified',
  'data',
  'rendered',
  'seq',
  'sort_key',
  'list_version',
] as const;

/**
 * A page's row, built from the row as an array: node:sqlite builds a row object one property at a
 * time (some 0.4 µs a row of ten columns), an array and a class instance cost a fraction of it.
 */
class PageRow implements ResourceRow {
  id: string;
  resource_type: string;
  version: number | string;
  created: string;
  last_modified: string;
  data: string | null;
  rendered: string | null | undefined;
  seq: number | undefined;
  sort_key: unknown;
  list_version: number | null | undefined;

  /**
   * `at`: where each of {@link PAGE_COLUMNS} is in `values`, -1 when the statement has none;
   * `resourceType`: the rows' type when the statement does not read it.
   */
  constructor(values: readonly unknown[], at: Int8Array, resourceType: string | undefined) {
    this.id = cell(values, at[0]!) as string;
    this.resource_type = (at[1]! < 0 ? resourceType : values[at[1]!]) as string;
    this.version = cell(values, at[2]!) as number;
    this.created = cell(values, at[3]!) as string;
    this.last_modified = cell(values, at[4]!) as string;
    this.data = cell(values, at[5]!) as string;
    this.rendered = cell(values, at[6]!) as string | null | undefined;
    this.seq = cell(values, at[7]!) as number | undefined;
    this.sort_key = cell(values, at[8]!);
    this.list_version = cell(values, at[9]!) as number | null | undefined;
  }
}

/**
 * The value at `index` of a row, `undefined` for a column the statement does not read (-1): a
 * read of `values[-1]` is of a property named "-1", which V8 looks up through its runtime (some
 * 700 instructions; a page without a sort read one such column a row, a lookup two).
 */
function cell(values: readonly unknown[], index: number): unknown {
  return index < 0 ? undefined : values[index];
}

/** Where each page column is in a statement's rows; `null` when it reads other columns. */
const layouts = new WeakMap<StatementSync, Int8Array | null>();

function layoutOf(statement: StatementSync): Int8Array | null {
  let layout = layouts.get(statement);
  if (layout === undefined) {
    const names = statement.columns().map((c) => c.name);
    const known = names.length <= 127 && names.every((n) => (PAGE_COLUMNS as readonly string[]).includes(n));
    layout = known ? Int8Array.from(PAGE_COLUMNS, (n) => names.indexOf(n)) : null;
    layouts.set(statement, layout);
  }
  return layout;
}

/**
 * A page's rows, read as arrays and turned into {@link ResourceRow}s (the same values as the
 * objects node:sqlite builds, `resource_type` from `resourceType` when the statement leaves it
 * out); a statement of other columns (a ladder's climb) is read as objects.
 */
function readPage(
  statement: StatementSync,
  values: SQLInputValue[],
  resourceType: string | undefined,
): ResourceRow[] {
  const layout = layoutOf(statement);
  if (layout === null) return statement.all(...values) as unknown as ResourceRow[];
  const rows = asArrays(statement, () => statement.all(...values)) as unknown as unknown[][];
  const out = new Array<ResourceRow>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = new PageRow(rows[i]!, layout, resourceType);
  return out;
}

function countOf(prepare: (sql: string) => StatementSync, job: ListJob): number {
  const counted = prepare(job.count.sql).get(...(job.count.values as SQLInputValue[])) as
    | { n: number }
    | undefined;
  return counted?.n ?? 0;
}

/** A page's rows with their total, and their members when the job asks for them. */
function withMembers(
  prepare: (sql: string) => StatementSync,
  job: ListJob,
  total: number,
  rows: readonly ResourceRow[],
): ReadRows {
  if (job.membersOf === undefined) return { total, rows };
  return {
    total,
    rows,
    members: membersOf(
      prepare,
      job.membersOf,
      rows.map((r) => r.id),
    ),
  };
}

/** The members of groups, in the order they were added, with their type and label. */
function membersOf(
  prepare: (sql: string) => StatementSync,
  tenant: string,
  groupIds: readonly string[],
): GroupMemberRow[] {
  const out: GroupMemberRow[] = [];
  for (const chunk of chunks(groupIds, MEMBER_CHUNK)) {
    const rows = prepare(
      `SELECT m.group_id, m.member_id, r.resource_type,
              COALESCE(m.display, json_extract(r.data, '$.displayName'), json_extract(r.data, '$.userName')) AS display
         FROM members AS m LEFT JOIN resources AS r ON r.tenant = m.tenant AND r.id = m.member_id
         WHERE m.tenant = ? AND m.group_id IN (${chunk.map(() => '?').join(', ')}) AND ${MEMBER_BUDGET_CHECK}
         ORDER BY m.rowid`,
    ).all(tenant, ...chunk) as unknown as GroupMemberRow[];
    for (const row of rows) out.push(row);
  }
  return out;
}

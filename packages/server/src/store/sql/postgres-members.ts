/**
 * The PostgreSQL store's member-only write in one statement (Entra's member PATCH): the CTEs that
 * update the group's row, remove and add member rows, and say what they wrote, for the store to
 * append its change-feed CTEs to. See `membersInOneStatement` in `postgres.ts` for when the store
 * uses it and what it does when the statement writes nothing.
 *
 * @internal
 * @packageDocumentation
 */
import type { MemberDelta } from '../types.ts';
import { distinct, labelOf, labelSearch } from './shared.ts';

/**
 * Whether a member delta can be written by one statement, whose parts all read one snapshot and
 * so do not see each other's rows: not when it removes a member it also adds, or every member
 * before adding some (the member removed would be the one added). @internal
 */
export function oneStatementDelta(delta: MemberDelta): boolean {
  if (delta.removeAll === true) return delta.added.length === 0;
  const removed = new Set(delta.removed);
  return !delta.added.some((m) => removed.has(m));
}

/** What {@link memberWriteCtes} needs of the store's statement. @internal */
export interface MemberWriteTarget {
  /** The store's schema, quoted. */
  readonly schema: string;
  /** The statement's values so far (`$1` tenant, `$2` id, `$3` type, `$4` time); it adds its own. */
  readonly values: unknown[];
  /** Finds the row by id (`$1`, `$2`, `$3`) through the primary key. */
  readonly byId: string;
  /** The sort key columns the row returns before and after (for `keys_moved`). */
  readonly sortKeys: string;
  /** An extra condition of the row's update (the client's `If-Match`), or `''`. */
  readonly guard: string;
}

/**
 * The statement's CTEs (`o` the row in the statement's snapshot, `found` the added members that
 * exist, locked FOR KEY SHARE, `r` the row's update, `gone` and `added` the member rows) and
 * `written`, the FROM list that yields one row when the row was written, none otherwise (the
 * feed's lock waits for all of them). The row is updated only at the version of the snapshot
 * (another write of the group in between: nothing written, since the member rows were read before
 * it), and, unless `delta.unknown` is `skip`, only when every added member was found; `missing`
 * is an SQL expression, true when an added member was not found (so the write is refused).
 *
 * One member, as Entra usually sends, is compared with `=`, not `= ANY` of an array: PostgreSQL
 * estimates a parameter array at ten elements, so the plan it could keep for every run (the
 * generic plan) looked dearer than one made for each run's single id, and it planned the statement
 * again at every run (about 0.5 ms of the database's CPU). @internal
 */
export function memberWriteCtes(
  target: MemberWriteTarget,
  delta: MemberDelta,
): { readonly ctes: string; readonly written: string; readonly missing: string } {
  const { schema: s, values: v } = target;
  const added = distinct(delta.added);
  const addedIds = added.length === 0 ? undefined : idsParam(added, v);
  const found =
    addedIds === undefined
      ? undefined
      : `found AS (SELECT id FROM ${s}.resources WHERE tenant = $1 AND ${addedIds.match('id')} FOR KEY SHARE)`;
  // Unless unknown members are skipped: whether every added member was found.
  const allFound =
    found === undefined || delta.unknown === 'skip'
      ? undefined
      : `(SELECT count(*) FROM found) = $${v.push(added.length)}::bigint`;
  const removing =
    delta.removeAll === true
      ? ''
      : delta.removed.length === 0
        ? undefined
        : ` AND ${idsParam(distinct(delta.removed), v).match('m.member_id')}`;
  const ctes = [
    `o AS (SELECT version AS before_version, ${target.sortKeys} FROM ${s}.resources WHERE ${target.byId})`,
    found,
    `r AS (
       UPDATE ${s}.resources
       SET version = version + 1, last_modified = $4,
           rendered_version = CASE WHEN rendered_version = version THEN version + 1 END
       WHERE ${target.byId}${target.guard} AND version = (SELECT before_version FROM o)${allFound === undefined ? '' : ` AND ${allFound}`}
       RETURNING version, created, data, ${target.sortKeys}
     )`,
    removing === undefined
      ? undefined
      : `gone AS (DELETE FROM ${s}.members AS m USING r WHERE m.tenant = $1 AND m.group_id = $2${removing} RETURNING 1)`,
    addedIds === undefined
      ? undefined
      : `added AS (
       INSERT INTO ${s}.members (tenant, group_id, member_id, display, display_search)
       SELECT $1, $2, x.m, x.d, x.s FROM ${addedRows(added, addedIds.sql, delta.display, v)}
       WHERE EXISTS (SELECT 1 FROM r) AND x.m IN (SELECT id FROM found) ORDER BY x.i
       ON CONFLICT DO NOTHING RETURNING 1
     )`,
  ];
  const written = [
    'r',
    ...(removing === undefined ? [] : ['(SELECT count(*) FROM gone) AS g']),
    ...(addedIds === undefined ? [] : ['(SELECT count(*) FROM added) AS a']),
  ];
  return {
    ctes: ctes.filter((c) => c !== undefined).join(', '),
    written: written.join(', '),
    missing: allFound === undefined ? 'false' : `NOT ${allFound}`,
  };
}

/**
 * Ids (at least one) as one parameter: a value for one (`sql`, `match(column)`: `=`), an array for
 * several (`= ANY`).
 */
function idsParam(ids: readonly string[], v: unknown[]): { sql: string; match: (column: string) => string } {
  if (ids.length === 1) {
    const sql = `$${v.push(ids[0])}::text`;
    return { sql, match: (column) => `${column} = ${sql}` };
  }
  const sql = `$${v.push(ids)}::text[]`;
  return { sql, match: (column) => `${column} = ANY(${sql})` };
}

/** The member rows to insert as `x(m, d, s, i)`, `ids` their parameter: one row of values, or the arrays unnested. */
function addedRows(
  added: readonly string[],
  ids: string,
  labels: Readonly<Record<string, string>> | undefined,
  v: unknown[],
): string {
  const display = added.map((m) => labelOf(labels, m));
  if (added.length === 1) {
    return `(VALUES (${ids}, $${v.push(display[0])}::text, $${v.push(labelSearch(display[0] ?? null))}::text, 1)) AS x(m, d, s, i)`;
  }
  return `unnest(${ids}, $${v.push(display)}::text[], $${v.push(display.map(labelSearch))}::text[]) WITH ORDINALITY AS x(m, d, s, i)`;
}

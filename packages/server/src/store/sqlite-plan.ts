/**
 * Where a SQLite store runs a read: on the event loop, when its query plan looks rows up by a key
 * (cheaper there than a message to a thread and back), or on a reader thread, when the plan may
 * read every resource of the type. The plan is SQLite's own (`EXPLAIN QUERY PLAN`), read once per
 * SQL text.
 *
 * A plan that looks like a lookup can still match many rows (`displayName eq "x"` when many share
 * it): that is why a read on the event loop runs under a short deadline and moves to a reader
 * thread when it passes it (see `sqliteStore`).
 *
 * @internal
 * @packageDocumentation
 */

/** Where a read runs. @internal */
export type Placement = 'inline' | 'reader';

/** Constraints that only pick the tenant's resources of one type: all of them. */
const TYPE_ONLY = new Set(['tenant=?', 'resource_type=?']);
/** An equality (or `IN`) constraint of a search: `id=?`, `seq=?`, `<expr>=?`. */
const EQUALITY = /^(?:\w+|<expr>)=\?$/;
/** A search of the resources table (`r`) and its constraints. */
const SEARCH_R = /^SEARCH r USING (?:COVERING )?(?:INDEX \S+|PRIMARY KEY|INTEGER PRIMARY KEY) \((.+)\)$/;

/**
 * Where a read runs, from the plan of each of its statements (the `detail` column of
 * `EXPLAIN QUERY PLAN`): `inline` when no statement scans a table (a `SCAN` other than of a JSON
 * array, `json_each`), sorts in a temporary B-tree, or reaches the resources (`r`) other than by
 * an equality on a key beyond the tenant and type; `walk` allows the last when the query has no
 * filter and reads a bounded number of rows in index order (a page of an unfiltered list).
 * @internal
 */
export function placementOf(plans: readonly (readonly string[])[], walk: boolean): Placement {
  for (const plan of plans) {
    let searchesR = false;
    let narrow = false;
    for (const detail of plan) {
      if (detail.includes('TEMP B-TREE')) return 'reader';
      if (detail.startsWith('SCAN ') && !detail.includes('VIRTUAL TABLE') && detail !== 'SCAN CONSTANT ROW') {
        return 'reader';
      }
      const search = SEARCH_R.exec(detail);
      if (search === null) continue;
      searchesR = true;
      const constraints = (search[1] as string).split(' AND ');
      if (constraints.some((c) => EQUALITY.test(c) && !TYPE_ONLY.has(c))) narrow = true;
      else if (!walk) return 'reader';
    }
    if (searchesR && !narrow && !walk) return 'reader';
  }
  return 'inline';
}

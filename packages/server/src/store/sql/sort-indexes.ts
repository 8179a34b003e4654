import { postgresPrefix } from './compile.ts';

/**
 * The indexes that serve a sorted list in index order (RFC 7644 section 3.4.2.3): one per sort key
 * and direction, each on (tenant, resource type, key, creation order), so that a sorted page reads
 * its rows in order instead of sorting every resource of the type, and a deep page (or a cursor)
 * walks the index only.
 *
 * The key expressions are the text `SqlCompiler.sortKey` writes, without the row alias: a database
 * uses an index on an expression only for that very expression. Ties order by creation, ascending
 * in both directions (as the memory store does), hence an index per direction.
 *
 * @internal
 * @packageDocumentation
 */

/** A sort key with an index: its name in index names and its expression per dialect. @internal */
interface SortKeyIndex {
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
}

const sqliteText = (doc: 'data' | 'search', key: string) =>
  `CASE WHEN json_type(${doc}, '$.${key}') = 'text' THEN json_extract(${doc}, '$.${key}') ELSE x'' END`;
const postgresText = (doc: 'data' | 'search', key: string) =>
  `CASE WHEN jsonb_typeof(${doc} -> '${key}') = 'string' THEN ((${doc} ->> '${key}') COLLATE "C") END`;

/**
 * The sort keys with indexes: `userName` and `displayName` case-insensitive (the search
 * document's folded copy), `externalId` case-exact (the data), `meta.created` and
 * `meta.lastModified` (columns). @internal
 */
export const SORT_KEY_INDEXES: readonly SortKeyIndex[] = [
  {
    name: 'user_name',
    sqlite: sqliteText('search', 'userName'),
    postgres: postgresText('search', 'userName'),
  },
  {
    name: 'display_name',
    sqlite: sqliteText('search', 'displayName'),
    postgres: postgresText('search', 'displayName'),
  },
  {
    name: 'external_id',
    sqlite: sqliteText('data', 'externalId'),
    postgres: postgresText('data', 'externalId'),
  },
  { name: 'created', sqlite: 'created', postgres: 'created' },
  { name: 'last_modified', sqlite: 'last_modified', postgres: 'last_modified' },
];

/**
 * SQLite: an index per key and direction; the row id (`seq`) ends every index, ascending, which
 * is the tiebreak in both directions. @internal
 */
export function sqliteSortIndexes(): string {
  return SORT_KEY_INDEXES.map(
    (k) =>
      `CREATE INDEX IF NOT EXISTS resources_sort_${k.name} ON resources (tenant, resource_type, (${k.sqlite}));
  CREATE INDEX IF NOT EXISTS resources_sort_${k.name}_desc ON resources (tenant, resource_type, (${k.sqlite}) DESC);`,
  ).join('\n  ');
}

/**
 * PostgreSQL: an index per key and direction, `seq` ascending as the tiebreak; a text key is
 * indexed by whether it is missing and by its bounded prefix (the sort orders by those first);
 * `s` is the quoted schema. @internal
 */
export function postgresSortIndexes(s: string): string {
  return SORT_KEY_INDEXES.map((k) => {
    const [asc, desc] = postgresColumns(k);
    return `CREATE INDEX IF NOT EXISTS resources_sort_${k.name} ON ${s}.resources (tenant, resource_type, ${asc}, seq);
    CREATE INDEX IF NOT EXISTS resources_sort_${k.name}_desc ON ${s}.resources (tenant, resource_type, ${desc}, seq);`;
  }).join('\n    ');
}

/**
 * The indexed columns of a PostgreSQL sort key, ascending and descending: a text key's
 * missing-value flag and bounded prefix (the order `SqlCompiler.sort` writes), else the column.
 */
function postgresColumns(k: SortKeyIndex): [string, string] {
  if (!k.postgres.startsWith('CASE')) return [k.postgres, `${k.postgres} DESC`];
  const flag = `((${k.postgres}) IS NULL)`;
  const prefix = `(${postgresPrefix(k.postgres)})`;
  return [`${flag}, ${prefix}`, `${flag} DESC, ${prefix} DESC`];
}

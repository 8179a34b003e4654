/**
 * The indexes that serve a sorted list in index order (RFC 7644 section 3.4.2.3): one per sort key
 * and direction, each on (tenant, resource type, key, creation order), so that a sorted page reads
 * its rows in order instead of sorting every resource of the type, and a deep page (or a cursor)
 * walks the index only.
 *
 * The key expressions are the text `SqlCompiler.sortKey` writes, without the row alias: a database
 * uses an index on an expression only for that very expression. Ties order by creation in the
 * sort's direction (a descending order is the ascending one reversed, in every store), so one
 * index per key serves both directions, read forwards or backwards: every write updates half the
 * sort indexes it did when ties were ascending in both directions (an index per direction).
 * {@link sortIndexDrops} removes the indexes of the other direction from a database made then.
 *
 * @internal
 * @packageDocumentation
 */

/** The bounded prefix of a PostgreSQL text sort key that its sort index holds (see `SqlCompiler.sort`). @internal */
export function postgresPrefix(key: string): string {
  return `left(${key}, 256)`;
}

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

/** The columns a sort key reads, which `SqlCompiler` writes after the row alias `r.`. */
const KEY_COLUMNS = /\b(search|data|created|last_modified)\b/g;

/** A sort index's key as `SqlCompiler` writes it: each column after the row alias. @internal */
export function aliasedKey(expression: string): string {
  return expression.replace(KEY_COLUMNS, 'r.$1');
}

/** The sort index keys of each dialect as `SqlCompiler` writes them, made once. */
const ALIASED_KEYS = {
  sqlite: SORT_KEY_INDEXES.map((k) => aliasedKey(k.sqlite)),
  postgres: SORT_KEY_INDEXES.map((k) => aliasedKey(k.postgres)),
};

/**
 * Whether a sort key expression, as `SqlCompiler` writes it (with the row alias `r.`), is the key
 * of a sort index of the dialect. Compared as written with the keys written once (a `userName eq`
 * asks for every filter it compiles): no copy of the key without its alias per call. @internal
 */
export function hasSortIndex(key: string, postgres: boolean): boolean {
  const keys = postgres ? ALIASED_KEYS.postgres : ALIASED_KEYS.sqlite;
  // Most keys differ in length from every indexed one: `===` compares lengths first.
  for (const k of keys) if (k === key) return true;
  return false;
}

/**
 * SQLite: an index per key; the row id (`seq`) ends every index, so that read forwards it gives
 * ties in creation order and backwards in reverse creation order, as a descending sort orders
 * them. @internal
 */
export function sqliteSortIndexes(): string {
  return SORT_KEY_INDEXES.map(
    (k) =>
      `CREATE INDEX IF NOT EXISTS resources_sort_${k.name} ON resources (tenant, resource_type, (${k.sqlite}));`,
  ).join('\n  ');
}

/**
 * PostgreSQL: an index per key, `seq` last (read backwards for a descending sort, as in SQLite); a
 * text key is indexed by whether it is missing and by its bounded prefix (the sort orders by those
 * first); `s` is the quoted schema. @internal
 */
export function postgresSortIndexes(s: string): string {
  return SORT_KEY_INDEXES.map(
    (k) =>
      `CREATE INDEX IF NOT EXISTS resources_sort_${k.name} ON ${s}.resources (tenant, resource_type, ${postgresColumns(k)}, seq);`,
  ).join('\n    ');
}

/**
 * The indexed columns of a PostgreSQL sort key: a text key's missing-value flag and bounded prefix
 * (the order `SqlCompiler.sort` writes), else the column.
 */
function postgresColumns(k: SortKeyIndex): string {
  if (!k.postgres.startsWith('CASE')) return k.postgres;
  return `((${k.postgres}) IS NULL), (${postgresPrefix(k.postgres)})`;
}

/**
 * The descending indexes a database made before one index served both directions had (one per
 * sort key), dropped by a migration of each dialect; `s` is the quoted schema (PostgreSQL), or
 * none (SQLite). @internal
 */
export function sortIndexDrops(s?: string): string {
  const prefix = s === undefined ? '' : `${s}.`;
  return SORT_KEY_INDEXES.map((k) => `DROP INDEX IF EXISTS ${prefix}resources_sort_${k.name}_desc;`).join(
    '\n',
  );
}

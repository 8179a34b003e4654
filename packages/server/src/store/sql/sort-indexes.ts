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

/**
 * A sort key with an index: its name in index names, its expression per dialect, and its bit in
 * the change feed's `keys_moved` (see {@link sqliteMovedKeys}; stored in databases: never reused). @internal
 */
interface SortKeyIndex {
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
  readonly bit: number;
}

/** The columns of a resource row that are sort keys. */
type ResourceColumn = 'created' | 'last_modified';

/** A text key (missing unless the document's member is a string) with an index. */
function textKey(name: string, doc: 'data' | 'search', key: string, bit: number): SortKeyIndex {
  return { name, sqlite: sqliteText(doc, key), postgres: postgresText(doc, key), bit };
}

/** A column key with an index. */
function columnKey(column: ResourceColumn, bit: number): SortKeyIndex {
  return { name: column, sqlite: column, postgres: column, bit };
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
  textKey('user_name', 'search', 'userName', 0),
  textKey('display_name', 'search', 'displayName', 1),
  textKey('external_id', 'data', 'externalId', 2),
  columnKey('created', 3),
  columnKey('last_modified', 4),
];

/** The columns a sort key reads, which `SqlCompiler` writes after the row alias `r.`. */
const KEY_COLUMNS = /\b(search|data|created|last_modified)\b/g;

/** A sort index's key as `SqlCompiler` writes it: each column after the row alias (`r`). @internal */
export function aliasedKey(expression: string, alias = 'r'): string {
  return expression.replace(KEY_COLUMNS, `${alias}.$1`);
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
 * The bit of the change feed's `keys_moved` for a sort key expression as `SqlCompiler` writes it
 * (see {@link hasSortIndex}); `undefined` for a key without a sort index. @internal
 */
export function sortKeyBit(key: string, postgres: boolean): number | undefined {
  const keys = postgres ? ALIASED_KEYS.postgres : ALIASED_KEYS.sqlite;
  const at = keys.indexOf(key);
  return at < 0 ? undefined : SORT_KEY_INDEXES[at]?.bit;
}

/** The keys an update may move: all but `created`, which the create sets once. */
const UPDATED_KEYS = SORT_KEY_INDEXES.filter((k) => k.name !== 'created');
/** The keys a write of only a group's members may move: `last_modified` (its data is kept). */
const MEMBERS_ONLY_KEYS = SORT_KEY_INDEXES.filter((k) => k.name === 'last_modified');

/**
 * SQLite: which sort keys an update moves, compared in the write transaction (SQLite has one
 * writer): the bits of the keys whose expression (the index's own) gives another value on the
 * row before the write (`before`, an alias of `resources`) than on what the write stores
 * (`written`: an alias with the columns `data` and `search`, the very JSON text the update
 * writes, and `last_modified`); `created` is never written again; with `membersOnly`, the data
 * is kept and `written` has `last_modified` alone. The change feed keeps it with the write
 * (`changes.keys_moved`), so that a ladder's repair (`ladder-repair.ts`) can leave in place a
 * row whose writes kept its list's key. @internal
 */
export function sqliteMovedKeys(membersOnly: boolean, before: string, written: string): string {
  const keys = membersOnly ? MEMBERS_ONLY_KEYS : UPDATED_KEYS;
  return keys
    .map(
      (k) =>
        `CASE WHEN (${aliasedKey(k.sqlite, before)}) IS (${aliasedKey(k.sqlite, written)}) THEN 0 ELSE ${1 << k.bit} END`,
    )
    .join(' + ');
}

/**
 * PostgreSQL: the select list of a resource row's sort keys (`key_<name>`), in the row's own
 * columns (no alias): read before an update and returned by it, they say which keys it moved
 * ({@link movedKeysSql}). @internal
 */
export function postgresSortKeyColumns(): string {
  return SORT_KEY_INDEXES.map((k) => `${k.postgres} AS key_${k.name}`).join(', ');
}

/**
 * PostgreSQL: which sort keys an update moved (see {@link sqliteMovedKeys}), from the
 * {@link postgresSortKeyColumns} of the row before (`before`, with its version as
 * `before_version`: read in the statement's snapshot) and after (`after`, with its `version`) it;
 * NULL (not known) unless the update is of the version read before it (else a concurrent write
 * came between the snapshot and the row's lock, and the keys read are not the ones replaced).
 * @internal
 */
export function movedKeysSql(before: string, after: string): string {
  const bits = SORT_KEY_INDEXES.map(
    (k) =>
      `CASE WHEN ${before}.key_${k.name} IS NOT DISTINCT FROM ${after}.key_${k.name} THEN 0 ELSE ${1 << k.bit} END`,
  );
  return `CASE WHEN ${before}.before_version + 1 = ${after}.version THEN ${bits.join(' + ')} END`;
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

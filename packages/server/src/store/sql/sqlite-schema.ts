/**
 * The SQLite schema, as versioned migrations.
 *
 * @internal
 * @packageDocumentation
 */
import type { DatabaseSync } from 'node:sqlite';
import { indexedValues } from './indexed.ts';
import { differs, keyText, needsRefold, refoldUnique, type UnreservedKey } from './refold.ts';
import { sortIndexDrops, sqliteSortIndexes } from './sort-indexes.ts';
import { searchDocument } from './values.ts';

/**
 * A migration: SQL text, or a function that rewrites rows (and may return the resources it left
 * without their unique key). @internal
 */
export type SqliteMigration = string | ((db: DatabaseSync) => undefined | readonly UnreservedKey[]);

/**
 * Migrations in order; each runs once, in the transaction of all pending ones, and is recorded in
 * `scim_migrations`. @internal
 */
export const sqliteMigrations: readonly SqliteMigration[] = [
  `
  CREATE TABLE resources (
    seq INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    created TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    data TEXT NOT NULL,
    search TEXT NOT NULL,
    UNIQUE (tenant, id)
  );
  CREATE INDEX resources_type ON resources (tenant, resource_type, seq);
  CREATE INDEX resources_user_name ON resources (tenant, resource_type, json_extract(search, '$.userName'));
  CREATE INDEX resources_external_id ON resources (tenant, resource_type, json_extract(data, '$.externalId'));
  CREATE INDEX resources_display_name ON resources (tenant, resource_type, json_extract(search, '$.displayName'));

  CREATE TABLE uniques (
    tenant TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    attribute TEXT NOT NULL,
    value TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (tenant, resource_type, attribute, value),
    FOREIGN KEY (tenant, id) REFERENCES resources (tenant, id) ON DELETE CASCADE
  );
  CREATE INDEX uniques_owner ON uniques (tenant, id);

  CREATE TABLE members (
    tenant TEXT NOT NULL,
    group_id TEXT NOT NULL,
    member_id TEXT NOT NULL,
    PRIMARY KEY (tenant, group_id, member_id),
    FOREIGN KEY (tenant, group_id) REFERENCES resources (tenant, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant, member_id) REFERENCES resources (tenant, id) ON DELETE CASCADE
  );
  CREATE INDEX members_member ON members (tenant, member_id, group_id);

  CREATE TABLE changes (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    type TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    at TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX changes_tenant ON changes (tenant, cursor);

  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    label TEXT,
    created TEXT NOT NULL,
    expires TEXT,
    revoked TEXT,
    last_used TEXT
  );
  CREATE INDEX tokens_tenant ON tokens (tenant, created);
  `,
  // Multi-valued values that filters look up by equality (emails.value, ...), case-folded.
  `
  CREATE TABLE resource_values (
    tenant TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    attribute TEXT NOT NULL,
    value TEXT NOT NULL,
    id TEXT NOT NULL,
    FOREIGN KEY (tenant, id) REFERENCES resources (tenant, id) ON DELETE CASCADE
  );
  CREATE INDEX resource_values_lookup ON resource_values (tenant, resource_type, attribute, value);
  CREATE INDEX resource_values_owner ON resource_values (tenant, id);
  `,
  // 2: the display label a client sent with a member (and its case-folded copy, for filters).
  `
  ALTER TABLE members ADD COLUMN display TEXT;
  ALTER TABLE members ADD COLUMN display_search TEXT;
  `,
  // 4: how many resources each tenant holds per type, kept by triggers in the writing transaction,
  // so an unfiltered list answers totalResults without counting every row.
  `
  CREATE TABLE resource_counts (
    tenant TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (tenant, resource_type)
  ) WITHOUT ROWID;
  INSERT INTO resource_counts (tenant, resource_type, n)
    SELECT tenant, resource_type, COUNT(*) FROM resources GROUP BY tenant, resource_type;
  CREATE TRIGGER resource_counts_insert AFTER INSERT ON resources BEGIN
    INSERT INTO resource_counts (tenant, resource_type, n) VALUES (NEW.tenant, NEW.resource_type, 1)
      ON CONFLICT (tenant, resource_type) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER resource_counts_delete AFTER DELETE ON resources BEGIN
    UPDATE resource_counts SET n = n - 1 WHERE tenant = OLD.tenant AND resource_type = OLD.resource_type;
  END;
  `,
  // 5: the folded copies (search documents, member labels, indexed values, unique keys) follow
  // Unicode simple case folding instead of toLowerCase (Σ, σ and ς alike; docs/decisions/0004).
  refoldSqlite,
  // 6: a sorted list (userName, displayName, externalId, meta.created, meta.lastModified) reads in
  // index order: no sort of every resource, and a deep page walks an index only (issue 14).
  sqliteSortIndexes(),
  // 7: each resource's default rendering as the handler wrote it (text with holes for what a read
  // adds; docs/decisions/0014), so that a read splices it instead of rendering the data again. Rows
  // written before have none and are rendered from their data.
  'ALTER TABLE resources ADD COLUMN rendered TEXT;',
  // 8: one sort index per key serves both directions (ties in the sort's direction): the
  // descending ones migration 6 made go, and with them a fifth of the pages each write changes.
  sortIndexDrops(),
  // 9: a comparison of userName, displayName or externalId reads the attribute's sort index (its key
  // is the text wherever the attribute is a string, which every comparison tests first), so the
  // three indexes migration 1 made for them go: three pages fewer in the log for every write.
  `
  DROP INDEX IF EXISTS resources_user_name;
  DROP INDEX IF EXISTS resources_external_id;
  DROP INDEX IF EXISTS resources_display_name;
  `,
  // 10: which sort keys each write moved (a bit per key, see `sort-indexes.ts`), so that a list's
  // ladder survives writes that keep its key (issue 14). NULL where not known (rows before).
  'ALTER TABLE changes ADD COLUMN keys_moved INTEGER;',
];

/**
 * Rewrites the folded copies of every row whose data folds differently than it lower-cases;
 * returns the rows whose refolded unique key another row holds.
 */
function refoldSqlite(db: DatabaseSync): readonly UnreservedKey[] {
  const unreserved: UnreservedKey[] = [];
  // Only documents with a character outside ASCII can fold differently (bytes > characters).
  const candidates = db
    .prepare(
      'SELECT seq, tenant, resource_type, id, data FROM resources WHERE length(CAST(data AS BLOB)) <> length(data) ORDER BY seq',
    )
    .all() as { seq: number; tenant: string; resource_type: string; id: string; data: string }[];
  const setSearch = db.prepare('UPDATE resources SET search = ? WHERE seq = ?');
  const dropValues = db.prepare('DELETE FROM resource_values WHERE tenant = ? AND id = ?');
  const addValue = db.prepare(
    'INSERT INTO resource_values (tenant, resource_type, attribute, value, id) VALUES (?, ?, ?, ?, ?)',
  );
  const held = db.prepare('SELECT attribute, value FROM uniques WHERE tenant = ? AND id = ?');
  const dropKey = db.prepare(
    'DELETE FROM uniques WHERE tenant = ? AND id = ? AND attribute = ? AND value = ?',
  );
  // A key two rows now share stays with the row that held it already, else with the older one;
  // the other keeps its data, its key unreserved (a write that keeps the value answers 409).
  const addKey = db.prepare(
    'INSERT OR IGNORE INTO uniques (tenant, resource_type, attribute, value, id) VALUES (?, ?, ?, ?, ?)',
  );
  const holder = db.prepare(
    'SELECT id FROM uniques WHERE tenant = ? AND resource_type = ? AND attribute = ? AND value = ?',
  );
  for (const row of candidates) {
    const data = JSON.parse(row.data) as Record<string, unknown>;
    if (!needsRefold(data)) continue;
    setSearch.run(JSON.stringify(searchDocument(data)), row.seq);
    dropValues.run(row.tenant, row.id);
    for (const [attribute, value] of indexedValues(data)) {
      addValue.run(row.tenant, row.resource_type, attribute, value, row.id);
    }
    for (const key of held.all(row.tenant, row.id) as { attribute: string; value: string }[]) {
      const value = refoldUnique(key.attribute, key.value, data);
      if (value === key.value) continue;
      dropKey.run(row.tenant, row.id, key.attribute, key.value);
      if (addKey.run(row.tenant, row.resource_type, key.attribute, value, row.id).changes === 0) {
        const held = holder.get(row.tenant, row.resource_type, key.attribute, value) as
          | { id: string }
          | undefined;
        unreserved.push({
          tenant: row.tenant,
          resourceType: row.resource_type,
          id: row.id,
          attribute: key.attribute,
          value: keyText(data, key.attribute, key.value),
          heldBy: held?.id,
        });
      }
    }
  }
  const labels = db
    .prepare(
      'SELECT rowid AS r, display FROM members WHERE display IS NOT NULL AND length(CAST(display AS BLOB)) <> length(display)',
    )
    .all() as { r: number; display: string }[];
  const setLabel = db.prepare('UPDATE members SET display_search = ? WHERE rowid = ?');
  for (const l of labels) if (differs(l.display)) setLabel.run(searchDocument(l.display) as string, l.r);
  return unreserved;
}

/**
 * The PostgreSQL schema, as versioned migrations, in a schema of the database named by the store.
 *
 * @internal
 * @packageDocumentation
 */

import { differs, keyText, needsRefold, refoldUnique, type UnreservedKey } from './refold.ts';
import { labelSearch } from './shared.ts';
import { postgresSortIndexes, sortIndexDrops } from './sort-indexes.ts';
import { searchDocument } from './values.ts';

/** What a function migration runs statements on (the migrating transaction). @internal */
export interface MigrationQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * A migration: SQL text, or a function that rewrites rows (and may return the resources it left
 * without their unique key). @internal
 */
export type PostgresMigration =
  | string
  | ((q: MigrationQueryable) => Promise<undefined | readonly UnreservedKey[]>);

/** Migrations in order, for the schema `s` (already checked and quoted by the caller). @internal */
export function postgresMigrations(s: string): readonly PostgresMigration[] {
  return [
    `
    CREATE TABLE ${s}.resources (
      seq bigserial NOT NULL,
      tenant text NOT NULL,
      resource_type text NOT NULL,
      id text NOT NULL,
      version integer NOT NULL,
      created text NOT NULL,
      last_modified text NOT NULL,
      data jsonb NOT NULL,
      search jsonb NOT NULL,
      PRIMARY KEY (tenant, id)
    );
    CREATE INDEX resources_type ON ${s}.resources (tenant, resource_type, seq);
    CREATE INDEX resources_user_name ON ${s}.resources (tenant, resource_type, (search ->> 'userName') COLLATE "C");
    CREATE INDEX resources_external_id ON ${s}.resources (tenant, resource_type, (data ->> 'externalId') COLLATE "C");
    CREATE INDEX resources_display_name ON ${s}.resources (tenant, resource_type, (search ->> 'displayName') COLLATE "C");
    CREATE INDEX resources_search ON ${s}.resources USING gin (search jsonb_path_ops);

    CREATE TABLE ${s}.uniques (
      tenant text NOT NULL,
      resource_type text NOT NULL,
      attribute text NOT NULL,
      value text NOT NULL,
      id text NOT NULL,
      PRIMARY KEY (tenant, resource_type, attribute, value),
      FOREIGN KEY (tenant, id) REFERENCES ${s}.resources (tenant, id) ON DELETE CASCADE
    );
    CREATE INDEX uniques_owner ON ${s}.uniques (tenant, id);

    CREATE TABLE ${s}.members (
      seq bigserial NOT NULL,
      tenant text NOT NULL,
      group_id text NOT NULL,
      member_id text NOT NULL,
      PRIMARY KEY (tenant, group_id, member_id),
      FOREIGN KEY (tenant, group_id) REFERENCES ${s}.resources (tenant, id) ON DELETE CASCADE,
      FOREIGN KEY (tenant, member_id) REFERENCES ${s}.resources (tenant, id) ON DELETE CASCADE
    );
    CREATE INDEX members_member ON ${s}.members (tenant, member_id, group_id);

    CREATE TABLE ${s}.changes (
      cursor bigserial PRIMARY KEY,
      tenant text NOT NULL,
      type text NOT NULL,
      resource_type text NOT NULL,
      id text NOT NULL,
      version integer NOT NULL,
      at text NOT NULL,
      detail jsonb NOT NULL
    );
    CREATE INDEX changes_tenant ON ${s}.changes (tenant, cursor);

    CREATE TABLE ${s}.tokens (
      id text PRIMARY KEY,
      tenant text NOT NULL,
      hash text NOT NULL UNIQUE,
      label text,
      created text NOT NULL,
      expires text,
      revoked text,
      last_used text
    );
    CREATE INDEX tokens_tenant ON ${s}.tokens (tenant, created);

    CREATE FUNCTION ${s}.scim_instant(t text) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
    DECLARE
      m text[]; y int; mo int; d int; h int; mi int; sec int; ms int; oh int; om int; days int;
      off bigint := 0;
    BEGIN
      m := regexp_match(t, '^(\\d{4})-(\\d{2})-(\\d{2})(?:[Tt ](\\d{2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d+))?)?)?(?:([Zz])|([+-])(\\d{2}):?(\\d{2})?)?$');
      IF m IS NULL THEN RETURN NULL; END IF;
      y := m[1]::int; mo := m[2]::int; d := m[3]::int;
      h := COALESCE(m[4]::int, 0); mi := COALESCE(m[5]::int, 0); sec := COALESCE(m[6]::int, 0);
      ms := COALESCE(substr(m[7] || '000', 1, 3)::int, 0);
      IF mo < 1 OR mo > 12 OR d < 1 OR d > 31 OR h > 24 OR mi > 59 OR sec > 60 THEN RETURN NULL; END IF;
      IF h = 24 AND (mi <> 0 OR sec <> 0 OR ms <> 0) THEN RETURN NULL; END IF;
      IF sec = 60 THEN sec := 59; END IF;
      -- JavaScript's Date.UTC reads the years 0 to 99 as 1900 to 1999; the filter evaluator does too.
      IF y < 100 THEN y := y + 1900; END IF;
      BEGIN
        days := make_date(y, mo, d) - DATE '1970-01-01';
      EXCEPTION WHEN others THEN
        RETURN NULL;
      END;
      IF m[9] IS NOT NULL THEN
        oh := m[10]::int; om := COALESCE(m[11]::int, 0);
        IF oh > 23 OR om > 59 THEN RETURN NULL; END IF;
        off := (CASE WHEN m[9] = '-' THEN -1 ELSE 1 END) * (oh * 60 + om) * 60000::bigint;
      END IF;
      RETURN days::bigint * 86400000 + h * 3600000::bigint + mi * 60000 + sec * 1000 + ms - off;
    END
    $f$;
    `,
    // The display label a client sent with a member (and its case-folded copy, for filters).
    `
    ALTER TABLE ${s}.members ADD COLUMN display text;
    ALTER TABLE ${s}.members ADD COLUMN display_search text;
    `,
    // 3: indexes whose size does not grow with the value: a B-tree entry holds at most ~2.7 kB, so
    // a longer userName answered 500. Equality lookups use hash indexes; unique keys are held by
    // the SHA-256 of the value (the value is kept beside it, for messages).
    `
    DROP INDEX ${s}.resources_user_name;
    DROP INDEX ${s}.resources_external_id;
    DROP INDEX ${s}.resources_display_name;
    CREATE INDEX resources_user_name ON ${s}.resources USING hash (((search ->> 'userName') COLLATE "C"));
    CREATE INDEX resources_external_id ON ${s}.resources USING hash (((data ->> 'externalId') COLLATE "C"));
    CREATE INDEX resources_display_name ON ${s}.resources USING hash (((search ->> 'displayName') COLLATE "C"));
    ALTER TABLE ${s}.uniques ADD COLUMN digest bytea;
    UPDATE ${s}.uniques SET digest = sha256(convert_to(value, 'UTF8'));
    ALTER TABLE ${s}.uniques ALTER COLUMN digest SET NOT NULL;
    ALTER TABLE ${s}.uniques DROP CONSTRAINT uniques_pkey;
    ALTER TABLE ${s}.uniques ADD PRIMARY KEY (tenant, resource_type, attribute, digest);
    `,
    // 4: the folded copies follow Unicode simple case folding instead of toLowerCase
    // (docs/decisions/0004-case-folded-copy.md).
    (q) => refoldPostgres(q, s),
    // 5: a sorted list (userName, displayName, externalId, meta.created, meta.lastModified) reads
    // in index order: no sort of every resource (issue 14).
    postgresSortIndexes(s),
    // 6: one sort index per key serves both directions (ties in the sort's direction): the
    // descending ones 5 made go, and with them five index entries each write adds.
    sortIndexDrops(s),
    // 7: each resource's default rendering as the handler wrote it (docs/decisions/0014), so that
    // a read splices it instead of rendering the data again, and the row version it was written
    // at: a read takes it only while the row is still at that version, so that an instance of an
    // earlier release (a rolling upgrade), which writes the data but knows nothing of the
    // rendering, leaves none that is stale. Nullable columns without a default: no rewrite of the
    // table; rows written before have none and are rendered from their data.
    `ALTER TABLE ${s}.resources ADD COLUMN rendered text, ADD COLUMN rendered_version integer;`,
    // 8: which sort keys each write moved (a bit per key, see `sort-indexes.ts`), so that a list's
    // ladder survives writes that keep its key (issue 14). NULL where not known: rows before, and
    // those an instance of an earlier release writes during a rolling upgrade. No rewrite.
    `ALTER TABLE ${s}.changes ADD COLUMN keys_moved integer;`,
  ];
}

/**
 * Rewrites the folded copies of every row whose data folds differently than it lower-cases;
 * returns the rows whose refolded unique key another row holds.
 */
async function refoldPostgres(q: MigrationQueryable, s: string): Promise<readonly UnreservedKey[]> {
  const unreserved: UnreservedKey[] = [];
  let after = 0;
  for (;;) {
    // Only documents with a character outside ASCII can fold differently (bytes > characters).
    const { rows } = await q.query(
      `SELECT seq, tenant, resource_type, id, data FROM ${s}.resources
       WHERE seq > $1 AND octet_length(data::text) <> char_length(data::text) ORDER BY seq LIMIT 500`,
      [after],
    );
    const batch = rows as {
      seq: string | number;
      tenant: string;
      resource_type: string;
      id: string;
      data: Record<string, unknown> | string;
    }[];
    if (batch.length === 0) break;
    for (const row of batch) {
      after = Number(row.seq);
      const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<
        string,
        unknown
      >;
      if (!needsRefold(data)) continue;
      await q.query(`UPDATE ${s}.resources SET search = $1::jsonb WHERE tenant = $2 AND id = $3`, [
        JSON.stringify(searchDocument(data)),
        row.tenant,
        row.id,
      ]);
      const held = await q.query(`SELECT attribute, value FROM ${s}.uniques WHERE tenant = $1 AND id = $2`, [
        row.tenant,
        row.id,
      ]);
      for (const key of held.rows as { attribute: string; value: string }[]) {
        const value = refoldUnique(key.attribute, key.value, data);
        if (value === key.value) continue;
        await q.query(
          `DELETE FROM ${s}.uniques WHERE tenant = $1 AND id = $2 AND attribute = $3 AND value = $4`,
          [row.tenant, row.id, key.attribute, key.value],
        );
        // A key two rows now share stays with the row that held it already, else with the older one;
        // the other keeps its data, its key unreserved (a write that keeps the value answers 409).
        const added = await q.query(
          `INSERT INTO ${s}.uniques (tenant, resource_type, attribute, value, digest, id)
           VALUES ($1, $2, $3, $4, sha256(convert_to($4, 'UTF8')), $5) ON CONFLICT DO NOTHING RETURNING id`,
          [row.tenant, row.resource_type, key.attribute, value, row.id],
        );
        if (added.rows.length > 0) continue;
        const held = await q.query(
          `SELECT id FROM ${s}.uniques WHERE tenant = $1 AND resource_type = $2 AND attribute = $3
             AND digest = sha256(convert_to($4, 'UTF8'))`,
          [row.tenant, row.resource_type, key.attribute, value],
        );
        unreserved.push({
          tenant: row.tenant,
          resourceType: row.resource_type,
          id: row.id,
          attribute: key.attribute,
          value: keyText(data, key.attribute, key.value),
          heldBy: (held.rows[0] as { id: string } | undefined)?.id,
        });
      }
    }
  }
  const labels = await q.query(
    `SELECT tenant, group_id, member_id, display FROM ${s}.members
     WHERE display IS NOT NULL AND octet_length(display) <> char_length(display)`,
  );
  for (const l of labels.rows as { tenant: string; group_id: string; member_id: string; display: string }[]) {
    if (!differs(l.display)) continue;
    await q.query(
      `UPDATE ${s}.members SET display_search = $1 WHERE tenant = $2 AND group_id = $3 AND member_id = $4`,
      [labelSearch(l.display), l.tenant, l.group_id, l.member_id],
    );
  }
  return unreserved;
}

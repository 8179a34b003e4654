import { DatabaseSync } from 'node:sqlite';
import type { QueryPath } from '@scim/protocol';
import type { AttributeDefinition } from '@scim/schemas';
import { beforeAll, describe, expect, it } from 'vitest';
import { Params, SqlCompiler, sqliteDialect } from './sql/compile.ts';
import { climbSql } from './sql/ladder.ts';
import { pageSql } from './sql/shared.ts';
import { sqliteMigrations } from './sql/sqlite-schema.ts';
import { sqliteStore } from './sqlite.ts';
import { placementOf } from './sqlite-plan.ts';
import type { StoreSort } from './types.ts';

// Plans as SQLite 3.53 prints them for the store's list queries (EXPLAIN QUERY PLAN, `detail`).
describe('placementOf', () => {
  it('keeps lookups by a key on the event loop', () => {
    for (const plan of [
      ['SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>=?)'],
      ['SEARCH r USING INDEX sqlite_autoindex_resources_1 (tenant=? AND id=?)'],
      [
        'SEARCH r USING INDEX resources_type (tenant=? AND resource_type=? AND seq=?)',
        'LIST SUBQUERY 1',
        'SEARCH v USING INDEX resource_values_lookup (tenant=? AND resource_type=? AND attribute=? AND value=?)',
        'SEARCH vr USING COVERING INDEX sqlite_autoindex_resources_1 (tenant=? AND id=?)',
        'SCAN e1 EXISTS VIRTUAL TABLE INDEX 3:',
      ],
      ['SEARCH resource_counts USING PRIMARY KEY (tenant=? AND resource_type=?)'],
    ]) {
      expect(placementOf([plan], false)).toBe('inline');
    }
  });

  it('sends scans, sorts in a temporary B-tree and walks of a whole type to a reader', () => {
    for (const plan of [
      ['SEARCH r USING INDEX resources_display_name (tenant=? AND resource_type=?)'],
      ['SCAN r'],
      [
        'SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>=?)',
        'USE TEMP B-TREE FOR ORDER BY',
      ],
      ['SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>>?)'],
      [
        'MULTI-INDEX OR',
        'INDEX 1',
        'SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>=?)',
        'INDEX 2',
        'SEARCH r USING INDEX resources_type (tenant=? AND resource_type=?)',
      ],
    ]) {
      expect(placementOf([plan], false)).toBe('reader');
    }
  });

  it('keeps a short walk of an unfiltered page on the event loop, unless it sorts', () => {
    const walk = ['SEARCH r USING INDEX resources_type (tenant=? AND resource_type=?)'];
    expect(placementOf([walk], true)).toBe('inline');
    expect(placementOf([walk], false)).toBe('reader');
    expect(placementOf([[...walk, 'USE TEMP B-TREE FOR ORDER BY']], true)).toBe('reader');
  });

  it('places a job by its costliest statement', () => {
    const lookup = ['SEARCH r USING INDEX resources_user_name (tenant=? AND resource_type=? AND <expr>=?)'];
    expect(placementOf([lookup, ['SCAN r']], false)).toBe('reader');
    expect(placementOf([lookup, lookup], false)).toBe('inline');
  });
});

// The five sort keys of issue 14 read in index order on a migrated database: no sort of every
// resource in a temporary B-tree (ascending and descending), and a deep page skips rows in an
// index alone; so too once `analyze()` gave the planner statistics of 2,000 users.
const migrated = () => {
  const db = new DatabaseSync(':memory:');
  for (const m of sqliteMigrations) {
    if (typeof m === 'string') db.exec(m);
    else m(db);
  }
  return db;
};
const analyzed = async () => {
  const store = sqliteStore({ path: ':memory:' });
  await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
  const users = Array.from({ length: 2_000 }, (_, i) => ({
    data: { userName: `user${i % 1_500}`, displayName: `U ${i % 7}`, externalId: `e${i}` },
    unique: [],
    change: { type: 'user.created' as const },
  }));
  await store.createMany('default', 'User', users);
  await store.analyze();
  expect(store.database.prepare('SELECT COUNT(*) AS n FROM sqlite_stat1').get()).not.toEqual({ n: 0 });
  return store.database;
};

describe.each([
  ['a migrated SQLite database', migrated],
  ['an analyzed SQLite database of 2,000 users', analyzed],
])('sorted lists on %s', (_, open) => {
  const text = (name: string, caseExact: boolean): AttributeDefinition =>
    ({ name, type: 'string', caseExact, multiValued: false }) as AttributeDefinition;
  const instant = (name: string): AttributeDefinition =>
    ({ name, type: 'dateTime', multiValued: false }) as AttributeDefinition;
  const meta = { name: 'meta', type: 'complex', multiValued: false } as AttributeDefinition;
  const keys: Record<string, QueryPath> = {
    userName: { attribute: 'userName', definition: text('userName', false) },
    displayName: { attribute: 'displayName', definition: text('displayName', false) },
    externalId: { attribute: 'externalId', definition: text('externalId', true) },
    'meta.created': {
      attribute: 'meta',
      subAttribute: 'created',
      definition: instant('created'),
      parent: meta,
    },
    'meta.lastModified': {
      attribute: 'meta',
      subAttribute: 'lastModified',
      definition: instant('lastModified'),
      parent: meta,
    },
  };
  let db: DatabaseSync;
  beforeAll(async () => {
    db = await open();
  });
  const plan = (sql: string) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
  const where = 'r.tenant = ?1 AND r.resource_type = ?2';

  for (const [name, path] of Object.entries(keys)) {
    for (const descending of [false, true]) {
      it(`orders by ${name} ${descending ? 'descending' : 'ascending'} with an index`, () => {
        const order = new SqlCompiler(sqliteDialect, new Params(false), {}).sort({ path, descending });
        const first = plan(pageSql('resources', where, order, '?3', '?4', false));
        expect(first.join('\n')).not.toContain('TEMP B-TREE');
        expect(first.join('\n')).toMatch(/USING INDEX resources_sort_/);
        const deep = plan(pageSql('resources', where, order, '?3', '?4', true));
        expect(deep.join('\n')).toMatch(/USING COVERING INDEX resources_sort_/);
        // From a remembered mark (see sqlite-list.ts): a range of the same index.
        const p = new Params(false);
        p.text('default');
        p.text('User');
        const compiler = new SqlCompiler(sqliteDialect, p, {});
        const after = compiler.after({ path, descending }, { key: 'user7', seq: 9 });
        // A page at the mark reads the index from there; one past it skips in that range alone.
        const at = plan(pageSql('resources', `${where} AND ${after}`, order, '?5', '?6', false));
        expect(at.join('\n')).not.toContain('TEMP B-TREE');
        expect(at.join('\n')).toMatch(
          /USING INDEX resources_sort_\S+ \(tenant=\? AND resource_type=\? AND (?:<expr>|\w+)[<>]\?\)/,
        );
        const past = plan(pageSql('resources', `${where} AND ${after}`, order, '?5', '?6', true));
        expect(past.join('\n')).toMatch(
          /USING COVERING INDEX resources_sort_\S+ \(tenant=\? AND resource_type=\? AND (?:<expr>|\w+)[<>]\?\)/,
        );
      });
    }
  }

  // A climb of a list's ladder (sql/ladder.ts): every hop a range of the sort index read alone, the
  // rung's key looked up by its row id; no scan of the table, no sort.
  const climbs = (sort: StoreSort | undefined) =>
    [undefined, { offset: 512, position: { key: 'user7', seq: 9 }, version: 1 }].map((from) => {
      const climb = { list: 'l', step: 256, hops: 4, ...(from === undefined ? {} : { from }) };
      const target = {
        dialect: sqliteDialect,
        postgres: false,
        resources: 'resources',
        changes: 'changes',
        tenant: 'default',
        resourceType: 'User',
        sort,
      };
      return plan(climbSql(target, climb)?.sql ?? '').join('\n');
    });
  for (const [name, path] of Object.entries(keys)) {
    for (const descending of [false, true]) {
      it(`climbs a ladder by ${name} ${descending ? 'descending' : 'ascending'} in its index alone`, () => {
        for (const climbed of climbs({ path, descending })) {
          expect(climbed).toMatch(
            /CORRELATED SCALAR SUBQUERY \d+\nSEARCH r USING COVERING INDEX resources_sort_\S+ \(tenant=\? AND resource_type=\? AND (?:<expr>|\w+)[<>]\?\)/,
          );
          expect(climbed).toContain('SEARCH r USING INTEGER PRIMARY KEY (rowid=?)');
          expect(climbed).not.toMatch(/TEMP B-TREE|SCAN r\b/);
        }
      });
    }
  }

  it('climbs the ladder of an unsorted list in the type index alone', () => {
    for (const climbed of climbs(undefined)) {
      expect(climbed).toContain(
        'SEARCH r USING COVERING INDEX resources_type (tenant=? AND resource_type=? AND seq>?)',
      );
      expect(climbed).not.toMatch(/TEMP B-TREE|SCAN r\b/);
    }
  });

  it('skips the rows before a deep unsorted page in the type index alone', () => {
    const deep = plan(pageSql('resources', where, 'r.seq', '?3', '?4', true));
    expect(deep.join('\n')).toContain('USING COVERING INDEX resources_type');
  });
});

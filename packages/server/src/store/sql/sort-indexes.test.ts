import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { query, sortPath } from '../contract.ts';
import { Params, postgresDialect, SqlCompiler, sqliteDialect } from './compile.ts';
import { aliasedKey, hasSortIndex, SORT_KEY_INDEXES, sortKeyBit, sqliteMovedKeys } from './sort-indexes.ts';
import { searchDocument } from './values.ts';

/** The check before it compared keys as written: each key without its alias, against the bare keys. */
function strippedCheck(key: string, postgres: boolean): boolean {
  const bare = key.replaceAll('r.', '');
  return SORT_KEY_INDEXES.some((k) => (postgres ? k.postgres : k.sqlite) === bare);
}

const SORTED = ['userName', 'displayName', 'externalId', 'meta.created', 'meta.lastModified'];
const dialects = [
  { name: 'SQLite', dialect: sqliteDialect, postgres: false },
  { name: 'PostgreSQL', dialect: postgresDialect('"s"'), postgres: true },
];

describe('hasSortIndex', () => {
  it('writes each key with the row alias before every column, and nothing else moved', () => {
    for (const k of SORT_KEY_INDEXES) {
      for (const expression of [k.sqlite, k.postgres]) {
        const aliased = aliasedKey(expression);
        expect(aliased).toContain('r.');
        expect(aliased.replaceAll('r.', '')).toBe(expression);
      }
    }
  });

  for (const { name, dialect, postgres } of dialects) {
    it(`finds the index of every sort key ${name}'s compiler writes, and of no other attribute`, () => {
      for (const attribute of SORTED) {
        const key = new SqlCompiler(dialect, new Params(postgres)).sortColumn({
          path: sortPath(attribute),
          descending: false,
        });
        expect(hasSortIndex(key, postgres), attribute).toBe(true);
      }
      for (const attribute of ['title', 'name.familyName', 'nickName']) {
        const key = new SqlCompiler(dialect, new Params(postgres)).sortColumn({
          path: sortPath(attribute),
          descending: false,
        });
        expect(hasSortIndex(key, postgres), attribute).toBe(false);
      }
    });
  }

  it("reads a userName comparison from its sort index's key, without a test of the value's type", () => {
    const sql = new SqlCompiler(sqliteDialect, new Params(false)).filter(query('userName eq "a"'));
    expect(sql).toBe(`(${aliasedKey(SORT_KEY_INDEXES[0]!.sqlite)} = ?1)`);
    const other = new SqlCompiler(sqliteDialect, new Params(false)).filter(query('nickName eq "a"'));
    expect(other).toContain("json_type(r.search, '$.nickName') = 'text' AND");
  });

  it('agrees with the check that stripped the alias, on keys as written and on any text', () => {
    const written = SORT_KEY_INDEXES.flatMap((k) => [aliasedKey(k.sqlite), aliasedKey(k.postgres)]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom(...written),
          // A key as written with a piece cut out or put in: never an index's.
          fc
            .tuple(fc.constantFrom(...written), fc.nat(), fc.string({ maxLength: 3 }))
            .map(([k, at, text]) => k.slice(0, at % k.length) + text + k.slice(at % k.length)),
        ),
        fc.boolean(),
        (key, postgres) => {
          // Every key the new check finds, the old one found; on keys with the alias before each
          // column (all that `SqlCompiler` writes), they agree.
          if (hasSortIndex(key, postgres)) expect(strippedCheck(key, postgres)).toBe(true);
          if (aliasedKey(key.replaceAll('r.', '')) === key) {
            expect(hasSortIndex(key, postgres)).toBe(strippedCheck(key, postgres));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('sqliteMovedKeys (issue 14)', () => {
  // A value a key may hold: text (with case, characters past U+FFFF, lone surrogates), or not text.
  const value = fc.oneof(
    fc.constantFrom('Ann', 'ann', 'ANN', 'b', '', '\u{1F600}x', 'ß', 'ss', '\uFFFD', '\uD800'),
    fc.string({ unit: 'binary', maxLength: 3 }),
    fc.integer(),
    fc.constant(null),
    fc.constant(true),
    fc.constant(new Date(0)),
    fc.array(fc.constant('Ann'), { maxLength: 1 }),
    fc.record({ value: fc.constant('Ann') }),
  );
  const data = fc.record(
    { userName: value, displayName: value, externalId: value, title: value },
    { requiredKeys: [] },
  );
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE resources (n INTEGER, data TEXT, search TEXT, created TEXT, last_modified TEXT)');
  const insert = db.prepare('INSERT INTO resources VALUES (?, ?, ?, ?, ?)');
  const moved = (membersOnly: boolean) =>
    db.prepare(
      `SELECT ${sqliteMovedKeys(membersOnly, 'r', 'w')} AS m FROM resources AS r,
        (SELECT ${membersOnly ? '' : '? AS data, ? AS search, '}? AS last_modified) AS w WHERE r.n = 0`,
    );
  /** What a key's index holds for the row `n`: its storage class and bytes. */
  const held = (expression: string, n: number) =>
    (
      db
        .prepare(
          `SELECT typeof(k) || ':' || hex(k) AS h FROM (SELECT ${expression} AS k FROM resources WHERE n = ?)`,
        )
        .get(n) as { h: string }
    ).h;
  /** The bit of a key as SqlCompiler sorts by it. */
  const bit = (path: string) => {
    const c = new SqlCompiler(sqliteDialect, new Params(false));
    return 1 << (sortKeyBit(c.sortColumn({ path: sortPath(path), descending: false }), false) as number);
  };
  const row = (n: number, d: unknown, at: string) => {
    const text = JSON.stringify(d);
    const search = JSON.stringify(searchDocument(JSON.parse(text)));
    insert.run(n, text, search, 'c', at);
    return [text, search, at];
  };

  it("sets the bit of each key whose index entry the write changes (the stored text's), and no other", () => {
    fc.assert(
      fc.property(data, data, fc.boolean(), (before, after, sameTime) => {
        db.exec('DELETE FROM resources');
        row(0, before, 't1');
        // The row the write leaves (row 1), and the text the write binds.
        const written = row(1, after, sameTime ? 't1' : 't2');
        const m = (moved(false).get(...written) as { m: number }).m;
        let expected = 0;
        for (const k of SORT_KEY_INDEXES) if (held(k.sqlite, 0) !== held(k.sqlite, 1)) expected |= 1 << k.bit;
        expect(m).toBe(expected);
        // A member-only write keeps the data: only meta.lastModified may move.
        const members = (moved(true).get(sameTime ? 't1' : 't2') as { m: number }).m;
        expect(members).toBe(sameTime ? 0 : bit('meta.lastModified'));
      }),
      { numRuns: 400 },
    );
  });

  it('gives each sorted attribute its own bit, meta.created none an update can set', () => {
    expect(SORTED.map(bit)).toEqual([1, 2, 4, 8, 16]);
    db.exec('DELETE FROM resources');
    row(0, { userName: 'a', displayName: 'a', externalId: 'a' }, 't1');
    const written = row(1, { userName: 'x', displayName: 'x', externalId: 'x' }, 't2');
    expect(moved(false).get(...written)).toEqual({ m: 1 + 2 + 4 + 16 });
  });
});

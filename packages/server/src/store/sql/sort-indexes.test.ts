import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { query, sortPath } from '../contract.ts';
import { Params, postgresDialect, SqlCompiler, sqliteDialect } from './compile.ts';
import { aliasedKey, hasSortIndex, SORT_KEY_INDEXES } from './sort-indexes.ts';

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

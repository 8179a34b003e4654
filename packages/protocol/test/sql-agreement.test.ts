// The query form of a filter (normalizeFilter) compiled to parameterized SQL gives the same
// resources as the in-memory evaluator (compileFilter), over random resources and random filters.
// The SQL side is a reference compiler to SQLite (test/sql/sqlite.ts, over node:sqlite) that keeps
// each resource as a JSON document: it is how the query form is meant to be compiled, and the
// server's stores follow the same rules.
import { DatabaseSync } from 'node:sqlite';
import { groupResourceSchema, URN, userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compileFilter, normalizeFilter, parseFilter } from '../src/index.ts';
import { toSqliteWhere } from './sql/sqlite.ts';

const ENT = URN.EnterpriseUser;
// ASCII only: SQLite's lower() folds ASCII letters only (see docs/protocol.md on SQL stores).
const words = fc.constantFrom(
  'alice',
  'Alice',
  'BOB',
  'bob',
  'work',
  'home',
  'x@Example.com',
  'y@example.org',
  '',
  'a',
  'ab',
);
const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

/** Users as a store keeps them: canonical names, real booleans, dateTimes in UTC. */
const user = fc.record(
  {
    userName: words,
    externalId: words,
    title: words,
    active: fc.boolean(),
    name: fc.record({ givenName: words, familyName: words }, { requiredKeys: [] }),
    emails: fc.array(fc.record({ value: words, type: words, primary: fc.boolean() }, { requiredKeys: [] }), {
      maxLength: 3,
    }),
    meta: fc.record({ created: instant, lastModified: instant }, { requiredKeys: [] }),
    [ENT]: fc.record(
      {
        employeeNumber: words,
        department: words,
        manager: fc.record({ value: words }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['userName'] },
);

const STRING_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'] as const;
const leaves: readonly { text: string; ops: readonly string[]; value: fc.Arbitrary<unknown> }[] = [
  { text: 'userName', ops: STRING_OPS, value: words },
  { text: 'externalId', ops: STRING_OPS, value: words },
  { text: 'title', ops: STRING_OPS, value: words },
  { text: 'name.givenName', ops: STRING_OPS, value: words },
  { text: 'name', ops: [], value: words },
  { text: 'emails', ops: STRING_OPS, value: words },
  { text: 'emails.value', ops: STRING_OPS, value: words },
  { text: 'emails.type', ops: STRING_OPS, value: words },
  { text: 'emails.primary', ops: ['eq', 'ne'], value: fc.boolean() },
  { text: 'active', ops: ['eq', 'ne'], value: fc.boolean() },
  { text: 'meta.created', ops: ['eq', 'ne', 'gt', 'lt', 'ge', 'le'], value: instant },
  { text: 'meta', ops: [], value: words },
  { text: `${ENT}:employeeNumber`, ops: STRING_OPS, value: words },
  { text: `${ENT}:manager`, ops: ['eq', 'ne', 'sw'], value: words },
  { text: `${ENT}:manager.value`, ops: STRING_OPS, value: words },
  { text: `${ENT.toUpperCase()}:DEPARTMENT`, ops: ['eq', 'co'], value: words },
  { text: 'nickName2', ops: ['eq', 'ne'], value: words },
];
const leaf = fc.constantFrom(...leaves).chain((l) =>
  l.ops.length === 0
    ? fc.constant(`${l.text} pr`)
    : fc.oneof(
        fc.constant(`${l.text} pr`),
        fc.constant(`${l.text} eq null`),
        fc.tuple(fc.constantFrom(...l.ops), l.value).map(([op, v]) => `${l.text} ${op} ${JSON.stringify(v)}`),
      ),
);
const inner = fc.oneof(
  fc
    .tuple(fc.constantFrom('type', 'value'), fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt'), words)
    .map(([sub, op, v]) => `${sub} ${op} ${JSON.stringify(v)}`),
  fc.constantFrom('primary eq true', 'primary eq false', 'type pr', 'value pr', 'not (primary eq true)'),
);
const valuePath = fc
  .tuple(inner, fc.constantFrom(' and ', ' or '), inner)
  .map(([a, op, b]) => `emails[${a}${op}${b}]`);
const filterText: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    leaf,
    valuePath,
    fc.tuple(tie('f'), fc.constantFrom('and', 'or'), tie('f')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    tie('f').map((a) => `not (${a})`),
  ),
})).f;

const db = new DatabaseSync(':memory:');
db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)');
afterAll(() => db.close());

function load(users: readonly object[]): void {
  db.exec('DELETE FROM users');
  const insert = db.prepare('INSERT INTO users (id, doc) VALUES (?, ?)');
  for (const [i, u] of users.entries()) insert.run(i, JSON.stringify(u));
}

function sqlMatches(text: string): number[] {
  const { sql, params } = toSqliteWhere(normalizeFilter(parseFilter(text), userResourceSchema), 'doc');
  const rows = db.prepare(`SELECT id FROM users WHERE ${sql} ORDER BY id`).all(...params) as { id: number }[];
  return rows.map((r) => r.id);
}

function memoryMatches(text: string, users: readonly object[]): number[] {
  const matches = compileFilter(parseFilter(text), userResourceSchema);
  return users.flatMap((u, i) => (matches(u) ? [i] : []));
}

describe('SQL compiled from the query form agrees with the in-memory evaluator', () => {
  it('on random users and random filters (property)', () => {
    let mixed = 0;
    let total = 0;
    fc.assert(
      fc.property(
        fc.array(user, { minLength: 1, maxLength: 8 }),
        fc.array(filterText, { minLength: 1, maxLength: 5 }),
        (users, filters) => {
          load(users);
          for (const text of filters) {
            const expected = memoryMatches(text, users);
            expect(sqlMatches(text), text).toEqual(expected);
            if (expected.length > 0 && expected.length < users.length) mixed++;
            total++;
          }
        },
      ),
      { numRuns: 300 },
    );
    // The filters must often split the users, or agreement would say little.
    expect(mixed / total).toBeGreaterThan(0.2);
  });

  it('on the cases a store gets wrong most often', () => {
    const users = [
      {
        userName: 'Alice',
        emails: [
          { value: 'a@x.com', type: 'work' },
          { value: '', type: 'home' },
        ],
        active: true,
      },
      {
        userName: 'bob',
        title: '',
        emails: [{ value: 'B@X.COM', type: 'home', primary: true }],
        active: false,
      },
      {
        userName: 'carol',
        name: {},
        meta: { created: '2020-01-01T00:00:00.000Z' },
        [ENT]: { manager: { value: 'Alice' } },
      },
    ];
    load(users);
    const expectations: [string, number[]][] = [
      ['userName eq "ALICE"', [0]], // caseExact false: case-insensitive
      ['externalId eq "alice"', []], // absent: false, even for ne
      ['title ne "x"', [1]],
      ['title pr', []], // "" is not present
      ['name pr', []], // {} is not present
      ['not (title pr)', [0, 1, 2]],
      ['emails[type eq "home" and value pr]', [1]], // the same value must match both
      ['emails.type eq "home" and emails.value pr', [0, 1]], // any value, each on its own
      ['emails co "@x.com"', [0, 1]], // complex without sub-attribute: its value
      ['active eq false', [1]],
      [`${ENT}:manager eq "Alice"`, [2]],
      [`${ENT}:manager eq "alice"`, []], // manager.value is caseExact
      ['meta.created gt "2019-12-31T18:59:59-05:00"', [2]], // instants, whatever the offset
      ['meta.created eq "2019-12-31T19:00:00-05:00"', [2]],
      ['nickName2 eq "x" or userName eq "bob"', [1]], // unknown attribute: never present (entra)
    ];
    for (const [text, expected] of expectations) {
      expect(sqlMatches(text), text).toEqual(expected);
      expect(memoryMatches(text, users), text).toEqual(expected);
    }
  });

  it('binds every value as a parameter: filter text never reaches the SQL', () => {
    const { sql, params } = toSqliteWhere(
      normalizeFilter(parseFilter(`displayName eq "x') OR 1=1 --"`), groupResourceSchema),
      'doc',
    );
    expect(sql).not.toContain('1=1');
    expect(params).toEqual(["x') OR 1=1 --"]);
  });
});

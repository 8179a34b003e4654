import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { evaluateFilter, normalizeFilter, parseFilter, sortResources } from '@scim/protocol';
import {
  createResourceSchema,
  enterpriseUserSchema,
  type ResourceSchema,
  type SchemaDefinition,
  userResourceType,
  userSchema,
} from '@scim/schemas';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTenant, sortPath } from './contract.ts';
import { postgresStore } from './postgres.ts';
import { reachablePostgres, uniqueSchema } from './sql/test-postgres.ts';
import { sqliteStore } from './sqlite.ts';
import type { ScimStore, StoredResource } from './types.ts';

// Property: for random resources and random filters, the SQL stores return exactly the resources
// evaluateFilter accepts, and sort exactly as sortResources does.

const EXT = 'urn:example:scim:schemas:extension:test:2.0:User';
const testExtension: SchemaDefinition = {
  id: EXT,
  name: 'Test',
  attributes: [
    ['level', 'integer', false, false],
    ['score', 'decimal', false, false],
    ['hired', 'dateTime', false, false],
    ['vip', 'boolean', false, false],
    ['code', 'string', false, true],
    ['tags', 'string', true, false],
  ].map(([name, type, multiValued, caseExact]) => ({
    name: name as string,
    type: type as 'string',
    multiValued: multiValued as boolean,
    required: false,
    caseExact: caseExact as boolean,
    mutability: 'readWrite' as const,
    returned: 'default' as const,
    uniqueness: 'none' as const,
  })),
};
const schema: ResourceSchema = createResourceSchema(
  {
    ...userResourceType,
    schemaExtensions: [...userResourceType.schemaExtensions, { schema: EXT, required: false }],
  },
  [userSchema, enterpriseUserSchema, testExtension],
);

// Mostly a small alphabet (so that filters match often), sometimes SQL metacharacters, letters
// whose lower case differs by language or that fold alike (Σ σ ς, K and the Kelvin sign, ẞ and ß,
// Cherokee), and characters whose UTF-16 order differs from their code point order (an emoji, Ａ).
const char = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('a', 'A', 'b', 'é', 'É', 'σ', 'Σ') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'ß',
      'Z',
      '0',
      ' ',
      '"',
      "'",
      '%',
      '_',
      '\\',
      'İ',
      '@',
      '*',
      'ς',
      'ẞ',
      'k',
      '\u212A',
      '\u13A0',
      '\uAB70',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom('\u{1F600}', '\uFF21', '\u{10400}', '\uE000') },
);
const text = fc.array(char, { maxLength: 3 }).map((cs) => cs.join(''));
const instants = [0, 1444513101861, 1444513101000, 1700000000000, 4102444800000];
const dateTime = fc
  .tuple(fc.constantFrom(...instants), fc.constantFrom('iso', 'offset', 'seconds', 'date'))
  .map(([at, form]) => {
    const iso = new Date(at).toISOString();
    if (form === 'iso') return iso;
    if (form === 'seconds') return `${iso.slice(0, 19)}Z`;
    if (form === 'date') return iso.slice(0, 10);
    const shifted = new Date(at + 2 * 3_600_000).toISOString();
    return `${shifted.slice(0, 19)}+02:00`;
  });
const decimal = fc.constantFrom(-1.5, 0, 0.25, 2, 3, 1e6);
const integer = fc.integer({ min: -2, max: 3 });

const email = fc.record(
  { value: text, type: fc.constantFrom('work', 'home', 'WORK'), primary: fc.boolean() },
  { requiredKeys: ['value'] },
);
const resource = fc.record(
  {
    userName: text,
    displayName: text,
    nickName: text,
    title: text,
    externalId: text,
    active: fc.boolean(),
    name: fc.record({ givenName: text, familyName: text }, { requiredKeys: [] }),
    emails: fc.array(email, { maxLength: 3 }),
    [EXT]: fc.record(
      {
        level: integer,
        score: decimal,
        hired: dateTime,
        vip: fc.boolean(),
        code: text,
        tags: fc.array(text, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['userName'] },
);

const q = (s: string) => JSON.stringify(s);
const STRING_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
const ORDER_OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
const stringPaths = [
  'userName',
  'displayName',
  'nickName',
  'title',
  'externalId',
  'name.givenName',
  'name.familyName',
  'emails.value',
  'emails.type',
  'emails',
  `${EXT}:code`,
  `${EXT}:tags`,
  'id',
];
const presentPaths = [
  ...stringPaths,
  'name',
  'active',
  `${EXT}:level`,
  `${EXT}:hired`,
  `${EXT}:vip`,
  `${EXT}`,
  'meta.created',
];

const stringCompare = fc
  .tuple(fc.constantFrom(...stringPaths), fc.constantFrom(...STRING_OPS), text)
  .map(([p, op, v]) => `${p} ${op} ${q(v)}`);
const booleanCompare = fc
  .tuple(fc.constantFrom('active', 'emails.primary', `${EXT}:vip`), fc.constantFrom('eq', 'ne'), fc.boolean())
  .map(([p, op, v]) => `${p} ${op} ${v}`);
const numberCompare = fc.oneof(
  fc.tuple(fc.constantFrom(...ORDER_OPS), integer).map(([op, v]) => `${EXT}:level ${op} ${v}`),
  fc.tuple(fc.constantFrom(...ORDER_OPS), decimal).map(([op, v]) => `${EXT}:score ${op} ${v}`),
);
const dateCompare = fc
  .tuple(fc.constantFrom(`${EXT}:hired`), fc.constantFrom(...ORDER_OPS), dateTime)
  .map(([p, op, v]) => `${p} ${op} ${q(v)}`);
const present = fc.constantFrom(...presentPaths).map((p) => `${p} pr`);
const inner = fc.oneof(
  fc
    .tuple(fc.constantFrom('value', 'type'), fc.constantFrom(...STRING_OPS), text)
    .map(([p, op, v]) => `${p} ${op} ${q(v)}`),
  fc.boolean().map((v) => `primary eq ${v}`),
  fc.constantFrom('value pr', 'type pr', 'primary pr'),
);
const valueFilter = fc
  .tuple(inner, fc.option(fc.tuple(fc.constantFrom('and', 'or'), inner)), fc.boolean())
  .map(([a, rest, negate]) => {
    const body = rest === null ? a : `${a} ${rest[0]} ${rest[1]}`;
    return `emails[${negate ? `not (${body})` : body}]`;
  });
// `p eq a or p eq b ...` on one attribute: compiled to one IN list.
const eqChain = fc
  .tuple(fc.constantFrom(...stringPaths), fc.array(text, { minLength: 2, maxLength: 4 }))
  .map(([p, values]) => `(${values.map((v) => `${p} eq ${q(v)}`).join(' or ')})`);
const leaf = fc.oneof(
  stringCompare,
  booleanCompare,
  numberCompare,
  dateCompare,
  present,
  valueFilter,
  eqChain,
);
const { filter } = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(tie('filter'), fc.constantFrom('and', 'or'), tie('filter'))
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
    tie('filter').map((f) => `not (${f})`),
  ),
}));
const sortBy = fc.constantFrom(
  'userName',
  'title',
  'externalId',
  'name.familyName',
  'emails',
  'emails.type',
  'active',
  `${EXT}:level`,
  `${EXT}:score`,
  `${EXT}:hired`,
  `${EXT}:code`,
  `${EXT}:tags`,
  'meta.created',
);

function view(r: StoredResource): Record<string, unknown> {
  return {
    ...r.data,
    id: r.id,
    meta: {
      resourceType: r.resourceType,
      created: r.created,
      lastModified: r.lastModified,
      version: `W/"${r.version}"`,
    },
  };
}

function agreement(name: string, make: () => ScimStore, runs: number) {
  describe(`SQL filters and sorting agree with @scim/protocol: ${name}`, () => {
    let store: ScimStore;
    beforeAll(async () => {
      store = make();
      await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
    }, 120_000);
    afterAll(async () => {
      await store.close();
    });

    it('filters like evaluateFilter', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(resource, { minLength: 1, maxLength: 8 }),
          fc.array(filter, { minLength: 1, maxLength: 6 }),
          async (resources, filters) => {
            const t = freshTenant();
            const stored: StoredResource[] = [];
            for (const data of resources) {
              stored.push(
                await store.create(t, 'User', { data, unique: [], change: { type: 'user.created' } }),
              );
            }
            for (const text of filters) {
              const parsed = parseFilter(text);
              const expected = stored.filter((r) => evaluateFilter(parsed, view(r), schema)).map((r) => r.id);
              const page = await store.list(t, {
                resourceType: 'User',
                filter: normalizeFilter(parsed, schema),
                startIndex: 1,
                count: 100,
              });
              expect({ filter: text, ids: page.resources.map((r) => r.id) }).toEqual({
                filter: text,
                ids: expected,
              });
              expect(page.totalResults).toBe(expected.length);
            }
          },
        ),
        { numRuns: runs },
      );
    }, 240_000);

    it('sorts like sortResources', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(resource, { minLength: 1, maxLength: 8 }),
          sortBy,
          fc.boolean(),
          async (resources, by, descending) => {
            const t = freshTenant();
            const stored: StoredResource[] = [];
            for (const data of resources) {
              stored.push(
                await store.create(t, 'User', { data, unique: [], change: { type: 'user.created' } }),
              );
            }
            // sortResources keeps the given order among ties; a store's descending order is its
            // ascending one reversed, ties included: so the views in reverse creation order then.
            const views = stored.map(view);
            if (descending) views.reverse();
            const expected = sortResources(views, schema, {
              sortBy: by,
              sortOrder: descending ? 'descending' : 'ascending',
            }).map((v) => v.id);
            const page = await store.list(t, {
              resourceType: 'User',
              sort: { path: sortPath(by, schema), descending },
              startIndex: 1,
              count: 100,
            });
            expect({ by, descending, ids: page.resources.map((r) => r.id) }).toEqual({
              by,
              descending,
              ids: expected,
            });
          },
        ),
        { numRuns: runs },
      );
    }, 240_000);
  });
}

agreement('sqlite', () => sqliteStore({ path: ':memory:' }), 150);
// A file: filters and sorts that scan run on the store's reader threads.
const fileDir = mkdtempSync(join(tmpdir(), 'scim-agreement-'));
afterAll(() => rmSync(fileDir, { recursive: true, force: true }));
agreement('sqlite (file, reader threads)', () => sqliteStore({ path: join(fileDir, 'agree.db') }), 60);
agreement('postgres (PGlite)', () => postgresStore({ pglite: new PGlite(), schema: 'prop' }), 60);

// A database whose collation is not "C" (ICU en-US orders "_x" < "😀" < "a" < "Ａ" < "B"): the
// stores still order and compare by code point, as the others do.
const url = await reachablePostgres();
const icu = url === undefined ? undefined : await icuDatabase(url);
if (icu !== undefined) {
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS "${icu.name}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }, 60_000);
  agreement(
    'postgres (server, ICU en-US database)',
    () => postgresStore({ connectionString: icu.url, schema: 'prop' }),
    40,
  );
}

/** Creates a database with ICU's en-US collation on the test server, or undefined when it cannot. */
async function icuDatabase(server: string): Promise<{ name: string; url: string } | undefined> {
  const name = uniqueSchema();
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(
      `CREATE DATABASE "${name}" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
    );
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
  const at = new URL(server);
  at.pathname = `/${name}`;
  return { name, url: at.toString() };
}

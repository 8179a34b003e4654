import { PGlite } from '@electric-sql/pglite';
import { normalizeFilter, parseFilter } from '@scim/protocol';
import { groupResourceSchema, type ResourceSchema, userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTenant } from './contract.ts';
import { memoryStore } from './memory.ts';
import { postgresStore } from './postgres.ts';
import { sqliteStore } from './sqlite.ts';
import type { ScimStore } from './types.ts';

// Property: on memberships (`members`, a user's `groups`) and on `id` / `meta`, which live in columns
// and tables rather than in the JSON, the SQL stores return what the memory store returns.

const TYPES = [{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }];
const name = fc.array(fc.constantFrom('a', 'A', 'b', 'é', 'É'), { maxLength: 3 }).map((cs) => cs.join(''));
const world: fc.Arbitrary<World> = fc.record({
  users: fc.array(fc.record({ userName: name, displayName: fc.option(name, { nil: undefined }) }), {
    minLength: 1,
    maxLength: 6,
  }),
  groups: fc.array(
    fc.record({
      displayName: name,
      users: fc.array(fc.nat(20), { maxLength: 4 }),
      groups: fc.array(fc.nat(20), { maxLength: 2 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

const ops = fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt');
const ref = (kind: 'u' | 'g') => fc.nat(20).map((i) => `{${kind}:${i}}`);
const groupLeaf = fc.oneof(
  ref('u').map((r) => `members.value eq "${r}"`),
  ref('g').map((r) => `members eq "${r}"`),
  fc
    .tuple(ref('u'), fc.constantFrom('User', 'user', 'Group'))
    .map(([r, t]) => `members[value eq "${r}" and type eq "${t}"]`),
  fc.constantFrom('User', 'Group').map((t) => `members.type eq "${t}"`),
  fc.tuple(ops, name).map(([op, v]) => `members.display ${op} "${v}"`),
  fc.tuple(ops, name).map(([op, v]) => `displayName ${op} "${v}"`),
  fc.constantFrom(
    'members pr',
    'members.display pr',
    'meta.version eq "W/\\"1\\""',
    'meta.resourceType eq "Group"',
  ),
  ref('g').map((r) => `id eq "${r}"`),
);
const userLeaf = fc.oneof(
  ref('g').map((r) => `groups.value eq "${r}"`),
  fc.tuple(ops, name).map(([op, v]) => `groups.display ${op} "${v}"`),
  fc.constantFrom(
    'groups pr',
    'groups[type eq "direct"]',
    'groups.type eq "indirect"',
    'meta.version eq "W/\\"1\\""',
  ),
  fc.tuple(ops, name).map(([op, v]) => `userName ${op} "${v}"`),
  ref('u').map((r) => `id eq "${r}"`),
);
function combine(leaf: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    leaf,
    fc.tuple(leaf, fc.constantFrom('and', 'or'), leaf).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    leaf.map((a) => `not (${a})`),
  );
}

interface Built {
  users: string[];
  groups: string[];
}

interface World {
  users: { userName: string; displayName: string | undefined }[];
  groups: { displayName: string; users: number[]; groups: number[] }[];
}

async function build(store: ScimStore, tenant: string, w: World): Promise<Built> {
  const users: string[] = [];
  for (const u of w.users) {
    const data = u.displayName === undefined ? { userName: u.userName } : { ...u };
    users.push(
      (await store.create(tenant, 'User', { data, unique: [], change: { type: 'user.created' } })).id,
    );
  }
  const groups: string[] = [];
  for (const g of w.groups) {
    const members = [
      ...g.users.map((i) => users[i % users.length] as string),
      ...(groups.length === 0 ? [] : g.groups.map((i) => groups[i % groups.length] as string)),
    ];
    const created = await store.create(tenant, 'Group', {
      data: { displayName: g.displayName },
      unique: [],
      members,
      change: { type: 'group.created' },
    });
    groups.push(created.id);
  }
  return { users, groups };
}

function substitute(filter: string, built: Built): string {
  return filter.replace(/\{([ug]):(\d+)\}/g, (_, kind: string, i: string) => {
    const list = kind === 'u' ? built.users : built.groups;
    return list[Number(i) % list.length] as string;
  });
}

async function run(store: ScimStore, tenant: string, built: Built, type: 'User' | 'Group', filter: string) {
  const schema: ResourceSchema = type === 'User' ? userResourceSchema : groupResourceSchema;
  const page = await store.list(tenant, {
    resourceType: type,
    filter: normalizeFilter(parseFilter(substitute(filter, built)), schema),
    startIndex: 1,
    count: 100,
  });
  const ids = type === 'User' ? built.users : built.groups;
  return page.resources.map((r) => ids.indexOf(r.id));
}

function agreement(name: string, make: () => ScimStore, runs: number) {
  describe(`memberships and columns agree with the memory store: ${name}`, () => {
    let store: ScimStore;
    const memory = memoryStore();
    beforeAll(async () => {
      store = make();
      await store.open(TYPES);
      await memory.open(TYPES);
    }, 120_000);
    afterAll(async () => {
      await store.close();
      await memory.close();
    });

    it('filters users and groups alike', async () => {
      await fc.assert(
        fc.asyncProperty(
          world,
          fc.array(combine(groupLeaf), { minLength: 1, maxLength: 4 }),
          fc.array(combine(userLeaf), { minLength: 1, maxLength: 4 }),
          async (w, groupFilters, userFilters) => {
            const t = freshTenant();
            const inMemory = await build(memory, t, w);
            const inSql = await build(store, t, w);
            for (const [type, filters] of [
              ['Group', groupFilters],
              ['User', userFilters],
            ] as const) {
              for (const f of filters) {
                const expected = await run(memory, t, inMemory, type, f);
                const actual = await run(store, t, inSql, type, f);
                expect({ type, filter: f, result: actual }).toEqual({ type, filter: f, result: expected });
              }
            }
          },
        ),
        { numRuns: runs },
      );
    }, 240_000);
  });
}

agreement('sqlite', () => sqliteStore({ path: ':memory:' }), 100);
agreement('postgres (PGlite)', () => postgresStore({ pglite: new PGlite(), schema: 'members' }), 40);

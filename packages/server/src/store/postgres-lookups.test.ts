import { foldCase } from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { overBudget } from './budget.ts';
import { freshTenant, query } from './contract.ts';
import { postgresStore } from './postgres.ts';
import { recordingPool } from './sql/postgres-recording.fixture.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';
import type { ListQuery, ScimStore } from './types.ts';

// Reads that arrive together share a statement (sql/lookups.ts, sql/postgres-lookups.ts): reads
// by id, and lists that look a resource up by a unique attribute. On the server on 127.0.0.1:5432
// when one answers, else on PGlite (the tests that count statements need the server's pool).

const target = await postgresTarget();
const { url, schema } = target;
const TYPES = [{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }];
const user = (userName: string) => ({
  data: { userName },
  unique: [{ attribute: 'userName', value: foldCase(userName) }],
  change: { type: 'user.created' },
});
/** A store on the file's target, in a schema of its own. */
function make(): ScimStore {
  if (url === undefined) return postgresStore({ pglite: target.pglite(), schema: schema() });
  return postgresStore({ connectionString: url, schema: schema(), maxConnections: 4 });
}
/** A first page of users whose `filter` (SCIM text) is `filter`. */
const lookup = (filter: string, more: Partial<ListQuery> = {}): ListQuery => ({
  resourceType: 'User',
  filter: query(filter),
  startIndex: 1,
  count: 100,
  ...more,
});
/** A page as the tests compare pages: the ids, and the count. */
const shape = (page: { totalResults: number; resources: readonly { id: string }[] }) => ({
  total: page.totalResults,
  ids: page.resources.map((r) => r.id),
});

describe.skipIf(url === undefined)('postgresStore: reads by id that arrive together (issue 14)', () => {
  it("share one statement per tenant, type and shape; each read gets its own resource, and no tenant another's", async () => {
    const { pool: counting, sent } = recordingPool(url, 4);
    const store = postgresStore({ pool: counting, schema: schema() });
    try {
      await store.open(TYPES);
      const t = freshTenant();
      const other = freshTenant();
      const [a, b, c] = [
        await store.create(t, 'User', user('a')),
        await store.create(t, 'User', user('b')),
        await store.create(t, 'User', user('c')),
      ];
      const g = await store.create(t, 'Group', {
        data: { displayName: 'g' },
        unique: [],
        change: { type: 'group.created' },
        members: [c!.id],
      });
      const mine = await store.create(other, 'User', user('a'));
      sent.length = 0;
      const found = await Promise.all([
        store.get(t, 'User', a!.id),
        store.get(t, 'User', b!.id),
        store.get(t, 'User', a!.id),
        store.get(t, 'User', 'no-such-id'),
        store.get(other, 'User', a!.id),
        store.get(other, 'User', mine.id),
        store.get(t, 'User', mine.id),
        store.get(t, 'User', c!.id, { groups: true }),
        store.get(t, 'Group', g.id),
      ]);
      expect(found.map((r) => r?.id)).toEqual([
        a!.id,
        b!.id,
        a!.id,
        undefined,
        undefined,
        mine.id,
        undefined,
        c!.id,
        g.id,
      ]);
      expect(found.map((r) => (r?.data as { userName?: string } | undefined)?.userName)).toEqual([
        'a',
        'b',
        'a',
        undefined,
        undefined,
        'a',
        undefined,
        'c',
        undefined,
      ]);
      expect(found[7]?.groups?.map((m) => m.value)).toEqual([g.id]);
      expect(found[0]?.groups).toBeUndefined();
      // Users of t, users of the other tenant, t's users with their groups, t's groups.
      expect(sent).toEqual(['SELECT', 'SELECT', 'SELECT', 'SELECT']);
      // Two reads of one id share no object.
      expect(found[0]).not.toBe(found[2]);
      (found[0]!.data as { userName: string }).userName = 'changed';
      expect((found[2]!.data as { userName: string }).userName).toBe('a');
      // Reads that come one after another each send their own statement.
      sent.length = 0;
      expect((await store.get(t, 'User', a!.id))?.id).toBe(a!.id);
      expect((await store.get(t, 'User', b!.id))?.id).toBe(b!.id);
      expect(sent).toEqual(['SELECT', 'SELECT']);
    } finally {
      await store.close();
    }
  });
});

describe('postgresStore: lookups by a unique attribute that arrive together (issue 14)', () => {
  it.skipIf(url === undefined)(
    'share one statement per tenant, type and shape, each page as the list alone reads it; other filters do not',
    async () => {
      const { pool, texts } = recordingPool(url, 4);
      const store = postgresStore({ pool, schema: schema() });
      try {
        await store.open(TYPES);
        const t = freshTenant();
        const other = freshTenant();
        const alice = await store.create(t, 'User', user('Alice'));
        const bob = await store.create(t, 'User', user('bob'));
        const theirs = await store.create(other, 'User', user('alice'));
        const lists: [string, ListQuery][] = [
          [t, lookup('userName eq "alice"')],
          [t, lookup('userName eq "BOB"')],
          [t, lookup('userName eq "nobody"')],
          [t, lookup('userName eq "alice"', { count: 1 })],
          [other, lookup('userName eq "ALICE"')],
          [t, lookup(`id eq "${bob.id}"`)],
          [t, lookup('displayName eq "Alice"')],
        ];
        texts.length = 0;
        const together = await Promise.all(lists.map(([tenant, q]) => store.list(tenant, q)));
        const batched = texts.filter((text) => text.includes(' AS lookup '));
        // t's userName lookups of 100 and of 1, the other tenant's, t's id lookup: four statements.
        expect(batched).toHaveLength(4);
        // displayName is not unique: its list is read alone, as before.
        expect(batched.filter((text) => text.includes("'displayName'"))).toEqual([]);
        expect(texts.filter((text) => text.includes("'displayName'")).length).toBeGreaterThan(0);
        expect(together.map(shape)).toEqual([
          { total: 1, ids: [alice.id] },
          { total: 1, ids: [bob.id] },
          { total: 0, ids: [] },
          { total: 1, ids: [alice.id] },
          { total: 1, ids: [theirs.id] },
          { total: 1, ids: [bob.id] },
          { total: 0, ids: [] },
        ]);
        // Each the same as the list read alone (an unbudgeted list is never sent with others).
        const alone = [];
        for (const [tenant, q] of lists) alone.push(await store.list(tenant, { ...q, unbudgeted: true }));
        expect(together.map(shape)).toEqual(alone.map(shape));
        expect((together[0]!.resources[0]!.data as { userName: string }).userName).toBe('Alice');
        // A lookup alone takes the batch's statement too.
        texts.length = 0;
        expect(shape(await store.list(t, lookup('userName eq "bob"')))).toEqual({ total: 1, ids: [bob.id] });
        expect(texts.filter((text) => text.includes(' AS lookup '))).toHaveLength(1);
      } finally {
        await store.close();
      }
    },
  );

  it('answers every lookup of a batch as the list alone does, whatever the names and the case', async () => {
    const store = make();
    await store.open(TYPES);
    const t = freshTenant();
    const names = ['ann', 'Ben', 'ÇA', 'dé', 'Eve.Smith@example.com', 'x y', "o'hara", 'ǅ'];
    for (const name of names) await store.create(t, 'User', user(name));
    const variant = fc.oneof(
      fc.constantFrom(...names).map((n) => n.toUpperCase()),
      fc.constantFrom(...names).map((n) => n.toLowerCase()),
      fc.constantFrom(...names),
      fc.string({ maxLength: 6 }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(variant, { minLength: 1, maxLength: 20 }), async (values) => {
          const lists = values.map((v) => lookup(`userName eq ${JSON.stringify(v)}`));
          const together = await Promise.all(lists.map((q) => store.list(t, q)));
          for (const [i, q] of lists.entries()) {
            expect(shape(together[i]!)).toEqual(shape(await store.list(t, { ...q, unbudgeted: true })));
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      await store.close();
    }
  }, 60_000);

  it('reads the lists of a batch that ran out of the budget one by one; another failure fails them', async () => {
    const store = make();
    await store.open(TYPES);
    const t = freshTenant();
    const ann = await store.create(t, 'User', user('ann'));
    const batch = vi.spyOn(store as unknown as { lookupFilters: () => Promise<unknown> }, 'lookupFilters');
    try {
      batch.mockRejectedValueOnce(overBudget('User', 200));
      expect(shape(await store.list(t, lookup('userName eq "ann"')))).toEqual({ total: 1, ids: [ann.id] });
      batch.mockRejectedValueOnce(new ScimError('unavailable', 'PostgreSQL is unavailable'));
      await expect(store.list(t, lookup('userName eq "ann"'))).rejects.toMatchObject({ status: 503 });
      expect(batch).toHaveBeenCalledTimes(2);
    } finally {
      batch.mockRestore();
      await store.close();
    }
  });
});

import { foldCase } from '@scim/protocol';
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { failure, freshTenant, query } from './contract.ts';
import { postgresStore } from './postgres.ts';
import { recordingPool } from './sql/postgres-recording.fixture.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';
import type { ListPage, ListQuery, ScimStore } from './types.ts';

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

/**
 * A store on a pool that records the statements it sends (`sent`), open, with users `a`, `b`
 * and `c` of tenant `t`, and another tenant.
 */
async function recording() {
  const { pool, sent } = recordingPool(url, 4);
  const store = postgresStore({ pool, schema: schema() });
  await store.open(TYPES);
  const t = freshTenant();
  const [a, b, c] = [
    await store.create(t, 'User', user('a')),
    await store.create(t, 'User', user('b')),
    await store.create(t, 'User', user('c')),
  ];
  return { store, sent, t, other: freshTenant(), a, b, c };
}

describe.skipIf(url === undefined)('postgresStore: reads by id that arrive together (issue 14)', () => {
  it("share one statement per tenant, type and shape; each read gets its own resource, and no tenant another's", async () => {
    const { store, sent, t, other, a, b, c } = await recording();
    try {
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

describe.skipIf(url === undefined)('postgresStore: membership reads that arrive together (issue 14)', () => {
  it("share one statement per tenant; each read gets the groups of its own id, its own objects, and no tenant another's", async () => {
    const { store, sent, t, other, a, b, c } = await recording();
    try {
      const group = async (tenant: string, displayName: string, members: string[]) =>
        store.create(tenant, 'Group', {
          data: { displayName },
          unique: [],
          change: { type: 'group.created' },
          members,
        });
      const g1 = await group(t, 'first', [a.id, b.id]);
      const g2 = await group(t, 'second', [a.id]);
      const inner = await group(t, 'inner', []);
      const outer = await group(t, 'outer', [inner.id]);
      const mine = await store.create(other, 'User', user('a'));
      await group(other, 'theirs', [mine.id]);
      // 20 reads: more than one statement carries (16), so two statements for tenant t.
      const many = Array.from({ length: 14 }, (_, i) => `nobody-${i}`);
      const ids = [a.id, b.id, c.id, a.id, inner.id, mine.id, ...many];
      sent.length = 0;
      const [found, theirs, unstorable] = await Promise.all([
        Promise.all(ids.map((id) => store.memberOf(t, id))),
        store.memberOf(other, mine.id),
        store.memberOf(t, 'nul\u0000id'),
      ]);
      const values = (ms: readonly { value: string }[]) => ms.map((m) => m.value);
      // a's groups in the order of their creation; c and the unknown ids in none; mine not in t.
      expect(found.map(values)).toEqual([
        [g1.id, g2.id],
        [g1.id],
        [],
        [g1.id, g2.id],
        [outer.id],
        [],
        ...many.map(() => []),
      ]);
      expect(found[0]?.[0]).toEqual({ value: g1.id, type: 'Group', display: 'first' });
      expect(values(theirs)).toHaveLength(1);
      expect(unstorable).toEqual([]);
      // Tenant t's 19 ids in two statements (16, then 3), the other tenant's in one; the
      // id no database can hold is never sent.
      expect(sent).toEqual(['SELECT', 'SELECT', 'SELECT']);
      // Two reads of one id share no object.
      expect(found[0]).not.toBe(found[3]);
      expect(found[0]?.[0]).not.toBe(found[3]?.[0]);
      // Reads that come one after another each send their own statement.
      sent.length = 0;
      expect(values(await store.memberOf(t, b.id))).toEqual([g1.id]);
      expect(values(await store.memberOf(t, c.id))).toEqual([]);
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
        fc.asyncProperty(
          fc.array(fc.tuple(variant, fc.integer({ min: 1, max: 3 }), fc.boolean()), {
            minLength: 1,
            maxLength: 20,
          }),
          async (asked) => {
            const lists = asked.map(([v, count, renderedOnly]) =>
              lookup(`userName eq ${JSON.stringify(v)}`, { count, renderedOnly }),
            );
            const together = await Promise.all(lists.map((q) => store.list(t, q)));
            for (const [i, q] of lists.entries()) {
              expect(shape(together[i]!)).toEqual(shape(await store.list(t, { ...q, unbudgeted: true })));
            }
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await store.close();
    }
  }, 60_000);

  it.skipIf(url === undefined)(
    'answers a lookup over the budget after one budget; lookups sent together and over it, each after its own',
    async () => {
      // Another session holds the table, so every statement runs out of its 300 ms budget.
      const { pool, texts } = recordingPool(url, 4);
      const s = schema();
      const store = postgresStore({ pool, schema: s, queryTimeoutMs: 300 });
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      try {
        await store.open(TYPES);
        const t = freshTenant();
        await store.create(t, 'User', user('ann'));
        await holder.query('BEGIN');
        await holder.query(`LOCK TABLE "${s}".resources IN ACCESS EXCLUSIVE MODE`);
        texts.length = 0;
        const lookups = () => texts.filter((text) => text.includes(' AS lookup '));
        const alone = await failure(store.list(t, lookup('userName eq "ann"')));
        expect(alone).toMatchObject({ status: 400, scimType: 'tooMany' });
        // One statement, not read again on its own after it.
        expect(lookups()).toHaveLength(1);
        texts.length = 0;
        const both = await Promise.all([
          failure(store.list(t, lookup('userName eq "ann"'))),
          failure(store.list(t, lookup('userName eq "bob"'))),
        ]);
        expect(both).toMatchObject([
          { status: 400, scimType: 'tooMany' },
          { status: 400, scimType: 'tooMany' },
        ]);
        // Together, then each on its own (one of them alone may be the heavy one).
        expect(lookups()).toHaveLength(3);
      } finally {
        await holder.query('ROLLBACK').catch(() => {});
        await holder.end();
        await store.close();
      }
    },
  );

  it('reads while a test fakes timers', async () => {
    const store = make();
    await store.open(TYPES);
    const t = freshTenant();
    const ann = await store.create(t, 'User', user('ann'));
    vi.useFakeTimers();
    try {
      expect((await store.get(t, 'User', ann.id))?.id).toBe(ann.id);
      expect(shape(await store.list(t, lookup('userName eq "ann"')))).toEqual({ total: 1, ids: [ann.id] });
    } finally {
      vi.useRealTimers();
      await store.close();
    }
  });
});

describe.skipIf(url === undefined)('postgresStore: reads together on a database that is not UTF8', () => {
  it("fails no caller's read for another's id or value the database's encoding cannot hold", async () => {
    const db = `scim_latin1_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(
      `CREATE DATABASE ${db} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`,
    );
    const latin1 = new URL(url!);
    latin1.pathname = `/${db}`;
    const store = postgresStore({ connectionString: latin1.href, schema: 'scim', maxConnections: 2 });
    try {
      await store.open(TYPES);
      const t = freshTenant();
      const ann = await store.create(t, 'User', user('ann'));
      const g = await store.create(t, 'Group', {
        data: { displayName: 'g' },
        unique: [],
        change: { type: 'group.created' },
        members: [ann.id],
      });
      const reads = await Promise.allSettled([
        store.get(t, 'User', ann.id),
        store.get(t, 'User', '\u{1F600}'),
        store.list(t, lookup('userName eq "ann"')),
        store.list(t, lookup('userName eq "\u{1F600}"')),
        store.memberOf(t, ann.id),
        store.memberOf(t, '\u{1F600}'),
      ]);
      expect(reads.map((r) => r.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
      ]);
      expect(
        (reads[4] as PromiseFulfilledResult<readonly { value: string }[]>).value.map((m) => m.value),
      ).toEqual([g.id]);
      expect((reads[0] as PromiseFulfilledResult<{ id: string }>).value.id).toBe(ann.id);
      expect(shape((reads[2] as PromiseFulfilledResult<ListPage>).value)).toEqual({
        total: 1,
        ids: [ann.id],
      });
    } finally {
      await store.close();
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.end();
    }
  });
});

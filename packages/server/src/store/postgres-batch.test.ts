/**
 * A tenant's updates that wait for one another go in one statement (issue 14,
 * `sql/write-batches.ts`): each must be written, answered and recorded exactly as it would be
 * alone (its version, data, rendering, unique keys, change-feed entry with the sort keys it
 * moved), and an update the batch cannot write (a key taken, a version moved, a row gone) answered
 * as alone, without holding back the others.
 */
import { foldCase } from '@scim/protocol';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freshTenant } from './contract.ts';
import { postgresStore } from './postgres.ts';
import { recordingPool } from './sql/postgres-recording.fixture.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';
import type { StoredResource, UpdateInput } from './types.ts';

const target = await postgresTarget();
const { url } = target;

const TYPES = [{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }];

/** A user's write: its userName (the unique key, folded) and other attributes. */
function userWrite(userName: string, more: Record<string, unknown> = {}) {
  return {
    data: { userName, ...more },
    unique: [{ attribute: 'userName', value: foldCase(userName) }],
    change: { type: 'user.updated', changes: Object.keys(more) },
  };
}

/** A store on a recording pool (statements counted) in a schema of its own, with `names` created. */
async function storeWith(names: readonly string[]) {
  const recording = recordingPool(url, 10);
  const schema = target.schema();
  const store = postgresStore({ pool: recording.pool, schema });
  await store.open(TYPES);
  const tenant = freshTenant();
  const users: StoredResource[] = [];
  for (const name of names) {
    users.push(await store.create(tenant, 'User', { ...userWrite(name), change: { type: 'user.created' } }));
  }
  recording.texts.length = 0;
  recording.values.length = 0;
  return { store, tenant, users, texts: recording.texts, values: recording.values, schema };
}

/** What each update did: its stored resource, or its error's status and scimType. */
async function outcomes(writes: readonly Promise<StoredResource>[]) {
  return Promise.all(
    writes.map((w) =>
      w.then(
        (stored) => ({ ok: stored }),
        (error: { status?: number; scimType?: string }) => ({
          status: error.status,
          scimType: error.scimType,
        }),
      ),
    ),
  );
}

/** The statements that wrote several updates at once (`WITH w ...`). */
const together = (texts: readonly string[]) => texts.filter((t) => /^WITH w \(i, id/.test(t.trim()));
/** The statements that wrote one update alone (`WITH o AS (... UPDATE`). */
const alone = (texts: readonly string[]) =>
  texts.filter((t) => /^WITH o AS/.test(t.trim()) && t.includes('UPDATE'));

describe.skipIf(url === undefined)('postgresStore: updates that wait go in one statement', () => {
  it('writes 12 updates of 12 users issued at once in two statements, each as it would be alone', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `u${i}`);
    const { store, tenant, users, texts, schema } = await storeWith(names);
    try {
      const answers = await Promise.all(
        users.map((u, i) => {
          const input: UpdateInput = {
            ...userWrite(names[i] as string, { displayName: `Display ${i}` }),
            ifVersion: 1,
            rendering: `rendering ${i}`,
            ...(i % 2 === 0 ? { groups: true } : {}),
          };
          return store.update(tenant, 'User', u.id, input);
        }),
      );
      // The first went alone, at once; the eleven that came while it ran, together.
      expect(alone(texts)).toHaveLength(1);
      expect(together(texts)).toHaveLength(1);
      for (const [i, stored] of answers.entries()) {
        expect(stored).toMatchObject({ id: users[i]?.id, version: 2, created: users[i]?.created });
        expect(stored.data).toEqual({ userName: `u${i}`, displayName: `Display ${i}` });
        expect(stored.lastModified >= (users[i]?.lastModified as string)).toBe(true);
        if (i % 2 === 0) expect(stored.groups).toEqual([]);
        const read = await store.get(tenant, 'User', users[i]?.id as string);
        expect(read).toMatchObject({ version: 2, data: stored.data, lastModified: stored.lastModified });
        expect(read?.rendering).toBe(`rendering ${i}`);
      }
      // One feed entry each, at its version, in the order the updates came, and the sort keys each
      // moved (displayName, bit 2; meta.lastModified, bit 16) as a write alone records them.
      const feed = (await store.changes(tenant)).filter((c) => c.type === 'user.updated');
      expect(feed.map((c) => [c.id, c.version])).toEqual(users.map((u) => [u.id, 2]));
      expect(feed.map((c) => c.changes)).toEqual(users.map(() => ['displayName']));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query(
          `SELECT keys_moved FROM "${schema}".changes WHERE tenant = $1 AND type = 'user.updated'`,
          [tenant],
        );
        expect(rows.map((r) => r.keys_moved)).toEqual(users.map(() => 2 + 16));
      } finally {
        await client.end();
      }
      // Again, the users in the other order: the same statement text (every value a parameter), so
      // that PostgreSQL prepares it once per batch size and keeps its plan.
      await Promise.all(
        [...users].reverse().map((u) =>
          store.update(tenant, 'User', u.id, {
            ...userWrite(u.data.userName as string),
            ifVersion: 2,
            groups: true,
          }),
        ),
      );
      expect(together(texts)).toHaveLength(2);
      expect(new Set(together(texts)).size).toBe(1);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('refuses only the update whose new key another user holds (409); the rest are written', async () => {
    const { store, tenant, users, texts } = await storeWith(['a', 'b', 'c', 'd', 'taken']);
    const [a, b, c, d] = users as [StoredResource, StoredResource, StoredResource, StoredResource];
    try {
      const answers = await outcomes([
        store.update(tenant, 'User', a.id, { ...userWrite('a', { title: 'first' }), ifVersion: 1 }),
        store.update(tenant, 'User', b.id, { ...userWrite('b-renamed'), ifVersion: 1 }),
        store.update(tenant, 'User', c.id, { ...userWrite('TAKEN'), ifVersion: 1 }),
        store.update(tenant, 'User', d.id, { ...userWrite('d', { title: 'x' }), ifVersion: 1 }),
      ]);
      expect(together(texts)).toHaveLength(1);
      expect(answers[0]).toMatchObject({ ok: { version: 2 } });
      expect(answers[1]).toMatchObject({ ok: { version: 2, data: { userName: 'b-renamed' } } });
      expect(answers[2]).toEqual({ status: 409, scimType: 'uniqueness' });
      expect(answers[3]).toMatchObject({ ok: { version: 2, data: { title: 'x' } } });
      // c is as it was; b's old name is free, its new one held.
      expect(await store.get(tenant, 'User', c.id)).toMatchObject({ version: 1, data: { userName: 'c' } });
      const reuse = await store.create(tenant, 'User', {
        ...userWrite('b'),
        change: { type: 'user.created' },
      });
      expect(reuse.version).toBe(1);
      const clash = await store
        .create(tenant, 'User', { ...userWrite('B-Renamed'), change: { type: 'user.created' } })
        .then(
          () => 'created',
          (error: { status?: number }) => error.status,
        );
      expect(clash).toBe(409);
      const feed = (await store.changes(tenant)).filter((e) => e.type === 'user.updated');
      expect(feed.map((e) => e.id).sort()).toEqual([a.id, b.id, d.id].sort());
    } finally {
      await store.close();
    }
  }, 60_000);

  it('answers a stale version 412 and a deleted user 404 in a batch, and writes the others', async () => {
    const { store, tenant, users, texts } = await storeWith(['first', 'w', 'x', 'y', 'z']);
    const [first, w, x, y, z] = users as StoredResource[] as [
      StoredResource,
      StoredResource,
      StoredResource,
      StoredResource,
      StoredResource,
    ];
    try {
      await store.delete(tenant, 'User', z.id, { change: { type: 'user.deleted' } });
      texts.length = 0;
      const answers = await outcomes([
        store.update(tenant, 'User', first.id, { ...userWrite('first', { title: '1' }), ifVersion: 1 }),
        store.update(tenant, 'User', w.id, { ...userWrite('w', { title: '1' }), ifVersion: 1 }),
        store.update(tenant, 'User', x.id, { ...userWrite('x', { title: '1' }), ifVersion: 7 }),
        store.update(tenant, 'User', z.id, { ...userWrite('z', { title: '1' }), ifVersion: 1 }),
        store.update(tenant, 'User', y.id, { ...userWrite('y', { title: '1' }), ifVersion: 1 }),
      ]);
      expect(together(texts)).toHaveLength(1);
      expect(answers.map((o) => ('ok' in o ? o.ok.version : o.status))).toEqual([2, 2, 412, 404, 2]);
      expect(await store.get(tenant, 'User', x.id)).toMatchObject({ version: 1, data: { userName: 'x' } });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('never writes one user twice in a statement: concurrent updates of one user take turns', async () => {
    const { store, tenant, users, texts, values } = await storeWith(['one', 'two', 'three']);
    const [one, two, three] = users as [StoredResource, StoredResource, StoredResource];
    try {
      const answers = await outcomes([
        store.update(tenant, 'User', two.id, { ...userWrite('two', { title: 'start' }), ifVersion: 1 }),
        store.update(tenant, 'User', one.id, { ...userWrite('one', { title: 'v1' }), ifVersion: 1 }),
        store.update(tenant, 'User', one.id, { ...userWrite('one', { title: 'v2' }), ifVersion: 2 }),
        store.update(tenant, 'User', three.id, { ...userWrite('three', { title: 't' }), ifVersion: 1 }),
        store.update(tenant, 'User', one.id, { ...userWrite('one', { title: 'v3' }), ifVersion: 3 }),
      ]);
      expect(answers.map((o) => ('ok' in o ? o.ok.version : o.status))).toEqual([2, 2, 3, 2, 4]);
      const batches = texts.flatMap((text, i) => (together([text]).length === 1 ? [values[i] ?? []] : []));
      // one v1 with three; then v2 and v3 of one, each in a statement of its own.
      expect(batches).toHaveLength(1);
      expect(batches[0]?.filter((v) => v === one.id)).toHaveLength(1);
      expect(batches[0]).toContain(three.id);
      expect(await store.get(tenant, 'User', one.id)).toMatchObject({ version: 4, data: { title: 'v3' } });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('hands a key from one update to another of the same batch in its statement', async () => {
    const { store, tenant, users, texts } = await storeWith(['first', 'a', 'b']);
    const [first, a, b] = users as [StoredResource, StoredResource, StoredResource];
    try {
      const answers = await outcomes([
        store.update(tenant, 'User', first.id, { ...userWrite('first', { title: '1' }), ifVersion: 1 }),
        store.update(tenant, 'User', a.id, { ...userWrite('a2'), ifVersion: 1 }),
        store.update(tenant, 'User', b.id, { ...userWrite('A'), ifVersion: 1 }),
      ]);
      expect(answers.map((o) => ('ok' in o ? o.ok.data.userName : o.status))).toEqual(['first', 'a2', 'A']);
      // Written by the batch's statement, not by the updates alone after it failed.
      expect(together(texts)).toHaveLength(1);
      expect(alone(texts)).toHaveLength(1);
      const taken = await store
        .create(tenant, 'User', { ...userWrite('a'), change: { type: 'user.created' } })
        .then(
          () => 'created',
          (error: { status?: number }) => error.status,
        );
      expect(taken).toBe(409);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('fails only the update whose value the database refuses; the others of its batch are written', async () => {
    const { store, tenant, users } = await storeWith(['first', 'p', 'q', 'r']);
    const [first, p, q, r] = users as [StoredResource, StoredResource, StoredResource, StoredResource];
    try {
      const answers = await outcomes([
        store.update(tenant, 'User', first.id, { ...userWrite('first', { title: '1' }), ifVersion: 1 }),
        store.update(tenant, 'User', p.id, { ...userWrite('p', { title: 'fine' }), ifVersion: 1 }),
        // U+0000: no PostgreSQL text or jsonb value holds it.
        store.update(tenant, 'User', q.id, { ...userWrite('q', { title: 'nul \u0000' }), ifVersion: 1 }),
        store.update(tenant, 'User', r.id, { ...userWrite('r', { title: 'fine' }), ifVersion: 1 }),
      ]);
      expect(answers.map((o) => 'ok' in o)).toEqual([true, true, false, true]);
      expect(await store.get(tenant, 'User', p.id)).toMatchObject({ version: 2, data: { title: 'fine' } });
      expect(await store.get(tenant, 'User', q.id)).toMatchObject({ version: 1 });
      expect(await store.get(tenant, 'User', r.id)).toMatchObject({ version: 2, data: { title: 'fine' } });
    } finally {
      await store.close();
    }
  }, 60_000);

  it("fails only the update whose onCommitted threw, and calls every other's at the commit", async () => {
    const { store, tenant, users, texts } = await storeWith(['first', 'k', 'l', 'm']);
    const [first, k, l, m] = users as [StoredResource, StoredResource, StoredResource, StoredResource];
    const called: string[] = [];
    const input = (name: string, onCommitted: (stored: StoredResource) => void): UpdateInput => ({
      ...userWrite(name, { title: 't' }),
      ifVersion: 1,
      onCommitted,
    });
    try {
      const answers = await outcomes([
        store.update(tenant, 'User', first.id, { ...userWrite('first', { title: '1' }), ifVersion: 1 }),
        store.update(
          tenant,
          'User',
          k.id,
          input('k', (s) => called.push(`k${s.version}`)),
        ),
        store.update(
          tenant,
          'User',
          l.id,
          input('l', () => {
            throw new Error('a caller of the store');
          }),
        ),
        store.update(
          tenant,
          'User',
          m.id,
          input('m', (s) => called.push(`m${s.version}`)),
        ),
      ]);
      expect(together(texts)).toHaveLength(1);
      expect(answers.map((o) => ('ok' in o ? o.ok.version : 'failed'))).toEqual([2, 2, 'failed', 2]);
      expect(called).toEqual(['k2', 'm2']);
      // Written all the same, as alone: the commit came before the callback.
      expect(await store.get(tenant, 'User', l.id)).toMatchObject({ version: 2 });
    } finally {
      await store.close();
    }
  }, 60_000);

  it("on the store's own pools (prepared statements): 40 updates at once, each answered and stored", async () => {
    const store = postgresStore({
      connectionString: url as string,
      schema: target.schema(),
      maxConnections: 4,
    });
    try {
      await store.open(TYPES);
      const tenant = freshTenant();
      const users = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.create(tenant, 'User', { ...userWrite(`own${i}`), change: { type: 'user.created' } }),
        ),
      );
      for (let round = 1; round <= 3; round++) {
        const answers = await Promise.all(
          users.map((u, i) =>
            store.update(tenant, 'User', u.id, {
              ...userWrite(`own${i}`, { title: `r${round}` }),
              ifVersion: round,
              ...(i % 3 === 0 ? { groups: true } : {}),
            }),
          ),
        );
        for (const [i, stored] of answers.entries()) {
          expect(stored).toMatchObject({ version: round + 1, data: { title: `r${round}` } });
          expect(stored.groups).toEqual(i % 3 === 0 ? [] : undefined);
        }
      }
      const feed = (await store.changes(tenant)).filter((c) => c.type === 'user.updated');
      expect(feed).toHaveLength(120);
      for (const u of users) {
        expect(feed.filter((c) => c.id === u.id).map((c) => c.version)).toEqual([2, 3, 4]);
      }
    } finally {
      await store.close();
    }
  }, 60_000);

  it('pads a batch to 2, 4, 8 or 16 rows: batches of 3 and 4 send one statement text', async () => {
    const { store, tenant, users, texts } = await storeWith([
      's0',
      's1',
      's2',
      's3',
      't0',
      't1',
      't2',
      't3',
      't4',
    ]);
    try {
      const round = (group: readonly StoredResource[]) =>
        Promise.all(
          group.map((u) =>
            store.update(tenant, 'User', u.id, {
              ...userWrite(u.data.userName as string, { title: 'p' }),
              ifVersion: 1,
            }),
          ),
        );
      // One alone, then three together; one alone, then four together.
      const first = await round(users.slice(0, 4));
      const second = await round(users.slice(4));
      expect([...first, ...second].map((u) => u.version)).toEqual(users.map(() => 2));
      expect(together(texts)).toHaveLength(2);
      expect(new Set(together(texts)).size).toBe(1);
      for (const u of users)
        expect(await store.get(tenant, 'User', u.id)).toMatchObject({ version: 2, data: { title: 'p' } });
      expect((await store.changes(tenant)).filter((c) => c.type === 'user.updated')).toHaveLength(9);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('postgresStore on PGlite: updates that wait go together too', () => {
  it('writes each as alone and, with nothing flushed, calls no onCommitted (as alone)', async () => {
    const store = postgresStore({ pglite: target.pglite(), schema: target.schema() });
    await store.open(TYPES);
    const tenant = freshTenant();
    const users: StoredResource[] = [];
    for (const name of ['g0', 'g1', 'g2', 'g3', 'g4', 'g5']) {
      users.push(
        await store.create(tenant, 'User', { ...userWrite(name), change: { type: 'user.created' } }),
      );
    }
    const called: string[] = [];
    const answers = await outcomes(
      users.map((u, i) =>
        store.update(tenant, 'User', u.id, {
          ...userWrite(u.data.userName as string, { title: `g${i}` }),
          ifVersion: i === 3 ? 9 : 1,
          onCommitted: (stored) => called.push(stored.id),
        }),
      ),
    );
    expect(answers.map((o) => ('ok' in o ? o.ok.version : o.status))).toEqual([2, 2, 2, 412, 2, 2]);
    expect(called).toEqual([]);
    const feed = (await store.changes(tenant)).filter((c) => c.type === 'user.updated');
    expect(feed.map((c) => c.id)).toEqual(users.filter((_, i) => i !== 3).map((u) => u.id));
  }, 60_000);
});

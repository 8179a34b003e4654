import { URN } from '@scim/schemas';
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { harness } from '../handler/test-helpers.ts';
import { type PostgresStore, postgresStore } from './postgres.ts';
import { checkRenderedOnly, readEach, renderedUser, word, writeUsers } from './rendering.fixture.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';

// The PostgreSQL store keeps each resource's rendering (migration 7; handler/rendering.ts), as the
// SQLite store does: a read without projection splices it. These tests compare, through the
// handler, the bytes of reads spliced from the renderings with the bytes of the same reads
// rendered from the data (the renderings dropped, as a row written before migration 7 has none).
// On the server on 127.0.0.1:5432 when one answers, else on PGlite.

const target = await postgresTarget();
const { url } = target;

/** A store in a schema of its own, and `sql` to run a statement on that schema behind its back. */
function fresh(): {
  store: PostgresStore;
  schema: string;
  sql: (text: string, values?: unknown[]) => Promise<unknown[]>;
} {
  const schema = target.schema();
  if (url === undefined) {
    const db = target.pglite();
    return {
      store: postgresStore({ pglite: db, schema }),
      schema,
      sql: async (text, values) => (await db.query(text.replaceAll('$s', `"${schema}"`), values)).rows,
    };
  }
  return {
    store: postgresStore({ connectionString: url, schema, maxConnections: 4 }),
    schema,
    sql: async (text, values) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(text.replaceAll('$s', `"${schema}"`), values)).rows;
      } finally {
        await client.end();
      }
    },
  };
}

// The keys of a multi-valued value in jsonb's order (shorter first): see the test of key order.
const user = renderedUser(
  fc.record(
    { type: fc.constantFrom('work', 'home'), value: word, primary: fc.boolean() },
    { requiredKeys: ['value'] },
  ),
);

/** A request's status, ETag and bytes (a cursor, sealed with a fresh nonce each time, by its presence). */
function reader(h: ReturnType<typeof harness>) {
  return async (path: string) => {
    const search = path.endsWith('.search');
    const res = await h.handler(
      new Request(`http://scim.test${path}`, {
        method: search ? 'POST' : 'GET',
        headers: { authorization: 'Bearer token-default', 'content-type': 'application/scim+json' },
        ...(search
          ? {
              body: JSON.stringify({
                schemas: [URN.SearchRequest],
                filter: 'meta.created pr',
                sortBy: 'meta.created',
                count: 6,
                startIndex: 2,
              }),
            }
          : {}),
      }),
    );
    const text = (await res.text()).replace(/"nextCursor":"[^"]*"/, '"nextCursor":"-"');
    return `${res.status} ${res.headers.get('etag')} ${text}`;
  };
}

const renderedCount = async (sql: ReturnType<typeof fresh>['sql']) =>
  Number(
    ((await sql('SELECT COUNT(*) AS n FROM $s.resources WHERE rendered IS NOT NULL')) as { n: string }[])[0]!
      .n,
  );

describe(`postgresStore renderings (${url === undefined ? 'PGlite' : 'server'})`, () => {
  it('splice to the bytes the data renders to, for users in groups, groups, pages and filters', async () => {
    const { store, sql } = fresh();
    const h = harness({}, store);
    const raw = reader(h);
    const paths = await writeUsers(h, user, 25, [
      '/Users',
      '/Groups',
      '/Users?count=3&startIndex=2&sortBy=userName',
      '/Users?count=4&startIndex=9',
      '/Users?cursor=&count=5',
      '/Users/.search',
      '/.search',
    ]);
    expect(await renderedCount(sql)).toBeGreaterThan(25);
    const spliced = await readEach(raw, paths);
    await sql('UPDATE $s.resources SET rendered = NULL');
    const fromData = await readEach(raw, paths);
    expect(spliced).toEqual(fromData);
    expect(spliced.filter((r) => !r.startsWith('200 '))).toEqual([]);
    await store.close();
  }, 120_000);

  it('lists pages that mix rows with, without and with a stale rendering as their data renders', async () => {
    const { store, sql } = fresh();
    const h = harness({}, store);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      ids.push((await h.createUser(`u${(i * 5) % 9}`, { title: `T"${i}`, displayName: `Zoë ${i}` })).id);
    }
    await h.createGroup('G', ids.slice(0, 4));
    const raw = reader(h);
    const paths = [
      '/Users',
      '/Users?count=4',
      '/Users?count=3&startIndex=5',
      '/Users?count=2&startIndex=8&sortBy=userName&sortOrder=descending',
      '/Users?cursor=&count=4',
      '/Users?count=4&attributes=userName,title',
      '/Users?filter=title%20sw%20%22T%22&count=5&startIndex=2',
      `/Users/${ids[3]}`,
      '/Groups',
    ];
    // Without a rendering (written before migration 7), rendered for another schema or format.
    await sql('UPDATE $s.resources SET rendered = NULL WHERE id IN ($1, $2)', [ids[1], ids[6]]);
    await sql(`UPDATE $s.resources SET rendered = 'r0.' || substr(rendered, 4) WHERE id = $1`, [ids[3]]);
    const mixed = await readEach(raw, paths);
    await sql('UPDATE $s.resources SET rendered = NULL');
    const fromData = await readEach(raw, paths);
    expect(mixed).toEqual(fromData);
    expect(mixed.every((r) => r.startsWith('200 '))).toBe(true);
    await store.close();
  }, 60_000);

  it('lists rows with a rendering without their data, and reads a page again for a stale one', async () => {
    const { store, sql } = fresh();
    await checkRenderedOnly(
      harness({}, store),
      async (id) => {
        await sql('UPDATE $s.resources SET rendered = NULL WHERE id = $1', [id]);
      },
      async (id) => {
        await sql(`UPDATE $s.resources SET rendered = 'r0.' || substr(rendered, 4) WHERE id = $1`, [id]);
      },
    );
    await store.close();
  });

  it('keeps a rendering across a member PATCH, drops it on a write without one or of an earlier release', async () => {
    const { store, sql } = fresh();
    const h = harness({}, store);
    const u = await h.createUser('kept', { title: 'T' });
    const g = await h.createGroup('G');
    const renderedOf = async (id: string) =>
      (
        (await sql('SELECT rendered FROM $s.resources WHERE id = $1', [id])) as { rendered: string | null }[]
      )[0]!.rendered;
    const before = await renderedOf(g.id);
    expect(before).toContain('"displayName":"G"');
    const patched = await h.call('PATCH', `/Groups/${g.id}`, {
      schemas: [URN.PatchOp],
      Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }],
    });
    expect(patched.status).toBe(204);
    expect(await renderedOf(g.id)).toBe(before);
    // Answered from the rendering kept (here altered behind the store's back).
    await sql(`UPDATE $s.resources SET rendered = replace(rendered, '"G"', '"H"') WHERE id = $1`, [g.id]);
    expect((await h.call('GET', `/Groups/${g.id}`)).body).toMatchObject({
      displayName: 'H',
      members: [{ value: u.id }],
    });
    await h.call('PUT', `/Users/${u.id}`, { schemas: [URN.User], userName: 'kept', title: 'U' });
    expect(await renderedOf(u.id)).toContain('"title":"U"');
    await sql(
      `UPDATE $s.resources SET rendered = replace(rendered, '"title":"U"', '"title":"W"') WHERE id = $1`,
      [u.id],
    );
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBe('W');
    expect((await h.call('GET', `/Users/${u.id}?attributes=title`)).body.title).toBe('U');
    // A write of an earlier release (a rolling upgrade): the data and version, not the rendering.
    await sql(
      `UPDATE $s.resources SET version = version + 1, data = jsonb_set(data, '{title}', '"X"') WHERE id = $1`,
      [u.id],
    );
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBe('X');
    const listed = await h.call('GET', `/Users?filter=${encodeURIComponent('userName eq "kept"')}`);
    expect(listed.body.Resources[0].title).toBe('X');
    // A write through the store without a rendering (another program, an older server).
    const current = await store.get('default', 'User', u.id);
    await store.update('default', 'User', u.id, {
      data: { ...current!.data, title: 'V' },
      unique: [],
      change: { type: 'user.updated' },
    });
    expect(await renderedOf(u.id)).toBeNull();
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBe('V');
    await store.close();
  }, 60_000);

  it('migrates a schema of the release before (no column): its rows render from their data', async () => {
    const { store: first, schema, sql } = fresh();
    const before = harness({}, first);
    const u = await before.createUser('old', { title: 'T', [URN.EnterpriseUser]: { department: 'D' } });
    const expected = await before.call('GET', `/Users/${u.id}`);
    await first.close();
    // As migration 6 left the schema: no rendering columns (nor migration 8's), 7 not applied.
    await sql('ALTER TABLE $s.resources DROP COLUMN rendered, DROP COLUMN rendered_version');
    await sql('ALTER TABLE $s.changes DROP COLUMN keys_moved');
    await sql('DELETE FROM $s.scim_migrations WHERE version >= 7');
    const store =
      url === undefined
        ? postgresStore({ pglite: target.pglite(), schema })
        : postgresStore({ connectionString: url, schema, maxConnections: 4 });
    const h = harness({}, store);
    const read = await h.call('GET', `/Users/${u.id}`);
    expect(read.body).toEqual(expected.body);
    expect((store as unknown as { migration: unknown }).migration).toEqual({
      from: 6,
      to: 8,
      unreserved: [],
    });
    const row = async () => (await sql('SELECT rendered FROM $s.resources WHERE id = $1', [u.id]))[0];
    expect(await row()).toEqual({ rendered: null });
    await h.call('PATCH', `/Users/${u.id}`, {
      schemas: [URN.PatchOp],
      Operations: [{ op: 'replace', path: 'title', value: 'U' }],
    });
    expect(((await row()) as { rendered: string }).rendered).toContain('"title":"U"');
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBe('U');
    await store.close();
  }, 60_000);

  it('answers a multi-valued value with the keys in the order written, as the write answered it', async () => {
    const { store, sql } = fresh();
    const h = harness({}, store);
    const emails = [{ value: 'a@x', type: 'work', primary: true }];
    const created = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'order', emails });
    const text = async () =>
      (
        await h.handler(
          new Request(`http://scim.test/Users/${created.body.id}`, {
            headers: { authorization: 'Bearer token-default' },
          }),
        )
      ).text();
    const spliced = await text();
    expect(spliced).toContain('"emails":[{"value":"a@x","type":"work","primary":true}]');
    // Rendered from the data, as jsonb keeps it (keys by length): the same JSON, other bytes.
    await sql('UPDATE $s.resources SET rendered = NULL');
    const fromData = await text();
    expect(fromData).toContain('"emails":[{"type":"work","value":"a@x","primary":true}]');
    expect(JSON.parse(spliced)).toEqual(JSON.parse(fromData));
    expect(JSON.parse(spliced)).toEqual(created.body);
    await store.close();
  }, 60_000);

  it('stores the renderings of a bulk import', async () => {
    const { store, sql } = fresh();
    await store.open([{ name: 'User' }]);
    const made = await store.createMany?.('t', 'User', [
      { data: { userName: 'a' }, unique: [], change: { type: 'user.created' }, rendering: 'RA' },
      { data: { userName: 'b' }, unique: [], change: { type: 'user.created' } },
    ]);
    expect(await sql('SELECT rendered FROM $s.resources ORDER BY seq')).toEqual([
      { rendered: 'RA' },
      { rendered: null },
    ]);
    const read = await store.get('t', 'User', made![0]!.id);
    expect(read?.rendering).toBe('RA');
    expect({ ...read, data: read?.data }).toMatchObject({ data: { userName: 'a' }, version: 1 });
    await store.close();
  }, 60_000);
});

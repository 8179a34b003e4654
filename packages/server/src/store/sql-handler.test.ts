import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URN } from '@scim/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { harness } from '../handler/test-helpers.ts';
import { postgresStore } from './postgres.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';
import { sqliteStore } from './sqlite.ts';
import type { ScimStore } from './types.ts';

// The reliability scenarios, through the handler (the path production takes), on the SQL stores.

const target = await postgresTarget();
const { url } = target;
function postgres(schema: string): ScimStore {
  if (url === undefined) return postgresStore({ pglite: target.pglite(), schema });
  return postgresStore({ connectionString: url, schema, maxConnections: 6 });
}
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function casings(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    [...'bjensen@example.com'].map((c, j) => ((i >> (j % 6)) & 1 ? c.toUpperCase() : c)).join(''),
  );
}

const kinds: [string, () => [ScimStore, ScimStore]][] = [
  [
    'sqlite (two handlers on one file)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'scim-handler-'));
      dirs.push(dir);
      return [sqliteStore({ path: join(dir, 'scim.db') }), sqliteStore({ path: join(dir, 'scim.db') })];
    },
  ],
  [
    `postgres (two handlers on one ${url === undefined ? 'PGlite' : 'database'})`,
    () => {
      const s = target.schema();
      return [postgres(s), postgres(s)];
    },
  ],
];

describe.each(kinds)('the handler on %s', (_name, make) => {
  it('answers 50 concurrent POSTs of one userName in different casings with one 201 and 409s', async () => {
    const [a, b] = make();
    const one = harness({}, a);
    const two = harness({}, b);
    const results = await Promise.all(
      casings(50).map((userName, i) =>
        (i % 2 === 0 ? one : two).call('POST', '/Users', { schemas: [URN.User], userName }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.scimType).toBe('uniqueness');
    const list = await one.call('GET', '/Users?filter=userName%20eq%20%22BJENSEN@example.com%22');
    expect(list.body.totalResults).toBe(1);
    await a.close();
    await b.close();
  }, 60_000);

  it('keeps every member when two handlers add 50 members each to one group at once', async () => {
    const [a, b] = make();
    const one = harness({}, a);
    const two = harness({}, b);
    const users = [];
    for (let i = 0; i < 100; i++) users.push(await one.createUser(`member${i}`));
    const group = await one.createGroup('Engineering');
    const results = await Promise.all(
      users.map((u, i) =>
        (i < 50 ? one : two).call('PATCH', `/Groups/${group.id}`, {
          schemas: [URN.PatchOp],
          Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }],
        }),
      ),
    );
    expect(results.map((r) => r.status).every((s) => s === 204)).toBe(true);
    const read = await two.call('GET', `/Groups/${group.id}`);
    expect(new Set(read.body.members.map((m: { value: string }) => m.value))).toEqual(
      new Set(users.map((u) => u.id)),
    );
    const feed = await one.handler.changes('default', { limit: 1000 });
    expect(feed.filter((e) => e.type === 'group.members.added')).toHaveLength(100);
    await a.close();
    await b.close();
  }, 120_000);

  it('two instances PATCH one user 60 times at once without If-Match: every PATCH lands, none is 412', async () => {
    const [a, b] = make();
    const one = harness({}, a);
    const two = harness({}, b);
    const user = await one.createUser('contended');
    const titles = Array.from({ length: 60 }, (_, i) => `title ${i}`);
    const results = await Promise.all(
      titles.map((value, i) =>
        (i % 2 === 0 ? one : two).call('PATCH', `/Users/${user.id}`, {
          schemas: [URN.PatchOp],
          Operations: [{ op: 'replace', path: 'title', value }],
        }),
      ),
    );
    // Conflicts between the two instances are retried within the deadline (never 412).
    expect(results.map((r) => r.status)).toEqual(titles.map(() => 200));
    const read = await two.call('GET', `/Users/${user.id}`);
    expect(read.body.meta.version).toBe('W/"61"');
    expect(titles).toContain(read.body.title);
    const feed = await one.handler.changes('default', { limit: 1000 });
    expect(feed.filter((e) => e.id === user.id)).toHaveLength(61);
    await a.close();
    await b.close();
  }, 60_000);

  it('answers a stale If-Match with 412 and changes nothing', async () => {
    const [a, b] = make();
    const h = harness({}, a);
    const user = await h.createUser('etag');
    const etag = user.meta.version;
    const ok = await h.call(
      'PATCH',
      `/Users/${user.id}`,
      { schemas: [URN.PatchOp], Operations: [{ op: 'replace', path: 'title', value: 'one' }] },
      { 'if-match': etag },
    );
    expect(ok.status).toBe(200);
    const stale = await h.call(
      'PATCH',
      `/Users/${user.id}`,
      { schemas: [URN.PatchOp], Operations: [{ op: 'replace', path: 'title', value: 'two' }] },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(412);
    expect((await h.call('GET', `/Users/${user.id}`)).body.title).toBe('one');
    await a.close();
    await b.close();
  }, 60_000);

  it('treats SQL metacharacters in filters and ids as data', async () => {
    const [a, b] = make();
    const h = harness({}, a);
    await h.createUser("o'brien");
    const q = (filter: string) => h.call('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect((await q(`userName eq "o'brien"`)).body.totalResults).toBe(1);
    expect((await q(`userName eq "x' OR '1'='1"`)).body.totalResults).toBe(0);
    expect((await q(`userName co "%"`)).body.totalResults).toBe(0);
    expect((await q(`userName sw "_"`)).body.totalResults).toBe(0);
    expect((await h.call('GET', `/Users/${encodeURIComponent("1' OR '1'='1")}`)).status).toBe(404);
    expect(
      (await h.call('DELETE', `/Users/${encodeURIComponent('"; DROP TABLE resources; --')}`)).status,
    ).toBe(404);
    expect((await h.call('GET', '/Users')).body.totalResults).toBe(1);
    await a.close();
    await b.close();
  }, 60_000);
});

describe('the handler on sqlite when the database goes away', () => {
  it('answers 503 with Retry-After, stores nothing, and recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-away-'));
    dirs.push(dir);
    const store = sqliteStore({ path: join(dir, 'db', 'scim.db') });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'db'));
    const h = harness({}, store);
    await h.createUser('before');
    store.database.close();
    renameSync(join(dir, 'db'), join(dir, 'away'));
    const down = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'during' });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body.status).toBe('503');
    renameSync(join(dir, 'away'), join(dir, 'db'));
    const list = await h.call('GET', '/Users');
    expect(list.status).toBe(200);
    expect(list.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['before']);
    expect((await h.call('POST', '/Users', { schemas: [URN.User], userName: 'after' })).status).toBe(201);
    await store.close();
  });
});

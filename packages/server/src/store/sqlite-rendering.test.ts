import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { URN } from '@scim/schemas';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { harness } from '../handler/test-helpers.ts';
import { checkRenderedOnly, readEach, renderedUser, word, writeUsers } from './rendering.fixture.ts';
import { sqliteStore } from './sqlite.ts';

// The SQLite store keeps each resource's rendering (migration 7; handler/rendering.ts): a read
// without projection splices it. These tests compare, through the handler, the bytes of reads
// spliced from the renderings with the bytes of the same reads rendered from the data (the
// renderings dropped, as a row written before migration 7 has none).

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function fileStore() {
  const dir = mkdtempSync(join(tmpdir(), 'scim-rendering-'));
  dirs.push(dir);
  return sqliteStore({ path: join(dir, 'scim.db') });
}

const user = renderedUser(
  fc.record(
    { value: word, type: fc.constantFrom('work', 'home'), primary: fc.boolean() },
    { requiredKeys: ['value'] },
  ),
);

describe('sqliteStore renderings', () => {
  it('splice to the bytes the data renders to, for users in groups, groups, pages and filters', async () => {
    const h = harness({}, fileStore());
    const raw = async (path: string) => {
      const res = await h.handler(
        new Request(`http://scim.test${path}`, { headers: { authorization: 'Bearer token-default' } }),
      );
      return `${res.status} ${res.headers.get('etag')} ${await res.text()}`;
    };
    const paths = await writeUsers(h, user, 30, [
      '/Users',
      '/Groups',
      '/Users?count=3&startIndex=2&sortBy=userName',
    ]);
    const db = (h.store as ReturnType<typeof sqliteStore>).database;
    const rendered = db.prepare('SELECT COUNT(*) AS n FROM resources WHERE rendered IS NOT NULL').get() as {
      n: number;
    };
    expect(rendered.n).toBeGreaterThan(30);
    const spliced = await Promise.all(paths.map(raw));
    db.prepare('UPDATE resources SET rendered = NULL').run();
    const fromData = await Promise.all(paths.map(raw));
    expect(spliced).toEqual(fromData);
    expect(spliced.every((r) => r.startsWith('200 '))).toBe(true);
  });

  it('lists pages that mix rows with, without and with a stale rendering as their data renders', async () => {
    const store = fileStore();
    const h = harness({}, store);
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      ids.push((await h.createUser(`u${(i * 5) % 9}`, { title: `T"${i}`, displayName: `Zoë ${i}` })).id);
    }
    await h.createGroup('G', ids.slice(0, 4));
    const raw = async (path: string) => {
      const res = await h.handler(
        new Request(`http://scim.test${path}`, { headers: { authorization: 'Bearer token-default' } }),
      );
      // A cursor is sealed with a fresh nonce each time: compared by its presence.
      return `${res.status} ${(await res.text()).replace(/"nextCursor":"[^"]*"/, '"nextCursor":"-"')}`;
    };
    const paths = [
      '/Users',
      '/Users?count=4',
      '/Users?count=3&startIndex=5',
      '/Users?count=2&startIndex=8&sortBy=userName&sortOrder=descending',
      '/Users?cursor=&count=4',
      '/Users?count=4&attributes=userName,title',
      '/Groups',
    ];
    // Without a rendering (written before migration 7), rendered for another schema or format.
    const db = store.database;
    db.prepare('UPDATE resources SET rendered = NULL WHERE id IN (?, ?)').run(ids[1]!, ids[6]!);
    db.prepare("UPDATE resources SET rendered = 'r0.' || substr(rendered, 4) WHERE id = ?").run(ids[3]!);
    const mixed = await readEach(raw, paths);
    db.prepare('UPDATE resources SET rendered = NULL').run();
    const fromData = await readEach(raw, paths);
    expect(mixed).toEqual(fromData);
    expect(mixed.every((r) => r.startsWith('200 '))).toBe(true);
  });

  it('lists rows with a rendering without their data, and reads a page again for a stale one', async () => {
    const store = fileStore();
    const run = (sql: string, id: string) => {
      store.database.prepare(sql).run(id);
      return Promise.resolve();
    };
    await checkRenderedOnly(
      harness({}, store),
      (id) => run('UPDATE resources SET rendered = NULL WHERE id = ?', id),
      (id) => run("UPDATE resources SET rendered = 'r0.' || substr(rendered, 4) WHERE id = ?", id),
    );
  });

  it('keeps a rendering across a member PATCH and drops it on a write without one', async () => {
    const store = fileStore();
    const h = harness({}, store);
    const u = await h.createUser('kept', { title: 'T' });
    const g = await h.createGroup('G');
    const renderedOf = (id: string) =>
      (
        store.database.prepare('SELECT rendered FROM resources WHERE id = ?').get(id) as {
          rendered: string | null;
        }
      ).rendered;
    const before = renderedOf(g.id);
    expect(before).toContain('"displayName":"G"');
    const patched = await h.call('PATCH', `/Groups/${g.id}`, {
      schemas: [URN.PatchOp],
      Operations: [{ op: 'add', path: 'members', value: [{ value: u.id }] }],
    });
    expect(patched.status).toBe(204);
    expect(renderedOf(g.id)).toBe(before);
    await h.call('PUT', `/Users/${u.id}`, { schemas: [URN.User], userName: 'kept', title: 'U' });
    expect(renderedOf(u.id)).toContain('"title":"U"');
    // A read without projection answers from the rendering (here altered behind the store's back).
    store.database
      .prepare(`UPDATE resources SET rendered = replace(rendered, '"title":"U"', '"title":"W"') WHERE id = ?`)
      .run(u.id);
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBe('W');
    expect((await h.call('GET', `/Users/${u.id}?attributes=title`)).body.title).toBe('U');
    // A write through the store without a rendering (another program, an older server).
    const current = await store.get('default', 'User', u.id);
    await store.update('default', 'User', u.id, {
      data: { ...current!.data, title: 'V' },
      unique: [],
      change: { type: 'user.updated' },
    });
    expect(renderedOf(u.id)).toBeNull();
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBe('V');
  });

  it('migrates a file of the release before (no column): its rows render from their data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-rendering-'));
    dirs.push(dir);
    const path = join(dir, 'scim.db');
    const first = sqliteStore({ path });
    const before = harness({}, first);
    const u = await before.createUser('old', { title: 'T', [URN.EnterpriseUser]: { department: 'D' } });
    const expected = await before.call('GET', `/Users/${u.id}`);
    // As migration 6 left the file: no `rendered` column, migrations 7 and 8 not applied.
    first.database.exec(
      'ALTER TABLE resources DROP COLUMN rendered; ALTER TABLE changes DROP COLUMN keys_moved; DELETE FROM scim_migrations WHERE version >= 7',
    );
    await first.close();
    const store = sqliteStore({ path });
    const h = harness({}, store);
    const read = await h.call('GET', `/Users/${u.id}`);
    expect(read.body).toEqual(expected.body);
    expect((store as unknown as { migration: unknown }).migration).toEqual({
      from: 6,
      to: 10,
      unreserved: [],
    });
    const row = () => store.database.prepare('SELECT rendered FROM resources WHERE id = ?').get(u.id);
    expect(row()).toEqual({ rendered: null });
    await h.call('PATCH', `/Users/${u.id}`, {
      schemas: [URN.PatchOp],
      Operations: [{ op: 'replace', path: 'title', value: 'U' }],
    });
    expect((row() as { rendered: string }).rendered).toContain('"title":"U"');
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBe('U');
  });
});

import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Worker } from 'node:worker_threads';
import { foldCase } from '@scim/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { freshTenant } from './contract.ts';
import { type SqliteStore, sqliteStore } from './sqlite.ts';
import type { SqliteCheckpointer } from './sqlite-checkpointer.ts';

// The SQLite store's checkpoint thread (issue 14, "no request stalls the others"): SQLite's WAL
// checkpoint ran inside the commit that crossed 4,000 pages, on the event loop (22 to 30 ms).

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scim-checkpoint-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const TYPES = [{ name: 'User' }];
const user = (userName: string) => ({
  data: {
    userName,
    emails: Array.from({ length: 20 }, (_, j) => ({ value: `${userName}.${j}@example.org` })),
  },
  unique: [{ attribute: 'userName', value: foldCase(userName) }],
  change: { type: 'user.created' },
});

interface Internals {
  checkpointer: SqliteCheckpointer | undefined;
  walLimitPages: number;
}
const internals = (store: SqliteStore) => store as unknown as Internals;
const checkpointer = (store: SqliteStore) => internals(store).checkpointer as SqliteCheckpointer;

/** The users in the database file alone, without its `-wal`: what checkpoints copied there. */
function usersInFile(path: string): number {
  const copy = `${path}.copy-${Math.random().toString(36).slice(2)}`;
  copyFileSync(path, copy);
  const db = new DatabaseSync(copy, { readOnly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM resources').get() as { n: number }).n;
  } finally {
    db.close();
    rmSync(copy, { force: true });
  }
}

/** Waits until `test` holds, polling every 10 ms, for up to `ms`; false if it never did. */
async function eventually(test: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

function autocheckpoint(store: SqliteStore): number {
  return (store.database.prepare('PRAGMA wal_autocheckpoint').get() as { wal_autocheckpoint: number })
    .wal_autocheckpoint;
}

// Each waits for a checkpoint or two, due a second after a write: longer than a test's default 5 s on a
// loaded machine.
describe('sqliteStore: WAL checkpoints on a thread', { timeout: 30_000 }, () => {
  it('copies the log into the file from its thread; the handle keeps SQLite own checkpoint only as a far bound', async () => {
    const path = join(tempDir(), 'scim.db');
    const store = sqliteStore({ path });
    await store.open(TYPES);
    // 16,000 pages: the thread keeps the log far below; the handle never reaches it.
    expect(autocheckpoint(store)).toBe(16_000);
    const t = freshTenant();
    for (let i = 0; i < 30; i++) await store.create(t, 'User', user(`u${i}`));
    await checkpointer(store).settled();
    expect(checkpointer(store).started).toBe(1);
    expect(checkpointer(store).checkpoints).toBeGreaterThanOrEqual(1);
    const last = checkpointer(store).last;
    expect(last?.log).toBeGreaterThan(0);
    expect(last?.checkpointed).toBe(last?.log);
    // 30 creates are far from the 4,000 pages at which SQLite would have checkpointed on its own.
    expect(usersInFile(path)).toBe(30);
    await store.close();
  });

  it('starts the log anew once the thread copied it: the -wal stays the size of a few writes', async () => {
    const path = join(tempDir(), 'scim.db');
    const store = sqliteStore({ path });
    await store.open(TYPES);
    const t = freshTenant();
    let wal = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 25; i++) await store.create(t, 'User', user(`r${round}u${i}`));
      await checkpointer(store).settled();
      wal = Math.max(wal, statSync(`${path}-wal`).size);
    }
    // 125 creates write some 4,500 pages (18 MB) of log; 25 of them, some 900 pages.
    const pages = wal / 4120;
    expect(pages).toBeLessThan(1500);
    expect(usersInFile(path)).toBe(125);
    await store.close();
  });

  it('keeps the log bounded when the thread stalls: past the bound, SQLite checkpoints as before', async () => {
    const path = join(tempDir(), 'scim.db');
    const store = sqliteStore({ path });
    internals(store).walLimitPages = 64;
    checkpointer(store).entry = new URL('./sqlite-checkpoint.fixture.ts', import.meta.url);
    await store.open(TYPES);
    expect(autocheckpoint(store)).toBe(64);
    const t = freshTenant();
    await store.create(t, 'User', user('s0'));
    // The thread takes the first checkpoint, and never answers.
    expect(await eventually(() => checkpointer(store).started === 1)).toBe(true);
    for (let i = 1; i < 150; i++) await store.create(t, 'User', user(`s${i}`));
    expect(checkpointer(store).checkpoints).toBe(0);
    // Some 3,000 pages written; the log never held much more than the bound and one write.
    expect(statSync(`${path}-wal`).size / 4120).toBeLessThan(200);
    expect(usersInFile(path)).toBeGreaterThan(100);
    await store.close();
    expect(usersInFile(path)).toBe(150);
  });

  it('holds the next write until the checkpoint that finishes the log has answered', async () => {
    const path = join(tempDir(), 'scim.db');
    const store = sqliteStore({ path });
    checkpointer(store).entry = new URL('./sqlite-checkpoint-hold.fixture.ts', import.meta.url);
    checkpointer(store).holdMs = 60_000;
    await store.open(TYPES);
    const t = freshTenant();
    await store.create(t, 'User', user('h0'));
    // The first checkpoint answered; the second (the fixture answers it when told) holds the writes.
    expect(await eventually(() => checkpointer(store).held !== undefined)).toBe(true);
    const events: string[] = [];
    const written = store.create(t, 'User', user('h1')).then(() => events.push('written'));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual([]);
    events.push('released');
    (checkpointer(store) as unknown as { worker: Worker }).worker.postMessage({ release: true });
    await written;
    expect(events).toEqual(['released', 'written']);
    expect(checkpointer(store).held).toBeUndefined();
    await store.close();
  });

  it('checkpoints on the event loop as SQLite does when the thread cannot start', async () => {
    const path = join(tempDir(), 'scim.db');
    const store = sqliteStore({ path });
    checkpointer(store).entry = new URL('./no-such-checkpoint-module.ts', import.meta.url);
    await store.open(TYPES);
    await store.create(freshTenant(), 'User', user('a'));
    await checkpointer(store).settled();
    expect(checkpointer(store).unusable).toBeDefined();
    expect(autocheckpoint(store)).toBe(4000);
    await store.close();
  });

  it('on close, ends the thread and the handle checkpoints the rest and removes the log', async () => {
    const path = join(tempDir(), 'scim.db');
    const store = sqliteStore({ path });
    await store.open(TYPES);
    const t = freshTenant();
    for (let i = 0; i < 40; i++) await store.create(t, 'User', user(`c${i}`));
    // A checkpoint is due (or running) when the store closes.
    await store.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(usersInFile(path)).toBe(40);
  });

  it('loses nothing with two stores on one file, each with its thread', async () => {
    const path = join(tempDir(), 'scim.db');
    const a = sqliteStore({ path });
    const b = sqliteStore({ path });
    await a.open(TYPES);
    await b.open(TYPES);
    const t = freshTenant();
    for (let i = 0; i < 60; i++) {
      await Promise.all([a.create(t, 'User', user(`a${i}`)), b.create(t, 'User', user(`b${i}`))]);
      if (i % 20 === 19) await Promise.all([checkpointer(a).settled(), checkpointer(b).settled()]);
    }
    expect(checkpointer(a).checkpoints + checkpointer(b).checkpoints).toBeGreaterThanOrEqual(2);
    expect((await a.list(t, { resourceType: 'User', startIndex: 1, count: 1 })).totalResults).toBe(120);
    await a.close();
    expect((await b.list(t, { resourceType: 'User', startIndex: 1, count: 1 })).totalResults).toBe(120);
    await b.close();
    expect(usersInFile(path)).toBe(120);
    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();
  });

  it('never opens a file put in place of the store one: the checkpoint due is skipped', async () => {
    const dir = tempDir();
    const path = join(dir, 'scim.db');
    const store = sqliteStore({ path });
    await store.open(TYPES);
    await store.create(freshTenant(), 'User', user('r'));
    // Another database moved over the path before the checkpoint due a second after the write.
    const other = join(dir, 'other.db');
    const db = new DatabaseSync(other);
    db.exec('PRAGMA journal_mode = DELETE; CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    db.close();
    const size = statSync(other).size;
    renameSync(other, path);
    await checkpointer(store).settled();
    expect(checkpointer(store).checkpoints).toBe(1);
    // Nothing checkpointed, nothing opened: no log was made for the file now at the path.
    expect(checkpointer(store).last).toBeUndefined();
    expect(statSync(path).size).toBe(size);
    await store.close().catch(() => undefined);
  });

  it('has no thread for a database in memory', async () => {
    const store = sqliteStore({ path: ':memory:' });
    await store.open(TYPES);
    await store.create(freshTenant(), 'User', user('m'));
    expect(internals(store).checkpointer).toBeUndefined();
    await store.close();
  });
});

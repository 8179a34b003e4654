import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { URN } from '@scim/schemas';
import { afterAll, describe, expect, it } from 'vitest';
import { bearerTokens } from '../auth/bearer.ts';
import { hashToken } from '../auth/tokens.ts';
import { harness } from '../handler/test-helpers.ts';
import { failure, freshTenant, query } from './contract.ts';
import { makeReadOnly, makeWritable, readOnlyMethod } from './read-only.fixture.ts';
import { sqliteStore } from './sqlite.ts';

// The SQLite store under the faults of issue 11: its file deleted, replaced, made read-only, its
// write lock held by another process. Each case fails on the store before the fix.

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scim-sqlite-faults-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) {
    for (const f of existsSync(d) ? readdirSync(d) : []) makeWritable(join(d, f));
    rmSync(d, { recursive: true, force: true });
  }
});

const TYPES = [{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }];
const user = (userName: string) => ({
  data: { userName },
  unique: [{ attribute: 'userName', value: userName.toLowerCase() }],
  change: { type: 'user.created' },
});

/** A logger that keeps its lines. */
function recordingLogger() {
  const lines: { level: string; object: Record<string, unknown>; message: string | undefined }[] = [];
  const at = (level: string) => (object: object, message?: string) =>
    lines.push({ level, object: object as Record<string, unknown>, message });
  return { lines, error: at('error'), info: at('info'), warn: at('warn') };
}

function userNames(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (
      db.prepare("SELECT json_extract(data, '$.userName') AS n FROM resources ORDER BY seq").all() as {
        n: string;
      }[]
    ).map((r) => r.n);
  } finally {
    db.close();
  }
}

const token = (id: string) => ({
  id,
  tenant: 'default',
  hash: hashToken(`scim_${id}_secret`),
  created: new Date().toISOString(),
});

describe('sqliteStore: its file deleted or replaced while open', () => {
  it('answers 503 with Retry-After and fails /health instead of writing into the deleted file; a rescued copy holds every acknowledged write', async () => {
    const dir = tempDir();
    const path = join(dir, 'scim.db');
    const logger = recordingLogger();
    const store = sqliteStore({ path, logger });
    const h = harness({}, store);
    await h.handler.ready;
    const acknowledged = [];
    for (const name of ['ada', 'grace', 'edsger']) acknowledged.push((await h.createUser(name)).id);
    await store.tokens.insert(token('0123456789abcdef'));

    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });

    const write = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'lost' });
    expect(write.status).toBe(503);
    expect(write.headers.get('retry-after')).toBe('5');
    expect(write.body.status).toBe('503');
    const health = await h.call('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('5');
    expect((await failure(store.tokens.insert(token('fedcba9876543210')))).status).toBe(503);
    expect((await h.call('GET', `/Users/${acknowledged[0]}`)).status).toBe(503);
    // The store never creates an empty database in its place (that would hide the loss).
    expect(existsSync(path)).toBe(false);

    // One line for the cause, however many requests failed; it names the rescued copy.
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    const rescued = String(errors[0]?.object.rescued);
    expect(rescued.startsWith(`${path}.rescued-`)).toBe(true);
    expect(userNames(rescued)).toEqual(['ada', 'grace', 'edsger']);

    // The operator restores the copy: the store opens it, with every user and the token.
    renameSync(rescued, path);
    expect((await h.call('GET', '/health')).status).toBe(200);
    expect((await h.call('GET', `/Users/${acknowledged[2]}`)).body.userName).toBe('edsger');
    expect(await store.tokens.findByHash(hashToken('scim_0123456789abcdef_secret'))).toBeDefined();
    await h.createUser('after');
    expect(logger.lines.filter((l) => l.level === 'info')).toHaveLength(1);
    await store.close();
  });

  it('only the database file deleted: its stale -wal is removed, so a restored copy is read as it is', async () => {
    const dir = tempDir();
    const path = join(dir, 'scim.db');
    const store = sqliteStore({ path });
    await store.open(TYPES);
    const t = freshTenant();
    await store.create(t, 'User', user('ada'));
    rmSync(path);
    expect((await failure(store.create(t, 'User', user('lost')))).status).toBe(503);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const rescued = readdirSync(dir).filter((f) => f.startsWith('scim.db.rescued-'));
    renameSync(join(dir, rescued[0] as string), path);
    await store.create(t, 'User', user('back'));
    expect(userNames(path)).toEqual(['ada', 'back']);
    await store.close();
  });

  it('notices a file replaced under it: 503 once (the old file rescued), then serves the new file', async () => {
    const dir = tempDir();
    const path = join(dir, 'scim.db');
    const other = sqliteStore({ path: join(dir, 'other.db') });
    await other.open(TYPES);
    const t = freshTenant();
    await other.create(t, 'User', user('from-the-backup'));
    await other.close();
    const store = sqliteStore({ path });
    await store.open(TYPES);
    await store.create(t, 'User', user('before'));

    renameSync(join(dir, 'other.db'), path);
    expect(await failure(store.create(t, 'User', user('during')))).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5' },
    });
    const rescued = readdirSync(dir).filter((f) => f.startsWith('scim.db.rescued-'));
    expect(rescued).toHaveLength(1);
    expect(userNames(join(dir, rescued[0] as string))).toEqual(['before']);
    await store.create(t, 'User', user('after'));
    const page = await store.list(t, { resourceType: 'User', startIndex: 1, count: 10 });
    expect(page.resources.map((r) => r.data.userName)).toEqual(['from-the-backup', 'after']);
    await store.close();
  });

  it('its reader threads read the new file once the store has noticed the replacement', async () => {
    const dir = tempDir();
    const path = join(dir, 'scim.db');
    const other = sqliteStore({ path: join(dir, 'other.db') });
    await other.open(TYPES);
    const t = freshTenant();
    await other.create(t, 'User', user('from-the-backup'));
    await other.close();
    const store = sqliteStore({ path });
    await store.open(TYPES);
    await store.create(t, 'User', user('before'));
    // A filter without an index: it runs on a reader thread, which keeps its connection.
    const scan = async () =>
      (
        await store.list(t, {
          resourceType: 'User',
          filter: query('userName co "e"'),
          startIndex: 1,
          count: 10,
        })
      ).resources.map((r) => r.data.userName);
    expect(await scan()).toEqual(['before']);

    renameSync(join(dir, 'other.db'), path);
    expect((await failure(store.create(t, 'User', user('during')))).status).toBe(503);
    expect(await scan()).toEqual(['from-the-backup']);
    await store.close();
  }, 60_000);

  // Review of issue 11: a 0-byte file is a valid empty database to SQLite, and a foreign SQLite file
  // opens too; the store migrated either into an empty SCIM database and /health answered 200
  // with every user and token gone (`scim-server start`: `: > scim.db` after an `rm`).
  for (const [what, put] of [
    ['an empty (0-byte) file', (path: string) => writeFileSync(path, '')],
    [
      'a SQLite database of another application',
      (path: string) => {
        const db = new DatabaseSync(path);
        db.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY)');
        db.close();
      },
    ],
  ] as const) {
    it(`never turns ${what} put in place of its database into an empty SCIM database: 503 and /health 503`, async () => {
      const dir = tempDir();
      const path = join(dir, 'scim.db');
      const store = sqliteStore({ path });
      const h = harness({}, store);
      await h.createUser('ada');
      await store.tokens.insert(token('0123456789abcdef'));
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      put(path);
      // The first request notices the replacement (503); the ones after must not find an empty store.
      for (let i = 0; i < 3; i++) {
        const write = await h.call('POST', '/Users', { schemas: [URN.User], userName: `lost${i}` });
        expect(write.status).toBe(503);
        expect((await h.call('GET', '/health')).status).toBe(503);
      }
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
        expect(tables.map((t) => t.name)).not.toContain('resources');
      } finally {
        db.close();
      }
      await store.close();
    });
  }

  // Review of issue 11: the file emptied in place (same inode, so no identity change): every
  // request answered 500 "database disk image is malformed" while /health answered 200.
  it('a database file truncated in place: requests answer 503, never 500, and /health fails', async () => {
    const path = join(tempDir(), 'scim.db');
    const first = sqliteStore({ path });
    const u = await harness({}, first).createUser('ada');
    await first.close(); // its pages are in the file now
    const store = sqliteStore({ path });
    const h = harness({}, store);
    expect((await h.call('GET', '/health')).status).toBe(200);
    truncateSync(path, 0);
    const write = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'after' });
    expect(write.status).toBe(503);
    expect(write.headers.get('retry-after')).toBe('5');
    expect((await h.call('GET', `/Users/${u.id}`)).status).toBe(503);
    expect((await h.call('GET', '/health')).status).toBe(503);
    await store.close();
  });

  it('a database file truncated or overwritten in place: /health fails first, the cause is logged once', async () => {
    for (const damage of [
      (path: string) => truncateSync(path, 0),
      (path: string) =>
        writeFileSync(path, 'not a database at all, but quite long enough to be read'.repeat(100)),
    ]) {
      const path = join(tempDir(), 'scim.db');
      const first = sqliteStore({ path });
      const u = await harness({}, first).createUser('ada');
      await first.close();
      const logger = recordingLogger();
      const store = sqliteStore({ path, logger });
      const h = harness({}, store);
      expect((await h.call('GET', '/health')).status).toBe(200);
      damage(path);
      const health = await h.call('GET', '/health');
      expect(health.status).toBe(503);
      expect(health.headers.get('retry-after')).toBe('5');
      for (let i = 0; i < 3; i++) expect((await h.call('GET', `/Users/${u.id}`)).status).toBe(503);
      expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
      await store.close();
    }
  });

  it("never migrates another application's SQLite database, not even on first open: 503 naming the file, the file untouched", async () => {
    const path = join(tempDir(), 'invoices.db');
    const foreign = new DatabaseSync(path);
    foreign.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (1)');
    foreign.close();
    const logger = recordingLogger();
    const store = sqliteStore({ path, logger });
    const refused = (await failure(store.open(TYPES))) as { status: number; message?: string };
    expect(refused.status).toBe(503);
    expect(refused.message).toContain("another application's database");
    expect(refused.message).toContain(path);
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      expect(tables.map((t) => t.name)).toEqual(['invoices']);
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'delete' });
    } finally {
      db.close();
    }
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    await store.close();
  });

  it('a deleted -wal: its commits are checkpointed into the file, so another process sees every acknowledged write', async () => {
    const path = join(tempDir(), 'scim.db');
    const store = sqliteStore({ path });
    await store.open(TYPES);
    const t = freshTenant();
    await store.create(t, 'User', user('one'));
    await store.create(t, 'User', user('two'));
    rmSync(`${path}-wal`);
    rmSync(`${path}-shm`);
    // The next write notices, checkpoints through the old handle, reopens, and goes on.
    await store.create(t, 'User', user('three'));
    expect(existsSync(`${path}-wal`)).toBe(true);
    // While the store still runs (as after a crash of it, nothing is left in an unlinked log).
    expect(userNames(path)).toEqual(['one', 'two', 'three']);
    await store.close();
  });
});

const readOnly = readOnlyMethod(tempDir());

describe('sqliteStore: a file made read-only, then writable again', () => {
  it.skipIf('skip' in readOnly)(
    `recovers by itself (it reopens its handle) and logs the cause once (${'skip' in readOnly ? readOnly.skip : readOnly.method})`,
    async () => {
      const path = join(tempDir(), 'scim.db');
      const first = sqliteStore({ path });
      await first.open(TYPES);
      const t = freshTenant();
      await first.create(t, 'User', user('kept'));
      await first.close();

      makeReadOnly(path);
      const logger = recordingLogger();
      const store = sqliteStore({ path, logger });
      await store.open(TYPES);
      // Reads work from a read-only file; writes answer 503.
      expect((await store.list(t, { resourceType: 'User', startIndex: 1, count: 10 })).totalResults).toBe(1);
      for (const name of ['a', 'b', 'c']) {
        expect(await failure(store.create(t, 'User', user(name)))).toMatchObject({
          status: 503,
          headers: { 'retry-after': '5' },
        });
        // Reads in between still work, and do not end (nor log again) the write fault.
        expect((await store.get(t, 'User', 'none')) ?? 'none').toBe('none');
        await store.ping();
      }
      makeWritable(path);
      await store.create(t, 'User', user('d'));
      expect((await store.list(t, { resourceType: 'User', startIndex: 1, count: 10 })).totalResults).toBe(2);
      expect(logger.lines.map((l) => l.level)).toEqual(['error', 'info']);
      expect(String(logger.lines[0]?.message)).toMatch(/readonly/);
      await store.close();
    },
  );
});

/** A child process that holds the write lock of `path` until told to let go. */
async function lockHolder(path: string) {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(process.argv[1]);
    db.exec('PRAGMA busy_timeout = 10000');
    db.exec('BEGIN IMMEDIATE');
    db.exec("INSERT INTO scim_migrations (version, applied_at) VALUES (1000, 'held')");
    console.log('locked');
    process.stdin.once('data', () => {
      db.exec('ROLLBACK');
      db.close();
      console.log('released');
    });`;
  const child = spawn(process.execPath, ['-e', script, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
    });
  expect(await next()).toBe('locked');
  return {
    release: async () => {
      child.stdin.end('go\n');
      expect(await next()).toBe('released');
      await new Promise((resolve) => child.once('exit', resolve));
    },
    kill: () => child.kill(),
  };
}

describe('sqliteStore: another process holds the write lock', () => {
  it('a waiting write does not stall other requests; it succeeds (or answers 503) once the lock is released', async () => {
    const path = join(tempDir(), 'scim.db');
    // Long enough that the write outlasts the other requests below even on a slow machine.
    const store = sqliteStore({ path, busyTimeoutMs: 10_000 });
    const h = harness({}, store);
    await h.createUser('present');
    const holder = await lockHolder(path);
    try {
      let entered!: () => void;
      const reached = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const create = store.create.bind(store);
      store.create = (...args) => {
        entered();
        return create(...args);
      };
      let settled = false;
      const write = h.call('POST', '/Users', { schemas: [URN.User], userName: 'waiting' }).finally(() => {
        settled = true;
      });
      await reached;
      // While the write waits for the lock, the event loop serves everything else.
      expect((await h.call('GET', '/health')).status).toBe(200);
      expect((await h.call('GET', '/ServiceProviderConfig')).status).toBe(200);
      const read = await h.call('GET', '/Users?filter=userName eq "present"');
      expect(read.body.totalResults).toBe(1);
      expect(settled).toBe(false);
      await holder.release();
      const done = await write;
      expect([201, 503]).toContain(done.status);
      const found = await h.call('GET', '/Users?filter=userName eq "waiting"');
      expect(found.body.totalResults).toBe(done.status === 201 ? 1 : 0);
      if (done.status === 503) expect(done.headers.get('retry-after')).toBe('5');
    } finally {
      holder.kill();
      await store.close();
    }
  }, 30_000);

  // Review of issue 11: bearerTokens writes a token's lastUsed (at most once a minute) before the
  // request runs; while another process holds the write lock that write waited busyTimeoutMs
  // (5 s by default), and, failing, was tried again by every request: reads, /health aside, all
  // waited for the lock (measured behind `scim-server start`: GET /Users 5.0 s, then 2.5 s).
  it("an authenticated read does not wait for the write lock (the token's lastUsed update included)", async () => {
    const path = join(tempDir(), 'scim.db');
    // Longer than the test's timeout: a read that waits for the lock fails the test by timing out
    // (the lock holder exits with this process if the test is abandoned).
    const store = sqliteStore({ path, busyTimeoutMs: 60_000 });
    const h = harness({ authenticate: bearerTokens({ tokens: store.tokens }) }, store);
    await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
    await store.tokens.insert(token('0123456789abcdef'));
    const auth = { authorization: 'Bearer scim_0123456789abcdef_secret' };
    expect((await h.call('POST', '/Users', { schemas: [URN.User], userName: 'present' }, auth)).status).toBe(
      201,
    );
    await store.tokens.update('default', '0123456789abcdef', { lastUsed: '2000-01-01T00:00:00.000Z' });
    const holder = await lockHolder(path);
    try {
      const read = await h.call('GET', '/Users?filter=userName eq "present"', undefined, auth);
      expect(read.status).toBe(200);
      expect(read.body.totalResults).toBe(1);
    } finally {
      await holder.release();
      holder.kill();
      await store.close();
    }
  }, 20_000);

  it('answers 503 with Retry-After once the lock outlasts busyTimeoutMs, logged once', async () => {
    const path = join(tempDir(), 'scim.db');
    const logger = recordingLogger();
    const store = sqliteStore({ path, busyTimeoutMs: 100, logger });
    await store.open(TYPES);
    const holder = await lockHolder(path);
    const t = freshTenant();
    try {
      for (const name of ['a', 'b']) {
        expect(await failure(store.create(t, 'User', user(name)))).toMatchObject({
          status: 503,
          headers: { 'retry-after': '5' },
        });
      }
      expect(logger.lines.map((l) => l.message)).toEqual([
        'the SQLite database is locked by another process',
      ]);
      await holder.release();
      await store.create(t, 'User', user('a'));
    } finally {
      holder.kill();
      await store.close();
    }
  }, 30_000);
});

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldCase } from '@scim/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { harness } from '../handler/test-helpers.ts';
import { failure, freshTenant, query } from './contract.ts';
import { sqliteStore } from './sqlite.ts';
import type { ListJob } from './sqlite-read.ts';
import { ReaderError, readerExecArgv, SqliteReaders } from './sqlite-readers.ts';
import type { ScimStore } from './types.ts';

// The SQLite store's reader threads (issue 14, "no request stalls the others"): scans run off the
// event loop, lookups stay on it, and the pool bounds what a runaway reader can hold.

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scim-readers-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const TYPES = [{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }];
const user = (userName: string, emails = 0) => ({
  data: {
    userName,
    ...(emails === 0
      ? {}
      : { emails: Array.from({ length: emails }, (_, j) => ({ value: `${userName}.${j}@example.org` })) }),
  },
  unique: [{ attribute: 'userName', value: foldCase(userName) }],
  change: { type: 'user.created' },
});

/** Ten users of 1,000 emails, and a filter of 50 substring tests on them: a long scan. */
async function longScan(store: ScimStore, tenant: string) {
  for (let i = 0; i < 10; i++) await store.create(tenant, 'User', user(`wide${i}`, 1000));
  return query(Array.from({ length: 50 }, (_, k) => `emails.value co "zz${k}"`).join(' or '));
}

/** The reader threads of a store. */
const pool = (store: ScimStore) => (store as unknown as { readers: SqliteReaders }).readers;
/** How many reader threads a store started. */
const started = (store: ScimStore) => pool(store).started;

/** Waits until `test` holds, polling every 10 ms, for up to `ms`; false if it never did. */
async function eventually(test: () => boolean, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (!test()) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** Open file descriptors of this process (Linux), or `undefined` elsewhere. */
function openFiles(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

describe('sqliteStore: reader threads', () => {
  it('runs a long scan on a reader thread: pings answer while it runs, not after', async () => {
    const store = sqliteStore({ path: join(tempDir(), 'scim.db'), queryTimeoutMs: 0 });
    await store.open(TYPES);
    const t = freshTenant();
    const filter = await longScan(store, t);
    const order: string[] = [];
    const listing = store
      .list(t, { resourceType: 'User', filter, startIndex: 1, count: 10 })
      .then((page) => order.push(`list ${page.totalResults}`));
    // On the event loop the scan would have run to its end before this line.
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 3; i++) {
      await store.ping();
      order.push('ping');
    }
    await listing;
    expect(order).toEqual(['ping', 'ping', 'ping', 'list 0']);
    await store.close();
  }, 60_000);

  it('through the handler: /health answers while a long filter is in flight', async () => {
    const store = sqliteStore({ path: join(tempDir(), 'scim.db'), queryTimeoutMs: 0 });
    const h = harness({}, store);
    await store.open(TYPES);
    const filter = Array.from({ length: 50 }, (_, k) => `emails.value co "zz${k}"`).join(' or ');
    for (let i = 0; i < 10; i++) await store.create('default', 'User', user(`wide${i}`, 1000));
    // Resolved when the handler hands the query to the store (it authenticates and parses first).
    const entered = new Promise<void>((resolve) => {
      const list = store.list.bind(store);
      store.list = (...args) => {
        resolve();
        return list(...args);
      };
    });
    const order: string[] = [];
    const listing = h
      .call('GET', `/Users?filter=${encodeURIComponent(filter)}`)
      .then((r) => order.push(`list ${r.status}`));
    await entered;
    // On the event loop the query (and the rest of its request) would have ended by now.
    await new Promise((resolve) => setImmediate(resolve));
    const health = await h.call('GET', '/health');
    order.push(`health ${health.status}`);
    await listing;
    expect(order).toEqual(['health 200', 'list 200']);
    await store.close();
  }, 60_000);

  it('keeps lookups and short pages on the event loop and sends scans to a reader, with the same results', async () => {
    const store = sqliteStore({ path: join(tempDir(), 'scim.db') });
    await store.open(TYPES);
    const t = freshTenant();
    const a = await store.create(t, 'User', user('alice', 2));
    await store.create(t, 'User', user('bob', 2));
    const names = async (filter?: string, count = 10) =>
      (
        await store.list(t, {
          resourceType: 'User',
          ...(filter === undefined ? {} : { filter: query(filter) }),
          startIndex: 1,
          count,
        })
      ).resources.map((r) => r.data.userName);
    expect(await names('userName eq "ALICE"')).toEqual(['alice']);
    expect(await names('emails.value eq "bob.1@example.org"')).toEqual(['bob']);
    expect(await names(`id eq "${a.id}"`)).toEqual(['alice']);
    expect(await names()).toEqual(['alice', 'bob']);
    expect((await store.get(t, 'User', a.id))?.data.userName).toBe('alice');
    expect(started(store)).toBe(0);
    expect(await names('emails.value co "B.1@"')).toEqual(['bob']);
    expect(await names('userName pr', 1000)).toEqual(['alice', 'bob']);
    expect(started(store)).toBe(1);
    await store.close();
  }, 60_000);

  it('opens a file: URI read-only on its readers, whatever mode it names', async () => {
    const path = join(tempDir(), 'scim.db');
    const store = sqliteStore({ path: `file:${path}?mode=rwc` });
    await store.open(TYPES);
    const t = freshTenant();
    await store.create(t, 'User', user('carol'));
    const page = await store.list(t, {
      resourceType: 'User',
      filter: query('userName co "aro"'),
      startIndex: 1,
      count: 10,
    });
    expect(page.resources.map((r) => r.data.userName)).toEqual(['carol']);
    expect(started(store)).toBe(1);
    await store.close();
  }, 60_000);

  it('answers 503 (not a stall) when every reader is busy longer than busyTimeoutMs', async () => {
    const store = sqliteStore({
      path: join(tempDir(), 'scim.db'),
      queryTimeoutMs: 0,
      readers: 1,
      busyTimeoutMs: 20,
    });
    await store.open(TYPES);
    const t = freshTenant();
    const filter = await longScan(store, t);
    const long = store.list(t, { resourceType: 'User', filter, startIndex: 1, count: 10 });
    const waiting = await failure(store.list(t, { resourceType: 'User', filter, startIndex: 1, count: 10 }));
    expect(waiting).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
    expect((await long).totalResults).toBe(0);
    await store.close();
  }, 60_000);
});

describe('sqliteStore: idle reader threads end', () => {
  const scan = async (store: ScimStore, t: string) =>
    (
      await store.list(t, {
        resourceType: 'User',
        filter: query('userName co "ar"'),
        startIndex: 1,
        count: 10,
      })
    ).resources.map((r) => r.data.userName);

  it('ends a reader idle for readerIdleTimeoutMs, and the next scan starts one again', async () => {
    const store = sqliteStore({ path: join(tempDir(), 'scim.db'), readerIdleTimeoutMs: 50 });
    await store.open(TYPES);
    const t = freshTenant();
    await store.create(t, 'User', user('carol'));
    await store.create(t, 'User', user('mark'));
    expect(await scan(store, t)).toEqual(['carol', 'mark']);
    expect(started(store)).toBe(1);
    expect(await eventually(() => pool(store).running === 0)).toBe(true);
    await store.create(t, 'User', user('barbara'));
    expect(await scan(store, t)).toEqual(['carol', 'mark', 'barbara']);
    expect(started(store)).toBe(2);
    await store.close();
  }, 60_000);

  it('closes the ended reader’s connection (no file left open per restart)', async () => {
    const store = sqliteStore({ path: join(tempDir(), 'scim.db'), readerIdleTimeoutMs: 20 });
    await store.open(TYPES);
    const t = freshTenant();
    await store.create(t, 'User', user('carol'));
    const cycle = async () => {
      expect(await scan(store, t)).toEqual(['carol']);
      expect(await eventually(() => pool(store).running === 0)).toBe(true);
    };
    await cycle();
    // The checkpoint thread copies carol's write a second later, on a connection of its own, and
    // then ends: counted in the middle of that, its descriptors would look like a leaked reader's.
    const checkpoints = (store as unknown as { checkpointer?: Record<string, unknown> }).checkpointer;
    const copied = () =>
      checkpoints === undefined ||
      (checkpoints.worker === undefined && checkpoints.dirty === false && checkpoints.inflight === undefined);
    expect(await eventually(copied)).toBe(true);
    const before = openFiles();
    for (let i = 0; i < 4; i++) await cycle();
    expect(copied()).toBe(true);
    // A connection holds the file, its WAL and its shared memory: 12 descriptors for 4 leaked.
    if (before !== undefined) expect(openFiles()).toBeLessThanOrEqual(before + 2);
    expect(started(store)).toBe(5);
    await store.close();
  }, 60_000);

  it('keeps a reader that gets jobs more often than its idle time, and every reader when it is 0', async () => {
    // Jobs 50 ms apart for three idle times: only a stall of over half a second (a loaded machine)
    // could end the reader between two of them.
    const busy = sqliteStore({ path: join(tempDir(), 'scim.db'), readerIdleTimeoutMs: 600 });
    const kept = sqliteStore({ path: join(tempDir(), 'scim.db'), readerIdleTimeoutMs: 0 });
    for (const store of [busy, kept]) {
      await store.open(TYPES);
      await store.create('default', 'User', user('carol'));
    }
    const until = Date.now() + 1800;
    while (Date.now() < until) {
      expect(await scan(busy, 'default')).toEqual(['carol']);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(started(busy)).toBe(1);
    expect(pool(busy).running).toBe(1);
    expect(await scan(kept, 'default')).toEqual(['carol']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(pool(kept).running).toBe(1);
    await busy.close();
    await kept.close();
  }, 60_000);
});

describe('readerExecArgv', () => {
  it('keeps the process’s options but those about its main script', () => {
    expect(
      readerExecArgv([
        '--conditions=@scim/source',
        '--input-type=module',
        '--no-warnings',
        '-e',
        'console.log(1)',
        '--input-type',
        'commonjs',
        '--eval=x',
        '-p',
        '1 + 1',
        '--max-old-space-size=512',
      ]),
    ).toEqual(['--conditions=@scim/source', '--no-warnings', '--max-old-space-size=512']);
  });
});

describe('SqliteReaders', () => {
  const job: ListJob = {
    kind: 'list',
    count: { sql: 'SELECT 0 AS n', values: [] },
    page: { sql: 'SELECT 1', values: [] },
    offset: 0,
    limit: 0,
  };
  const fixture = new URL('./sqlite-reader.fixture.ts', import.meta.url);
  const rejection = async (p: Promise<unknown>) => {
    const error = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReaderError);
    return (error as ReaderError).failure.kind;
  };

  it('reports readers that cannot start as unusable, so the store runs the job itself', async () => {
    const readers = new SqliteReaders({
      path: ':memory:',
      size: 1,
      waitMs: 1000,
      busySliceMs: 5,
      entry: new URL('./no-such-reader.ts', import.meta.url),
    });
    expect(await rejection(readers.run(job, 100, 1))).toBe('unusable');
    expect(readers.usable).toBe(false);
    await readers.close();
  }, 60_000);

  it('fails a job whose reader does not answer within its budget, and replaces that reader', async () => {
    const readers = new SqliteReaders({
      path: ':memory:',
      size: 1,
      waitMs: 5000,
      busySliceMs: 5,
      entry: fixture,
    });
    expect(await rejection(readers.run(job, 10, 1))).toBe('budget');
    expect(await rejection(readers.run(job, 10, 1))).toBe('budget');
    expect(readers.started).toBe(2);
    await readers.close();
  }, 60_000);

  it('ends idle readers without holding the process open, and a job after starts one again', async () => {
    const readers = new SqliteReaders({
      path: ':memory:',
      size: 2,
      waitMs: 1000,
      busySliceMs: 5,
      idleMs: 30,
    });
    const both = await Promise.all([readers.run(job, 1000, 1), readers.run(job, 1000, 1)]);
    expect(both.map((rows) => rows.total)).toEqual([0, 0]);
    expect(readers.started).toBe(2);
    expect(await eventually(() => readers.running === 0)).toBe(true);
    expect((await readers.run(job, 1000, 1)).total).toBe(0);
    expect(readers.started).toBe(3);
    await readers.close();
  }, 60_000);

  it('fails a job that waits for a reader longer than waitMs; close fails the running one', async () => {
    const readers = new SqliteReaders({
      path: ':memory:',
      size: 1,
      waitMs: 20,
      busySliceMs: 5,
      entry: fixture,
    });
    const running = rejection(readers.run(job, Number.POSITIVE_INFINITY, 1));
    expect(await rejection(readers.run(job, 10, 1))).toBe('busy');
    await readers.close();
    expect(await running).toBe('stopped');
  }, 60_000);
});

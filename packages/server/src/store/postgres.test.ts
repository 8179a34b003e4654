import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { foldCase, normalizeFilter, parseFilter } from '@scim/protocol';
import { groupResourceSchema } from '@scim/schemas';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { describeStoreContract, failure, freshTenant, query, sortPath } from './contract.ts';
import { DataLeftOut } from './left-out.ts';
import { postgresStore } from './postgres.ts';
import { Params, postgresDialect, SqlCompiler } from './sql/compile.ts';
import { describeKeysMoved } from './sql/keys-moved.fixture.ts';
import { climbSql } from './sql/ladder.ts';
import { describeMarkedPages } from './sql/page-marks.fixture.ts';
import type { PageMarks } from './sql/page-marks.ts';
import { recordingPool } from './sql/postgres-recording.fixture.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';
import type { ListQuery, MemberDelta, ScimStore } from './types.ts';

// The server on 127.0.0.1:5432 when one answers (our machines and CI), else PGlite.
const target = await postgresTarget();
const { url } = target;
const schema = target.schema;
function make(
  s: string,
  options: { maxConnections?: number; analyzeEvery?: number; queryTimeoutMs?: number } = {},
) {
  const analyze = {
    ...(options.analyzeEvery === undefined ? {} : { analyzeEvery: options.analyzeEvery }),
    ...(options.queryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.queryTimeoutMs }),
  };
  if (url === undefined) return postgresStore({ pglite: target.pglite(), schema: s, ...analyze });
  return postgresStore({
    connectionString: url,
    schema: s,
    maxConnections: options.maxConnections ?? 8,
    ...analyze,
  });
}

const TYPES = [{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }];
const user = (userName: string) => ({
  data: { userName },
  unique: [{ attribute: 'userName', value: foldCase(userName) }],
  change: { type: 'user.created' },
});

describeStoreContract(
  url === undefined ? 'postgres (no server: PGlite)' : 'postgres (server)',
  () => make(schema()),
  {
    setupTimeoutMs: 120_000,
    // PGlite cannot cancel a statement: the budget applies on a server only.
    ...(url === undefined ? {} : { budgeted: () => make(schema(), { queryTimeoutMs: 1 }) }),
  },
);

describeKeysMoved(url === undefined ? 'postgres (no server: PGlite)' : 'postgres (server)', async () => {
  const store = make(schema());
  await store.open(TYPES);
  const inner = store as unknown as {
    read: <T>(f: (q: pg.ClientBase) => Promise<T>) => Promise<T>;
    s: string;
  };
  return {
    store,
    moved: (tenant, id) =>
      inner.read(async (q) =>
        (
          await q.query(
            `SELECT keys_moved FROM ${inner.s}.changes WHERE tenant = $1 AND id = $2 ORDER BY cursor`,
            [tenant, id],
          )
        ).rows.map((r: { keys_moved: number | null }) => r.keys_moved),
      ),
    close: () => store.close(),
  };
});

/** Whether a statement like `pattern` (LIKE) comes to wait for a lock within 2 s, as `watcher` sees. */
async function waitsForLock(watcher: pg.Client, pattern: string): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await watcher.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
      [pattern],
    );
    if ((rows[0] as { n: number }).n > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

/**
 * Runs `fn` with a store on a schema of its own (on a pool that records the first word of each
 * statement the store sends, in `sent`), a tenant, and two more connections: `blocker`, to hold
 * rows in a transaction of its own, and `watcher`, to see the store's statement wait.
 */
async function withBlockingWriter(
  fn: (c: {
    store: ReturnType<typeof make>;
    s: string;
    t: string;
    blocker: pg.Client;
    watcher: pg.Client;
    sent: string[];
  }) => Promise<void>,
): Promise<void> {
  const { pool: recording, sent } = recordingPool(url, 4);
  const store = postgresStore({ pool: recording, schema: schema() });
  await store.open(TYPES);
  const s = (store as unknown as { s: string }).s;
  const blocker = new pg.Client({ connectionString: url });
  const watcher = new pg.Client({ connectionString: url });
  await blocker.connect();
  await watcher.connect();
  try {
    await fn({ store, s, t: freshTenant(), blocker, watcher, sent });
  } finally {
    await blocker.end();
    await watcher.end();
    await store.close();
    // A pool given to the store is the giver's to end.
    await recording.end();
  }
}

describe('postgresStore: keys_moved under a concurrent write (issue 14)', () => {
  it.skipIf(url === undefined)(
    "records none when another write came between the update's snapshot and its row (the keys it read are not the ones it replaced)",
    () =>
      withBlockingWriter(async ({ store, s, t, blocker, watcher }) => {
        const u = await store.create(t, 'User', { ...user('kept'), change: { type: 'user.created' } });
        // Another writer holds the row, with a write whose key the store's snapshot does not see.
        await blocker.query('BEGIN');
        await blocker.query(
          `UPDATE ${s}.resources SET version = version + 1, search = jsonb_set(search, '{userName}', '"moved"')
           WHERE tenant = $1 AND id = $2`,
          [t, u.id],
        );
        const write = store.update(t, 'User', u.id, { ...user('kept'), change: { type: 'user.updated' } });
        // The store's update has its snapshot and waits for the row.
        expect(
          await waitsForLock(watcher, `%UPDATE ${s}.resources SET version = version + 1, last_modified%`),
        ).toBe(true);
        await blocker.query('COMMIT');
        await write;
        const { rows } = await watcher.query(
          `SELECT version, keys_moved FROM ${s}.changes WHERE tenant = $1 AND id = $2 ORDER BY cursor`,
          [t, u.id],
        );
        // The update replaced version 2 (the other writer's), not the version 1 its snapshot read:
        // its userName moved back from "moved", which the snapshot's keys cannot tell.
        expect(rows).toEqual([
          { version: 1, keys_moved: null },
          { version: 3, keys_moved: null },
        ]);
      }),
    30_000,
  );
});

/**
 * A user and a group of tenant `t`, and the group's row updated (a version more) by `blocker` in a
 * transaction it leaves open, as another instance's write that holds the row.
 */
async function heldGroup(store: ScimStore, s: string, t: string, blocker: pg.Client) {
  const u = await store.create(t, 'User', { ...user('member'), change: { type: 'user.created' } });
  const g = await store.create(t, 'Group', {
    data: { displayName: 'g' },
    unique: [],
    change: { type: 'group.created' },
  });
  await blocker.query('BEGIN');
  await blocker.query(`UPDATE ${s}.resources SET version = version + 1 WHERE tenant = $1 AND id = $2`, [
    t,
    g.id,
  ]);
  return { u, g };
}

describe('postgresStore: a member-only write under a concurrent write of the group (issue 14)', () => {
  it.skipIf(url === undefined)(
    "writes nothing in its one statement when another write committed between the statement's snapshot and the row, then writes on a new snapshot, removing the member that write added",
    () =>
      withBlockingWriter(async ({ store, s, t, blocker, watcher, sent }) => {
        // Another instance adds the user to the group and holds the group's row until it commits.
        const { u, g } = await heldGroup(store, s, t, blocker);
        await blocker.query(`INSERT INTO ${s}.members (tenant, group_id, member_id) VALUES ($1, $2, $3)`, [
          t,
          g.id,
          u.id,
        ]);
        // This one removes the user: its statement's snapshot has no such member yet.
        const committed: number[] = [];
        sent.length = 0;
        const removal = store.update(t, 'Group', g.id, {
          data: {},
          unique: [],
          membersOnly: true,
          members: { added: [], removed: [u.id] },
          change: { type: 'group.updated' },
          onCommitted: (stored) => committed.push(stored.version),
        });
        expect(await waitsForLock(watcher, `%UPDATE ${s}.resources%rendered_version = CASE%`)).toBe(true);
        await blocker.query('COMMIT');
        const stored = await removal;
        // Written after the other write (version 3), and the member it added is gone.
        expect(stored.version).toBe(3);
        // Told once, of the write that committed: not of the statement that wrote nothing.
        expect(committed).toEqual([3]);
        // The statement that waited wrote nothing; the same statement again, on a new snapshot,
        // wrote (then the flush): no transaction.
        expect(sent).toEqual(['WITH', 'WITH', 'SELECT']);
        expect((await store.get(t, 'Group', g.id, { members: true }))?.members).toEqual([]);
        const { rows } = await watcher.query(
          `SELECT version FROM ${s}.changes WHERE tenant = $1 AND id = $2 ORDER BY cursor`,
          [t, g.id],
        );
        expect(rows).toEqual([{ version: 1 }, { version: 3 }]);
      }),
    30_000,
  );

  it.skipIf(url === undefined)(
    'refuses with 412, without another try, a write whose If-Match another write made stale while it waited',
    () =>
      withBlockingWriter(async ({ store, s, t, blocker, watcher, sent }) => {
        const { u, g } = await heldGroup(store, s, t, blocker);
        sent.length = 0;
        const write = failure(
          store.update(t, 'Group', g.id, {
            data: {},
            unique: [],
            membersOnly: true,
            ifVersion: 1,
            members: { added: [u.id], removed: [] },
            change: { type: 'group.updated' },
          }),
        );
        expect(await waitsForLock(watcher, `%UPDATE ${s}.resources%rendered_version = CASE%`)).toBe(true);
        await blocker.query('COMMIT');
        expect(await write).toMatchObject({ status: 412 });
        // The statement once, then the transaction that says why: versions only grow, so a
        // second try could not write.
        expect(sent.slice(0, 2)).toEqual(['WITH', 'BEGIN']);
        expect(sent.at(-1)).toBe('ROLLBACK');
        expect((await store.get(t, 'Group', g.id, { members: true }))?.members).toEqual([]);
      }),
    30_000,
  );
});

// Two instances on one schema (on a server; PGlite: one database, two store objects).
describeMarkedPages(
  'postgres',
  async () => {
    const s = schema();
    const store = make(s);
    const other = make(s);
    await store.open([{ name: 'User' }]);
    await other.open([{ name: 'User' }]);
    return {
      store,
      other,
      close: async () => {
        await store.close();
        await other.close();
      },
    };
  },
  30,
);

/**
 * Stores of the ladder tests: their whole lists (up to 10,000 rows, as the check reads them) can pass
 * the default 200 ms budget while other test files load the machine's two cores; what they test is
 * where a page starts, not the budget.
 */
const UNBUDGETED = { queryTimeoutMs: 0 };

/**
 * Reads a page of 100 of a list at `start` (checked against the whole list, up to 10,000 rows) and
 * says whether the store read it again at its offset, without marks (walking from the first row).
 */
function deepPages(store: ScimStore, t: string, base: Pick<ListQuery, 'resourceType' | 'sort'>) {
  const listRows = vi.spyOn(
    store as unknown as { listRows: (...args: unknown[]) => Promise<unknown> },
    'listRows',
  );
  return async (start: number) => {
    const whole = (await store.list(t, { ...base, startIndex: 1, count: 10_000 })).resources;
    listRows.mockClear();
    const found = await store.list(t, { ...base, startIndex: start, count: 100 });
    expect(found.resources.map((r) => r.id)).toEqual(whole.slice(start - 1, start + 99).map((r) => r.id));
    return listRows.mock.calls.some(([, , , useMarks]) => useMarks === false);
  };
}

describe('postgresStore: a ladder after writes (issue 14)', () => {
  it('is repaired, not climbed again: the first deep page after a write reads from a rung', async () => {
    const s = schema();
    const store = make(s, UNBUDGETED);
    const other = make(s, UNBUDGETED);
    await store.open([{ name: 'User' }]);
    await other.open([{ name: 'User' }]);
    const user = (i: number) => ({
      data: { userName: `user${String(i).padStart(4, '0')}` },
      unique: [],
      change: { type: 'user.created' as const },
    });
    const t = freshTenant();
    const created = await store.createMany!(
      t,
      'User',
      Array.from({ length: 3_000 }, (_, i) => user(i * 2)),
    );
    const inner = store as unknown as { marks: PageMarks };
    for (const by of [undefined, { path: sortPath('userName'), descending: false }]) {
      const page = deepPages(store, t, { resourceType: 'User', ...(by === undefined ? {} : { sort: by }) });
      await page(2_501);
      await page(2_301);
      const list = inner.marks.lists().at(-1) as string;
      expect(inner.marks.ladderOf(list)?.rungs.length).toBeGreaterThan(0);
      const writes = [
        () => other.update(t, 'User', created[3]!.id, { ...user(6), change: { type: 'user.updated' } }),
        () => other.create(t, 'User', user(by === undefined ? 1 : 3)),
        () => store.update(t, 'User', created[800]!.id, { ...user(1_600), change: { type: 'user.updated' } }),
      ];
      for (const [i, write] of writes.entries()) {
        await write();
        expect(await page(2_201 - i * 97)).toBe(false);
        expect(inner.marks.ladderOf(list)?.rungs.length).toBeGreaterThan(0);
      }
    }
    await store.close();
    await other.close();
  }, 60_000);
});

describe('postgresStore: a sorted ladder through writes that keep its key (issue 14)', () => {
  it('holds when a row past its last rung is updated, by either instance, and goes when one moves', async () => {
    const s = schema();
    const store = make(s, UNBUDGETED);
    const other = make(s, UNBUDGETED);
    await store.open([{ name: 'User' }]);
    await other.open([{ name: 'User' }]);
    const user = (i: number, more: Record<string, unknown> = {}) => ({
      data: { userName: `user${String(i).padStart(4, '0')}`, ...more },
      unique: [],
      change: { type: 'user.updated' as const },
    });
    const t = freshTenant();
    const created = await store.createMany!(
      t,
      'User',
      Array.from({ length: 8_000 }, (_, i) => user(i)),
    );
    const inner = store as unknown as { marks: PageMarks };
    const page = deepPages(store, t, {
      resourceType: 'User',
      sort: { path: sortPath('userName'), descending: false },
    });
    await page(2_501);
    await page(2_301);
    const list = inner.marks.lists().at(-1) as string;
    // The climb stopped well before the list's end: the rows after its last rung are not counted.
    expect(inner.marks.ladderOf(list)?.tail).toBeUndefined();
    const writes = [
      () => other.update(t, 'User', created[7_500]!.id, user(7_500, { title: 'T' })),
      () => store.update(t, 'User', created[7_900]!.id, user(7_900, { displayName: 'D' })),
      () => other.update(t, 'User', created[100]!.id, user(100, { title: 'T' })),
    ];
    for (const [i, write] of writes.entries()) {
      await write();
      expect(await page(2_201 - i * 97)).toBe(false);
      expect(inner.marks.ladderOf(list)?.rungs.length).toBeGreaterThan(0);
    }
    // A row past the last rung whose key moved to the first gap: where it was is not known, the
    // ladder goes (kept, it would give every page after the first rung one row off).
    await other.update(t, 'User', created[7_700]!.id, { ...user(7_700), data: { userName: 'user0000b' } });
    expect(await page(1_901)).toBe(true);
    expect(inner.marks.ladderOf(list)).toBeUndefined();
    await store.close();
    await other.close();
  }, 60_000);
});

describe('postgresStore: a deep page after a write of its own (issue 14)', () => {
  it('reads the change feed, then the page with the walk of the gaps in one statement: two in all, not counting', async () => {
    const store = make(schema());
    await store.open([{ name: 'User' }]);
    const t = freshTenant();
    const user = (i: number) => ({
      data: { userName: `user${String(i).padStart(4, '0')}` },
      unique: [],
      change: { type: 'user.created' as const },
      rendering: `R${i}`,
    });
    const created = await store.createMany!(
      t,
      'User',
      Array.from({ length: 3_000 }, (_, i) => user(i * 2)),
    );
    // Every statement a read runs on its connection.
    const inner = store as unknown as {
      budgetedRead: (rt: string, fn: (q: { query: (...a: unknown[]) => unknown }) => unknown) => unknown;
    };
    const read = inner.budgetedRead.bind(store);
    const sent: string[] = [];
    const got: { total_count?: unknown }[][] = [];
    vi.spyOn(inner, 'budgetedRead').mockImplementation((rt, fn) =>
      read(rt, (q) =>
        fn({
          query: async (...a: unknown[]) => {
            sent.push(String(a[0]));
            const out = (await (q.query as (...b: unknown[]) => unknown)(...a)) as { rows: [] };
            got.push(out.rows);
            return out;
          },
        }),
      ),
    );
    const sorts = [undefined, { path: sortPath('userName'), descending: false }];
    for (const by of sorts) {
      const base = { resourceType: 'User', ...(by === undefined ? {} : { sort: by }) };
      const page = async (start: number) => {
        const whole = (await store.list(t, { ...base, startIndex: 1, count: 4_000 })).resources;
        sent.length = 0;
        // As the handler reads a page it answers from renderings: every page, repaired or not,
        // without the data of its rows (each has a rendering).
        const found = await store.list(t, { ...base, startIndex: start, count: 100, renderedOnly: true });
        expect(found.resources.map((r) => r.id)).toEqual(whole.slice(start - 1, start + 99).map((r) => r.id));
        expect(found.resources.map((r) => r.rendering)).toEqual(
          whole.slice(start - 1, start + 99).map((r) => r.rendering),
        );
        for (const r of found.resources) expect(() => r.data).toThrow(DataLeftOut);
        expect(found.totalResults).toBe(whole.length);
        return sent.length;
      };
      // The ladder climbed, then found current.
      await page(2_501);
      await page(2_301);
      expect(await page(2_101)).toBe(1);
      const writes = [
        () => store.update(t, 'User', created[10]!.id, { ...user(20), change: { type: 'user.updated' } }),
        () => store.create(t, 'User', user(3)),
        () => store.update(t, 'User', created[900]!.id, { ...user(1_800), change: { type: 'user.updated' } }),
      ];
      for (const [i, write] of writes.entries()) {
        await write();
        // The feed since the ladder's version, then the page beside the walk of the gaps.
        expect(await page(2_001 - i * 97)).toBe(2);
      }
    }
    // A page of the other sort counted the list after the ladder's version; a write since moves
    // that count by the feed (its `COUNT(*)` not run: `NULL` beside the rows), not counted again.
    const [unsorted, byName] = sorts.map((by) => ({
      resourceType: 'User',
      ...(by === undefined ? {} : { sort: by }),
    }));
    for (const [i, base] of [byName, unsorted].entries()) {
      await store.update(t, 'User', created[20 + i]!.id, {
        ...user(40 + 2 * i),
        change: { type: 'user.updated' },
      });
      sent.length = 0;
      got.length = 0;
      const found = await store.list(t, { ...base!, startIndex: 1_501, count: 100 });
      expect(sent.length).toBe(2);
      expect(got.at(-1)?.[0]?.total_count).toBeNull();
      const whole = (await store.list(t, { ...base!, startIndex: 1, count: 4_000 })).resources;
      expect(found.resources.map((r) => r.id)).toEqual(whole.slice(1_500, 1_600).map((r) => r.id));
      expect(found.totalResults).toBe(whole.length);
    }
    vi.restoreAllMocks();
    await store.close();
  }, 60_000);
});

describe('postgresStore: a user with its groups', () => {
  it('reads them in the same statement as the user (groups: true), as memberOf gives them', async () => {
    const store = make(schema());
    try {
      await store.open(TYPES);
      const t = freshTenant();
      const u = await store.create(t, 'User', user('member'));
      for (const name of ['b', 'a']) {
        await store.create(t, 'Group', {
          data: { displayName: name },
          unique: [{ attribute: 'displayName', value: name }],
          members: [u.id],
          change: { type: 'group.created' },
        });
      }
      const read = await store.get(t, 'User', u.id, { groups: true });
      expect(read?.groups).toEqual(await store.memberOf(t, u.id));
      expect(read?.groups?.map((g) => g.display)).toEqual(['b', 'a']);
      expect(
        (await store.get(t, 'User', (await store.create(t, 'User', user('alone'))).id, { groups: true }))
          ?.groups,
      ).toEqual([]);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe.skipIf(url === undefined)('postgresStore: the list budget on a pool of your own', () => {
  it('carries it in the list’s transaction, and leaves the pool’s connections as they were', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => {});
    const store = postgresStore({ pool, schema: schema(), queryTimeoutMs: 1 });
    try {
      await store.open(TYPES);
      const t = freshTenant();
      for (let i = 0; i < 40; i++) {
        const emails = Array.from({ length: 200 }, (_, j) => ({ value: `u${i}.${j}@example.org` }));
        await store.create(t, 'User', { ...user(`u${i}`), data: { userName: `u${i}`, emails } });
      }
      const filter = query(Array.from({ length: 50 }, (_, k) => `emails.value co "zz${k}"`).join(' or '));
      expect(
        await failure(store.list(t, { resourceType: 'User', filter, startIndex: 1, count: 10 })),
      ).toMatchObject({ status: 400, scimType: 'tooMany' });
      for (let i = 0; i < 2; i++) {
        const { rows } = await pool.query('SHOW statement_timeout');
        expect(rows[0]).toEqual({ statement_timeout: '0' });
      }
    } finally {
      await store.close();
      await pool.end();
    }
  }, 60_000);
});

describe.skipIf(url === undefined)('postgresStore: round trips of a write', () => {
  it('creates and updates in one statement each, member-only writes too (in a transaction when they remove a member they add); each then waits for its flush', async () => {
    const { pool: counting, sent } = recordingPool(url, 2);
    const store = postgresStore({ pool: counting, schema: schema() });
    try {
      await store.open(TYPES);
      const t = freshTenant();
      sent.length = 0;
      const a = await store.create(t, 'User', user('a'));
      const b = await store.create(t, 'User', user('b'));
      // Each write commits without waiting for the disk, then waits for it on its own (one SELECT):
      // the tenant's feed lock is not held through the flush (postgres-commits.test.ts).
      expect(sent).toEqual(['WITH', 'SELECT', 'WITH', 'SELECT']);
      sent.length = 0;
      const renamed = {
        data: { userName: 'a2' },
        unique: [{ attribute: 'userName', value: 'a2' }],
        change: { type: 'user.updated' },
      };
      await store.update(t, 'User', a.id, renamed);
      expect(sent).toEqual(['WITH', 'SELECT']);
      // The released key is free again, the kept one still held, a taken one refused and rolled back.
      await store.create(t, 'User', user('a'));
      expect(await failure(store.create(t, 'User', user('a2')))).toMatchObject({ status: 409 });
      await store.update(t, 'User', a.id, renamed);
      const taking = { ...renamed, data: { userName: 'b' }, unique: [{ attribute: 'userName', value: 'b' }] };
      expect(await failure(store.update(t, 'User', a.id, taking))).toMatchObject({ status: 409 });
      expect((await store.get(t, 'User', a.id))?.data).toEqual({ userName: 'a2' });
      expect(await failure(store.create(t, 'User', user('a2')))).toMatchObject({ status: 409 });
      const g = await store.create(t, 'Group', {
        data: { displayName: 'g' },
        unique: [],
        change: { type: 'group.created' },
      });
      sent.length = 0;
      await store.update(t, 'Group', g.id, {
        data: {},
        unique: [],
        membersOnly: true,
        members: { added: [b.id], removed: [] },
        change: { type: 'group.updated' },
      });
      // Entra's member PATCH: one statement (issue 14), where it was BEGIN, three statements, COMMIT.
      expect(sent).toEqual(['WITH', 'SELECT']);
      expect((await store.get(t, 'Group', g.id, { members: true }))?.members?.map((m) => m.value)).toEqual([
        b.id,
      ]);
      sent.length = 0;
      const committed: number[] = [];
      const members = (delta: MemberDelta) =>
        store.update(t, 'Group', g.id, {
          data: {},
          unique: [],
          membersOnly: true,
          members: delta,
          change: { type: 'group.updated' },
          onCommitted: (stored) => committed.push(stored.version),
        });
      const memberIds = async () =>
        (await store.get(t, 'Group', g.id, { members: true }))?.members?.map((m) => m.value);
      const feedVersions = async () =>
        (await store.changes(t, { limit: 1_000 })).filter((c) => c.id === g.id).map((c) => c.version);
      await members({ added: [a.id], removed: [b.id] });
      expect(sent).toEqual(['WITH', 'SELECT']);
      expect(await memberIds()).toEqual([a.id]);
      // Unknown members skipped: in the one statement too.
      sent.length = 0;
      await members({ added: [b.id, 'no-such-user'], removed: [], unknown: 'skip' });
      expect(sent).toEqual(['WITH', 'SELECT']);
      expect(await memberIds()).toEqual([a.id, b.id]);
      expect(committed).toEqual([3, 4]);
      expect(await feedVersions()).toEqual([1, 2, 3, 4]);
      sent.length = 0;
      await members({ added: [], removed: [], removeAll: true });
      expect(sent).toEqual(['WITH', 'SELECT']);
      expect((await store.get(t, 'Group', g.id, { members: true }))?.members).toEqual([]);
      // Every member removed and one added, or one removed and added again: the parts of one
      // statement do not see each other's rows, so these run statement by statement.
      await members({ added: [a.id, b.id], removed: [] });
      sent.length = 0;
      await members({ added: [b.id], removed: [], removeAll: true });
      expect(sent).toEqual(['BEGIN', 'WITH', 'DELETE', 'WITH', 'WITH', 'COMMIT', 'SELECT']);
      sent.length = 0;
      await members({ added: [b.id], removed: [b.id] });
      expect(sent).toEqual(['BEGIN', 'WITH', 'DELETE', 'WITH', 'WITH', 'COMMIT', 'SELECT']);
      expect((await store.get(t, 'Group', g.id, { members: true }))?.members?.map((m) => m.value)).toEqual([
        b.id,
      ]);
      // An unknown member: the statement writes nothing (and waits for no flush), the transaction
      // refuses it (400) and rolls back; neither says it committed, nor enters the feed.
      const before = await store.get(t, 'Group', g.id);
      const feedBefore = await feedVersions();
      committed.length = 0;
      sent.length = 0;
      expect(await failure(members({ added: [a.id, 'no-such-user'], removed: [] }))).toMatchObject({
        status: 400,
      });
      expect(sent).toEqual(['WITH', 'BEGIN', 'WITH', 'WITH', 'ROLLBACK']);
      expect((await store.get(t, 'Group', g.id, { members: true }))?.version).toBe(before?.version);
      expect(committed).toEqual([]);
      expect(await feedVersions()).toEqual(feedBefore);
    } finally {
      await store.close();
      await counting.end();
    }
  }, 60_000);
});

describe(`postgresStore (${url === undefined ? 'PGlite' : 'server'})`, () => {
  it('lets two instances migrate together and keeps uniqueness and every member between them', async () => {
    const s = schema();
    const a = make(s);
    const b = make(s);
    await Promise.all([a.open(TYPES), b.open(TYPES)]);
    const t = freshTenant();
    const casings = Array.from({ length: 50 }, (_, i) =>
      [...'bjensen'].map((c, j) => ((i >> j) & 1 ? c.toUpperCase() : c)).join(''),
    );
    const results = await Promise.allSettled(
      casings.map((u, i) => (i % 2 === 0 ? a : b).create(t, 'User', user(u))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ status: 409, scimType: 'uniqueness' });
    }
    const users = await Promise.all(Array.from({ length: 60 }, (_, i) => a.create(t, 'User', user(`m${i}`))));
    const g = await a.create(t, 'Group', {
      data: { displayName: 'g' },
      unique: [],
      change: { type: 'group.created' },
    });
    await Promise.all(
      users.map((u, i) =>
        (i % 2 === 0 ? a : b).update(t, 'Group', g.id, {
          data: { displayName: 'g' },
          unique: [],
          members: { added: [u.id], removed: [] },
          change: { type: 'group.members.added', members: [u.id] },
        }),
      ),
    );
    expect((await b.get(t, 'Group', g.id, { members: true }))?.members).toHaveLength(60);
    expect((await a.get(t, 'Group', g.id))?.version).toBe(61);
    // the feed holds every change once, in cursor order
    const feed = await b.changes(t, { limit: 10_000 });
    expect(feed.filter((e) => e.type === 'group.members.added')).toHaveLength(60);
    const cursors = feed.map((e) => BigInt(e.cursor));
    expect(cursors.every((c, i) => i === 0 || c > (cursors[i - 1] as bigint))).toBe(true);
    await a.close();
    await b.close();
  }, 60_000);

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() =>
      postgresStore({ connectionString: 'postgres://x', schema: 'a"; DROP SCHEMA public; --' }),
    ).toThrow(/plain identifier/);
  });

  it('answers userName, externalId, displayName and emails filters from indexes', async () => {
    const s = schema();
    const store = make(s);
    await store.open(TYPES);
    // 5,000 users in one tenant, loaded directly, then analyzed: the plans the planner picks.
    const load = `INSERT INTO "${s}".resources (tenant, resource_type, id, version, created, last_modified, data, search)
      SELECT 't', 'User', 'id' || i, 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', d, d
      FROM (SELECT i, jsonb_build_object('userName', 'user' || i, 'externalId', 'x' || i, 'displayName', 'd' || i,
        'emails', jsonb_build_array(jsonb_build_object('value', 'u' || i || '@x.org', 'type', 'work'))) AS d
        FROM generate_series(1, 5000) AS i) AS g`;
    const explain = async (sql: string, values: unknown[]) => {
      if (url === undefined) {
        const db = target.pglite();
        const r = await db.query<{ 'QUERY PLAN': string }>(sql, values);
        return r.rows.map((x) => x['QUERY PLAN']).join('\n');
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const r = await client.query(sql, values);
        return r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n');
      } finally {
        await client.end();
      }
    };
    await explain(load, []);
    await explain(`ANALYZE "${s}".resources`, []);
    const plan = (filter: string) => {
      const params = new Params(true);
      const t = params.text('t');
      const rt = params.text('User');
      const where = new SqlCompiler(postgresDialect(s), params, { tenant: t, resourceType: rt }).filter(
        query(filter),
      );
      return explain(
        `EXPLAIN SELECT r.id FROM "${s}".resources AS r WHERE r.tenant = ${t} AND r.resource_type = ${rt} AND ${where}`,
        params.values,
      );
    };
    expect(await plan('userName eq "USER42"')).toMatch(/resources_user_name/);
    // An `or` of eq on one attribute is one list the same index answers.
    expect(await plan('userName eq "USER42" or userName eq "user43" or userName eq "User44"')).toMatch(
      /resources_user_name/,
    );
    expect(await plan('externalId eq "x42"')).toMatch(/resources_external_id/);
    expect(await plan('displayName eq "D42"')).toMatch(/resources_display_name/);
    expect(await plan('emails.value eq "U42@x.org"')).toMatch(/resources_search/);
    expect(await plan('emails[type eq "work" and value eq "U42@x.org"]')).toMatch(/resources_search/);
    const found = await store.list('t', {
      resourceType: 'User',
      filter: query('emails.value eq "U42@X.org"'),
      startIndex: 1,
      count: 10,
    });
    expect(found.resources.map((r) => r.id)).toEqual(['id42']);
    await store.close();
  }, 120_000);

  it('reads a sorted page and a page after a position from a sort index (issue 14)', async () => {
    const s = schema();
    const store = make(s);
    await store.open(TYPES);
    const load = `INSERT INTO "${s}".resources (tenant, resource_type, id, version, created, last_modified, data, search)
      SELECT 't', 'User', 'id' || i, 1, to_char(now() + i * interval '1 ms', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        to_char(now() + i * interval '1 ms', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), d, d
      FROM (SELECT i, jsonb_build_object('userName', 'user' || i, 'externalId', 'x' || i, 'displayName', 'd' || i) AS d
        FROM generate_series(1, 5000) AS i) AS g`;
    const run = async (sql: string, values: unknown[] = []) => {
      if (url === undefined) {
        const r = await target.pglite().query<Record<string, string>>(sql, values);
        return r.rows.map((x) => Object.values(x).join(' ')).join('\n');
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        // Whether the index can give the order: a plan that needs a full sort costs the most.
        await client.query('SET enable_sort = off');
        const r = await client.query(sql, values);
        return r.rows.map((x: Record<string, string>) => Object.values(x).join(' ')).join('\n');
      } finally {
        await client.end();
      }
    };
    await run(load);
    await run(`ANALYZE "${s}".resources`);
    const keys = ['userName', 'displayName', 'externalId', 'meta.created', 'meta.lastModified'];
    for (const key of keys) {
      for (const descending of [false, true]) {
        const params = new Params(true);
        const t = params.text('t');
        const rt = params.text('User');
        const compiler = new SqlCompiler(postgresDialect(s), params, {});
        const sort = { path: sortPath(key), descending };
        const order = compiler.sort(sort);
        const after = compiler.after(sort, {
          key: key.startsWith('meta') ? '2000-01-01T00:00:00.000Z' : 'user42',
          seq: 42,
        });
        const plan = await run(
          `EXPLAIN SELECT r.id FROM "${s}".resources AS r WHERE r.tenant = ${t} AND r.resource_type = ${rt} AND ${after} ORDER BY ${order} LIMIT 101`,
          params.values,
        );
        expect({ key, descending, plan }).toEqual({
          key,
          descending,
          plan: expect.stringMatching(/Index (Only )?Scan (Backward )?using resources_sort_/),
        });
        // An Incremental Sort orders the ties of a text key's indexed prefix; never a full Sort.
        expect(plan).not.toMatch(/(^|->)\s*Sort\s+\(cost/m);
        // A climb of the list's ladder (sql/ladder.ts) hops in the same index, from the first row
        // and from a rung; a text key's rung may be missing (NULL), which hops in it too.
        for (const from of [undefined, { offset: 512, position: { key: 'user42', seq: 42 }, version: 1 }]) {
          const climbed = climbSql(
            {
              dialect: postgresDialect(s),
              postgres: true,
              resources: `"${s}".resources`,
              changes: `"${s}".changes`,
              tenant: 't',
              resourceType: 'User',
              sort,
            },
            { list: 'l', step: 256, hops: 4, ...(from === undefined ? {} : { from }) },
          );
          const climbPlan = await run(`EXPLAIN (ANALYZE) ${climbed?.sql}`, [...(climbed?.values ?? [])]);
          // The first hop and the next ones each in the index (no scan of the table); run, since
          // PostgreSQL shows the subplans of a recursive step's select list only when it runs them.
          // The null branch of a text key does not run here (no user lacks the key).
          const hops = climbPlan.match(/Index (Only )?Scan (Backward )?using resources_sort_/g) ?? [];
          expect({ key, descending, hops: hops.length }).toEqual({
            key,
            descending,
            hops: expect.any(Number),
          });
          expect(hops.length).toBeGreaterThanOrEqual(2);
          expect(climbPlan).not.toMatch(/Seq Scan on resources/);
        }
      }
    }
    await store.close();
  }, 120_000);

  it('gives its tables statistics: on open, every analyzeEvery writes, and on analyze()', async () => {
    // On a server whose autovacuum is off (as the test server's is), tables without statistics
    // plan as if empty; `reltuples` is -1 until a table is first analyzed.
    const rows = async (sql: string, values: unknown[]) => {
      if (url === undefined) return (await target.pglite().query(sql, values)).rows;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, values)).rows;
      } finally {
        await client.end();
      }
    };
    const s = schema();
    const tuples = async () =>
      Number(
        (
          (await rows(
            `SELECT c.reltuples FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relname = 'resources'`,
            [s],
          )) as { reltuples: number | string }[]
        )[0]?.reltuples,
      );
    const store = make(s, { analyzeEvery: 20 });
    await store.open(TYPES);
    expect(await tuples()).toBe(0); // analyzed (empty), not -1
    const t = freshTenant();
    for (let i = 0; i < 20; i++) await store.create(t, 'User', user(`load${i}`));
    // The 20th write started an ANALYZE in the background; close waits for it.
    await store.close();
    expect(await tuples()).toBe(20);
    const again = make(s);
    await again.open(TYPES);
    for (let i = 0; i < 5; i++) await again.create(t, 'User', user(`more${i}`));
    await again.analyze();
    expect(await tuples()).toBe(25);
    await again.close();
  }, 120_000);

  it('answers 503 when no server answers', async () => {
    const store = postgresStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
      connectTimeoutMs: 1000,
    });
    expect(await failure(store.open(TYPES))).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
    await store.close();
  });

  it.skipIf(url === undefined)(
    'answers 503 while the database is away, with no partial write, and recovers when it is back',
    async () => {
      const target = new URL(url as string);
      const sockets = new Set<Socket>();
      const listen = (port: number) =>
        new Promise<Server>((resolve) => {
          const server = createServer((socket) => {
            const upstream = tcpConnect(5432, '127.0.0.1');
            sockets.add(socket);
            sockets.add(upstream);
            socket.pipe(upstream).pipe(socket);
            const drop = () => {
              socket.destroy();
              upstream.destroy();
            };
            socket.on('error', drop);
            upstream.on('error', drop);
            socket.on('close', drop);
            upstream.on('close', drop);
          });
          server.listen(port, '127.0.0.1', () => resolve(server));
        });
      let proxy = await listen(0);
      const port = (proxy.address() as { port: number }).port;
      const stop = () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          sockets.clear();
          proxy.close(() => resolve());
        });
      target.host = `127.0.0.1:${port}`;
      const s = schema();
      const store = postgresStore({ connectionString: target.toString(), schema: s, connectTimeoutMs: 1000 });
      try {
        await store.open(TYPES);
        const t = freshTenant();
        const u = await store.create(t, 'User', user('before'));
        await stop();
        const down = await failure(store.create(t, 'User', user('during')));
        expect(down).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
        expect((await failure(store.get(t, 'User', u.id))).status).toBe(503);
        proxy = await listen(port);
        await store.ping();
        const page = await store.list(t, { resourceType: 'User', startIndex: 1, count: 10 });
        expect(page.resources.map((r) => r.data.userName)).toEqual(['before']);
        expect((await store.changes(t)).map((e) => e.type)).toEqual(['user.created']);
        await store.create(t, 'User', user('after'));
      } finally {
        await store.close();
        await stop();
      }
    },
    60_000,
  );
});

describe(`postgresStore migrations 3 and 4 (${url === undefined ? 'PGlite' : 'server'})`, () => {
  it('moves unique keys to digests and rewrites the copies stored by toLowerCase', async () => {
    const { postgresMigrations } = await import('./sql/postgres-schema.ts');
    const s = schema();
    const q = `"${s}"`;
    // The schema as the previous release left it: migrations 1 and 2, copies made by toLowerCase.
    const statements = [
      `CREATE SCHEMA ${q}`,
      `CREATE TABLE ${q}.scim_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)`,
      ...postgresMigrations(q).slice(0, 2),
      `INSERT INTO ${q}.scim_migrations VALUES (1, 'x'), (2, 'x')`,
      `INSERT INTO ${q}.resources (tenant, resource_type, id, version, created, last_modified, data, search) VALUES
        ('t', 'User', 'u1', 1, 'c', 'm', '{"userName": "ΝΙΚΟΣ@x.gr", "emails": [{"value": "ΝΙΚΟΣ@x.gr"}]}', '{"userName": "νικος@x.gr", "emails": [{"value": "νικος@x.gr"}]}'),
        ('t', 'User', 'u2', 1, 'c', 'm', '{"userName": "Ωμέγα"}', '{"userName": "ωμέγα"}'),
        ('t', 'User', 'u3', 1, 'c', 'm', '{"userName": "νικοσ@x.gr"}', '{"userName": "νικοσ@x.gr"}'),
        ('t', 'Group', 'g1', 1, 'c', 'm', '{"displayName": "g"}', '{"displayName": "g"}')`,
      `INSERT INTO ${q}.uniques (tenant, resource_type, attribute, value, id) VALUES
        ('t', 'User', 'userName', 'νικος@x.gr', 'u1'), ('t', 'User', 'userName', 'ωμέγα', 'u2'),
        ('t', 'User', 'userName', 'νικοσ@x.gr', 'u3')`,
      `INSERT INTO ${q}.members (tenant, group_id, member_id, display, display_search) VALUES ('t', 'g1', 'u1', 'ΚΑΣΣ', 'κασς')`,
    ];
    const run = async (sql: string) => {
      if (url === undefined) {
        await target.pglite().exec(sql);
        return [];
      }
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    for (const sql of statements) await run(sql as string);
    const store = make(s);
    await store.open(TYPES);
    // Review of issue 11: the migration names the user it left without its key (scim-server migrate
    // prints it); u3 already held the key u1 now folds to.
    expect((store as unknown as { migration: unknown }).migration).toEqual({
      from: 2,
      to: 8,
      unreserved: [
        {
          tenant: 't',
          resourceType: 'User',
          id: 'u1',
          attribute: 'userName',
          value: 'ΝΙΚΟΣ@x.gr',
          heldBy: 'u3',
        },
      ],
    });
    const found = await store.list('t', {
      resourceType: 'User',
      filter: query('userName eq "νικοσ@X.GR" and emails.value eq "ΝΙΚΟς@x.gr"'),
      startIndex: 1,
      count: 10,
    });
    expect(found.resources.map((r) => r.id)).toEqual(['u1']);
    // The refolded key holds: the other spelling is taken.
    const dup = await failure(store.create('t', 'User', user('νικοσ@x.gr')));
    expect(dup).toMatchObject({ status: 409, scimType: 'uniqueness' });
    // The untouched key moved to a digest too.
    expect(await failure(store.create('t', 'User', user('ωμέγα')))).toMatchObject({ status: 409 });
    const g = await store.list('t', {
      resourceType: 'Group',
      filter: normalizeFilter(parseFilter('members.display eq "κασσ"'), groupResourceSchema),
      startIndex: 1,
      count: 10,
    });
    expect(g.totalResults).toBe(1);
    await store.close();
  }, 60_000);
});

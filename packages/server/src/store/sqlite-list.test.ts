import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { query, sortPath } from './contract.ts';
import { describeMarkedPages } from './sql/page-marks.fixture.ts';
import type { PageMarks } from './sql/page-marks.ts';
import { sqliteStore } from './sqlite.ts';
import type { ReadJob } from './sqlite-read.ts';

// Two instances on one file: one with a reader thread, one reading on its event loop.
describeMarkedPages('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-marks-'));
  const path = join(dir, 'scim.db');
  const store = sqliteStore({ path, readers: 1 });
  const other = sqliteStore({ path, readers: 0 });
  await store.open([{ name: 'User' }]);
  await other.open([{ name: 'User' }]);
  return {
    store,
    other,
    close: async () => {
      await store.close();
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('a startIndex page at an offset no page began or ended near (issue 14)', () => {
  it('climbs a ladder at the second such page of the same data, then reads every one from a rung', async () => {
    const store = sqliteStore({ path: ':memory:', readers: 0 });
    await store.open([{ name: 'User' }]);
    const user = (i: number) => ({
      data: { userName: `user${String(i).padStart(4, '0')}` },
      unique: [],
      change: { type: 'user.created' as const },
    });
    await store.createMany(
      't',
      'User',
      Array.from({ length: 3_000 }, (_, i) => user(i)),
    );
    const reads = vi.spyOn(store as unknown as { read: (job: ReadJob) => Promise<unknown> }, 'read');
    const sort = { path: sortPath('userName'), descending: false };
    for (const by of [undefined, sort]) {
      const query = { resourceType: 'User', ...(by === undefined ? {} : { sort: by }) };
      // After a write: the data of every page below is new to the store's marks.
      await store.create('t', 'User', user(9_000 + (by === undefined ? 0 : 1)));
      const whole = (await store.list('t', { ...query, startIndex: 1, count: 4_000 })).resources;
      const page = async (start: number) => {
        reads.mockClear();
        const found = await store.list('t', { ...query, startIndex: start, count: 100 });
        expect(found.resources.map((r) => r.id)).toEqual(whole.slice(start - 1, start + 99).map((r) => r.id));
        return reads.mock.calls.map(([job]) => (job.kind === 'list' ? job.walk : undefined));
      };
      // The first deep page skips its rows as before (one read, walking to it).
      expect(await page(2_501)).toEqual([2_600]);
      // The second climbs (one read more), and reads from a rung (256 rows apart).
      const second = await page(2_301);
      expect(second).toHaveLength(2);
      expect(second.at(-1)).toBeLessThan(256 + 100);
      for (const start of [2_001, 777, 1_201]) {
        const walked = await page(start);
        expect({ start, walked }).toEqual({ start, walked: [expect.any(Number)] });
        expect(walked[0]).toBeLessThan(256 + 100);
      }
    }
    await store.close();
  });
});

describe('a ladder after writes (issue 14)', () => {
  const user = (i: number) => ({
    data: { userName: `user${String(i).padStart(4, '0')}` },
    unique: [],
    change: { type: 'user.created' as const },
  });

  it('moves with inserts and updates, so that the first deep page after a write reads from a rung', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scim-ladder-'));
    const path = join(dir, 'scim.db');
    const store = sqliteStore({ path, readers: 0 });
    // Another instance on the same file, whose writes the store learns of from the database only.
    const other = sqliteStore({ path, readers: 0 });
    await store.open([{ name: 'User' }]);
    await other.open([{ name: 'User' }]);
    const created = await store.createMany(
      't',
      'User',
      Array.from({ length: 3_000 }, (_, i) => user(i * 2)),
    );
    const reads = vi.spyOn(store as unknown as { read: (job: ReadJob) => Promise<unknown> }, 'read');
    const sort = { path: sortPath('userName'), descending: false };
    for (const by of [undefined, sort]) {
      const query = { resourceType: 'User', ...(by === undefined ? {} : { sort: by }) };
      const page = async (start: number) => {
        const whole = (await store.list('t', { ...query, startIndex: 1, count: 4_000 })).resources;
        reads.mockClear();
        const found = await store.list('t', { ...query, startIndex: start, count: 100 });
        expect(found.resources.map((r) => r.id)).toEqual(whole.slice(start - 1, start + 99).map((r) => r.id));
        return reads.mock.calls.map(([job]) => (job.kind === 'list' ? job.walk : undefined));
      };
      // Two deep pages of the same data: the second climbs the ladder.
      await page(2_501);
      expect(await page(2_301)).toHaveLength(2);
      const n = by === undefined ? 0 : 1;
      const writes = [
        // An update of a row in the first gap (its key kept), from either instance.
        () => store.update('t', 'User', created[3]!.id, { ...user(6), change: { type: 'user.updated' } }),
        () =>
          other.update('t', 'User', created[700]!.id, { ...user(1_400), change: { type: 'user.updated' } }),
        // Inserts before rungs (odd names fall between the others) and past the last one.
        () => other.create('t', 'User', user(1 + 4 * n)),
        () => store.create('t', 'User', user(2_001 + 4 * n)),
        () => other.create('t', 'User', user(9_999 - n)),
        // A row that moves within its gap (the first; sorted: from user0040 to user0041, then 0043).
        () =>
          other.update('t', 'User', created[20]!.id, {
            ...user(41 + 2 * n),
            change: { type: 'user.updated' },
          }),
      ];
      for (const [i, write] of writes.entries()) {
        await write();
        // One read, from a rung: no walk from the first row, no climb again.
        const start = 2_201 - i * 97;
        const walked = await page(start);
        expect({ start, walked }).toEqual({ start, walked: [expect.any(Number)] });
        expect(walked[0]).toBeLessThan(256 + 100);
      }
      // A row that moves to another gap (sorted: from the first to the sixth): where it was is not
      // known, so the ladder goes and the page walks from the first row; unsorted, its position
      // stays.
      const marks = (store as unknown as { marks: PageMarks }).marks;
      const list = marks.lists().at(-1) as string;
      await other.update('t', 'User', created[30 + n]!.id, {
        ...user(3_001 + 2 * n),
        change: { type: 'user.updated' },
      });
      const [walked] = await page(1_601);
      expect(walked! < 356).toBe(by === undefined);
      expect(marks.ladderOf(list) === undefined).toBe(by !== undefined);
    }
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A store of `users` users whose list (unsorted, or by `sort`) climbed its ladder (two deep pages
   * of the same data), with the list's page reader, its marks and the list's key.
   */
  async function climbed(users: number, sort?: string) {
    const store = sqliteStore({ path: ':memory:', readers: 0 });
    await store.open([{ name: 'User' }]);
    const created = await store.createMany(
      't',
      'User',
      Array.from({ length: users }, (_, i) => user(i)),
    );
    const by = sort === undefined ? {} : { sort: { path: sortPath(sort), descending: false } };
    const ids = async (start: number, count: number) =>
      (await store.list('t', { resourceType: 'User', ...by, startIndex: start, count })).resources.map(
        (r) => r.id,
      );
    await ids(2_501, 100);
    await ids(2_301, 100);
    const marks = (store as unknown as { marks: PageMarks }).marks;
    const [list] = marks.lists();
    return { store, created, ids, marks, list: list as string };
  }

  it('keeps the ladder of a list in creation order when a row past its last rung is updated (its tail not counted)', async () => {
    const { store, created, ids, marks, list } = await climbed(8_000);
    const ladder = marks.ladderOf(list);
    // The climb stopped well before the list's end: the rows after its last rung are not counted.
    expect(ladder?.tail).toBeUndefined();
    const lastRung = ladder!.offsets.at(-1)!;
    expect(lastRung).toBeLessThan(7_000);
    const reads = vi.spyOn(store as unknown as { read: (job: ReadJob) => Promise<unknown> }, 'read');
    // Updates past the last rung, and one before it: in creation order, no row moves.
    for (const at of [7_500, 7_900, 100]) {
      await store.update('t', 'User', created[at]!.id, {
        ...user(at),
        data: { userName: `moved${at}` },
        change: { type: 'user.updated' },
      });
      const whole = await ids(1, 8_000);
      reads.mockClear();
      expect(await ids(2_001, 100)).toEqual(whole.slice(2_000, 2_100));
      // The ladder held (moved to the data's version): one read, from a rung.
      expect(marks.ladderOf(list)?.offsets).toEqual(ladder!.offsets);
      const walks = reads.mock.calls.map(([job]) => (job.kind === 'list' ? job.walk : undefined));
      expect(walks).toEqual([expect.any(Number)]);
      expect(walks[0]).toBeLessThan(256 + 100);
    }
    await store.close();
  });

  it('keeps a sorted ladder through writes past its last rung that keep the sort key, and drops it for one that moves it', async () => {
    for (const sort of ['userName', 'meta.created']) {
      const { store, created, ids, marks, list } = await climbed(8_000, sort);
      const ladder = marks.ladderOf(list);
      expect(ladder?.tail).toBeUndefined();
      expect(ladder!.offsets.at(-1)!).toBeLessThan(7_000);
      const reads = vi.spyOn(store as unknown as { read: (job: ReadJob) => Promise<unknown> }, 'read');
      const page = async () => {
        const whole = await ids(1, 8_000);
        reads.mockClear();
        expect(await ids(2_001, 100)).toEqual(whole.slice(2_000, 2_100));
        return reads.mock.calls.map(([job]) => (job.kind === 'list' ? job.walk : undefined));
      };
      // Rows past the last rung (and one before it) whose sort key stays: a title; by creation, a
      // userName too. The feed says which keys each write moved (`changes.keys_moved`).
      const kept = sort === 'userName' ? { title: 'T' } : { userName: 'renamed' };
      for (const at of [7_500, 7_900, 100]) {
        await store.update('t', 'User', created[at]!.id, {
          ...user(at),
          data: { ...user(at).data, ...kept, displayName: `D${at}` },
          change: { type: 'user.updated' },
        });
        const walks = await page();
        // The ladder held (moved to the data's version): one read, from a rung.
        expect(marks.ladderOf(list)?.offsets).toEqual(ladder!.offsets);
        expect(walks).toEqual([expect.any(Number)]);
        expect(walks[0]).toBeLessThan(256 + 100);
      }
      if (sort === 'userName') {
        // A row past the last rung whose key moved to the first gap: where it was is not known,
        // the ladder goes (kept, it would give every page after the first rung one row off).
        await store.update('t', 'User', created[7_700]!.id, {
          ...user(7_700),
          data: { userName: 'user0000b' },
          change: { type: 'user.updated' },
        });
        await page();
        expect(marks.ladderOf(list)).toBeUndefined();
      }
      await store.close();
    }
  });

  it('drops a sorted ladder for a change that does not say which keys it moved (an earlier release wrote it)', async () => {
    const { store, created, ids, marks, list } = await climbed(8_000, 'userName');
    expect(marks.ladderOf(list)?.tail).toBeUndefined();
    await store.update('t', 'User', created[7_600]!.id, {
      ...user(7_600),
      data: { ...user(7_600).data, title: 'T' },
      change: { type: 'user.updated' },
    });
    store.database.exec(
      'UPDATE changes SET keys_moved = NULL WHERE cursor = (SELECT MAX(cursor) FROM changes)',
    );
    const whole = await ids(1, 8_000);
    expect(await ids(2_001, 100)).toEqual(whole.slice(2_000, 2_100));
    expect(marks.ladderOf(list)).toBeUndefined();
    await store.close();
  });

  it('counts the rows after the last rung again, and drops a ladder when a row left a gap no count covers', async () => {
    const { store, created, ids, marks, list } = await climbed(3_000);
    // The climb went on to the list's end (twice the page's offset): the rows after the last
    // rung are counted, so a delete there is found.
    expect(marks.ladderOf(list)).toMatchObject({
      offsets: Array.from({ length: 11 }, (_, i) => (i + 1) * 256),
      tail: 184,
    });
    await store.delete('t', 'User', created[2_990]!.id, { change: { type: 'user.deleted' } });
    let whole = await ids(1, 4_000);
    expect(await ids(2_001, 100)).toEqual(whole.slice(2_000, 2_100));
    expect(marks.ladderOf(list)?.tail).toBe(183);
    // A delete before the last rung: which gap lost a row is unknown, the ladder goes.
    await store.delete('t', 'User', created[10]!.id, { change: { type: 'user.deleted' } });
    whole = await ids(1, 4_000);
    expect(await ids(2_001, 100)).toEqual(whole.slice(2_000, 2_100));
    expect(marks.ladderOf(list)).toBeUndefined();
    // After a dropped ladder, two deep pages skip (the one above and this one), the next climbs.
    expect(await ids(1_801, 100)).toEqual(whole.slice(1_800, 1_900));
    expect(marks.ladderOf(list)).toBeUndefined();
    expect(await ids(1_601, 100)).toEqual(whole.slice(1_600, 1_700));
    expect(marks.ladderOf(list)?.rungs.length).toBe(11);
    await store.close();
  });
});

describe('a filter’s first page (issue 14)', () => {
  it('reads no data version and keeps no marks, one statement for every value, and the next page is right', async () => {
    const store = sqliteStore({ path: ':memory:', readers: 0 });
    await store.open([{ name: 'User' }]);
    await store.createMany(
      't',
      'User',
      Array.from({ length: 250 }, (_, i) => ({
        data: { userName: `user${String(i).padStart(4, '0')}`, title: i % 2 === 0 ? 'even' : 'odd' },
        unique: [],
        change: { type: 'user.created' as const },
      })),
    );
    const reads = vi.spyOn(store as unknown as { read: (job: ReadJob) => Promise<unknown> }, 'read');
    const pageSql = () => reads.mock.calls.map(([job]) => (job.kind === 'list' ? job.page.sql : ''));
    // Entra's lookup, another userName each time: each finds its user, with the same SQL text.
    for (const n of ['0007', '0142']) {
      const found = await store.list('t', {
        resourceType: 'User',
        filter: query(`userName eq "user${n}"`),
        startIndex: 1,
        count: 100,
      });
      expect(found.totalResults).toBe(1);
      expect(found.resources.map((r) => r.data.userName)).toEqual([`user${n}`]);
    }
    expect(new Set(pageSql()).size).toBe(1);
    expect(pageSql()[0]).not.toContain('list_version');
    const marks = (store as unknown as { marks: PageMarks }).marks;
    expect(marks.size).toBe(0);
    // A filtered list paged by startIndex: the first page full, the second from its offset.
    const whole = await store.list('t', {
      resourceType: 'User',
      filter: query('title eq "even"'),
      startIndex: 1,
      count: 1000,
    });
    expect(whole.totalResults).toBe(125);
    for (const start of [1, 101, 61]) {
      const page = await store.list('t', {
        resourceType: 'User',
        filter: query('title eq "even"'),
        startIndex: start,
        count: 40,
      });
      expect(page.totalResults).toBe(125);
      expect(page.resources.map((r) => r.id)).toEqual(
        whole.resources.slice(start - 1, start + 39).map((r) => r.id),
      );
    }
    await store.close();
  });
});

describe("a filter's first page with no sort", () => {
  it('reads each tenant its own rows, and matches none, one or many with the right totals', async () => {
    const store = sqliteStore({ path: ':memory:', readers: 0 });
    await store.open([{ name: 'User' }]);
    const user = (name: string) => ({
      data: { userName: name },
      unique: [],
      change: { type: 'user.created' as const },
    });
    await store.createMany('t', 'User', ['a', 'b1', 'b2', 'b3'].map(user));
    await store.createMany('u', 'User', ['a', 'b9'].map(user));
    const names = async (tenant: string, filter: ReturnType<typeof query>, count = 10) => {
      const found = await store.list(tenant, { resourceType: 'User', filter, startIndex: 1, count });
      return [found.totalResults, found.resources.map((r) => r.data.userName)];
    };
    const one = query('userName eq "a"');
    const many = query('userName sw "b"');
    const none = query('userName eq "zz"');
    for (let i = 0; i < 2; i++) {
      expect(await names('t', one)).toEqual([1, ['a']]);
      expect(await names('u', one)).toEqual([1, ['a']]);
      expect(await names('t', many)).toEqual([3, ['b1', 'b2', 'b3']]);
      expect(await names('t', many, 2)).toEqual([3, ['b1', 'b2']]);
      expect(await names('u', many)).toEqual([1, ['b9']]);
      expect(await names('t', none)).toEqual([0, []]);
    }
    await store.close();
  });
});

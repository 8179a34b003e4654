import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { sortPath } from './contract.ts';
import { describeMarkedPages } from './sql/page-marks.fixture.ts';
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

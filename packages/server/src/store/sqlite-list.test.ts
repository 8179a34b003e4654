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
  it('climbs a ladder once, then reads every such page from a rung just before it', async () => {
    const store = sqliteStore({ path: ':memory:', readers: 0 });
    await store.open([{ name: 'User' }]);
    const users = Array.from({ length: 3_000 }, (_, i) => ({
      data: { userName: `user${String(i).padStart(4, '0')}` },
      unique: [],
      change: { type: 'user.created' as const },
    }));
    await store.createMany('t', 'User', users);
    const reads = vi.spyOn(store as unknown as { read: (job: ReadJob) => Promise<unknown> }, 'read');
    const sort = { path: sortPath('userName'), descending: false };
    for (const by of [undefined, sort]) {
      const query = { resourceType: 'User', ...(by === undefined ? {} : { sort: by }) };
      const whole = (await store.list('t', { ...query, startIndex: 1, count: 3_000 })).resources;
      for (const start of [2_501, 1_301, 2_001, 777, 2_851]) {
        reads.mockClear();
        const page = await store.list('t', { ...query, startIndex: start, count: 100 });
        expect(page.resources.map((r) => r.id)).toEqual(whole.slice(start - 1, start + 99).map((r) => r.id));
        // The page's read walks the index from a rung (256 rows apart) at most, not from the first row.
        const walked = reads.mock.calls.map(([job]) => (job.kind === 'list' ? job.walk : undefined));
        expect({ start, walk: walked.at(-1) }).toEqual({ start, walk: expect.any(Number) });
        expect(walked.at(-1)).toBeLessThan(256 + 100);
        // Only the first deep page climbs (one read more); the ladder then reaches the others.
        expect({ start, reads: walked.length }).toEqual({ start, reads: start === 2_501 ? 2 : 1 });
      }
    }
    await store.close();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WriteBatches } from './write-batches.ts';

interface Job {
  readonly row: string;
  readonly n: number;
}

/**
 * Batches whose `run` records each batch and waits until the test commits it (`commit()`), then
 * settles once the test lets it (`settle()`): a batch's statement in flight, committed, flushed.
 */
function recording(max = 4) {
  const batches: Job[][] = [];
  const commits: (() => void)[] = [];
  const settles: (() => void)[] = [];
  const writes = new WriteBatches<Job>(
    async (jobs, done) => {
      batches.push([...jobs]);
      await new Promise<void>((resolve) => commits.push(resolve));
      done();
      await new Promise<void>((resolve) => settles.push(resolve));
    },
    max,
    (a, b) => a.row === b.row,
  );
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  return { writes, batches, commits, settles, tick };
}

const rows = (batch: readonly Job[]) => batch.map((j) => `${j.row}${j.n}`);

describe('WriteBatches: writes that wait together go together', () => {
  it('starts a write at once when no batch of its key runs, alone', () => {
    const { writes, batches } = recording();
    writes.add('t', { row: 'a', n: 1 });
    expect(batches.map(rows)).toEqual([['a1']]);
    writes.add('other tenant', { row: 'a', n: 1 });
    expect(batches.map(rows)).toEqual([['a1'], ['a1']]);
  });

  it('sends the writes that came while a batch ran together once it committed, not before', async () => {
    const { writes, batches, commits, tick } = recording();
    writes.add('t', { row: 'a', n: 1 });
    writes.add('t', { row: 'b', n: 1 });
    writes.add('t', { row: 'c', n: 1 });
    await tick();
    expect(batches.map(rows)).toEqual([['a1']]);
    expect(writes.queued('t')).toBe(2);
    commits[0]!();
    await tick();
    // The next batch starts at the commit, while the first still waits for its flush.
    expect(batches.map(rows)).toEqual([['a1'], ['b1', 'c1']]);
    expect(writes.queued('t')).toBe(0);
  });

  it('carries at most `max` writes, in the order they came, and never one row twice', async () => {
    const { writes, batches, commits, tick } = recording(3);
    writes.add('t', { row: 'a', n: 1 });
    for (const [row, n] of [
      ['b', 1],
      ['c', 1],
      ['b', 2],
      ['d', 1],
      ['e', 1],
      ['f', 1],
    ] as const) {
      writes.add('t', { row, n });
    }
    commits[0]!();
    await tick();
    expect(batches[1]!.map((j) => `${j.row}${j.n}`)).toEqual(['b1', 'c1', 'd1']);
    commits[1]!();
    await tick();
    // b2 waited for the batch after b1's, still ahead of the writes that came after it.
    expect(batches[2]!.map((j) => `${j.row}${j.n}`)).toEqual(['b2', 'e1', 'f1']);
    commits[2]!();
    await tick();
    expect(batches).toHaveLength(3);
    expect(writes.queued('t')).toBe(0);
    // Idle again: the key is forgotten (no entry kept per tenant that once wrote).
    expect(writes.running).toBe(0);
  });

  it("goes on when a batch's run throws before it returns its promise", async () => {
    const batches: string[][] = [];
    const writes = new WriteBatches<Job>(
      (jobs) => {
        batches.push(jobs.map((j) => j.row));
        if (jobs.some((j) => j.row === 'boom')) throw new Error('thrown at once');
        return new Promise((resolve) => setImmediate(resolve));
      },
      8,
      (a, b) => a.row === b.row,
    );
    writes.add('t', { row: 'boom', n: 1 });
    writes.add('t', { row: 'b', n: 1 });
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['boom'], ['b']]);
    expect(writes.running).toBe(0);
  });

  it('refuses a batch size below 1', () => {
    expect(
      () =>
        new WriteBatches<Job>(
          async () => {},
          0,
          () => false,
        ),
    ).toThrow(RangeError);
  });

  it('goes on when a batch settles without saying it committed, or its run throws', async () => {
    const batches: string[][] = [];
    const writes = new WriteBatches<Job>(
      async (jobs) => {
        batches.push(jobs.map((j) => j.row));
        await new Promise((resolve) => setImmediate(resolve));
        if (jobs.some((j) => j.row === 'boom')) throw new Error('a bug in run');
      },
      8,
      (a, b) => a.row === b.row,
    );
    writes.add('t', { row: 'boom', n: 1 });
    writes.add('t', { row: 'b', n: 1 });
    writes.add('t', { row: 'c', n: 1 });
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([['boom'], ['b', 'c']]);
    expect(writes.queued('t')).toBe(0);
    expect(writes.running).toBe(0);
  });

  it('runs every write exactly once, each batch within `max` and without a row twice (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.boolean()), { maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        async (plan, max) => {
          const seen: Job[][] = [];
          const writes = new WriteBatches<Job>(
            async (jobs, done) => {
              seen.push([...jobs]);
              await new Promise((resolve) => setImmediate(resolve));
              done();
            },
            max,
            (a, b) => a.row === b.row,
          );
          for (const [n, [row, pause]] of plan.entries()) {
            writes.add('t', { row, n });
            if (pause) await new Promise((resolve) => setImmediate(resolve));
          }
          for (let i = 0; i < 50 && writes.queued('t') > 0; i++) {
            await new Promise((resolve) => setImmediate(resolve));
          }
          await new Promise((resolve) => setImmediate(resolve));
          const ran = seen.flat().map((j) => j.n);
          expect([...ran].sort((x, y) => x - y)).toEqual(plan.map((_, n) => n));
          for (const batch of seen) {
            expect(batch.length).toBeLessThanOrEqual(max);
            expect(new Set(batch.map((j) => j.row)).size).toBe(batch.length);
          }
          // The writes of one row run in the order they came.
          for (const row of ['a', 'b', 'c', 'd', 'e']) {
            const order = seen.flat().filter((j) => j.row === row);
            expect(order.map((j) => j.n)).toEqual([...order.map((j) => j.n)].sort((x, y) => x - y));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

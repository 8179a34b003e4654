import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it, vi } from 'vitest';
import { BUDGET_CHECK, QueryBudgetExceeded, QueryClock, registerFunctions } from './sqlite-functions.ts';

/** Blocks the thread without using CPU. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('QueryClock', () => {
  it('stops a statement that carries the budget check once its deadline has passed', () => {
    const clock = new QueryClock();
    const db = new DatabaseSync(':memory:');
    registerFunctions(db, clock);
    db.exec('CREATE TABLE resources (seq INTEGER PRIMARY KEY)');
    db.exec(
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO resources SELECT i FROM n',
    );
    const count = db.prepare(`SELECT COUNT(*) AS n FROM resources AS r WHERE ${BUDGET_CHECK}`);
    expect(clock.within(Number.POSITIVE_INFINITY, () => count.get())).toEqual({ n: 1000 });
    expect(() => clock.within(0, () => count.get())).toThrow(QueryBudgetExceeded);
    // The deadline ends with the call.
    expect(count.get()).toEqual({ n: 1000 });
    db.close();
  });

  it('does not count the time spent preparing a statement', () => {
    const clock = new QueryClock();
    expect(
      clock.within(20, () => {
        clock.excluding(() => sleep(40));
        return clock.check();
      }),
    ).toBe(1);
  });

  it('counts wall-clock time, or with cpu the thread’s CPU time (a thread that sleeps has not worked)', () => {
    const clock = new QueryClock();
    expect(() =>
      clock.within(5, () => {
        sleep(30);
        return clock.check();
      }),
    ).toThrow(QueryBudgetExceeded);
    if (typeof process.threadCpuUsage !== 'function') return;
    expect(
      clock.within(
        5,
        () => {
          sleep(30);
          return clock.check();
        },
        true,
      ),
    ).toBe(1);
  });
  it('reads the thread’s CPU time only when scim_budget() asks, and stops a statement that works past it', () => {
    if (typeof process.threadCpuUsage !== 'function') return;
    const clock = new QueryClock();
    const threadCpuUsage = process.threadCpuUsage.bind(process);
    const cpuMs = () => {
      const used = threadCpuUsage();
      return (used.user + used.system) / 1000;
    };
    const read = vi.spyOn(process, 'threadCpuUsage');
    try {
      // A lookup that never reaches the check reads no clock (a system call each).
      expect(clock.within(5, () => 'row', true)).toBe('row');
      expect(read).not.toHaveBeenCalled();
      expect(() =>
        clock.within(
          5,
          () => {
            clock.check();
            // Work 30 ms of this thread's CPU time (not of the wall clock: on a loaded machine a
            // thread may get a fraction of a core), at most 60 s of wall-clock time.
            const from = cpuMs();
            const cap = performance.now() + 60_000;
            while (cpuMs() - from < 30 && performance.now() < cap) {}
            return clock.check();
          },
          true,
        ),
      ).toThrow(QueryBudgetExceeded);
      expect(read).toHaveBeenCalledTimes(2);
    } finally {
      read.mockRestore();
    }
  });
});

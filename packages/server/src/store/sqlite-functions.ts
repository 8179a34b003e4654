/**
 * The SQL functions every connection of a SQLite store registers (the writer on the event loop and
 * each reader thread): `scim_instant`, `scim_fold`, and `scim_budget`, the check that stops a query
 * that has run out of its time.
 *
 * `node:sqlite` cannot interrupt a running statement (no `sqlite3_interrupt`, no progress
 * handler), and terminating a worker thread does not stop SQLite's C code either. A statement can
 * only be stopped from inside: list queries carry {@link BUDGET_CHECK} in their `WHERE`, which
 * calls `scim_budget()` on one row in 16; the function throws once the connection's deadline has
 * passed, and SQLite ends the statement with that error.
 *
 * @internal
 * @packageDocumentation
 */
import type { DatabaseSync } from 'node:sqlite';
import { foldCase } from '@scim/protocol';
import { instantOf } from './sql/values.ts';

/**
 * The term a list query's `WHERE` starts with (after the tenant and type): true for 15 rows in 16
 * without a call into JavaScript (`seq` is in every index, so an index-only plan stays
 * index-only); on the 16th it asks `scim_budget()`, which throws when time is up. 16 rows of the
 * costliest filter the limits allow take a few milliseconds, so a query stops within that much of
 * its deadline; the calls cost about 1% of a scan that does nothing else. @internal
 */
export const BUDGET_CHECK = budgetCheck('r.seq');
/** The same check for a query on the membership table (`m`). @internal */
export const MEMBER_BUDGET_CHECK = budgetCheck('m.rowid');

/**
 * The check on a counter that grows by one per row: `seq` of the resources, the index of a JSON
 * array's element (one resource can hold `maxValuesPerAttribute` values, each tested by up to
 * `maxFilterTerms` comparisons: seconds of work inside one row), asked on one row in `every`. @internal
 */
export function budgetCheck(counter: string, every = 16): string {
  return `(${counter} % ${every} <> 0 OR scim_budget())`;
}

/**
 * The check of a query without a filter, which reads index entries only until its page (a deep
 * `startIndex` walks one per skipped resource): one row in 256, so that the calls into
 * JavaScript do not cost more than the walk (an entry takes well under a microsecond). @internal
 */
export const WALK_BUDGET_CHECK = budgetCheck('r.seq', 256);

/** Thrown by `scim_budget()` when a statement runs past its connection's deadline. @internal */
export class QueryBudgetExceeded extends Error {
  constructor() {
    super('the query ran out of its time budget');
    this.name = 'QueryBudgetExceeded';
  }
}

/** The CPU time the calling thread has used, in ms, where Node can tell (22.19, 23.9 and later). */
const threadCpuMs: (() => number) | undefined =
  typeof process.threadCpuUsage === 'function'
    ? () => {
        const used = process.threadCpuUsage();
        return (used.user + used.system) / 1000;
      }
    : undefined;

/**
 * The deadline of the statement a connection is running: in wall-clock time (`performance.now()`
 * of its thread), or in the CPU time of its thread.
 *
 * The thread's CPU time costs a system call to read (`getrusage`), so it is read only when
 * `scim_budget()` asks, never when a statement starts: a lookup that reads one row (and so calls
 * `scim_budget()` on one row in 16 at most) pays for none on most reads. The first call counts the
 * CPU budget from then: the few rows before it (16 at most) are not counted, as a check on one row
 * in 16 already allows.
 * @internal
 */
export class QueryClock {
  /** `performance.now()` when the statement started (moved on by the time spent preparing). */
  private started = 0;
  private budgetMs = Number.POSITIVE_INFINITY;
  private cpu = false;
  /** The deadline in the thread's CPU time, once `scim_budget()` has read it. */
  private cpuDeadline: number | undefined;

  /**
   * Runs `fn` with a deadline `budgetMs` from now (`Infinity`: none). With `cpu`, the deadline is
   * in the thread's CPU time where Node tells it (else in wall-clock time): a thread the system
   * sets aside for a while, or a query waiting for the disk, has not worked that long.
   */
  within<T>(budgetMs: number, fn: () => T, cpu = false): T {
    this.cpu = cpu && threadCpuMs !== undefined;
    this.started = performance.now();
    this.budgetMs = budgetMs;
    this.cpuDeadline = undefined;
    try {
      return fn();
    } finally {
      this.budgetMs = Number.POSITIVE_INFINITY;
      this.cpuDeadline = undefined;
    }
  }

  /**
   * Runs `fn` (preparing a statement) without counting its time against the deadline: a statement
   * is compiled once per SQL text, at a cost that grows with the filter's length (which the limits
   * bound), not with the resources the query reads, which is what the budget is for.
   */
  excluding<T>(fn: () => T): T {
    if (this.budgetMs === Number.POSITIVE_INFINITY) return fn();
    const started = performance.now();
    try {
      return fn();
    } finally {
      // Wall-clock time spent is at least the CPU time: the CPU deadline moves on by as much.
      const spent = performance.now() - started;
      this.started += spent;
      if (this.cpuDeadline !== undefined) this.cpuDeadline += spent;
    }
  }

  /** `scim_budget()`: 1, or throws once the deadline has passed. */
  check(): number {
    if (this.budgetMs === Number.POSITIVE_INFINITY) return 1;
    if (!this.cpu || threadCpuMs === undefined) {
      if (performance.now() - this.started >= this.budgetMs) throw new QueryBudgetExceeded();
      return 1;
    }
    const used = threadCpuMs();
    this.cpuDeadline ??= used + this.budgetMs;
    if (used >= this.cpuDeadline) throw new QueryBudgetExceeded();
    return 1;
  }
}

/** Registers the store's SQL functions on a connection; `clock` is the one `scim_budget()` reads. @internal */
export function registerFunctions(db: DatabaseSync, clock: QueryClock): void {
  db.function('scim_instant', { deterministic: true }, (text) =>
    typeof text === 'string' ? instantOf(text) : null,
  );
  db.function('scim_fold', { deterministic: true }, (text) =>
    typeof text === 'string' ? foldCase(text) : text,
  );
  db.function('scim_budget', { deterministic: false }, () => clock.check());
}

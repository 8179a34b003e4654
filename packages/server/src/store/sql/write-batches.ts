/**
 * Writes that wait together go together (issue 14). On PostgreSQL a write of one row costs the
 * database far more for the statement than for the row: the executor, each index, the commit, the
 * server process woken, the per-tenant change-feed lock (`bench/postgres-patch-parts.ts`: a user's
 * update statement 265 µs of backend CPU alone; five users' updates in one statement 110 µs each,
 * ten 90 µs each). A tenant's writes take that lock one after the other anyway, so the store sends
 * them one batch at a time:
 *
 * - a write that finds no batch of its key running starts at once, alone (at low load nothing
 *   waits, and the statement is the one a write always sent);
 * - writes that come while a batch runs wait for it to commit (not for its flush to disk) and then
 *   go together, in the order they came, at most `max` at a time;
 * - a write that `conflicts` with one already in the next batch (the same row) waits for the batch
 *   after it, so that one statement never writes a row twice.
 *
 * `run` settles every job it is given (it never rejects) and calls `done` once the batch's
 * statement has committed (or failed): the next batch may start then. A batch whose `run` settles
 * without calling `done` is done then.
 *
 * @internal
 * @packageDocumentation
 */

/** Runs one batch (see the module comment). @internal */
export type RunWrites<Job> = (jobs: readonly Job[], done: () => void) => Promise<void>;

/** The jobs of one key waiting for the batch that runs to commit. */
interface Waiting<Job> {
  jobs: Job[];
}

/**
 * Batches of jobs per key, one running at a time (see the module comment).
 * @internal
 */
export class WriteBatches<Job> {
  /** The keys with a batch running, and the jobs waiting behind it. */
  private readonly waiting = new Map<string, Waiting<Job>>();

  /**
   * @param run - runs one batch
   * @param max - the most jobs a batch carries
   * @param conflicts - whether two jobs may not go in one batch (the same row)
   */
  private readonly run: RunWrites<Job>;
  private readonly max: number;
  private readonly conflicts: (a: Job, b: Job) => boolean;

  constructor(run: RunWrites<Job>, max: number, conflicts: (a: Job, b: Job) => boolean) {
    if (!Number.isSafeInteger(max) || max < 1)
      throw new RangeError(`WriteBatches: max must be at least 1, got ${max}`);
    this.run = run;
    this.max = max;
    this.conflicts = conflicts;
  }

  /** Starts `job` at once when no batch of `key` runs, else queues it for the next. */
  add(key: string, job: Job): void {
    const queue = this.waiting.get(key);
    if (queue !== undefined) {
      queue.jobs.push(job);
      return;
    }
    this.waiting.set(key, { jobs: [] });
    this.start(key, [job]);
  }

  /** How many jobs of `key` wait for a batch (for tests). */
  queued(key: string): number {
    return this.waiting.get(key)?.jobs.length ?? 0;
  }

  /** How many keys have a batch running (for tests: none once every batch is done). */
  get running(): number {
    return this.waiting.size;
  }

  private start(key: string, jobs: readonly Job[]): void {
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      this.next(key);
    };
    // `run` never rejects; a bug that makes it throw (even before it returns its promise) must
    // still not stall the key's writes.
    let running: Promise<void>;
    try {
      running = this.run(jobs, done);
    } catch {
      running = Promise.resolve();
    }
    void running.then(done, done);
  }

  /** The next batch of `key`: the jobs waiting, in order, but those that must wait once more. */
  private next(key: string): void {
    const queue = this.waiting.get(key);
    if (queue === undefined) return;
    if (queue.jobs.length === 0) {
      this.waiting.delete(key);
      return;
    }
    const batch: Job[] = [];
    const later: Job[] = [];
    for (const job of queue.jobs) {
      const fits = batch.length < this.max && !batch.some((other) => this.conflicts(other, job));
      (fits ? batch : later).push(job);
    }
    queue.jobs = later;
    this.start(key, batch);
  }
}

/**
 * What a SQLite reader thread costs to start again after it ended for being idle
 * (`readerIdleTimeoutMs`): the first job on a pool whose reader has ended (a new thread, its module,
 * a new read-only connection and its schema) beside the same job on a reader that is running, in
 * interleaved rounds in one process. The job is a page of 100 users and its count on the HTTP
 * benchmark's 100,000-user file (`.cache/bench-<users>.db`; `pnpm bench` builds it), opened
 * read-only. The reader is the built one (`dist/sqlite-reader.js`: build first), as the bin runs
 * it; with `BENCH_BASELINE=<dir>` (an earlier `dist/` copied inside this package), that build's
 * reader too, in the same rounds. CPU time is the whole process's (`process.cpuUsage`: every
 * thread), per job.
 *
 *   pnpm --filter @scim/server exec node --conditions=@scim/source bench/reader-restart.ts
 *   BENCH_ROUNDS=40 BENCH_BASELINE=.cache/before-dist ...
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { ListJob } from '../src/store/sqlite-read.ts';
import { SqliteReaders } from '../src/store/sqlite-readers.ts';
import { USERS } from './servers/common.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const BASELINE = process.env.BENCH_BASELINE;
const IDLE_MS = 50;
const pkg = join(import.meta.dirname, '..');
const db = join(pkg, '.cache', `bench-${USERS}.db`);

const job: ListJob = {
  kind: 'list',
  count: {
    sql: "SELECT COUNT(*) AS n FROM resources WHERE tenant = 'default' AND resource_type = 'User'",
    values: [],
  },
  page: {
    sql: `SELECT id, resource_type, version, created, last_modified, data FROM resources
            WHERE tenant = 'default' AND resource_type = 'User' ORDER BY seq LIMIT 100`,
    values: [],
  },
  offset: 0,
  limit: 100,
};

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function timed(readers: SqliteReaders): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const rows = await readers.run(job, 10_000, 1);
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (rows.rows.length !== 100) throw new Error(`expected 100 rows, got ${rows.rows.length}`);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Build {
  readonly name: string;
  readonly readers: SqliteReaders;
  readonly cold: Timing[];
  readonly warm: Timing[];
}

function build(name: string, dist: string): Build {
  const readers = new SqliteReaders({
    path: `file:${db}?mode=ro`,
    size: 1,
    waitMs: 10_000,
    busySliceMs: 5,
    idleMs: IDLE_MS,
    entry: pathToFileURL(join(pkg, dist, 'sqlite-reader.js')),
  });
  return { name, readers, cold: [], warm: [] };
}

async function main(): Promise<void> {
  if (!existsSync(`${db}.complete`))
    throw new Error(`${db} is missing: run pnpm --filter @scim/server bench first`);
  const loadBefore = loadavg()[0]!.toFixed(1);
  const builds = [
    build('this build', 'dist'),
    ...(BASELINE === undefined ? [] : [build(BASELINE, BASELINE)]),
  ];
  for (const b of builds) await timed(b.readers);
  for (let round = 0; round < ROUNDS; round++) {
    for (const b of round % 2 === 0 ? builds : [...builds].reverse()) {
      while (b.readers.running > 0) await sleep(10);
      b.cold.push(await timed(b.readers));
      b.warm.push(await timed(b.readers));
    }
  }
  const rows: string[] = [];
  for (const b of builds) {
    await b.readers.close();
    const cell = (ts: Timing[]) =>
      `${median(ts.map((t) => t.wallMs)).toFixed(1)} | ${median(ts.map((t) => t.cpuMs)).toFixed(1)}`;
    rows.push(`| ${b.name} | ${cell(b.cold)} | ${cell(b.warm)} |`);
  }
  process.stdout.write(
    `\nA SQLite reader started again (${ROUNDS} rounds, ${process.version}, page of 100 and its count on ${USERS} users; ` +
      `load average ${loadBefore} before, ${loadavg()[0]!.toFixed(1)} at the end), medians:\n\n` +
      '| reader | started again: wall ms | CPU ms | running: wall ms | CPU ms |\n|---|---:|---:|---:|---:|\n' +
      `${rows.join('\n')}\n`,
  );
}

await main();

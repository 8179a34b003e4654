/**
 * Resident memory of the shipped CLI (`scim-server start`, from `dist/`, default logging and token
 * store) on a SQLite file of 100,000 users: idle, during 30 s of mixed load at full speed, at the
 * end of the load and while it is idle again for 30 s (issue 14's goal: under 200 MB after the load,
 * and back near idle 30 s after).
 *
 *   pnpm --filter @scim/server build && pnpm --filter @scim/server exec node --conditions=@scim/source bench/memory.ts
 *   BENCH_LOAD_SECONDS=10 BENCH_IDLE_SECONDS=10 ...   # a quicker run
 *
 * Configurations side by side, in interleaved rounds (each round runs them in the other order): the
 * bin as shipped and the bin on V8's own young-generation sizing; with `BENCH_BASELINE=<dir>` (a
 * copy of an earlier `dist/` inside this package, so that its imports resolve, e.g.
 * `cp -r dist .cache/before-dist` before a change), that build as shipped instead of the
 * V8-defaults one; with `BENCH_VARIANT='<node options>'`, the bin as shipped with those options too.
 * `BENCH_ROUNDS` (default 1) rounds. The users come from the HTTP benchmark's database (`.cache/bench-<users>.db`, built by
 * `pnpm bench` or by this script on first use), copied to a temporary directory so the run starts
 * from the same file every time. Resident memory is read from `/proc/<pid>/status` (VmRSS) of the
 * server process, twice a second. The request log goes to a file, as a deployment would keep it.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { startCli } from './servers/cli.ts';
import { cpuMicros, USERS } from './servers/common.ts';
import { benchDatabase as cacheDb, ensureDatabase } from './servers/database.ts';
import { mixedRequests } from './servers/mixed-load.ts';

const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const CONNECTIONS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const BASELINE = process.env.BENCH_BASELINE;
/** Node options of a third configuration, the bin as shipped with them (`BENCH_VARIANT='--flag=1'`). */
const VARIANT = process.env.BENCH_VARIANT || undefined;
const pkg = join(import.meta.dirname, '..');
const cli = join(pkg, 'dist', 'cli.js');

/** VmRSS of a process, in MB. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  if (!line) throw new Error(`no VmRSS for ${pid}`);
  return Number(line[1]) / 1024;
}

interface Sample {
  readonly t: number;
  readonly mb: number;
}

/** Samples the RSS of `pid` twice a second until `until` resolves. */
async function sampleWhile(pid: number, until: Promise<unknown>): Promise<Sample[]> {
  const samples: Sample[] = [];
  const started = Date.now();
  let done = false;
  void until.finally(() => {
    done = true;
  });
  while (!done) {
    samples.push({ t: (Date.now() - started) / 1000, mb: rssMb(pid) });
    await Promise.race([sleep(500), until]);
  }
  samples.push({ t: (Date.now() - started) / 1000, mb: rssMb(pid) });
  return samples;
}

interface Config {
  readonly name: string;
  /** Node options before the bin. */
  readonly nodeArgs: readonly string[];
  /** The bin (default this package's dist/cli.js). */
  readonly bin?: string;
}

/**
 * The two configurations, side by side: the bin as shipped (it caps the young generation,
 * src/cli/young-generation.ts) and the bin on V8's own young-generation sizing
 * (`--max-semi-space-size=0` is V8's default, and the bin keeps a flag it was given).
 */
const CONFIGS: readonly Config[] = [
  BASELINE === undefined
    ? { name: 'V8 defaults (--max-semi-space-size=0)', nodeArgs: ['--max-semi-space-size=0'] }
    : { name: `baseline (${BASELINE})`, nodeArgs: [], bin: join(pkg, BASELINE, 'cli.js') },
  { name: 'as shipped', nodeArgs: [] },
  ...(VARIANT === undefined ? [] : [{ name: `as shipped, ${VARIANT}`, nodeArgs: VARIANT.split(' ') }]),
];

interface Measured {
  readonly idle: number;
  readonly peak: number;
  readonly end: number;
  readonly settled: number;
  readonly requests: number;
  readonly rps: number;
  readonly failed: number;
  readonly cpuMsPerRequest: number;
}

async function measure(config: Config, dir: string): Promise<Measured> {
  const logFile = join(dir, 'requests.log');
  const server = await startCli(
    join(dir, 'scim.db'),
    logFile,
    {},
    { bin: config.bin ?? cli, nodeArgs: config.nodeArgs },
  );
  // startCli serves under --base-path /scim; autocannon's paths replace the URL's path.
  const origin = `http://127.0.0.1:${server.port}`;
  const base = `${origin}/scim`;
  const { token, port } = server;
  try {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const list = (await (
      await fetch(`${base}/Users?count=10&startIndex=${Math.floor(USERS / 2)}`, { headers })
    ).json()) as { Resources: { id: string }[] };
    const ids = list.Resources.map((r) => r.id);
    await sleep(2000);
    const pid = server.child.pid!;
    const idle = rssMb(pid);
    const cpuBefore = cpuMicros(pid);
    const run: Promise<autocannon.Result> = Promise.resolve(
      autocannon({
        url: origin,
        connections: CONNECTIONS,
        duration: LOAD_SECONDS,
        headers,
        requests: mixedRequests(ids, `memory-${port}`),
      }),
    );
    const during = await sampleWhile(pid, run);
    const result = await run;
    const cpu = (cpuMicros(pid) - cpuBefore) / 1000;
    const after = await sampleWhile(pid, sleep(IDLE_SECONDS * 1000));
    return {
      idle,
      peak: Math.max(...during.map((s) => s.mb)),
      end: during.at(-1)!.mb,
      settled: after.at(-1)!.mb,
      requests: result.requests.total,
      rps: result.requests.average,
      failed: result.non2xx + result.errors,
      cpuMsPerRequest: cpu / result.requests.total,
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run pnpm --filter @scim/server build first`);
  await ensureDatabase();
  const rows: string[] = [];
  const loadBefore = loadavg()[0]!.toFixed(1);
  let failed = 0;
  const order = Array.from({ length: ROUNDS }, (_, r) =>
    r % 2 === 0 ? CONFIGS : [...CONFIGS].reverse(),
  ).flat();
  for (const config of order) {
    const dir = mkdtempSync(join(tmpdir(), 'scim-memory-'));
    try {
      const db = join(dir, 'scim.db');
      copyFileSync(cacheDb, db);
      if (existsSync(`${cacheDb}-wal`)) copyFileSync(`${cacheDb}-wal`, `${db}-wal`);
      process.stderr.write(`${config.name}: ${LOAD_SECONDS} s of load, then ${IDLE_SECONDS} s idle\n`);
      const m = await measure(config, dir);
      failed += m.failed;
      const f = (n: number) => n.toFixed(0);
      rows.push(
        `| ${config.name} | ${f(m.idle)} | ${f(m.peak)} | ${f(m.end)} | ${f(m.settled)} | ` +
          `${(m.settled / m.idle).toFixed(2)}x | ${f(m.rps)} | ${m.cpuMsPerRequest.toFixed(2)} | ${m.failed} |`,
      );
      process.stderr.write(`${rows.at(-1)}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    `\nResident memory of \`scim-server start\` (dist/cli.js, SQLite, ${USERS} users; ${process.version}; ` +
      `autocannon, ${CONNECTIONS} connections, ${LOAD_SECONDS} s, 6 requests in rotation: GET by id, filter, ` +
      `list count=100, /ServiceProviderConfig, POST, PATCH; load average ${loadBefore} before, ${loadavg()[0]!.toFixed(1)} at the end)\n\n` +
      `| server | idle MB | peak MB | end of load MB | ${IDLE_SECONDS} s later MB | later / idle | req/s | CPU ms / request | failed |\n` +
      `|---|---:|---:|---:|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n`,
  );
  if (failed > 0) process.exitCode = 1;
}

await main();

/**
 * What the young generation's cap costs `scim-server start` (src/cli/young-generation.ts): the
 * shipped command line from source, with its defaults (request log at `info` to a file, bearer
 * token from the store), once per cap of V8's semi-space (`--max-semi-space-size`, MB; 0 is V8's own
 * sizing, up to 32 MB), each serving the HTTP benchmark's 100,000-user SQLite file. For each case
 * the servers run in turn, in interleaved rounds: 1 s of warm-up, then a timed run (autocannon, 10
 * connections), its CPU per request (the whole process, from /proc/<pid>/stat) and the main
 * thread's garbage collections per 1,000 requests (a preloaded probe, servers/gc-probe.cjs).
 * Resident memory is bench/memory.ts's (`BENCH_VARIANT='--max-semi-space-size=8 --expose-gc'`).
 *
 *   node --conditions=@scim/source bench/young-generation.ts
 *   BENCH_CAPS=4,8 BENCH_CASES=filter BENCH_ROUNDS=5 BENCH_SECONDS=3 node --conditions=@scim/source bench/young-generation.ts
 *   BENCH_CAPS='8,8 --single-threaded-gc' ...   # a cap may bring more Node options after it
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { EXPOSE_GC } from '../src/cli/young-generation.ts';
import { startCli } from './servers/cli.ts';
import { USERS } from './servers/common.ts';
import { benchDatabase, ensureDatabase } from './servers/database.ts';

/** Each configuration: a cap, then any other Node options (`8 --single-threaded-gc`). */
const CONFIGS = (process.env.BENCH_CAPS ?? '4,8,16,0').split(',').map((c) => c.trim().split(/\s+/));
const CAPS = CONFIGS.map(([cap]) => Number(cap));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ONLY = process.env.BENCH_CASES?.split(',');
const PROBE = join(import.meta.dirname, 'servers', 'gc-probe.cjs');

/** The main thread's collections so far, as the probe counts them. */
interface GcTotals {
  readonly minor: number;
  readonly minorMs: number;
  readonly major: number;
  readonly majorMs: number;
}

interface Server {
  readonly cap: number;
  readonly pid: number;
  readonly base: string;
  readonly token: string;
  readonly probeOut: string;
  stop(): void;
}

async function start(cap: number, more: readonly string[], dir: string): Promise<Server> {
  const name = [cap, ...more].join('').replace(/[^\w]+/g, '-');
  const probeOut = join(dir, `gc-${name}.jsonl`);
  // The flags given, the bin does not start itself again: this cap, and `gc` for its idle collector.
  const nodeArgs = [
    '--conditions=@scim/source',
    '--no-warnings',
    `--max-semi-space-size=${cap}`,
    EXPOSE_GC,
    ...more,
  ];
  const cli = await startCli(
    benchDatabase,
    join(dir, `log-${name}.log`),
    { PROBE_OUT: probeOut },
    {
      nodeArgs: [...nodeArgs, `--require=${PROBE}`],
    },
  );
  return {
    cap,
    pid: cli.child.pid!,
    base: `http://127.0.0.1:${cli.port}/scim`,
    token: cli.token,
    probeOut,
    stop: () => cli.child.kill('SIGTERM'),
  };
}

/** Asks the probe for its totals and waits for its line. */
async function gcTotals(s: Server): Promise<GcTotals> {
  const lines = () => (existsSync(s.probeOut) ? readFileSync(s.probeOut, 'utf8').trim().split('\n') : []);
  const before = lines().length;
  process.kill(s.pid, 'SIGUSR2');
  for (let i = 0; i < 200 && lines().length === before; i++) await sleep(10);
  const all = lines();
  if (all.length === before) throw new Error(`the probe of cap ${s.cap} did not answer`);
  return JSON.parse(all.at(-1)!) as GcTotals;
}

/** User and system CPU time (µs) and minor page faults of a process so far, from /proc/<pid>/stat. */
function usage(pid: number): { readonly user: number; readonly system: number; readonly faults: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // minflt, utime and stime: fields 10, 14 and 15 of the line (7, 11 and 12 after the command).
  return { faults: Number(f[7]), user: Number(f[11]) * 10_000, system: Number(f[12]) * 10_000 };
}

interface Measured {
  readonly cpuUs: number;
  readonly systemUs: number;
  readonly faults: number;
  readonly rps: number;
  readonly minorPerK: number;
  readonly minorMsPerK: number;
  readonly majorPerK: number;
}

async function measure(s: Server, path: string): Promise<Measured> {
  const url = `${s.base}${path}`;
  const headers = { authorization: `Bearer ${s.token}` };
  const probe = await fetch(url, { headers });
  if (probe.status !== 200) throw new Error(`cap ${s.cap} ${path}: ${probe.status} ${await probe.text()}`);
  await autocannon({ url, connections: 10, duration: 1, headers });
  const gc0 = await gcTotals(s);
  const u0 = usage(s.pid);
  const result = await autocannon({ url, connections: 10, duration: SECONDS, headers });
  const u = usage(s.pid);
  const gc = await gcTotals(s);
  const n = result.requests.total;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`cap ${s.cap} ${path}: errors`);
  return {
    cpuUs: (u.user + u.system - u0.user - u0.system) / n,
    systemUs: (u.system - u0.system) / n,
    faults: (u.faults - u0.faults) / n,
    rps: n / SECONDS,
    minorPerK: ((gc.minor - gc0.minor) * 1000) / n,
    minorMsPerK: ((gc.minorMs - gc0.minorMs) * 1000) / n,
    majorPerK: ((gc.major - gc0.major) * 1000) / n,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await ensureDatabase();
const dir = mkdtempSync(join(tmpdir(), 'scim-young-bench-'));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadBefore = load();
const servers: Server[] = [];
try {
  for (const [cap, ...more] of CONFIGS) servers.push(await start(Number(cap), more, dir));
  const name = `user${String(Math.floor(USERS / 3)).padStart(6, '0')}@example.com`;
  const found = (await (
    await fetch(`${servers[0]!.base}/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`, {
      headers: { authorization: `Bearer ${servers[0]!.token}` },
    })
  ).json()) as { Resources: { id: string }[] };
  const cases: [string, string][] = [
    ['GET /Users/{id}', `/Users/${found.Resources[0]!.id}`],
    ['GET /Users?filter=userName eq', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`],
    ['GET /Users?count=100', '/Users?count=100'],
    ['GET /ServiceProviderConfig', '/ServiceProviderConfig'],
  ];
  console.log(
    `\n\`scim-server start\` (source, request log at info, token store) on ${USERS} users, per cap of the semi-space; ` +
      `autocannon 10 connections, ${SECONDS} s after 1 s of warm-up, medians of ${ROUNDS} interleaved rounds; ${process.version}; load average before: ${loadBefore}\n`,
  );
  console.log(
    '| case | semi-space cap | req/s | CPU µs / request | of which system | page faults / request | CPU / cap 8 | scavenges / 1,000 requests | scavenge ms / 1,000 requests | full GCs / 1,000 requests |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [caseName, path] of cases.filter(
    ([n]) => ONLY === undefined || ONLY.some((o) => n.includes(o)),
  )) {
    const runs = servers.map((): Measured[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      // Each round in the other order, so that no cap always runs first.
      const order = round % 2 === 0 ? servers.keys() : [...servers.keys()].reverse();
      for (const i of order) runs[i]!.push(await measure(servers[i]!, path));
    }
    const med = runs.map((r) => ({
      cpuUs: median(r.map((m) => m.cpuUs)),
      systemUs: median(r.map((m) => m.systemUs)),
      faults: median(r.map((m) => m.faults)),
      rps: median(r.map((m) => m.rps)),
      minorPerK: median(r.map((m) => m.minorPerK)),
      minorMsPerK: median(r.map((m) => m.minorMsPerK)),
      majorPerK: median(r.map((m) => m.majorPerK)),
    }));
    const ref = med[CONFIGS.findIndex((c) => c.length === 1 && c[0] === '8')]?.cpuUs;
    for (const [i, m] of med.entries()) {
      const more = CONFIGS[i]!.slice(1).join(' ');
      const cap = `${CAPS[i] === 0 ? "0 (V8's own)" : `${CAPS[i]} MB`}${more === '' ? '' : `, ${more}`}`;
      const vs = ref === undefined ? '-' : `${(m.cpuUs / ref).toFixed(2)}x`;
      console.log(
        `| ${caseName} | ${cap} | ${Math.round(m.rps).toLocaleString('en-US')} | ${Math.round(m.cpuUs)} | ${Math.round(m.systemUs)} | ${m.faults.toFixed(1)} | ${vs} | ${m.minorPerK.toFixed(1)} | ${m.minorMsPerK.toFixed(1)} | ${m.majorPerK.toFixed(2)} |`,
      );
    }
    process.stderr.write(`${caseName}: done\n`);
  }
  console.log(`\nLoad average after: ${load()}`);
} finally {
  for (const s of servers) s.stop();
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}

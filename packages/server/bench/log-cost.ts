/**
 * What the request log costs over HTTP, for this checkout and an earlier revision in the same
 * rounds: `scim-server start` (the bin's source) of each, at `LOG_LEVEL=info` and at `silent`, on the
 * 100,000-user SQLite file bench/run.ts made, driven in turn by autocannon (10 connections, 1 s of
 * warm-up, then `BENCH_SECONDS`; each round starts with the next server). For each revision and
 * case it prints requests per second and CPU per request (the process, all threads, from /proc) at
 * both levels, and the log's cost: 1 - info / silent in requests per second and info / silent - 1
 * in CPU, each the median of the rounds' own ratios (so a loaded machine's drift between rounds
 * cancels out). The revision runs on the same file: it must know the file's schema (a revision of
 * the same day does).
 *
 *   BENCH_BASELINE=684be3d BENCH_ROUNDS=5 node --conditions=@scim/source bench/log-cost.ts
 *   BENCH_CASES=Schemas,ResourceTypes ...   # only the cases whose names contain one of these
 */
import { join } from 'node:path';
import autocannon from 'autocannon';
import { baselineSource } from './baseline.ts';
import { startCli } from './servers/cli.ts';
import { cpuMicros } from './servers/common.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const BASELINE = process.env.BENCH_BASELINE;
const cache = join(import.meta.dirname, '..', '.cache');
const database = join(cache, 'bench-100000.db');

interface Started {
  readonly name: string;
  readonly pid: number;
  readonly base: string;
  readonly token: string;
  stop(): void;
}

/** `scim-server start` of a revision (this checkout when `rev` is undefined) at `level`. */
async function start(rev: string | undefined, level: string): Promise<Started> {
  const label = `${rev ?? 'this tree'} ${level}`;
  const launch = rev === undefined ? {} : { bin: join(baselineSource(rev), 'cli', 'main.ts') };
  const log = join(cache, `log-cost-${rev ?? 'tree'}-${level}.log`);
  const cli = await startCli(database, log, { LOG_LEVEL: level }, launch);
  return {
    name: label,
    pid: cli.child.pid!,
    base: `http://127.0.0.1:${cli.port}/scim`,
    token: cli.token,
    stop: () => cli.child.kill(),
  };
}

const revisions = [undefined, ...(BASELINE === undefined ? [] : [BASELINE])];
const servers: Started[] = [];
for (const rev of revisions) servers.push(await start(rev, 'info'), await start(rev, 'silent'));
const first = servers[0]!;
const listed = await fetch(`${first.base}/Users?count=1`, {
  headers: { authorization: `Bearer ${first.token}` },
});
const id = ((await listed.json()) as { Resources: { id: string }[] }).Resources[0]!.id;
const filterOf = (n: number) =>
  `/Users?filter=${encodeURIComponent(`userName eq "user${String((n * 7919) % 100_000).padStart(6, '0')}@example.com"`)}`;
const cases: { name: string; path: (n: number) => string }[] = [
  { name: 'GET /Users/{id}', path: () => `/Users/${id}` },
  { name: 'GET /Users?filter=userName eq', path: () => filterOf(33_333) },
  { name: 'the same, another user each request', path: (n) => filterOf(n) },
  { name: 'GET /ServiceProviderConfig', path: () => '/ServiceProviderConfig' },
  { name: 'GET /Schemas', path: () => '/Schemas' },
  { name: 'GET /ResourceTypes', path: () => '/ResourceTypes' },
];
const wanted = process.env.BENCH_CASES?.split(',');

/** Requests per second and CPU µs per request of one timed run. */
async function measure(s: Started, path: (n: number) => string): Promise<{ rps: number; cpu: number }> {
  const headers = { authorization: `Bearer ${s.token}` };
  let n = 0;
  const requests = [{ setupRequest: (r: autocannon.Request) => ({ ...r, path: `/scim${path(n++)}` }) }];
  const url = `${s.base}${path(0)}`;
  await autocannon({ url, connections: 10, duration: 1, headers, requests });
  const before = cpuMicros(s.pid);
  const result = await autocannon({ url, connections: 10, duration: SECONDS, headers, requests });
  const done = result.requests.total;
  return { rps: done / SECONDS, cpu: (cpuMicros(s.pid) - before) / done };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percent = (x: number) => `${(x * 100).toFixed(0)}%`;
console.log(
  `The request log over HTTP: scim-server start at info beside silent, ${SECONDS} s per run, median of ${ROUNDS} rounds (the servers in turn in each); load average ${(
    await import('node:os')
  )
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}\n`,
);
console.log(
  '| case | revision | info req/s | silent req/s | log cost, req/s | info CPU µs | silent CPU µs | log cost, CPU |',
);
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const c of cases.filter((c) => wanted === undefined || wanted.some((w) => c.name.includes(w)))) {
  const runs = servers.map(() => [] as { rps: number; cpu: number }[]);
  for (let round = 0; round < ROUNDS; round++) {
    // Each round starts with the next server: none is always the first after a pause.
    for (let k = 0; k < servers.length; k++) {
      const i = (round + k) % servers.length;
      runs[i]!.push(await measure(servers[i]!, c.path));
    }
  }
  for (let r = 0; r < revisions.length; r++) {
    const info = runs[2 * r]!;
    const silent = runs[2 * r + 1]!;
    const rpsCost = median(info.map((m, i) => 1 - m.rps / silent[i]!.rps));
    const cpuCost = median(info.map((m, i) => m.cpu / silent[i]!.cpu - 1));
    console.log(
      `| ${c.name} | ${revisions[r] ?? 'this tree'} | ${Math.round(median(info.map((m) => m.rps))).toLocaleString('en')} | ${Math.round(median(silent.map((m) => m.rps))).toLocaleString('en')} | ${percent(rpsCost)} | ${median(info.map((m) => m.cpu)).toFixed(1)} | ${median(silent.map((m) => m.cpu)).toFixed(1)} | ${percent(cpuCost)} |`,
    );
  }
}
console.log(
  `\nLoad average after: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const s of servers) s.stop();

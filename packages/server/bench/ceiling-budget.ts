/**
 * What a ratio to the node:http ceiling allows, on this machine, with this load tool: the ceiling
 * of bench/run.ts (bare node:http answering the same bytes to every request) beside the same server
 * spending a fixed number of µs of CPU on the main thread per request before it answers, side by
 * side in one run. Prints requests/s and server CPU per request of each, and their ratios to the
 * ceiling; then, for each ratio the issue sets (1.5x, 3x, 5x), the work per request a server may
 * spend and stay within it (interpolated between the measured points).
 *
 * Every µs of work costs more than a µs over HTTP on loopback when the load generator shares the
 * machine: a server slower than the generator wakes it for each response (a context switch and an
 * inter-processor interrupt, which a virtual machine pays dearly), while a faster one finds it
 * busy. So the budget a ratio leaves is smaller than the ratio suggests; compare it with a server's
 * own work per request measured in process (bench/fixed-cost.ts).
 *
 *   node --conditions=@scim/source bench/ceiling-budget.ts
 *   BENCH_WORK=0,5,10,20,30,40,60 BENCH_ROUNDS=3 BENCH_SECONDS=3 BENCH_BYTES=1000 ...
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { cpuMicros } from './servers/common.ts';

const WORK = (process.env.BENCH_WORK ?? '0,5,10,20,30,40,60').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const BYTES = Number(process.env.BENCH_BYTES ?? 1000);
const CONNECTIONS = 10;
const GOALS = [1.5, 3, 5];
const AUTOCANNON = (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;

interface Point {
  readonly work: number;
  readonly rps: number;
  readonly cpu: number;
}

async function serve(work: number): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(import.meta.dirname, 'servers', 'spin.ts'), [String(work), String(BYTES)], {
    execArgv: ['--conditions=@scim/source', '--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m: { port: number }) => resolve(m.port)),
  );
  return { child, port };
}

/** One timed run against a server: requests/s and the server's CPU µs per request. */
async function measure(work: number): Promise<Point> {
  const { child, port } = await serve(work);
  const options = { url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS };
  await autocannon({ ...options, duration: 1 });
  const before = cpuMicros(child.pid);
  const result = await autocannon({ ...options, duration: SECONDS });
  const cpu = (cpuMicros(child.pid) - before) / result.requests.total;
  child.kill();
  return { work, rps: result.requests.average, cpu };
}

const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The work at which the ratio reaches `goal`, by linear interpolation between measured points. */
function budgetFor(points: readonly { work: number; ratio: number }[], goal: number): number | undefined {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    if (a.ratio <= goal && b.ratio >= goal)
      return a.work + ((goal - a.ratio) / (b.ratio - a.ratio)) * (b.work - a.work);
  }
  return undefined;
}

const loadBefore = loadavg()
  .map((n) => n.toFixed(2))
  .join(' ');
const runs = new Map<number, Point[]>(WORK.map((w) => [w, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const work of WORK) runs.get(work)!.push(await measure(work));
  process.stderr.write(`round ${round + 1} of ${ROUNDS}: done\n`);
}
const rows = WORK.map((work) => {
  const points = runs.get(work)!;
  return { work, rps: median(points.map((p) => p.rps)), cpu: median(points.map((p) => p.cpu)) };
});
const ceiling = rows.find((r) => r.work === 0) ?? rows[0]!;
console.log(
  `\nThe node:http ceiling (${BYTES}-byte body) beside the same server working a fixed time per request; autocannon ${AUTOCANNON}, ${CONNECTIONS} connections, ${SECONDS} s per run after 1 s of warm-up, median of ${ROUNDS} rounds, Node ${process.version}, load average before: ${loadBefore}\n`,
);
console.log(
  '| work per request (µs, busy) | req/s | ceiling / this, req/s | server CPU µs per request | this / ceiling, CPU |',
);
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.work} | ${Math.round(r.rps).toLocaleString('en-US')} | ${(ceiling.rps / r.rps).toFixed(2)}x | ${r.cpu.toFixed(1)} | ${(r.cpu / ceiling.cpu).toFixed(2)}x |`,
  );
}
const byRps = rows.map((r) => ({ work: r.work, ratio: ceiling.rps / r.rps }));
const byCpu = rows.map((r) => ({ work: r.work, ratio: r.cpu / ceiling.cpu }));
const show = (n: number | undefined) =>
  n === undefined ? 'outside the measured range' : `${n.toFixed(1)} µs`;
console.log('\n| ratio to the ceiling | work per request it allows, by req/s | by server CPU |');
console.log('|---:|---:|---:|');
for (const goal of GOALS)
  console.log(`| ${goal}x | ${show(budgetFor(byRps, goal))} | ${show(budgetFor(byCpu, goal))} |`);
console.log(
  `\nLoad average after: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
);

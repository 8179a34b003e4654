/**
 * CPU time per request of the handler in process (no HTTP), this tree beside a baseline revision,
 * on the 100,000-user SQLite file bench/run.ts loads: GET by id (the control: code this bench's
 * changes do not touch), `userName eq` of one user every request (as bench/run.ts sends it), and
 * of another user every request (as Microsoft Entra sends it). Both revisions' handlers run in one
 * process, each on its own connection to the file, in alternating batches of requests (the first
 * of each pair alternates too), so that a loaded machine moves both alike; the medians of the
 * batches' CPU time per request are printed.
 *
 *   BENCH_BASELINE=628b8d3 BENCH_BATCHES=40 BENCH_BATCH=500 node --conditions=@scim/source bench/filter-inprocess.ts
 */
import { join } from 'node:path';
import { baselineSource } from './baseline.ts';
import { USERS } from './servers/common.ts';

const rev = process.env.BENCH_BASELINE ?? 'HEAD';
const BATCHES = Number(process.env.BENCH_BATCHES ?? 40);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const database = join(import.meta.dirname, '..', '.cache', `bench-${USERS}.db`);
const token = 'bench-secret-token';
const headers = { authorization: `Bearer ${token}` };
const name = (n: number) => `user${String((n * 7919) % USERS).padStart(6, '0')}@example.com`;

type Handler = ((request: Request) => Promise<Response>) & { ready: Promise<void> };
interface Tree {
  readonly label: string;
  readonly handler: Handler;
  readonly close: () => Promise<void>;
}

/** The handler of a server's `src/` folder on the benchmark's file. */
async function open(label: string, src: string): Promise<Tree> {
  const { staticToken } = await import(join(src, 'auth', 'bearer.ts'));
  const { createScimHandler } = await import(join(src, 'handler', 'index.ts'));
  const { sqliteStore } = await import(join(src, 'store', 'sqlite.ts'));
  const store = sqliteStore({ path: database });
  const handler = createScimHandler({
    store,
    authenticate: staticToken(token),
    basePath: '/scim',
  }) as Handler;
  await handler.ready;
  return { label, handler, close: () => store.close() };
}

const trees = [
  await open(rev, baselineSource(rev)),
  await open('this tree', join(import.meta.dirname, '..', 'src')),
];
const call = async (tree: Tree, path: string) =>
  (await tree.handler(new Request(`http://x/scim/${path}`, { headers }))).text();
const found = JSON.parse(
  await call(trees[1]!, `Users?filter=${encodeURIComponent(`userName eq "${name(1)}"`)}`),
);
const id = found.Resources[0].id as string;
const paths: Record<string, (n: number) => string> = {
  'GET /Users/{id}': () => `Users/${id}`,
  'userName eq, one user': () => `Users?filter=${encodeURIComponent(`userName eq "${name(1)}"`)}`,
  'userName eq, another user each request': (n) =>
    `Users?filter=${encodeURIComponent(`userName eq "${name(n)}"`)}`,
};

/** CPU µs per request of one batch (`from` numbers its users). */
async function batch(tree: Tree, path: (n: number) => string, from: number): Promise<number> {
  const before = process.cpuUsage();
  for (let n = from; n < from + BATCH; n++) await call(tree, path(n));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / BATCH;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(
  `\n${BATCHES} batches of ${BATCH} requests per revision and request, alternating; CPU µs per request (median of the batches)\n`,
);
console.log(`| request | ${rev} | this tree | this tree / ${rev} |\n|---|---:|---:|---:|`);
for (const [label, path] of Object.entries(paths)) {
  // Warm-up: each handler compiles its hot path (other users than the timed ones).
  for (const tree of trees) await batch(tree, path, 50_000);
  const runs: number[][] = [[], []];
  for (let b = 0; b < BATCHES; b++) {
    // Both revisions read the same users in a batch pair; the first of the pair alternates.
    const order = b % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) runs[i]!.push(await batch(trees[i]!, path, b * BATCH));
  }
  const [a, c] = [median(runs[0]!), median(runs[1]!)];
  console.log(`| ${label} | ${a.toFixed(1)} µs | ${c.toFixed(1)} µs | ${(c / a).toFixed(2)}x |`);
}
for (const tree of trees) await tree.close();

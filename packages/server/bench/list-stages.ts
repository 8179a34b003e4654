/**
 * Where the CPU time of one list page goes, in process, stage by stage: the handler's whole
 * pipeline (`GET /Users?count=N&startIndex=S`, no HTTP), the store's `list` alone, the page's SQL
 * alone (with and without the `data` column), the rendering of the page's resources, and the UTF-8 encoding of the response body (what
 * the Node adapter's write costs). CPU microseconds per request, median of rounds. Runs on the
 * benchmark's SQLite file (bench/servers/ours.ts makes it), read only.
 *
 *   node --conditions=@scim/source bench/list-stages.ts
 *   LIST_COUNT=20 LIST_START=5001 LIST_READERS=0 node --conditions=@scim/source bench/list-stages.ts
 *   LIST_ONLY=render node --cpu-prof --conditions=@scim/source bench/list-stages.ts   # one stage
 *   LIST_READERS=0 node --max-semi-space-size=64 --min-semi-space-size=64 --conditions=@scim/source bench/list-stages.ts
 *
 * Beside the CPU, the bytes each call allocates on the main thread's heap: the growth of V8's used
 * heap over 10 calls, the largest of 5 tries (a collection within a try only lowers it; with the
 * young generation at 64 MB, as above, none falls in one). With readers, the store's query runs in
 * a reader thread, whose heap is not counted.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { getHeapStatistics } from 'node:v8';
import { staticToken } from '../src/auth/bearer.ts';
import { createScimHandler } from '../src/handler/index.ts';
import { renderListed } from '../src/handler/representation.ts';
import { requestContext } from '../src/handler/test-helpers.ts';
import { type PipelineRequest, type PlainReply, pipelineOf } from '../src/pipeline.ts';
import { PageMarks } from '../src/store/sql/page-marks.ts';
import { sqliteStore } from '../src/store/sqlite.ts';
import { QueryClock, registerFunctions } from '../src/store/sqlite-functions.ts';
import { listPlan } from '../src/store/sqlite-list.ts';
import { USERS } from './servers/common.ts';

const COUNT = Number(process.env.LIST_COUNT ?? 100);
const START = Number(process.env.LIST_START ?? 1);
const READERS = process.env.LIST_READERS === undefined ? undefined : Number(process.env.LIST_READERS);
const ITERATIONS = Number(process.env.LIST_ITERATIONS ?? 2_000);
const ROUNDS = Number(process.env.LIST_ROUNDS ?? 5);
const TOKEN = 'list-stages-profiler-token';
const path = join(import.meta.dirname, '..', '.cache', `bench-${USERS}.db`);

const store = sqliteStore({ path, ...(READERS === undefined ? {} : { readers: READERS }) });
const handler = createScimHandler({
  store,
  authenticate: staticToken(TOKEN),
  basePath: '/scim',
  limits: { maxPageSize: 1_000 },
});
await handler.ready;
const pipeline = pipelineOf(handler)!;
const url = new URL(`http://bench.local/scim/Users?count=${COUNT}&startIndex=${START}`);
const request = (): PipelineRequest => ({
  method: 'GET',
  url,
  header: (name) => (name === 'authorization' ? `Bearer ${TOKEN}` : null),
  body: () => null,
  fetch: () => new Request(url, { headers: { authorization: `Bearer ${TOKEN}` } }),
  requestId: undefined,
});

/** CPU µs per call of `fn` (all threads of the process), median of ROUNDS rounds. */
async function cpu(fn: () => unknown): Promise<number> {
  for (let i = 0; i < ITERATIONS / 4; i++) await fn();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < ITERATIONS; i++) await fn();
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / ITERATIONS);
  }
  return rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

/** Bytes of V8 heap one call of `fn` allocates on this thread (see the comment at the top). */
async function allocated(fn: () => unknown): Promise<number> {
  const CALLS = 10;
  let most = 0;
  for (let t = 0; t < 5; t++) {
    const before = getHeapStatistics().used_heap_size;
    for (let i = 0; i < CALLS; i++) await fn();
    most = Math.max(most, (getHeapStatistics().used_heap_size - before) / CALLS);
  }
  return most;
}

const reply = (await pipeline(request())) as PlainReply;
if (reply.status !== 200 || reply.body === null) throw new Error(`list: ${reply.status} ${reply.body}`);
const body = reply.body;
const query = { resourceType: 'User', startIndex: START, count: COUNT, members: false } as const;
const { job } = listPlan(
  { tenant: 'default', storage: undefined, memberships: true },
  query,
  new PageMarks(),
  false,
);
const db = new DatabaseSync(path, { readOnly: true });
registerFunctions(db, new QueryClock());
const page = db.prepare(job.page.sql);
const withoutData = db.prepare(job.page.sql.replace('r.data, ', ''));
const values = job.page.values as (string | number)[];
const listed = await store.list('default', query);
const ctx = requestContext({ basePath: '/scim' }, store);
const rendered: string[] = [];
await renderListed(ctx, ctx.config.users, listed.resources, {}, rendered);
const stages: [string, () => unknown][] = [
  ['pipeline (whole request, no HTTP)', () => pipeline(request())],
  ['store.list', () => store.list('default', query)],
  ['page SQL, as read', () => page.all(...values)],
  ['renderListed', () => renderListed(ctx, ctx.config.users, listed.resources, {}, [])],
  ['join of the rendered resources', () => `[${rendered.join(',')}]`],
  ['page SQL, without data', () => withoutData.all(...values)],
  ['body to UTF-8 (Buffer.from)', () => Buffer.from(`${body} `.slice(0, -1))],
];
process.stdout.write(
  `GET /Users?count=${COUNT}&startIndex=${START}, ${USERS} users, ${body.length} characters, readers ${READERS ?? 'default'}: CPU µs per call, median of ${ROUNDS} rounds of ${ITERATIONS}; KB allocated per call\n`,
);
const only = process.env.LIST_ONLY;
for (const [name, fn] of stages.filter(([n]) => only === undefined || n.includes(only)))
  process.stdout.write(
    `${name.padEnd(36)} ${(await cpu(fn)).toFixed(1).padStart(8)} ${((await allocated(fn)) / 1024).toFixed(1).padStart(8)}\n`,
  );
db.close();
await store.close();

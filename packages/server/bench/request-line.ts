/**
 * What the request log of `scim-server start` costs per request, alone: `withRequestLogging` around
 * a pipeline that answers at once (no store, no routing), its logger writing to /dev/null batched
 * as on standard output, at `info` beside `silent` (the id, the clock and the `x-request-id` header
 * still run), for three request shapes. With `BENCH_BASELINE=<rev>`, that revision's sources too, in
 * the same process, in turn. Prints CPU ns per request, the median of rounds, and what the
 * line costs (info - silent).
 *
 *   BENCH_BASELINE=684be3d BENCH_ROUNDS=7 node --conditions=@scim/source bench/request-line.ts
 */
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { baselineSource } from './baseline.ts';

const N = Number(process.env.BENCH_N ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BASELINE = process.env.BENCH_BASELINE;

interface FakeRequest {
  method: string;
  url: URL;
  header(name: string): string | null;
  body(): null;
  fetch(): Request;
  requestId: string | undefined;
}
type Pipeline = (request: FakeRequest) => Promise<unknown>;

/** The logged pipelines of one revision's sources, at info and at silent. */
async function pipelinesOf(src: string): Promise<Record<string, Pipeline>> {
  const load = (file: string) => import(pathToFileURL(join(src, file)).href);
  const [log, pipeline] = await Promise.all([load('log.ts'), load('pipeline.ts')]);
  const reply = {
    status: 200,
    headers: { 'content-type': 'application/scim+json; charset=utf-8' },
    body: '{}',
  };
  const inner = pipeline.withPipeline(
    async () => new Response(),
    async () => reply,
  );
  // /dev/null, batched as standard output is.
  const devNull = log.batchedDestination(log.fdSink(openSync('/dev/null', 'w')));
  const logged = (level: string) =>
    pipeline.pipelineOf(
      log.withRequestLogging(inner, log.createLogger({ level, name: 'scim-server', destination: devNull })),
    ) as Pipeline;
  return { silent: logged('silent'), info: logged('info') };
}

/** A request as the Node adapter presents it: the headers autocannon sends. */
function request(path: string, headers: Record<string, string>): FakeRequest {
  return {
    method: 'GET',
    url: new URL(`http://127.0.0.1:8080${path}`),
    header: (name) => headers[name] ?? null,
    body: () => null,
    fetch: () => {
      throw new Error('not in this bench');
    },
    requestId: undefined,
  };
}

const cases: Record<string, () => FakeRequest> = {
  'GET /Users/{id}': () => request('/scim/Users/2819c223-7f76-453a-919d-413861904646', {}),
  'filter, user agent': () =>
    request(`/scim/Users?filter=${encodeURIComponent('userName eq "user033333@example.com"')}`, {
      'user-agent': 'Azure Active Directory SCIM Client',
    }),
  'ServiceProviderConfig, x-request-id': () =>
    request('/scim/ServiceProviderConfig', { 'x-request-id': 'Root=1-67891233-abcdef012345678912345678' }),
};

/** CPU ns per request of `N` requests, one after the other, after a warm-up. */
async function perRequest(pipeline: Pipeline, make: () => FakeRequest): Promise<number> {
  for (let i = 0; i < 20_000; i++) await pipeline(make());
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) await pipeline(make());
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / N;
}

const revisions: Record<string, Record<string, Pipeline>> = {
  'this tree': await pipelinesOf(join(import.meta.dirname, '..', 'src')),
};
if (BASELINE !== undefined) revisions[BASELINE] = await pipelinesOf(baselineSource(BASELINE));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`CPU ns per request of the logged pipeline alone, ${N} requests, median of ${ROUNDS} rounds`);
for (const [name, make] of Object.entries(cases)) {
  const runs = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [rev, pipelines] of Object.entries(revisions)) {
      for (const [level, pipeline] of Object.entries(pipelines)) {
        const key = `${rev}|${level}`;
        runs.set(key, [...(runs.get(key) ?? []), await perRequest(pipeline, make)]);
      }
    }
  }
  console.log(`\n${name}`);
  for (const [rev, pipelines] of Object.entries(revisions)) {
    const silent = median(runs.get(`${rev}|silent`)!);
    for (const level of Object.keys(pipelines).filter((level) => level !== 'silent')) {
      const info = median(runs.get(`${rev}|${level}`)!);
      console.log(
        `  ${`${rev}, ${level}`.padEnd(28)} ${info.toFixed(0).padStart(5)} ns, silent ${silent.toFixed(0).padStart(5)} ns: the line ${(info - silent).toFixed(0).padStart(5)} ns`,
      );
    }
  }
}

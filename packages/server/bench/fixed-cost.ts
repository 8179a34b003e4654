/**
 * The fixed cost of one request through what `scim-server start` builds, in process: the handler,
 * the bearer-token check with its 5 s cache, the request log (to /dev/null, batched as on standard
 * output) and the Node adapter, fed requests shaped as node:http parses them (no socket, no HTTP
 * parsing, no write), beside the benchmark's setup (a static token, no log) and `LOG_LEVEL=silent`.
 * With `BENCH_BASELINE=<rev>`, that revision's sources too, in the same process, in turn. Prints
 * CPU µs per request, the median of rounds (beside a baseline, also the median of each round's
 * ratio to it: on a loaded machine the rounds' medians drift apart more than the paired ratios).
 * `GET /Users/{id}` reads the first user (in two groups), `(in no group)` the middle one, as
 * bench/run.ts does; `GET /Users?count=100` its list case.
 *
 *   node --conditions=@scim/source bench/fixed-cost.ts   # after bench/run.ts made .cache/bench-100000.db
 *   BENCH_BASELINE=628b8d3 BENCH_ROUNDS=7 BENCH_N=20000 node --conditions=@scim/source bench/fixed-cost.ts
 *   BENCH_SERVER=start BENCH_CASE=Users ...   # one server (label prefix) and one case, say under --cpu-prof
 *   BENCH_CASE='=GET /Users?filter=userName eq' ...   # exactly that case (`=`: the whole name)
 */
import { openSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { baselineSource } from './baseline.ts';
import { TOKEN } from './servers/common.ts';

const N = Number(process.env.BENCH_N ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BASELINE = process.env.BENCH_BASELINE;
const database = join(import.meta.dirname, '..', '.cache', 'bench-100000.db');

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The servers of one revision's sources: the bench setup, `start` and `start` at silent. */
async function serversOf(
  src: string,
): Promise<{ listeners: Record<string, Listener>; token: string; id: string; alone: string }> {
  const load = (file: string) => import(pathToFileURL(join(src, file)).href);
  const [
    { bearerTokens, staticToken },
    { issueToken },
    { createScimHandler },
    log,
    { toNodeListener },
    { sqliteStore },
  ] = await Promise.all([
    load('auth/bearer.ts'),
    load('auth/tokens.ts'),
    load('handler/index.ts'),
    load('log.ts'),
    load('node.ts'),
    load('store/sqlite.ts'),
  ]);
  const store = sqliteStore({ path: database });
  const { token } = await issueToken(store.tokens, 'default', { label: 'fixed-cost' });
  const setup = createScimHandler({ store, authenticate: staticToken(TOKEN), basePath: '/scim' });
  const listed = await setup(
    new Request('http://x/scim/Users?count=1', { headers: { authorization: `Bearer ${TOKEN}` } }),
  );
  const id = ((await listed.json()) as { Resources: { id: string }[] }).Resources[0]!.id;
  // The middle user, as bench/run.ts reads: in no group (the first is in two).
  const middle = await setup(
    new Request('http://x/scim/Users?startIndex=50000&count=1', {
      headers: { authorization: `Bearer ${TOKEN}` },
    }),
  );
  const alone = ((await middle.json()) as { Resources: { id: string }[] }).Resources[0]!.id;
  // /dev/null, written as each revision writes standard output (fdSink, or pino's sonic-boom before it).
  const fd = openSync('/dev/null', 'w');
  const devNull = log.batchedDestination(
    typeof log.fdSink === 'function' ? log.fdSink(fd) : pino.destination({ dest: fd, sync: true }),
  );
  const started = (level: string) =>
    log.withRequestLogging(
      createScimHandler({
        store,
        authenticate: bearerTokens({ tokens: store.tokens, cacheTtlMs: 5000 }),
        basePath: '/scim',
      }),
      log.createLogger({ level, name: 'scim-server', destination: devNull }),
    );
  return {
    listeners: {
      'bench setup': toNodeListener(setup),
      'start, silent': toNodeListener(started('silent')),
      start: toNodeListener(started('info')),
    },
    token,
    id,
    alone,
  };
}

/**
 * A request as node:http gives it after parsing (what autocannon sends): the raw headers, and
 * `headers` (which node:http builds for every request) and `headersDistinct` built from them on
 * first use, as node:http builds them.
 */
function fakeRequest(url: string, bearer: string): IncomingMessage {
  const raw = [
    'host',
    '127.0.0.1:8080',
    'authorization',
    `Bearer ${bearer}`,
    'content-type',
    'application/scim+json',
  ];
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
  let distinct: Record<string, string[]> | undefined;
  return {
    method: 'GET',
    url,
    headers,
    get headersDistinct() {
      if (distinct === undefined) {
        distinct = {};
        for (let i = 0; i < raw.length; i += 2) {
          const name = raw[i]!.toLowerCase();
          distinct[name] = [...(distinct[name] ?? []), raw[i + 1]!];
        }
      }
      return distinct;
    },
    rawHeaders: raw,
    socket: {},
  } as unknown as IncomingMessage;
}

/** CPU µs per request of `N` requests, one after the other, after a warm-up; `url` gives each one's URL. */
async function perRequest(listener: Listener, url: () => string, bearer: string): Promise<number> {
  let done: () => void = () => undefined;
  const res = {
    headersSent: false,
    writeHead() {},
    end() {
      done();
    },
  } as unknown as ServerResponse;
  const once = () =>
    new Promise<void>((resolve) => {
      done = resolve;
      listener(fakeRequest(url(), bearer), res);
    });
  for (let i = 0; i < 2000; i++) await once();
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) await once();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / N;
}

const revisions: Record<string, Awaited<ReturnType<typeof serversOf>>> = {
  'this tree': await serversOf(join(import.meta.dirname, '..', 'src')),
};
if (BASELINE !== undefined) {
  revisions[BASELINE] = await serversOf(baselineSource(BASELINE));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let next = 0;
const cases: Record<string, (id: string, alone: string) => string> = {
  'GET /Users/{id}': (id) => `/scim/Users/${id}`,
  'GET /Users/{id} (in no group)': (_, alone) => `/scim/Users/${alone}`,
  'GET /Users?filter=userName eq': () =>
    `/scim/Users?filter=${encodeURIComponent('userName eq "user033333@example.com"')}`,
  // Entra's lookup before each write: a user (in a different part of the file) each request.
  'GET /Users?filter=userName eq, another user each request': () => {
    next = (next + 7919) % 100_000;
    const userName = `user${String(next + 1).padStart(6, '0')}@example.com`;
    return `/scim/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`;
  },
  // A page of 100 users, as bench/run.ts's `count=100` case.
  'GET /Users?count=100': () => '/scim/Users?count=100',
  'GET /ServiceProviderConfig': () => '/scim/ServiceProviderConfig',
  'GET /Schemas': () => '/scim/Schemas',
  'GET /ResourceTypes': () => '/scim/ResourceTypes',
};
console.log(
  `CPU µs per request through the Node adapter (no socket), ${N} requests one after the other, median of ${ROUNDS} rounds (the servers in turn in each)`,
);
const wanted = process.env.BENCH_CASE ?? '';
// `BENCH_CASE==name`: that case alone (a case's name can be the start of another's).
const picked = ([name]: [string, unknown]) =>
  wanted.startsWith('=') ? name === wanted.slice(1) : name.includes(wanted);
for (const [name, path] of Object.entries(cases).filter(picked)) {
  const runs = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [rev, { listeners, token, id, alone }] of Object.entries(revisions)) {
      for (const [label, listener] of Object.entries(listeners)) {
        if (!label.startsWith(process.env.BENCH_SERVER ?? '')) continue;
        const key = `${label} (${rev})`;
        const bearer = label === 'bench setup' ? TOKEN : token;
        runs.set(key, [...(runs.get(key) ?? []), await perRequest(listener, () => path(id, alone), bearer)]);
      }
    }
  }
  console.log(`\n${name}`);
  for (const [key, xs] of runs) {
    // Beside the baseline: the median of each round's ratio (the two ran back to back in it).
    const base = runs.get(key.replace(/\(this tree\)$/, `(${BASELINE})`));
    const ratio =
      BASELINE === undefined || base === undefined || key.endsWith(`(${BASELINE})`)
        ? ''
        : `  ${median(xs.map((x, i) => x / base[i]!)).toFixed(3)}x of ${BASELINE} (median of the rounds' ratios)`;
    console.log(`  ${key.padEnd(34)} ${median(xs).toFixed(1)} µs${ratio}`);
  }
}

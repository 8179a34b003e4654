/**
 * Adversarial benchmark: the worst requests the server's limits ALLOW, on 100,000 users (SQLite,
 * default limits), each run a few times while a second client measures how long `/health` and a
 * discovery document take to answer meanwhile (head-of-line blocking).
 *
 *   pnpm --filter @scim/server exec node --conditions=@scim/source bench/adversarial.ts
 *   BENCH_USERS=10000 BENCH_RUNS=2 pnpm --filter @scim/server exec node --conditions=@scim/source bench/adversarial.ts
 *
 * The server is its own process (bench/servers/adversarial.ts), on loopback. The adversary sends one
 * request at a time (BENCH_RUNS times per case, default 3, at most 30 s per case); the probe is one
 * connection sending GET /health and GET /ServiceProviderConfig in turn, back to back, for as long
 * as the case runs. Prints a Markdown table: the adversarial request's status and median / max
 * time, and the probe's p50 / p99 / max, first with no adversary (the baseline).
 */
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import type { AdversarialReady } from './servers/adversarial.ts';
import { TOKEN, USERS } from './servers/common.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CASE_BUDGET_MS = 30_000;
const GOAL_MS = 250;

const child = fork(join(import.meta.dirname, 'servers', 'adversarial.ts'), [], {
  execArgv: ['--conditions=@scim/source', '--no-warnings'],
  env: { ...process.env, BENCH_USERS: String(USERS) },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
// The server never outlives the bench, however the bench ends.
process.on('exit', () => child.kill());
const info = await new Promise<AdversarialReady>((resolve, reject) => {
  child.once('error', reject);
  child.once('exit', (code) => reject(new Error(`the server exited with ${code} before it was ready`)));
  child.on('message', (m: AdversarialReady) => {
    if (m.ready) resolve(m);
  });
});
const base = `http://127.0.0.1:${info.port}/scim`;
const { limits } = info;
process.stderr.write(
  `server ready (loaded in ${(info.loadMs / 1000).toFixed(1)} s): ${JSON.stringify(limits)}\n`,
);

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

/**
 * One request on a connection of its own (no keep-alive: a server whose event loop was blocked
 * closes idle sockets late, which would reset a reused one), read to the end.
 */
function send(method: string, path: string, body?: unknown): Promise<number> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        method,
        agent: false,
        headers:
          payload === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  /** The body of run `n` (PATCHes alternate, so that every run changes something). */
  readonly body?: (n: number) => unknown;
}

const filter = (f: string) => `/Users?filter=${encodeURIComponent(f)}`;
const chain = (n: number, term: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => term(i)).join(' or ');
const terms = limits.maxFilterTerms;
const values = limits.maxValuesPerAttribute;
const ops = limits.maxPatchOperations;
const deepStart = Math.max(1, USERS - limits.maxPageSize + 1);

const cases: Case[] = [
  {
    name: `filter on a multi-valued attribute: emails.value co (one user with ${values} emails)`,
    method: 'GET',
    path: filter('emails.value co "zzz"'),
  },
  {
    name: 'value filter: emails[type eq "work" and value co "zzz"]',
    method: 'GET',
    path: filter('emails[type eq "work" and value co "zzz"]'),
  },
  {
    name: `sort on a multi-valued attribute: sortBy=emails, count=${limits.maxPageSize}`,
    method: 'GET',
    path: `/Users?sortBy=emails&count=${limits.maxPageSize}&attributes=userName`,
  },
  {
    name: `deep page: sortBy=userName descending, startIndex=${deepStart}, count=${limits.maxPageSize}`,
    method: 'GET',
    path: `/Users?sortBy=userName&sortOrder=descending&startIndex=${deepStart}&count=${limits.maxPageSize}&attributes=userName`,
  },
  {
    name: `longest filter: ${terms} x userName eq (an IN list)`,
    method: 'GET',
    path: filter(chain(terms, (i) => `userName eq "user${String(i * 397).padStart(6, '0')}@example.com"`)),
  },
  {
    name: `longest filter: ${terms} x emails.value co`,
    method: 'GET',
    path: filter(chain(terms, (i) => `emails.value co "zz${i}"`)),
  },
  {
    name: `largest PATCH: ${ops} value-filtered replaces on a user with ${values} emails`,
    method: 'PATCH',
    path: `/Users/${info.patchUserId}`,
    body: (n) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: Array.from({ length: ops }, (_, i) => ({
        op: 'replace',
        path: `emails[value eq "patched.${(i * 7) % values}@example.org"].type`,
        value: n % 2 === 0 ? 'home' : 'work',
      })),
    }),
  },
  {
    name: `largest resource: POST a user with ${values} emails`,
    method: 'POST',
    path: '/Users',
    body: (n) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `adversary-${process.pid}-${n}@example.org`,
      emails: Array.from({ length: values }, (_, i) => ({ value: `a${n}.${i}@example.org`, type: 'work' })),
    }),
  },
];

/** The probe: /health and a discovery document in turn, one at a time, until `stop` is set. */
async function probe(state: { stop: boolean }): Promise<number[]> {
  const times: number[] = [];
  const paths = ['/health', '/ServiceProviderConfig'];
  for (let i = 0; !state.stop; i++) {
    const t = performance.now();
    await send('GET', paths[i % 2] as string);
    times.push(performance.now() - t);
  }
  return times;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length / 2;
  return Number.isInteger(mid)
    ? ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
    : (sorted[Math.floor(mid)] as number);
}
const ms = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(1) : x.toFixed(0));

interface Row {
  readonly name: string;
  readonly status: string;
  readonly median: number;
  readonly max: number;
  readonly runs: number;
  readonly probe: readonly number[];
}

async function run(c: Case | undefined): Promise<Row> {
  const times: number[] = [];
  const statuses = new Set<number>();
  // The probe runs from the first request on (the warm-up too: it is the same request).
  const state = { stop: false };
  const probing = probe(state);
  if (c === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  } else {
    // Warm the path once (JIT, SQLite's page cache); a warm-up slower than 2 s counts as a run.
    let t = performance.now();
    const status = await send(c.method, c.path, c.body?.(-1));
    const took = performance.now() - t;
    let first = 0;
    if (took > 2_000) {
      times.push(took);
      statuses.add(status);
      first = 1;
    }
    const started = performance.now();
    for (let n = first; n < RUNS && performance.now() - started < CASE_BUDGET_MS; n++) {
      t = performance.now();
      statuses.add(await send(c.method, c.path, c.body?.(n)));
      times.push(performance.now() - t);
    }
  }
  state.stop = true;
  const probeTimes = (await probing).sort((a, b) => a - b);
  const sorted = [...times].sort((a, b) => a - b);
  return {
    name: c?.name ?? 'baseline (no adversary)',
    status: [...statuses].join(', ') || '-',
    median: median(sorted),
    max: sorted.at(-1) ?? Number.NaN,
    runs: times.length,
    probe: probeTimes,
  };
}

const rows: Row[] = [await run(undefined)];
for (const c of cases) {
  rows.push(await run(c));
  process.stderr.write(`done: ${c.name}\n`);
}
child.kill();

console.log(
  `\n${USERS.toLocaleString('en-US')} users, SQLite (file, WAL), default limits ${JSON.stringify(limits)}; ${RUNS} runs per case; Node ${process.version}\n`,
);
console.log(
  '| worst allowed request | status | runs | median ms | max ms | over 250 ms | probe p50 ms | probe p99 ms | probe max ms | probes |',
);
console.log('|---|---|---:|---:|---:|---|---:|---:|---:|---:|');
for (const r of rows) {
  const p = r.probe;
  console.log(
    `| ${r.name} | ${r.status} | ${r.runs} | ${ms(r.median)} | ${ms(r.max)} | ${Number.isNaN(r.max) ? '-' : r.max > GOAL_MS ? 'yes' : 'no'} | ${ms(quantile(p, 0.5))} | ${ms(quantile(p, 0.99))} | ${ms(p.at(-1) ?? Number.NaN)} | ${p.length} |`,
  );
}

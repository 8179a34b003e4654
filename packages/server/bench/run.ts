/**
 * HTTP benchmark of @scim/server (SQLite, 100,000 users) against SCIMMY (express 4 +
 * scimmy-routers, in-memory) and a bare node:http ceiling, side by side in one run, each server
 * in its own process on loopback, driven by autocannon from this process.
 *
 *   pnpm --filter @scim/server bench                 # 100,000 users, 5 s per case
 *   BENCH_USERS=10000 BENCH_SECONDS=2 pnpm --filter @scim/server bench
 *   BENCH_ONLY=shipped pnpm --filter @scim/server bench   # only the as-shipped table
 *   BENCH_ROUNDS=5 ...                                    # rounds of the as-shipped table (default 3)
 *   BENCH_BASELINE=53d6fda ...                            # the as-shipped table also runs that revision's CLI
 *
 * Prints a Markdown table of requests/s and p99 latency per case and server, the ratios, and
 * resident memory after loading; then the as-shipped table: the real `scim-server start` (default
 * logging and token store, on the same SQLite file), the same with LOG_LEVEL=silent, the
 * benchmark's own setup and the node:http ceiling, side by side, with the ratios to the ceiling.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createReadStream, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import autocannon from 'autocannon';
import { baselineSource } from './baseline.ts';
import { startCli } from './servers/cli.ts';
import { cpuMicros, TOKEN as DEFAULT_TOKEN, type ReadyMessage, USERS } from './servers/common.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const ONLY_SHIPPED = process.env.BENCH_ONLY === 'shipped';
/** Rounds of the as-shipped table (medians are printed): a loaded machine moves single runs a lot. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** A git revision whose `scim-server start` the as-shipped table runs too, on a copy of the file. */
const BASELINE = process.env.BENCH_BASELINE;
const AUTOCANNON = (createRequire(import.meta.url)('autocannon/package.json') as { version: string }).version;
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const loadBefore = load();

interface Server {
  readonly name: string;
  readonly child: ChildProcess;
  readonly info: ReadyMessage;
  readonly base: string;
  /** The bearer token it accepts (TOKEN when absent). */
  readonly token?: string;
}

async function start(name: string, file: string): Promise<Server> {
  const child = fork(join(import.meta.dirname, 'servers', file), [], {
    execArgv: ['--conditions=@scim/source', '--expose-gc', '--no-warnings'],
    env: { ...process.env, BENCH_USERS: String(USERS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<ReadyMessage>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.on('message', (m: ReadyMessage) => {
      if (m.ready) resolve(m);
    });
  });
  process.stderr.write(
    `${name}: ready on port ${info.port} (loaded in ${(info.loadMs / 1000).toFixed(1)} s)\n`,
  );
  return { name, child, info, base: `http://127.0.0.1:${info.port}/scim` };
}

interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: (s: Server) => string;
  readonly body?: (s: Server, n: number) => unknown;
  readonly ceiling?: boolean;
  /**
   * Each request's path, when it differs from request to request (`n` counts them); the probe,
   * the warm-up, the byte checks and the ceiling use `path` (the ceiling serves its answer to every
   * request: one representative answer of the same size).
   */
  readonly vary?: (n: number) => string;
}

const patchOp = (op: string, path: string, value?: unknown) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [value === undefined ? { op, path } : { op, path, value }],
});
/** Alternately adds and removes one spare user, so the group keeps its size through the run. */
const memberToggle = (s: Server, n: number) => {
  const spare = s.info.spareUserIds;
  // The probe and its undo use n = -2 and -1: a non-negative index for them too.
  const user = spare[((Math.floor(n / 2) % spare.length) + spare.length) % spare.length]!;
  return n % 2 === 0
    ? patchOp('add', 'members', [{ value: user }])
    : patchOp('remove', `members[value eq "${user}"]`);
};
const filterName = `user${String(Math.floor(USERS / 3)).padStart(6, '0')}@example.com`;
/** The n-th of a walk over every user (7919 is prime, so coprime to USERS unless it divides it). */
const nthName = (n: number) => `user${String((n * 7919) % USERS).padStart(6, '0')}@example.com`;

const allCases: Case[] = [
  { name: 'GET /Users/{id}', method: 'GET', path: (s) => `/Users/${s.info.userId}`, ceiling: true },
  {
    name: 'GET /Users?filter=userName eq',
    method: 'GET',
    path: () => `/Users?filter=${encodeURIComponent(`userName eq "${filterName}"`)}`,
    ceiling: true,
  },
  {
    // What Entra sends before each write: another userName every time (the case above repeats one).
    name: 'GET /Users?filter=userName eq, another user each request',
    method: 'GET',
    path: () => `/Users?filter=${encodeURIComponent(`userName eq "${filterName}"`)}`,
    vary: (n) => `/scim/Users?filter=${encodeURIComponent(`userName eq "${nthName(n)}"`)}`,
    ceiling: true,
  },
  { name: 'GET /Users?count=100', method: 'GET', path: () => '/Users?count=100', ceiling: true },
  {
    name: 'POST /Users',
    method: 'POST',
    path: () => '/Users',
    body: (_s, n) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `new-${process.pid}-${Date.now()}-${n}@example.com`,
      active: true,
    }),
  },
  {
    name: 'PATCH /Users/{id} (replace displayName)',
    method: 'PATCH',
    path: (s) => `/Users/${s.info.userId}`,
    body: (_s, n) => patchOp('replace', 'displayName', `Name ${n}`),
  },
  {
    name: 'PATCH member, 10-member group',
    method: 'PATCH',
    path: (s) => `/Groups/${s.info.smallGroupId}`,
    body: memberToggle,
  },
  {
    name: 'PATCH member, 10,000-member group',
    method: 'PATCH',
    path: (s) => `/Groups/${s.info.largeGroupId}`,
    body: memberToggle,
  },
  { name: 'GET /ServiceProviderConfig', method: 'GET', path: () => '/ServiceProviderConfig', ceiling: true },
  { name: 'GET /Schemas', method: 'GET', path: () => '/Schemas', ceiling: true },
  { name: 'GET /ResourceTypes', method: 'GET', path: () => '/ResourceTypes', ceiling: true },
];

/**
 * `BENCH_CASES=filter,count=100`: only the cases whose names contain one of these texts (every case
 * when unset), for a run that looks at one endpoint.
 */
const CASES = process.env.BENCH_CASES?.split(',').filter((s) => s !== '');
const cases = CASES === undefined ? allCases : allCases.filter((c) => CASES.some((s) => c.name.includes(s)));

interface Measured {
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
  /** The server process's CPU time (all its threads) per completed request, in µs. */
  readonly cpuUs: number;
}

/** The median of each figure of several runs (errors summed). */
function medianOf(runs: readonly Measured[]): Measured {
  const median = (values: number[]) => {
    const sorted = [...values].sort((x, y) => x - y);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  return {
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    cpuUs: median(runs.map((r) => r.cpuUs)),
  };
}

async function measure(s: Server, c: Case, warmUp = false): Promise<Measured> {
  const url = `${s.base}${c.path(s)}`;
  const TOKEN = s.token ?? DEFAULT_TOKEN;
  // One untimed second first, so the JIT has compiled the hot path (GET cases of our server and
  // the ceiling; SCIMMY's slow cases would still be computing it when the timed run starts).
  if (warmUp) {
    await autocannon({
      url,
      connections: CONNECTIONS,
      duration: 1,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
  }
  // Check once that the request works, so a broken case fails loudly instead of measuring errors.
  const probeBody = c.body?.(s, -2);
  const probe = await fetch(url, {
    method: c.method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
    ...(probeBody === undefined ? {} : { body: JSON.stringify(probeBody) }),
  });
  if (probe.status >= 300) throw new Error(`${s.name} ${c.name}: ${probe.status} ${await probe.text()}`);
  if (c.body !== undefined && c.name.startsWith('PATCH member')) {
    // undo the probe's add
    await fetch(url, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify(c.body(s, -1)),
    });
  }
  let n = 0;
  const cpuBefore = cpuMicros(s.child.pid);
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: c.method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
    ...(c.vary !== undefined && s.name !== ceiling.name
      ? {
          requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, path: c.vary!(n++) }) }],
        }
      : c.body === undefined
        ? {}
        : {
            requests: [
              {
                setupRequest: (request: autocannon.Request) => ({
                  ...request,
                  body: JSON.stringify(c.body!(s, n++)),
                }),
              },
            ],
          }),
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    cpuUs: (cpuMicros(s.child.pid) - cpuBefore) / Math.max(1, result.requests.total),
  };
}

/** Stops a server and waits until its process is gone (so it takes no CPU from the next case). */
async function stop(s: Server): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
  s.child.kill();
  await exited;
}

/** Resident memory of a server now, after a GC, in bytes. */
async function rssOf(s: Server): Promise<number> {
  const answer = new Promise<number>((resolve) => {
    const listener = (m: { rss?: number; memory?: boolean }) => {
      if (!m.memory) return;
      s.child.off('message', listener);
      resolve(m.rss!);
    };
    s.child.on('message', listener);
  });
  s.child.send({ memory: true });
  return answer;
}

const ours = await start('@scim/server (SQLite)', 'ours.ts');
const ceilingChild = fork(join(import.meta.dirname, 'servers', 'discovery.ts'), ['ceiling'], {
  execArgv: ['--conditions=@scim/source', '--no-warnings'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ceilingPort = await new Promise<number>((resolve) =>
  ceilingChild.on('message', (m: { ready?: boolean; port?: number }) => m.ready && resolve(m.port!)),
);
// The ceiling serves exactly the bytes our server returns for each GET case.
async function serveOnCeiling(s: Server): Promise<void> {
  const bodies: Record<string, string> = {};
  for (const c of cases.filter((c) => c.ceiling)) {
    const path = c.path(s);
    const response = await fetch(`${s.base}${path}`, {
      headers: { authorization: `Bearer ${s.token ?? DEFAULT_TOKEN}` },
    });
    bodies[`/scim${path}`] = await response.text();
  }
  await new Promise<void>((resolve) => {
    ceilingChild.once('message', () => resolve());
    ceilingChild.send({ bodies });
  });
}
const ceiling = {
  name: 'node:http ceiling',
  child: ceilingChild,
  info: { ...ours.info, port: ceilingPort },
  base: `http://127.0.0.1:${ceilingPort}/scim`,
} satisfies Server;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (n: number) => (n < 10 ? n.toFixed(1) : fmt(n));
const cell = (m: Measured) => (m.rps > 0 ? `${rate(m.rps)} (p99 ${m.p99} ms)` : `none in ${SECONDS} s`);
console.log(
  `\n${USERS.toLocaleString('en-US')} users, autocannon ${AUTOCANNON}, ${CONNECTIONS} connections, ${SECONDS} s per case (after 1 s of warm-up for the ceiling cases), Node ${process.version}, load average before: ${loadBefore}`,
);
if (!ONLY_SHIPPED) await compareWithScimmy();

async function compareWithScimmy(): Promise<void> {
  await serveOnCeiling(ours);
  // SCIMMY's memory after loading, from a first start; every case then gets a fresh SCIMMY.
  const firstScimmy = await start('SCIMMY', 'scimmy.ts');
  const scimmyRss = firstScimmy.info.rss;
  await stop(firstScimmy);
  const rows: string[] = [];
  for (const c of cases) {
    const a = await measure(ours, c, c.ceiling === true);
    // SCIMMY keeps computing requests autocannon gave up on (a list over 100,000 users takes
    // seconds each), which would slow whatever runs next: each case gets a fresh SCIMMY (it loads in
    // about a second, with new ids; every case reads the ids from the server it runs against), which
    // is stopped as soon as its run is over.
    const scimmy = await start('SCIMMY', 'scimmy.ts');
    const b = await measure(scimmy, c);
    await stop(scimmy);
    const z = c.ceiling ? await measure(ceiling, c, true) : undefined;
    const errors = a.errors + b.errors + (z?.errors ?? 0);
    const ceilingCells = z === undefined ? '– | –' : `${fmt(z.rps)} | ${(z.rps / a.rps).toFixed(2)}x`;
    const note = errors > 0 ? ` (${errors} non-2xx or errors)` : '';
    rows.push(
      `| ${c.name}${note} | ${cell(a)} | ${cell(b)} | ${b.rps > 0 ? `${(a.rps / b.rps).toFixed(1)}x` : 'SCIMMY completed none'} | ${ceilingCells} |`,
    );
    process.stderr.write(`${c.name}: done\n`);
  }

  console.log(
    '\n| case | @scim/server (SQLite) req/s | SCIMMY req/s | ours / SCIMMY | node:http ceiling req/s | ceiling / ours |',
  );
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  const oursAfter = await rssOf(ours);
  const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
  console.log(
    `\nResident memory (after a GC): @scim/server ${mb(ours.info.rss)} once loaded, ${mb(oursAfter)} after all the runs above; SCIMMY ${mb(scimmyRss)} once loaded`,
  );
}

await compareAsShipped();
for (const s of [ours, ceiling]) await stop(s);
console.log(`\nLoad average after: ${load()}`);

/**
 * The as-shipped table: `scim-server start` with its defaults, the same with LOG_LEVEL=silent
 * (what request logging costs), the benchmark's setup (a static token, no logging) and the
 * ceiling serving the CLI's bytes, case by case, one after the other.
 */
async function compareAsShipped(): Promise<void> {
  const database = ours.info.database;
  if (database === undefined) throw new Error('the benchmark server did not say which file it serves');
  const cliServer = async (
    name: string,
    env: Record<string, string>,
    file = database,
    launch: Parameters<typeof startCli>[3] = {},
  ): Promise<Server> => {
    const log = join(import.meta.dirname, '..', '.cache', `${name}.log`);
    const cli = await startCli(file, log, env, launch);
    const info = { ...ours.info, port: cli.port };
    return { name, child: cli.child, info, base: `http://127.0.0.1:${cli.port}/scim`, token: cli.token };
  };
  /**
   * `scim-server start` of revision `rev`, with its defaults, on a consistent copy of the file
   * (VACUUM INTO) without the column migration 7 added (stored renderings), as that revision left it.
   */
  const baselineServer = async (rev: string, file: string): Promise<Server> => {
    const copy = join(import.meta.dirname, '..', '.cache', `baseline-${rev}.db`);
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) rmSync(f, { force: true });
    const live = new DatabaseSync(file);
    live.exec(`VACUUM INTO '${copy.replaceAll("'", "''")}'`);
    live.close();
    const src = baselineSource(rev);
    if (!readFileSync(join(src, 'store', 'sql', 'sqlite-schema.ts'), 'utf8').includes('COLUMN rendered')) {
      const old = new DatabaseSync(copy);
      old.exec('ALTER TABLE resources DROP COLUMN rendered; DELETE FROM scim_migrations WHERE version >= 7');
      old.close();
    }
    return cliServer(rev, {}, copy, { bin: join(src, 'cli', 'main.ts') });
  };
  /** Fails the run unless `b` answers every ceiling case with the bytes `a` does (but its own port). */
  const sameBytes = async (a: Server, b: Server): Promise<void> => {
    for (const c of cases.filter((c) => c.ceiling)) {
      const text = async (s: Server) =>
        (
          await (
            await fetch(`${s.base}${c.path(s)}`, { headers: { authorization: `Bearer ${s.token}` } })
          ).text()
        ).replaceAll(s.base, 'BASE');
      const [ta, tb] = [await text(a), await text(b)];
      if (ta !== tb) throw new Error(`${b.name} answers ${c.name} with other bytes:\n${ta}\n${tb}`);
    }
  };
  const shipped = await cliServer('shipped', {});
  const silent = await cliServer('shipped-silent', { LOG_LEVEL: 'silent' });
  const base = BASELINE === undefined ? undefined : await baselineServer(BASELINE, database);
  await serveOnCeiling(shipped);
  if (base !== undefined) await sameBytes(shipped, base);
  const servers = [shipped, silent, ours, ...(base === undefined ? [] : [base]), ceiling];
  const rows: string[] = [];
  const cpuRows: string[] = [];
  for (const c of cases.filter((c) => c.ceiling)) {
    // ROUNDS rounds, the servers one after the other in each; the median of each.
    const runs: Measured[][] = servers.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, s] of servers.entries()) runs[i]!.push(await measure(s, c, true));
    }
    const medians = runs.map(medianOf);
    const [a, q, o] = medians as [Measured, Measured, Measured];
    const b = base === undefined ? undefined : medians[3]!;
    const z = medians[medians.length - 1]!;
    const errors = medians.reduce((sum, m) => sum + m.errors, 0);
    const x = (m: Measured) => `${(z.rps / m.rps).toFixed(2)}x`;
    const y = (m: Measured) => `${(m.cpuUs / z.cpuUs).toFixed(2)}x`;
    const us = (m: Measured) => `${Math.round(m.cpuUs)} µs`;
    const rev = (f: (m: Measured) => string) => (b === undefined ? '' : ` ${f(b)} |`);
    rows.push(
      `| ${c.name}${errors > 0 ? ` (${errors} non-2xx or errors)` : ''} | ${cell(a)} | ${cell(q)} | ${cell(o)} |${rev(cell)} ${fmt(z.rps)} | ${x(a)} | ${x(q)} | ${x(o)} |${rev(x)} ${(((q.rps - a.rps) / q.rps) * 100).toFixed(0)}% |`,
    );
    cpuRows.push(
      `| ${c.name} | ${us(a)} | ${us(q)} | ${us(o)} |${rev(us)} ${us(z)} | ${y(a)} | ${y(q)} | ${y(o)} |${rev(y)} ${(((a.cpuUs - q.cpuUs) / q.cpuUs) * 100).toFixed(0)}% |`,
    );
    process.stderr.write(`as shipped, ${c.name}: done\n`);
  }
  for (const s of [shipped, silent, ...(base === undefined ? [] : [base])]) await stop(s);
  const logged = await countLines(join(import.meta.dirname, '..', '.cache', 'shipped.log'));
  const revName =
    BASELINE === undefined
      ? ''
      : `, \`scim-server start\` of ${BASELINE} (on a copy of the file without what later migrations added)`;
  console.log(
    `\nAs shipped: \`scim-server start\` (request log at info to a file, bearer token from the store), the same with LOG_LEVEL=silent, the setup above (static token, no log)${revName}, the node:http ceiling serving the same bytes; median of ${ROUNDS} rounds, the servers in turn in each\n`,
  );
  const revHead = (h: string) => (BASELINE === undefined ? '' : ` ${h.replace('REV', BASELINE)} |`);
  const revRule = BASELINE === undefined ? '' : '---:|';
  console.log(
    `| case | scim-server start req/s | LOG_LEVEL=silent req/s | bench setup req/s |${revHead('REV start req/s')} ceiling req/s | ceiling / start | ceiling / silent | ceiling / bench setup |${revHead('ceiling / REV')} logging cost |`,
  );
  console.log(`|---|---:|---:|---:|${revRule}---:|---:|---:|---:|${revRule}---:|`);
  for (const row of rows) console.log(row);
  console.log(
    "\nServer CPU time per request (the process, all threads; what a loaded machine moves least), and its ratio to the ceiling's:\n",
  );
  console.log(
    `| case | scim-server start | LOG_LEVEL=silent | bench setup |${revHead('REV start')} ceiling | start / ceiling | silent / ceiling | bench setup / ceiling |${revHead('REV / ceiling')} logging cost |`,
  );
  console.log(`|---|---:|---:|---:|${revRule}---:|---:|---:|---:|${revRule}---:|`);
  for (const row of cpuRows) console.log(row);
  console.log(`\n(${logged} request log lines written by scim-server start)`);
}

/**
 * The lines of a file, counted in chunks: the request log of a fast run outgrows the longest string
 * V8 can make (0x1fffffe8 characters: 737 MB after 21 runs of 3 s on 2026-12-06's quiet machine).
 */
async function countLines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

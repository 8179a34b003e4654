/**
 * PostgreSQL beside SQLite: @scim/server on `postgresStore` against the same server on
 * `sqliteStore`, 100,000 users each, side by side in one run (each server in its own process on
 * loopback, driven by autocannon from this process, the two stores taking turns case by case);
 * then the PostgreSQL pool sizes 2, 5, 10 and 20; then two server processes on the same schema
 * behind a round-robin TCP balancer (bench/servers/balancer.ts, node:net) beside one instance,
 * direct and through the balancer. Side by side, also the CPU time per request (/proc) of each
 * server process and of the PostgreSQL server processes of its pool.
 *
 *   pnpm --filter @scim/server bench                # runs this after bench/run.ts
 *   pnpm --filter @scim/server exec node --conditions=@scim/source bench/postgres.ts
 *   BENCH_USERS=10000 BENCH_SECONDS=2 BENCH_PG_POOLS=5,10 ... bench/postgres.ts
 *   BENCH_PG_BALANCER=0 ... bench/postgres.ts    # without the balancer runs
 *   BENCH_PG_BASELINE=src/store/postgres-before.ts ... bench/postgres.ts
 *     # also an earlier store side by side: git show <commit>:packages/server/src/store/postgres.ts
 *     # > src/store/postgres-before.ts (the copy imports its siblings, so keep it beside them)
 *   BENCH_PG_BASELINE_SERVER=.base/bench/servers/postgres.ts ... bench/postgres.ts
 *     # also the whole server of an earlier commit (handler and store) side by side:
 *     # mkdir .base && git archive <commit> src bench | tar -x -C .base (in packages/server)
 *   BENCH_PG_ONLY_SIDE_BY_SIDE=1 ... bench/postgres.ts    # the first table only
 *   BENCH_PG_CASES=PATCH,POST ... bench/postgres.ts    # only the cases whose name contains one
 *   BENCH_PG_SOCKET=/var/run/postgresql ... bench/postgres.ts
 *     # also the store over that Unix-domain socket directory (a server on this machine)
 *
 * PostgreSQL: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), schema
 * `bench_<users>` (BENCH_PG_SCHEMA names another; created and loaded on the first run, reused
 * after). Skipped, with a note, when no server answers. On a server without autovacuum, each case
 * starts after a `VACUUM (ANALYZE)` of the schema (see `vacuumed`).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { cpuMicros, type ReadyMessage, TOKEN, USERS } from './servers/common.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
/** Timed runs per case and server (side by side: medians); fewer for the pool and balancer tables. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TABLE_ROUNDS = Number(process.env.BENCH_TABLE_ROUNDS ?? 1);
const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POOLS = (process.env.BENCH_PG_POOLS ?? '2,5,10,20').split(',').map(Number);
/** The pool size of the side-by-side and balancer runs: the store's default. */
const POOL = Number(process.env.BENCH_PG_POOL ?? 10);

interface Server {
  readonly name: string;
  readonly children: readonly ChildProcess[];
  readonly info: ReadyMessage;
  readonly base: string;
}

/** Every server started, stopped when this process exits (a failed run leaves none behind). */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill();
});

/** Forks a bench server and waits for its ready message. */
async function forkServer<T extends { ready?: boolean }>(
  file: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; message: T }> {
  const child = fork(resolve(import.meta.dirname, 'servers', file), [], {
    execArgv: ['--conditions=@scim/source', '--expose-gc', '--no-warnings'],
    env: { ...process.env, BENCH_USERS: String(USERS), ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const message = await new Promise<T>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before it was ready`)));
    child.on('message', (m: T) => {
      if (m.ready) resolve(m);
    });
  });
  child.removeAllListeners('exit');
  children.add(child);
  return { child, message };
}

async function start(name: string, file: string, env: Record<string, string> = {}): Promise<Server> {
  const { child, message } = await forkServer<ReadyMessage>(file, env);
  process.stderr.write(`${name}: ready (loaded in ${(message.loadMs / 1000).toFixed(1)} s)\n`);
  return { name, children: [child], info: message, base: `http://127.0.0.1:${message.port}/scim` };
}

/** `instances` PostgreSQL servers behind the balancer (the same schema and pool size each). */
async function balanced(instances: number, pool: number): Promise<Server> {
  const servers: Server[] = [];
  for (let i = 0; i < instances; i++) {
    servers.push(await start(`PostgreSQL #${i + 1}`, 'postgres.ts', { BENCH_PG_POOL: String(pool) }));
  }
  const { child, message } = await forkServer<{ ready: true; port: number }>('balancer.ts', {
    BENCH_BACKENDS: servers.map((s) => s.info.port).join(','),
  });
  return {
    name: `${instances} behind the balancer`,
    children: [child, ...servers.flatMap((s) => s.children)],
    info: servers[0]!.info,
    base: `http://127.0.0.1:${message.port}/scim`,
  };
}

async function stop(s: Server): Promise<void> {
  for (const child of s.children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill();
    await exited;
  }
}

interface Case {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: (s: Server) => string;
  readonly body?: (s: Server, n: number) => unknown;
  /** The path of the `n`-th request, when they differ (else `path`). */
  readonly pathOf?: (s: Server, n: number) => string;
}

const patchOps = (Operations: readonly unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations,
});
const patchOp = (op: string, path: string, value?: unknown) =>
  patchOps([value === undefined ? { op, path } : { op, path, value }]);
/** How many members the PATCH of many members names. */
const MANY_MEMBERS = 50;
const filterName = `user${String(Math.floor(USERS / 3)).padStart(6, '0')}@example.com`;

const allCases: readonly Case[] = [
  { name: 'GET /Users/{id}', method: 'GET', path: (s) => `/Users/${s.info.userId}` },
  {
    name: 'GET /Users?filter=userName eq',
    method: 'GET',
    path: () => `/Users?filter=${encodeURIComponent(`userName eq "${filterName}"`)}`,
  },
  { name: 'GET /Users?count=100', method: 'GET', path: () => '/Users?count=100' },
  {
    name: 'POST /Users',
    method: 'POST',
    path: () => '/Users',
    body: (_s, n) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `pg-${process.pid}-${Date.now()}-${n}@example.com`,
      active: true,
    }),
  },
  {
    // One user of the server's own (see `ownUsers`): servers taking turns never PATCH one row, so
    // that none pays for the row versions another left.
    name: 'PATCH /Users/{id} (replace displayName)',
    method: 'PATCH',
    path: (s) => `/Users/${s.info.spareUserIds[Math.floor(s.info.spareUserIds.length / 2)]}`,
    body: (_s, n) => patchOp('replace', 'displayName', `Name ${n}`),
  },
  {
    // Each request another user (of 5,000): no PATCH waits behind another of its resource.
    name: 'PATCH /Users/{id}, a different user each (replace displayName)',
    method: 'PATCH',
    path: (s) => `/Users/${s.info.spareUserIds[0]}`,
    pathOf: (s, n) => `/Users/${s.info.spareUserIds[Math.abs(n) % s.info.spareUserIds.length]}`,
    body: (_s, n) => patchOp('replace', 'displayName', `Name ${n}`),
  },
  {
    name: 'PATCH member, 10-member group',
    method: 'PATCH',
    path: (s) => `/Groups/${s.info.smallGroupId}`,
    // Alternately adds and removes one spare user, so the group keeps its size through the run.
    body: (s, n) => {
      const spare = s.info.spareUserIds;
      // (The probe's n is negative: the index wraps around, whatever the number of spare users.)
      const user = spare[((Math.floor(n / 2) % spare.length) + spare.length) % spare.length]!;
      return n % 2 === 0
        ? patchOp('add', 'members', [{ value: user }])
        : patchOp('remove', `members[value eq "${user}"]`);
    },
  },
  {
    // Entra's shape for a group whose assignments changed: the new members in one add, the
    // departing ones one remove each (RFC 7644 section 3.5.2.2). The same 50 spare users come and
    // go, so the group stays within 50 of its size whatever request a run ends on.
    name: 'PATCH 50 members, 10,000-member group (add 50, then remove them)',
    method: 'PATCH',
    path: (s) => `/Groups/${s.info.largeGroupId}`,
    body: (s, n) => {
      const users = s.info.spareUserIds.slice(-MANY_MEMBERS);
      return n % 2 === 0
        ? patchOp(
            'add',
            'members',
            users.map((value) => ({ value })),
          )
        : patchOps(users.map((u) => ({ op: 'remove', path: `members[value eq "${u}"]` })));
    },
  },
];

const only = process.env.BENCH_PG_CASES;
const cases =
  only === undefined ? allCases : allCases.filter((c) => only.split(',').some((o) => c.name.includes(o)));

interface Measured {
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
  /** CPU time per request of the server processes and their PostgreSQL backends, in µs (medians). */
  readonly cpuUs: number;
  readonly dbCpuUs: number;
}

/** The PostgreSQL server processes serving a bench server's store (its `application_name`). */
async function backends(s: Server): Promise<number[]> {
  if (!s.name.startsWith('PostgreSQL') && !s.name.includes('balancer')) return [];
  const names = s.children.map((c) => `scim-bench-${c.pid}`);
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT pid FROM pg_stat_activity WHERE application_name = ANY($1::text[])',
      [names],
    );
    return (rows as { pid: number }[]).map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/**
 * CPU time (µs, /proc) of a bench server's processes and of its PostgreSQL backends so far: the
 * backends open at the start and at the end of a run (one closed in between is missed).
 */
async function cpuOf(s: Server, known: Map<number, number>): Promise<{ own: number; db: number }> {
  const own = s.children.reduce((sum, c) => sum + cpuMicros(c.pid), 0);
  let db = 0;
  for (const pid of await backends(s)) {
    const used = cpuMicros(pid);
    if (Number.isFinite(used)) {
      known.set(pid, used);
      db += used;
    }
  }
  return { own, db };
}

/** One timed run with the CPU time of the server and its database backends per request. */
async function timed(s: Server, c: Case, counter: { n: number }) {
  const start = new Map<number, number>();
  const before = await cpuOf(s, start);
  const result = await cannon(s, c, SECONDS, counter);
  const end = new Map<number, number>();
  const after = await cpuOf(s, end);
  // A backend that opened during the run used all of its CPU time in it.
  let db = 0;
  for (const [pid, used] of end) db += used - (start.get(pid) ?? 0);
  const n = Math.max(1, result.requests.total);
  return { result, cpuUs: (after.own - before.own) / n, dbCpuUs: db / n };
}

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };

/** One autocannon run of `seconds` on a case (bodies numbered from `counter.n` on). */
async function cannon(s: Server, c: Case, seconds: number, counter: { n: number }) {
  return autocannon({
    url: `${s.base}${c.path(s)}`,
    connections: CONNECTIONS,
    duration: seconds,
    method: c.method,
    headers,
    ...(c.body === undefined
      ? {}
      : {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => {
                const n = counter.n++;
                const path =
                  c.pathOf === undefined
                    ? {}
                    : { path: new globalThis.URL(`${s.base}${c.pathOf(s, n)}`).pathname };
                return { ...request, ...path, body: JSON.stringify(c.body!(s, n)) };
              },
            },
          ],
        }),
  });
}

/** A case on a server: one probe (fails loudly) and one untimed warm-up second. */
async function prepare(s: Server, c: Case, counter: { n: number }): Promise<void> {
  const probe = await fetch(`${s.base}${c.path(s)}`, {
    method: c.method,
    headers,
    ...(c.body === undefined ? {} : { body: JSON.stringify(c.body(s, -1_000_000)) }),
  });
  if (probe.status >= 300) throw new Error(`${s.name} ${c.name}: ${probe.status} ${await probe.text()}`);
  await cannon(s, c, 1, counter);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * A server whose spare users are its own share of them (every `of`-th from `i`): servers on one
 * schema taking turns then never write each other's users, so that none pays for the row versions
 * another left (pruning, dead index entries), which moved the database CPU per request of a
 * PATCH case by up to 2x between servers running the same store (docs/benchmarks.md).
 */
function ownUsers(s: Server, i: number, of: number): Server {
  const spareUserIds = s.info.spareUserIds.filter((_, k) => k % of === i);
  return { ...s, info: { ...s.info, spareUserIds } };
}

/** The schema the PostgreSQL bench servers share (bench/servers/postgres.ts). */
const SCHEMA = process.env.BENCH_PG_SCHEMA ?? `bench_${USERS}`;
/** Whether the server runs autovacuum (PostgreSQL's default; a CI configuration may turn it off). */
let autovacuum: boolean | undefined;
/** What the output says of {@link vacuumed} on such a server. */
const VACUUMED = 'autovacuum is off on this server: each case starts after a VACUUM (ANALYZE) of the schema';

/**
 * On a server without autovacuum, a `VACUUM (ANALYZE)` of the schema's tables before each case
 * (not timed): what autovacuum does between a deployment's busy minutes, so that a case does not
 * pay for the row versions the cases and runs before it left (one sitting's member PATCHes left
 * 455,000 dead member rows, and each update of a group a dead version of its row in every index).
 */
async function vacuumed(): Promise<void> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    if (autovacuum === undefined) {
      const { rows } = await client.query('SHOW autovacuum');
      autovacuum = (rows[0] as { autovacuum: string }).autovacuum === 'on';
    }
    if (autovacuum) return;
    const s = `"${SCHEMA}"`;
    await client.query(`VACUUM (ANALYZE) ${s}.resources, ${s}.members, ${s}.uniques, ${s}.changes`);
  } finally {
    await client.end();
  }
}

/**
 * A case on several servers, side by side: after each one's probe and warm-up, `rounds` timed
 * runs taking turns (so that a change of the machine's load falls on all of them); the median
 * requests/s and p99 of each.
 */
async function compare(all: readonly Server[], c: Case, rounds: number): Promise<Measured[]> {
  await vacuumed();
  const servers = all.map((s, i) => ownUsers(s, i, all.length));
  const counters = servers.map(() => ({ n: 0 }));
  for (const [i, s] of servers.entries()) await prepare(s, c, counters[i]!);
  const runs = servers.map(() => [] as Awaited<ReturnType<typeof timed>>[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, s] of servers.entries()) {
      // An even start, so that the member toggle begins with an add.
      counters[i]!.n += counters[i]!.n % 2;
      runs[i]!.push(await timed(s, c, counters[i]!));
    }
  }
  return runs.map((timings) => {
    const results = timings.map((t) => t.result);
    return {
      rps: median(results.map((x) => x.requests.average)),
      p99: median(results.map((x) => x.latency.p99)),
      errors: results.reduce((n, x) => n + x.non2xx + x.errors + x.timeouts, 0),
      cpuUs: median(timings.map((t) => t.cpuUs)),
      dbCpuUs: median(timings.map((t) => t.dbCpuUs)),
    };
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const cell = (m: Measured) =>
  `${fmt(m.rps)} (p99 ${m.p99} ms)${m.errors > 0 ? ` [${m.errors} non-2xx/errors]` : ''}`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');

async function postgresVersion(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query('SHOW server_version');
    return (rows[0] as { server_version: string }).server_version;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

const version = await postgresVersion();
if (version === undefined) {
  console.log(`\nPostgreSQL beside SQLite: skipped (no PostgreSQL server answers at ${URL})`);
  process.exit(0);
}
const require = createRequire(import.meta.url);
const autocannonVersion = (
  JSON.parse(readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string }
).version;
const loadBefore = load();

// 1. Side by side, the stores taking turns case by case.
const sqlite = await start('SQLite', 'ours.ts');
const postgres = await start('PostgreSQL', 'postgres.ts', { BENCH_PG_POOL: String(POOL) });
// Beside them: PostgreSQL with synchronous_commit off (a commit returns before its WAL is on disk:
// the durability of SQLite's WAL with synchronous = NORMAL, which the SQLite store uses), and an
// earlier store (BENCH_PG_BASELINE), on the same schema.
const asyncUrl = new globalThis.URL(URL);
asyncUrl.searchParams.set('options', '-c synchronous_commit=off');
const extras: Server[] = [
  await start('PostgreSQL, synchronous_commit off', 'postgres.ts', {
    BENCH_PG_POOL: String(POOL),
    DATABASE_URL: asyncUrl.href,
  }),
];
// Beside them, when asked: the same store over a Unix-domain socket instead of TCP on loopback (a
// server on the same machine), for the share of each round trip that is the transport.
const SOCKET = process.env.BENCH_PG_SOCKET;
if (SOCKET !== undefined) {
  const socketUrl = new globalThis.URL(URL);
  socketUrl.searchParams.set('host', SOCKET);
  extras.push(
    await start('PostgreSQL, Unix socket', 'postgres.ts', {
      BENCH_PG_POOL: String(POOL),
      DATABASE_URL: socketUrl.href,
    }),
  );
}
const BASELINE = process.env.BENCH_PG_BASELINE;
if (BASELINE !== undefined) {
  extras.push(
    await start('PostgreSQL, baseline store', 'postgres.ts', {
      BENCH_PG_POOL: String(POOL),
      BENCH_PG_STORE: join(process.cwd(), BASELINE),
    }),
  );
}
const BASELINE_SERVER = process.env.BENCH_PG_BASELINE_SERVER;
if (BASELINE_SERVER !== undefined) {
  // The earlier server on both stores: its SQLite beside today's too.
  extras.push(
    await start(`PostgreSQL, before (${BASELINE_SERVER})`, resolve(BASELINE_SERVER), {
      BENCH_PG_POOL: String(POOL),
    }),
    await start(
      `SQLite, before (${join(dirname(BASELINE_SERVER), 'ours.ts')})`,
      resolve(dirname(BASELINE_SERVER), 'ours.ts'),
    ),
  );
}
const sideBySide: string[] = [];
const cpuRows: string[] = [];
/** CPU per request: the server's, its database backends', the sum, and the sum over SQLite's. */
const cpuCell = (m: Measured, base: Measured) =>
  `${fmt(m.cpuUs)} + ${fmt(m.dbCpuUs)} = ${fmt(m.cpuUs + m.dbCpuUs)} (${((m.cpuUs + m.dbCpuUs) / (base.cpuUs + base.dbCpuUs)).toFixed(2)}x)`;
for (const c of cases) {
  const [a, b, ...others] = (await compare([sqlite, postgres, ...extras], c, ROUNDS)) as [
    Measured,
    Measured,
    ...Measured[],
  ];
  const columns = [a, b, ...others].map((m) => `${cell(m)} | ${(a.rps / m.rps).toFixed(2)}x`);
  sideBySide.push(`| ${c.name} | ${cell(a)} | ${columns.slice(1).join(' | ')} |`);
  cpuRows.push(`| ${c.name} | ${fmt(a.cpuUs)} | ${[b, ...others].map((m) => cpuCell(m, a)).join(' | ')} |`);
  process.stderr.write(`side by side, ${c.name}: done\n`);
}
const cpuHeader = [
  '| case | SQLite server | PostgreSQL: server + database = sum (/ SQLite) |',
  ...extras.map((e) => ` ${e.name.replace('PostgreSQL, ', '')} |`),
].join('');
const cpuRule = `|---|---:|---:|${extras.map(() => '---:|').join('')}`;
const printCpu = () => {
  console.log(
    '\nCPU time per request, µs (/proc: the server process, and the PostgreSQL backends of its pool; medians)\n',
  );
  console.log(`${cpuHeader}\n${cpuRule}`);
  for (const row of cpuRows) console.log(row);
};
const sideHeader = [
  '| case | SQLite req/s | PostgreSQL req/s | SQLite / PostgreSQL |',
  ...extras.map((e) => ` ${e.name} | SQLite / it |`),
].join('');
const sideRule = `|---|---:|---:|---:|${extras.map(() => '---:|---:|').join('')}`;
await stop(sqlite);
for (const s of extras) await stop(s);
if (process.env.BENCH_PG_ONLY_SIDE_BY_SIDE === '1') {
  console.log(`\n${sideHeader}\n${sideRule}`);
  for (const row of sideBySide) console.log(row);
  printCpu();
  if (autovacuum === false) console.log(`\n${VACUUMED}`);
  console.log(`\nload average ${loadBefore} before, ${load()} after`);
  await stop(postgres);
  process.exit(0);
}

// 2. Pool sizes, one instance each, all running, taking turns case by case.
const pools: Server[] = [];
for (const size of POOLS) {
  pools.push(
    size === POOL
      ? postgres
      : await start(`PostgreSQL, pool ${size}`, 'postgres.ts', { BENCH_PG_POOL: String(size) }),
  );
}
const poolCells: string[][] = POOLS.map(() => []);
for (const c of cases) {
  const measured = await compare(pools, c, TABLE_ROUNDS);
  for (const [i, m] of measured.entries()) poolCells[i]!.push(cell(m));
  process.stderr.write(`pools, ${c.name}: done\n`);
}
const poolRows = POOLS.map((size, i) => `| ${size} | ${poolCells[i]!.join(' | ')} |`);
for (const s of pools) if (s !== postgres) await stop(s);

// 3. One instance direct, one and two behind the balancer.
const BALANCER = process.env.BENCH_PG_BALANCER !== '0';
const single = BALANCER ? await balanced(1, POOL) : postgres;
const pair = BALANCER ? await balanced(2, POOL) : postgres;
const balancerRows: string[] = [];
for (const c of BALANCER ? cases : []) {
  const [direct, one, two] = (await compare([postgres, single, pair], c, TABLE_ROUNDS)) as [
    Measured,
    Measured,
    Measured,
  ];
  balancerRows.push(
    `| ${c.name} | ${cell(direct)} | ${cell(one)} | ${cell(two)} | ${(two.rps / direct.rps).toFixed(2)}x |`,
  );
  process.stderr.write(`balancer, ${c.name}: done\n`);
}
for (const s of new Set([postgres, single, pair])) await stop(s);

console.log(
  `\nPostgreSQL beside SQLite: ${USERS.toLocaleString('en-US')} users, autocannon ${autocannonVersion}, ${CONNECTIONS} connections, ${SECONDS} s per run after a 1 s warm-up, the median of ${ROUNDS} runs taking turns side by side (${TABLE_ROUNDS} for the pool and balancer tables), Node ${process.version}, PostgreSQL ${version} on loopback${autovacuum === false ? ` (${VACUUMED})` : ''}; load average ${loadBefore} before, ${load()} after\n`,
);
console.log(`Pool ${POOL}.\n\n${sideHeader}\n${sideRule}`);
for (const row of sideBySide) console.log(row);
printCpu();
console.log(`\nPostgreSQL pool size (maxConnections), one instance, req/s\n`);
console.log(`| pool | ${cases.map((c) => c.name).join(' | ')} |`);
console.log(`|---:|${cases.map(() => '---:').join('|')}|`);
for (const row of poolRows) console.log(row);
console.log(
  `\nTwo instances on the same schema behind a round-robin TCP balancer (node:net), pool ${POOL} each\n`,
);
console.log(
  '| case | one instance, direct | one, through the balancer | two, through the balancer | two / one direct |',
);
console.log('|---|---:|---:|---:|---:|');
for (const row of balancerRows) console.log(row);

/**
 * Instructions per request of the server process as shipped, over real loopback HTTP, counted by
 * valgrind's callgrind (a count moves by about 1% on a loaded machine, CPU time by 10% to 30%).
 * Each server runs under `valgrind --tool=callgrind` in its own process: `scim-server start`
 * (src/cli/main.ts, its defaults: request log at info to a file, a bearer token of
 * `scim-server tokens create` from the store) on the 100,000-user file, the same with
 * LOG_LEVEL=silent, and the node:http ceiling of bench/run.ts (bench/servers/discovery.ts
 * `ceiling`) serving the bytes `start` answers. This process (not under valgrind) is the client:
 * `BENCH_CONNECTIONS` keep-alive connections (10 by default, as autocannon in bench/run.ts),
 * `BENCH_WARM` requests of warm-up, then `callgrind_control -z`, `BENCH_N` requests of one case,
 * `callgrind_control -d`; it prints each server's `summary` of that dump divided by `BENCH_N`, and
 * the ratios: start / ceiling, silent / ceiling, and the log's share of start's count. Every
 * thread counts (V8's compiler and collector threads too, libuv's); kernel time does not.
 *
 *   node --conditions=@scim/source bench/instructions-http.ts      # BENCH_CASE=get (default)
 *   BENCH_CASE=filter ...      # get, filter (userName eq, one user), list (count=100), spc, schemas, resourcetypes
 *   BENCH_N=300 BENCH_WARM=1000 BENCH_CASE=list ...   # requests counted / of warm-up (defaults by case)
 *   BENCH_BASELINE=main ...    # also that revision's start and silent (bench/baseline.ts extracts it)
 *   BENCH_SERVERS=start,ceiling ...   # only these of start, silent, ceiling (and base, base-silent)
 *   BENCH_SEMI=4 ...           # another cap of the young generation for every start (young-generation.ts's by default)
 *
 * The dumps stay in .cache/callgrind-<case>-<pid>/ (`<server>-<case>.<pid>.1-<thread>`), for
 * `callgrind_annotate --inclusive=yes <dump>`. Takes some 3 to 6 minutes a case (the servers load
 * under callgrind at the same time; then they are counted one after the other).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { basename, join } from 'node:path';
import { EXPOSE_GC, SEMI_SPACE_MB } from '../src/cli/young-generation.ts';
import { baselineSource } from './baseline.ts';
import { startCli } from './servers/cli.ts';
import { USERS } from './servers/common.ts';

const CACHE = join(import.meta.dirname, '..', '.cache');
const KASE = process.env.BENCH_CASE ?? 'get';
/** Where the dumps go: a folder per case and run, so that runs may overlap. */
const OUT = join(CACHE, `callgrind-${KASE}-${process.pid}`);
const DATABASE = join(CACHE, `bench-${USERS}.db`);
const CASES: Readonly<Record<string, { readonly path: (id: string) => string; readonly n: number }>> = {
  get: { path: (id) => `/Users/${id}`, n: 2000 },
  filter: {
    path: () => `/Users?filter=${encodeURIComponent('userName eq "user033333@example.com"')}`,
    n: 2000,
  },
  list: { path: () => '/Users?count=100', n: 300 },
  spc: { path: () => '/ServiceProviderConfig', n: 2000 },
  schemas: { path: () => '/Schemas', n: 1000 },
  resourcetypes: { path: () => '/ResourceTypes', n: 2000 },
};
const chosen = CASES[KASE];
if (chosen === undefined) throw new Error(`BENCH_CASE=${KASE}: one of ${Object.keys(CASES).join(', ')}`);
const N = Number(process.env.BENCH_N ?? chosen.n);
const WARM = Number(process.env.BENCH_WARM ?? chosen.n * 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const BASELINE = process.env.BENCH_BASELINE;
const WANTED = (process.env.BENCH_SERVERS ?? 'start,silent,ceiling,base,base-silent').split(',');

/** A server under callgrind. */
interface Counted {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  readonly token: string;
}

const callgrind = (name: string) => [
  'valgrind',
  '--tool=callgrind',
  '-q',
  // A dump per thread: the main thread's (-01) is the event loop's, which background threads
  // (a SQLite checkpoint thread that starts after the token's lastUsed write, once a minute) leave out.
  '--separate-threads=yes',
  `--callgrind-out-file=${join(OUT, `${name}-${KASE}.%p`)}`,
];

/** `scim-server start` of this checkout (or of `src`) under callgrind, its log to a file. */
async function cli(name: string, env: Record<string, string>, src?: string): Promise<Counted> {
  const bin = src === undefined ? {} : { bin: join(src, 'cli', 'main.ts') };
  // Timeouts callgrind's pace needs (the defaults, 10 s for headers, would answer 408 on a loaded
  // machine); they set timers of the same kind, not more of them.
  const slow = { HEADERS_TIMEOUT: '10m', REQUEST_TIMEOUT: '10m', KEEP_ALIVE_TIMEOUT: '10m' };
  const launched = await startCli(
    DATABASE,
    join(OUT, `${name}-${KASE}.log`),
    { ...slow, ...env },
    {
      ...bin,
      // The flags the bin restarts itself with (young-generation.ts): given here, it does not restart,
      // which would leave valgrind (process.execve runs the new program natively).
      nodeArgs: [
        `--max-semi-space-size=${process.env.BENCH_SEMI ?? SEMI_SPACE_MB}`,
        EXPOSE_GC,
        '--conditions=@scim/source',
        '--no-warnings',
      ],
      prefix: callgrind(name),
    },
  );
  children.push(launched.child);
  return { name, child: launched.child, port: launched.port, token: launched.token };
}

/** The ceiling of bench/run.ts under callgrind (it gets its bodies over IPC, see {@link serve}). */
async function ceilingServer(): Promise<Counted> {
  const file = join(import.meta.dirname, 'servers', 'discovery.ts');
  const child = spawn(
    callgrind('ceiling')[0]!,
    [
      ...callgrind('ceiling').slice(1),
      process.execPath,
      '--conditions=@scim/source',
      '--no-warnings',
      file,
      'ceiling',
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ceiling exited with ${code}`)));
    child.on('message', (m: { ready?: boolean; port?: number }) => m.ready && resolve(m.port!));
  });
  return { name: 'ceiling', child, port, token: 'none' };
}

/** Every server started, stopped when this process exits (a failed run leaves none behind). */
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) child.kill();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(1));

const agents = new Map<number, Agent>();
/**
 * One GET over a keep-alive connection of the server's pool: status and body. Once more on a new
 * connection when the server closed the one it was sent on (idle for its keep-alive timeout, 5 s,
 * while callgrind took a command).
 */
async function get(s: Counted, path: string): Promise<{ status: number; body: string }> {
  try {
    return await getOnce(s, path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ECONNRESET' && code !== 'EPIPE') throw error;
    return getOnce(s, path);
  }
}

function getOnce(s: Counted, path: string): Promise<{ status: number; body: string }> {
  let agent = agents.get(s.port);
  if (agent === undefined) {
    agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    agents.set(s.port, agent);
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: s.port,
        path: `/scim${path}`,
        agent,
        headers: { authorization: `Bearer ${s.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.setTimeout(120_000, () => req.destroy(new Error(`${s.name}: no answer in 120 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** `count` requests, `CONNECTIONS` at a time; fails on any status but 200. */
async function drive(s: Counted, path: string, count: number): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const { status, body } = await get(s, path);
      if (status !== 200) throw new Error(`${s.name} ${path}: ${status} ${body}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONNECTIONS, count) }, worker));
}

async function control(arg: '-z' | '-d', pid: number): Promise<void> {
  const child = spawn('callgrind_control', [arg, String(pid)], { stdio: 'ignore' });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`callgrind_control ${arg} ${pid} exited with ${code}`);
}

/** Instructions per request of `N` requests after `WARM` of warm-up (all threads, the main thread's); the dump. */
async function count(s: Counted, path: string): Promise<{ perRequest: number; main: number; dump: string }> {
  await drive(s, path, WARM);
  await control('-z', s.child.pid!);
  await drive(s, path, N);
  await control('-d', s.child.pid!);
  const dump = join(OUT, `${s.name}-${KASE}.${s.child.pid}.1`);
  const threads = await summariesOf(dump, () => get(s, path));
  const total = threads.reduce((sum, n) => sum + n, 0);
  return { perRequest: total / N, main: threads[0]! / N, dump };
}

/**
 * The `summary` of each thread's part of a dump (`<dump>-01` is the main thread's, with
 * `--separate-threads=yes`), once written. A server idle in `epoll_wait` takes callgrind's command
 * only when it next runs (vgdb cannot always interrupt the system call): after a second without
 * the dump, one more request wakes it (counted, at most one in `N`: a slight overestimate).
 */
async function summariesOf(dump: string, nudge: () => Promise<unknown>): Promise<number[]> {
  const prefix = `${basename(dump)}-`;
  for (let tries = 0; tries < 60; tries++) {
    const files = readdirSync(OUT)
      .filter((f) => f.startsWith(prefix))
      .sort();
    const texts = files.map((f) => readFileSync(join(OUT, f), 'utf8'));
    if (files.length > 0 && texts.every((t) => /^totals: /m.test(t))) {
      return texts.map((t) => Number(/^summary: (\d+)/m.exec(t)?.[1] ?? 0));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (tries % 5 === 0 && files.length === 0) await nudge();
  }
  throw new Error(`no dump ${dump}-* after a minute`);
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const base = BASELINE === undefined ? undefined : baselineSource(BASELINE);
const starting: Promise<Counted>[] = [];
const want = (name: string) => WANTED.includes(name);
if (want('start')) starting.push(cli('start', {}));
if (want('silent')) starting.push(cli('silent', { LOG_LEVEL: 'silent' }));
if (base !== undefined && want('base')) starting.push(cli('base', {}, base));
if (base !== undefined && want('base-silent'))
  starting.push(cli('base-silent', { LOG_LEVEL: 'silent' }, base));
if (want('ceiling')) starting.push(ceilingServer());
const servers = await Promise.all(starting);
process.stderr.write(`${servers.map((s) => s.name).join(', ')}: listening under callgrind\n`);

const first = servers.find((s) => s.name !== 'ceiling');
const filtered = first === undefined ? undefined : await get(first, CASES.filter!.path(''));
const id =
  filtered === undefined
    ? 'none'
    : (JSON.parse(filtered.body) as { Resources: { id: string }[] }).Resources[0]!.id;
const path = chosen.path(id);
const ceiling = servers.find((s) => s.name === 'ceiling');
if (ceiling !== undefined) {
  if (first === undefined) throw new Error('the ceiling serves the bytes of start: count one of them too');
  const { body } = await get(first, path);
  await new Promise<void>((resolve) => {
    ceiling.child.once('message', () => resolve());
    ceiling.child.send({ bodies: { [`/scim${path}`]: body } });
  });
}

const counts = new Map<string, number>();
const mains = new Map<string, number>();
for (const s of servers) {
  const { perRequest, main, dump } = await count(s, path);
  counts.set(s.name, perRequest);
  mains.set(s.name, main);
  process.stderr.write(
    `${s.name}: ${Math.round(perRequest).toLocaleString('en-US')} per request, main thread ${Math.round(main).toLocaleString('en-US')} (${dump}-*)\n`,
  );
}
for (const agent of agents.values()) agent.destroy();
for (const s of servers) s.child.kill();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: string, b: string, of = counts) =>
  of.has(a) && of.has(b) ? `${(of.get(a)! / of.get(b)!).toFixed(2)}x` : '–';
const share = (logged: string, silent: string, of = counts) =>
  of.has(logged) && of.has(silent)
    ? `${(((of.get(logged)! - of.get(silent)!) / of.get(logged)!) * 100).toFixed(1)}%`
    : '–';
console.log(
  `\n${KASE} (${path.length > 60 ? `${path.slice(0, 57)}...` : path}): instructions per request over loopback HTTP, ${N} counted after ${WARM} of warm-up, ${CONNECTIONS} keep-alive connections`,
);
console.log(
  '| server | instructions / request | / ceiling | main thread | / ceiling |\n|---|---:|---:|---:|---:|',
);
for (const [name, n] of counts) {
  console.log(
    `| ${name} | ${fmt(n)} | ${ratio(name, 'ceiling')} | ${fmt(mains.get(name)!)} | ${ratio(name, 'ceiling', mains)} |`,
  );
}
console.log(
  `\nthe log's share of start: ${share('start', 'silent')} (main thread: ${share('start', 'silent', mains)})`,
);
if (base !== undefined) {
  console.log(`the log's share of ${BASELINE}'s start: ${share('base', 'base-silent')}`);
  console.log(
    `start / ${BASELINE}'s start: ${ratio('start', 'base')}; silent: ${ratio('silent', 'base-silent')}`,
  );
}

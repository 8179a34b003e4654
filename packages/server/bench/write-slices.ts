/**
 * The largest writes the default limits allow, measured by the CPU they hold the event loop for
 * (issue 14: while one client loops them, discovery must still answer within 20 ms). A request
 * that runs 10 ms without a pause delays every other request by up to 10 ms, whatever the machine's
 * load; this bench measures that in CPU time, which other processes on the machine do not inflate
 * (bench/adversarial.ts measures the latencies over HTTP, which they do).
 *
 *   node --conditions=@scim/source bench/write-slices.ts
 *   WRITES_BASELINE=1b8db5f WRITES_ROUNDS=6 node --conditions=@scim/source bench/write-slices.ts
 *
 * Each engine (this checkout's server, and with WRITES_BASELINE the one of that git revision,
 * bench/baseline.ts) runs in its own process: `createScimHandler` with its default limits on a
 * SQLite file of its own (WAL) holding WRITES_USERS users (default 1,000) and one user with as many
 * emails as `maxValuesPerAttribute` allows, called in process (no HTTP). The engines take turns
 * (rounds, the order alternating), WRITES_REQUESTS requests of each case per round (default 40),
 * after as many untimed. Per request: the main thread's CPU time (`process.threadCpuUsage`), the
 * process's (`process.cpuUsage`: the garbage collector's helper threads and the store's threads too), and its longest slice, the most main-thread CPU spent between two ticks of a 1 ms interval timer
 * (what a request arriving meanwhile waits for at worst, in CPU), and the longest wall time between
 * two ticks (the same, with what CPU time does not count: a checkpoint's fsyncs, and the wait for a
 * core on a loaded machine), and its wall time. Prints p50 / p90 / max per case
 * and engine (p99 too for the slice: SQLite's checkpoint came once in some 55 PATCHes), and the
 * ratios.
 */
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { baselineSource } from './baseline.ts';
import { benchUser, TOKEN } from './servers/common.ts';

const USERS = Number(process.env.WRITES_USERS ?? 1_000);
const REQUESTS = Number(process.env.WRITES_REQUESTS ?? 40);
const ROUNDS = Number(process.env.WRITES_ROUNDS ?? 4);
const BASELINE = process.env.WRITES_BASELINE ?? '';

/** One request's figures, in ms of CPU. */
interface Sample {
  readonly cpu: number;
  /** CPU of every thread of the process (the garbage collector's helpers too). */
  readonly all: number;
  readonly slice: number;
  /** The longest wall time between two ticks (CPU, and waits: a checkpoint's fsyncs, the machine). */
  readonly gap: number;
  /** The request's wall time (its pauses, and a write that waits for the checkpoint thread, count). */
  readonly wall: number;
}
type Results = Record<string, Sample[]>;

/** CPU time of the process so far (all threads), in ms. */
function processCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Main-thread CPU time so far, in ms. */
function threadCpu(): number {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
}

/** The child: one engine, on a database of its own, running rounds when the parent says so. */
async function child(label: string, source: string): Promise<void> {
  const load = <T>(file: string): Promise<T> => import(pathToFileURL(join(source, file)).href) as Promise<T>;
  const { staticToken } = await load<typeof import('../src/auth/bearer.ts')>('auth/bearer.ts');
  const { createScimHandler } = await load<typeof import('../src/handler/index.ts')>('handler/index.ts');
  const { resolveConfig } = await load<typeof import('../src/handler/config.ts')>('handler/config.ts');
  const { sqliteStore } = await load<typeof import('../src/store/sqlite.ts')>('store/sqlite.ts');
  const path = join(import.meta.dirname, '..', '.cache', `write-slices-${label}.db`);
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  const options = { store: sqliteStore({ path }), authenticate: staticToken(TOKEN), basePath: '/scim' };
  const config = resolveConfig(options) as ReturnType<typeof resolveConfig> & { maxPatchOperations?: number };
  const values = config.maxValuesPerAttribute;
  const ops = config.maxPatchOperations ?? 1_000;
  const handler = createScimHandler(options);
  await handler.ready;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  const call = async (method: string, url: string, body?: string): Promise<string> => {
    const init: RequestInit = body === undefined ? { method, headers } : { method, headers, body };
    const response = await handler(new Request(new URL(url, 'http://bench.local/scim/'), init));
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
    return text;
  };
  const idOf = (text: string) => (JSON.parse(text) as { id: string }).id;
  for (let i = 0; i < USERS; i++) await call('POST', 'Users', JSON.stringify(benchUser(i)));
  const emails = (prefix: string) =>
    Array.from({ length: values }, (_, i) => ({ value: `${prefix}.${i}@example.org`, type: 'work' }));
  const patched = idOf(
    await call(
      'POST',
      'Users',
      JSON.stringify({ ...benchUser(0), userName: 'patched', externalId: 'p', emails: emails('patched') }),
    ),
  );
  const patch = (n: number) =>
    JSON.stringify({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: Array.from({ length: ops }, (_, i) => ({
        op: 'replace',
        path: `emails[value eq "patched.${(i * 7) % values}@example.org"].type`,
        value: n % 2 === 0 ? 'home' : 'work',
      })),
    });
  const post = (n: number) =>
    JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: `writer-${n}@example.org`,
      emails: emails(`a${n}`),
    });

  // The longest main-thread CPU between two ticks, since `reset`.
  let last = threadCpu();
  let longest = 0;
  let lastAt = performance.now();
  let widest = 0;
  const ticker = setInterval(() => {
    const now = threadCpu();
    longest = Math.max(longest, now - last);
    last = now;
    const at = performance.now();
    widest = Math.max(widest, at - lastAt);
    lastAt = at;
  }, 1);
  ticker.unref();
  const timed = async (fn: () => Promise<string>): Promise<{ sample: Sample; text: string }> => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    last = threadCpu();
    longest = 0;
    lastAt = performance.now();
    widest = 0;
    const before = last;
    const all = processCpu();
    const started = performance.now();
    const text = await fn();
    const wall = performance.now() - started;
    const cpu = threadCpu() - before;
    const allCpu = processCpu() - all;
    // The tick after the last step, which closes its slice.
    await new Promise((resolve) => setTimeout(resolve, 2));
    return { sample: { cpu, all: allCpu, slice: longest, gap: widest, wall }, text };
  };
  let n = 0;
  const round = async (count: number): Promise<Results> => {
    const out: Results = { patch: [], post: [], delete: [] };
    for (let i = 0; i < count; i++, n++) {
      const body = patch(n);
      out.patch?.push((await timed(() => call('PATCH', `Users/${patched}`, body))).sample);
      const created = await timed(() => call('POST', 'Users', post(n)));
      out.post?.push(created.sample);
      const id = idOf(created.text);
      out.delete?.push((await timed(() => call('DELETE', `Users/${id}`))).sample);
    }
    return out;
  };
  await round(REQUESTS); // warm-up
  process.on('message', (m: { round: number }) => {
    void round(REQUESTS).then((results) => process.send?.({ round: m.round, results }));
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true, values, ops });
}

interface Engine {
  readonly label: string;
  readonly run: (round: number) => Promise<Results>;
  readonly stop: () => void;
  readonly info: { values: number; ops: number };
}

async function startEngine(label: string, source: string): Promise<Engine> {
  const proc = fork(import.meta.filename, [], {
    execArgv: ['--conditions=@scim/source', '--no-warnings'],
    env: { ...process.env, WRITES_CHILD: label, WRITES_SOURCE: source },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<{ values: number; ops: number }>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
    proc.once('message', (m: { values: number; ops: number }) => resolve(m));
  });
  const run = (round: number) =>
    new Promise<Results>((resolve) => {
      const on = (m: { round: number; results: Results }) => {
        if (m.round !== round) return;
        proc.off('message', on);
        resolve(m.results);
      };
      proc.on('message', on);
      proc.send({ round });
    });
  return { label, run, stop: () => proc.kill(), info };
}

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] as number;
  const here = join(import.meta.dirname, '..', 'src');
  const engines: Engine[] = [];
  try {
    if (BASELINE !== '') engines.push(await startEngine(`before-${BASELINE}`, baselineSource(BASELINE)));
    engines.push(await startEngine('after', here));
    const all = engines.map((): Results => ({ patch: [], post: [], delete: [] }));
    for (let r = 0; r < ROUNDS; r++) {
      const order = engines.map((_, i) => i);
      if (r % 2 === 1) order.reverse();
      for (const i of order) {
        const got = await (engines[i] as Engine).run(r);
        for (const [k, v] of Object.entries(got)) all[i]?.[k]?.push(...v);
      }
      process.stderr.write(`round ${r + 1} of ${ROUNDS} done\n`);
    }
    const info = engines[0]?.info;
    const names: Record<string, string> = {
      patch: `PATCH of ${info?.ops} value-filtered replaces on a user with ${info?.values} emails`,
      post: `POST of a user with ${info?.values} emails`,
      delete: `DELETE of that user`,
    };
    console.log(
      `\n${ROUNDS} rounds x ${REQUESTS} requests per case and engine (after as many untimed), ${USERS.toLocaleString('en-US')} users, SQLite file (WAL), Node ${process.version}, load average (1 min) ${loadBefore.toFixed(1)} before, ${(loadavg()[0] as number).toFixed(1)} after\n`,
    );
    console.log(
      '| request | engine | main thread CPU p50 ms | p90 ms | process CPU p50 ms | p90 ms | longest slice p50 ms | p90 ms | p99 ms | max ms | longest wall gap p50 ms | p99 ms | max ms | wall time p50 ms | p90 ms |',
    );
    console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const k of Object.keys(names)) {
      for (const [i, e] of engines.entries()) {
        const s = all[i]?.[k] ?? [];
        const q = (f: (x: Sample) => number, at: number) => ms(quantile(s.map(f), at));
        console.log(
          `| ${names[k]} | ${e.label} | ${q((x) => x.cpu, 0.5)} | ${q((x) => x.cpu, 0.9)} | ${q((x) => x.all, 0.5)} | ${q((x) => x.all, 0.9)} | ${q((x) => x.slice, 0.5)} | ${q((x) => x.slice, 0.9)} | ${q((x) => x.slice, 0.99)} | ${q((x) => x.slice, 1)} | ${q((x) => x.gap, 0.5)} | ${q((x) => x.gap, 0.99)} | ${q((x) => x.gap, 1)} | ${q((x) => x.wall, 0.5)} | ${q((x) => x.wall, 0.9)} |`,
        );
      }
      if (engines.length === 2) {
        const [b, a] = [all[0]?.[k] ?? [], all[1]?.[k] ?? []];
        const ratio = (f: (x: Sample) => number, q: number) =>
          `${(quantile(a.map(f), q) / quantile(b.map(f), q)).toFixed(2)}x`;
        console.log(
          `| ${names[k]} | after / before | ${ratio((x) => x.cpu, 0.5)} | ${ratio((x) => x.cpu, 0.9)} | ${ratio((x) => x.all, 0.5)} | ${ratio((x) => x.all, 0.9)} | ${ratio((x) => x.slice, 0.5)} | ${ratio((x) => x.slice, 0.9)} | ${ratio((x) => x.slice, 0.99)} | ${ratio((x) => x.slice, 1)} | ${ratio((x) => x.gap, 0.5)} | ${ratio((x) => x.gap, 0.99)} | ${ratio((x) => x.gap, 1)} | ${ratio((x) => x.wall, 0.5)} | ${ratio((x) => x.wall, 0.9)} |`,
        );
      }
    }
  } finally {
    for (const e of engines) e.stop();
  }
}

const label = process.env.WRITES_CHILD;
if (label === undefined) await main();
else await child(label, process.env.WRITES_SOURCE as string);

/**
 * What the resident memory of `scim-server start` consists of (issue 14), on the load of
 * bench/memory.ts (SQLite, 100,000 users, 10 connections, six requests in rotation): idle, at the
 * end of the load, after an idle spell, then after a last-resort garbage collection and after glibc's
 * `malloc_trim(0)` (called through gdb, when it is installed), each step read from
 * `/proc/<pid>/smaps` by kind of mapping and from V8's heap statistics of the main thread and of
 * each SQLite reader thread (bench/servers/memory-probe.cjs, preloaded into the server).
 *
 *   pnpm --filter @scim/server build && pnpm --filter @scim/server exec node --conditions=@scim/source bench/memory-breakdown.ts
 *   BENCH_BIN=.cache/before-dist/cli.js ...   # another build of the bin (inside this package)
 *
 * Mappings: `file` is the node binary and libraries; `V8 pages` anonymous mappings of 256 KB to
 * 1 MB (V8 heap pages of every isolate); `glibc arenas` anonymous read-write mappings that start on a
 * 64 MB boundary (the heaps of malloc's per-thread arenas); `[heap]` the main arena; `other` the rest
 * (thread stacks, V8's code range, SQLite's shared memory index).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { startCli } from './servers/cli.ts';
import { USERS } from './servers/common.ts';
import { mixedRequests } from './servers/mixed-load.ts';

const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const pkg = join(import.meta.dirname, '..');
const bin = join(pkg, process.env.BENCH_BIN ?? 'dist/cli.js');
const cacheDb = join(pkg, '.cache', `bench-${USERS}.db`);
const probe = join(import.meta.dirname, 'servers', 'memory-probe.cjs');
const MB = 1024 * 1024;

/** Resident MB of the process's mappings, by kind (see the header). */
function mappings(pid: number): Record<string, number> {
  const kinds: Record<string, number> = {};
  let kind = 'other';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      const start = Number.parseInt(head[1]!, 16);
      const size = Number.parseInt(head[2]!, 16) - start;
      const name = head[4] ?? '';
      if (name.startsWith('/')) kind = 'file';
      else if (name === '[heap]') kind = '[heap]';
      else if (name !== '') kind = 'other';
      else if (start % (64 * MB) === 0 && head[3] === 'rw-p' && size <= 64 * MB) kind = 'glibc arenas';
      else if (size >= 256 * 1024 && size <= MB) kind = 'V8 pages';
      else kind = 'other';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kinds[kind] = (kinds[kind] ?? 0) + Number(rss[1]) / 1024;
  }
  return kinds;
}

interface ProbeLine {
  readonly mem: NodeJS.MemoryUsage;
  readonly heap: { readonly total_physical_size: number };
  readonly workers: readonly { readonly total_physical_size: number }[];
}

/** Asks the probe for one line and returns it. */
async function probeLine(pid: number, out: string): Promise<ProbeLine> {
  const before = existsSync(out) ? readFileSync(out, 'utf8').length : 0;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 100 && (existsSync(out) ? readFileSync(out, 'utf8').length : 0) === before; i++)
    await sleep(20);
  return JSON.parse(readFileSync(out, 'utf8').trim().split('\n').at(-1)!) as ProbeLine;
}

const rows: string[] = [];
async function step(pid: number, out: string, label: string): Promise<void> {
  const p = await probeLine(pid, out);
  const m = mappings(pid);
  const vmRss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  const f = (n: number | undefined) => (n ?? 0).toFixed(0);
  const workers = p.workers.map((w) => f(w.total_physical_size / MB)).join(' + ') || '-';
  rows.push(
    `| ${label} | ${f(vmRss)} | ${f(p.heap.total_physical_size / MB)} (${f(p.mem.heapUsed / MB)} used) | ${workers} | ` +
      `${f(m['V8 pages'])} | ${f(m['glibc arenas'])} | ${f(m['[heap]'])} | ${f(m.file)} | ${f(m.other)} |`,
  );
  process.stderr.write(`${rows.at(-1)}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-breakdown-'));
  const out = join(dir, 'probe.jsonl');
  copyFileSync(cacheDb, join(dir, 'scim.db'));
  if (existsSync(`${cacheDb}-wal`)) copyFileSync(`${cacheDb}-wal`, join(dir, 'scim.db-wal'));
  const loadBefore = loadavg()[0]!.toFixed(1);
  const server = await startCli(
    join(dir, 'scim.db'),
    join(dir, 'requests.log'),
    { PROBE_OUT: out },
    {
      bin,
      nodeArgs: ['--require', probe],
    },
  );
  const pid = server.child.pid!;
  try {
    const origin = `http://127.0.0.1:${server.port}`;
    const headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/scim+json' };
    const page = `${origin}/scim/Users?count=10&startIndex=${Math.floor(USERS / 2)}`;
    const ids = (
      (await (await fetch(page, { headers })).json()) as { Resources: { id: string }[] }
    ).Resources.map((r) => r.id);
    await sleep(2000);
    await step(pid, out, 'idle');
    const result = await autocannon({
      url: origin,
      connections: 10,
      duration: LOAD_SECONDS,
      headers,
      requests: mixedRequests(ids, 'breakdown'),
    });
    await step(pid, out, `end of load (${result.requests.average.toFixed(0)} req/s)`);
    await sleep(IDLE_SECONDS * 1000);
    await step(pid, out, `${IDLE_SECONDS} s later`);
    process.kill(pid, 'SIGWINCH');
    await sleep(1000);
    await step(pid, out, 'after a last-resort gc');
    try {
      execFileSync('gdb', ['-p', String(pid), '-batch', '-ex', 'call (int)malloc_trim(0)'], {
        stdio: 'ignore',
      });
      await step(pid, out, 'after malloc_trim(0)');
    } catch {
      process.stderr.write('no gdb: malloc_trim(0) left out\n');
    }
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nResident memory of \`scim-server start\` by kind, MB (${bin}, SQLite, ${USERS} users; ${process.version}; ` +
      `load average ${loadBefore} before, ${loadavg()[0]!.toFixed(1)} at the end)\n\n` +
      '| when | VmRSS | main V8 heap | reader V8 heaps | V8 pages | glibc arenas | [heap] | file | other |\n' +
      `|---|---:|---:|---:|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n`,
  );
}

await main();

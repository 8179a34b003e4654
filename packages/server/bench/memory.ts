/**
 * Resident memory of the shipped CLI (`scim-server start`, from `dist/`, default logging and token
 * store) on a SQLite file of 100,000 users: idle, during 30 s of mixed load at full speed, at the
 * end of the load and while it is idle again for 30 s (issue 14's goal: under 200 MB after the load,
 * and back near idle 30 s after).
 *
 *   pnpm --filter @scim/server build && pnpm --filter @scim/server exec node --conditions=@scim/source bench/memory.ts
 *   BENCH_LOAD_SECONDS=10 BENCH_IDLE_SECONDS=10 ...   # a quicker run
 *
 * Two configurations side by side: the bin as shipped and the bin on V8's own young-generation
 * sizing. The users come from the HTTP benchmark's database (`.cache/bench-<users>.db`, built by
 * `pnpm bench` or by this script on first use), copied to a temporary directory so the run starts
 * from the same file every time. Resident memory is read from `/proc/<pid>/status` (VmRSS) of the
 * server process, twice a second. The request log goes to a file, as a deployment would keep it.
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { type ReadyMessage, USERS } from './servers/common.ts';

const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const CONNECTIONS = 10;
const pkg = join(import.meta.dirname, '..');
const cli = join(pkg, 'dist', 'cli.js');
const cacheDb = join(pkg, '.cache', `bench-${USERS}.db`);

/** Builds the benchmark database with the HTTP benchmark's own server, when it is not there yet. */
async function ensureDatabase(): Promise<void> {
  if (existsSync(`${cacheDb}.complete`)) return;
  process.stderr.write(`building ${cacheDb} (${USERS} users; once)\n`);
  const child = fork(join(import.meta.dirname, 'servers', 'ours.ts'), [], {
    execArgv: ['--conditions=@scim/source', '--expose-gc', '--no-warnings'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the loader exited with ${code}`)));
    child.on('message', (m: ReadyMessage) => m.ready && resolve());
  });
  child.removeAllListeners('exit');
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** VmRSS of a process, in MB. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  if (!line) throw new Error(`no VmRSS for ${pid}`);
  return Number(line[1]) / 1024;
}

async function waitReady(base: string, token: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(`${base}/ServiceProviderConfig`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('the server did not answer within 20 s');
}

interface Sample {
  readonly t: number;
  readonly mb: number;
}

/** Samples the RSS of `pid` twice a second until `until` resolves. */
async function sampleWhile(pid: number, until: Promise<unknown>): Promise<Sample[]> {
  const samples: Sample[] = [];
  const started = Date.now();
  let done = false;
  void until.finally(() => {
    done = true;
  });
  while (!done) {
    samples.push({ t: (Date.now() - started) / 1000, mb: rssMb(pid) });
    await Promise.race([sleep(500), until]);
  }
  samples.push({ t: (Date.now() - started) / 1000, mb: rssMb(pid) });
  return samples;
}

interface Config {
  readonly name: string;
  /** Node options before the bin. */
  readonly nodeArgs: readonly string[];
}

/**
 * The two configurations, side by side: the bin as shipped (it caps the young generation,
 * src/cli/young-generation.ts) and the bin on V8's own young-generation sizing
 * (`--max-semi-space-size=0` is V8's default, and the bin keeps a flag it was given).
 */
const CONFIGS: readonly Config[] = [
  { name: 'V8 defaults (--max-semi-space-size=0)', nodeArgs: ['--max-semi-space-size=0'] },
  { name: 'as shipped', nodeArgs: [] },
];

interface Measured {
  readonly idle: number;
  readonly peak: number;
  readonly end: number;
  readonly settled: number;
  readonly requests: number;
  readonly rps: number;
  readonly failed: number;
  readonly cpuMsPerRequest: number;
}

/** CPU time (user + system) of a process, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function measure(config: Config, dir: string, token: string): Promise<Measured> {
  const db = join(dir, 'scim.db');
  const port = await freePort();
  const logFile = join(dir, 'requests.log');
  const server = spawn(process.execPath, [...config.nodeArgs, cli, 'start'], {
    env: { ...process.env, DATABASE_URL: db, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', openSync(logFile, 'w'), 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitReady(base, token);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    const list = (await (
      await fetch(`${base}/Users?count=10&startIndex=${Math.floor(USERS / 2)}`, { headers })
    ).json()) as { Resources: { id: string }[] };
    const ids = list.Resources.map((r) => r.id);
    await sleep(2000);
    const pid = server.pid!;
    const idle = rssMb(pid);
    let posted = 0;
    let patched = 0;
    const cpuBefore = cpuMs(pid);
    const run: Promise<autocannon.Result> = Promise.resolve(
      autocannon({
        url: base,
        connections: CONNECTIONS,
        duration: LOAD_SECONDS,
        headers,
        requests: [
          { method: 'GET', path: `/Users/${ids[0]}` },
          {
            method: 'GET',
            path: `/Users?filter=${encodeURIComponent('userName eq "user050000@example.com"')}`,
          },
          { method: 'GET', path: '/Users?count=100' },
          { method: 'GET', path: '/ServiceProviderConfig' },
          {
            method: 'POST',
            path: '/Users',
            setupRequest: (r: autocannon.Request) => ({
              ...r,
              body: JSON.stringify({
                schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
                userName: `memory-${port}-${posted++}@example.com`,
                emails: [{ value: `memory-${port}-${posted}@example.com`, type: 'work', primary: true }],
              }),
            }),
          },
          {
            method: 'PATCH',
            path: `/Users/${ids[1]}`,
            setupRequest: (r: autocannon.Request) => ({
              ...r,
              body: JSON.stringify({
                schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
                Operations: [{ op: 'replace', path: 'title', value: `Title ${patched++}` }],
              }),
            }),
          },
        ],
      }),
    );
    const during = await sampleWhile(pid, run);
    const result = await run;
    const cpu = cpuMs(pid) - cpuBefore;
    const after = await sampleWhile(pid, sleep(IDLE_SECONDS * 1000));
    return {
      idle,
      peak: Math.max(...during.map((s) => s.mb)),
      end: during.at(-1)!.mb,
      settled: after.at(-1)!.mb,
      requests: result.requests.total,
      rps: result.requests.average,
      failed: result.non2xx + result.errors,
      cpuMsPerRequest: cpu / result.requests.total,
    };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run pnpm --filter @scim/server build first`);
  await ensureDatabase();
  const rows: string[] = [];
  let failed = 0;
  for (const config of CONFIGS) {
    const dir = mkdtempSync(join(tmpdir(), 'scim-memory-'));
    try {
      const db = join(dir, 'scim.db');
      copyFileSync(cacheDb, db);
      if (existsSync(`${cacheDb}-wal`)) copyFileSync(`${cacheDb}-wal`, `${db}-wal`);
      const created = JSON.parse(
        execFileSync(process.execPath, [cli, 'tokens', 'create', '--tenant', 'default', '--json'], {
          env: { ...process.env, DATABASE_URL: db },
          encoding: 'utf8',
        }),
      ) as { token: string };
      process.stderr.write(`${config.name}: ${LOAD_SECONDS} s of load, then ${IDLE_SECONDS} s idle\n`);
      const m = await measure(config, dir, created.token);
      failed += m.failed;
      const f = (n: number) => n.toFixed(0);
      rows.push(
        `| ${config.name} | ${f(m.idle)} | ${f(m.peak)} | ${f(m.end)} | ${f(m.settled)} | ` +
          `${(m.settled / m.idle).toFixed(2)}x | ${f(m.rps)} | ${m.cpuMsPerRequest.toFixed(2)} | ${m.failed} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    `\nResident memory of \`scim-server start\` (dist/cli.js, SQLite, ${USERS} users; ${process.version}; ` +
      `autocannon, ${CONNECTIONS} connections, ${LOAD_SECONDS} s, 6 requests in rotation: GET by id, filter, ` +
      `list count=100, /ServiceProviderConfig, POST, PATCH; load average at the end ${loadavg()[0]!.toFixed(1)})\n\n` +
      `| server | idle MB | peak MB | end of load MB | ${IDLE_SECONDS} s later MB | later / idle | req/s | CPU ms / request | failed |\n` +
      `|---|---:|---:|---:|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n`,
  );
  if (failed > 0) process.exitCode = 1;
}

await main();

// What a generated project's request log costs: the hypervault template's `npm start` server (its
// SQLite store, a token issued by its token command) served three ways, side by side in interleaved
// rounds: without a request log, with the one-line text log `npm start` writes, and with pino's JSON
// lines (LOG_FORMAT=json); the log goes to /dev/null. Each round sends a fixed number of requests
// from keep-alive client loops to a discovery endpoint (the handler's fast path, where a log line
// weighs most) and to a filtered /Users query, and measures the server process's CPU time per
// request (process.cpuUsage, read over IPC): on a shared machine that moves far less than requests
// per second do. Prints the median per variant and its ratio to no log.
// Run: pnpm --filter create-scim-connector exec node bench/request-log.ts
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const template = join(import.meta.dirname, '..', '..', '..', 'templates', 'hypervault');
const rounds = Number(process.env.ROUNDS ?? 3);
const requests = Number(process.env.REQUESTS ?? 20_000);
const clients = Number(process.env.CLIENTS ?? 16);
const variants = ['none', 'text', 'json'] as const;

const child = `
const env = { ...process.env, PORT: '0' };
const { runTokenCommand } = await import('./src/token.ts');
let token;
await runTokenCommand(['create'], { env, out: (line) => { token = /Secret Token: (\\S+)/.exec(line)?.[1] ?? token; }, err: () => {} });
const { startServer } = await import('./src/server.ts');
const variant = process.env.VARIANT;
// as npm start writes its lines (connectorServer's serve): batched per tick, to standard output
const { batchedLines } = await import('@scim/server');
const log = variant === 'none' ? undefined : batchedLines();
const server = await startServer(variant === 'json' ? { ...env, LOG_FORMAT: 'json' } : env, log ? { log } : {});
process.on('message', () => process.send(process.cpuUsage()));
process.stderr.write('READY ' + server.url + ' ' + token + '\\n');
`;

async function serve(
  variant: string,
  dir: string,
): Promise<{ url: string; token: string; child: ChildProcess }> {
  const server = spawn(process.execPath, ['--conditions=@scim/source', '--input-type=module', '-e', child], {
    cwd: template,
    env: { ...process.env, VARIANT: variant, DATABASE_URL: `file:${join(dir, `${variant}.db`)}` },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let err = '';
  return new Promise((done, fail) => {
    server.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const ready = /READY (\S+) (\S+)/.exec(err);
      if (ready) done({ url: ready[1]!, token: ready[2]!, child: server });
    });
    server.once('exit', (code) => fail(new Error(`the ${variant} server exited (${code}):\n${err}`)));
  });
}

/** The server's CPU time so far, in microseconds (user + system). */
function cpu(server: ChildProcess): Promise<number> {
  return new Promise((done) => {
    server.once('message', (usage: { user: number; system: number }) => done(usage.user + usage.system));
    server.send('cpu');
  });
}

/** The server's CPU time per request, in microseconds, over `requests` requests from `clients` loops. */
async function load(server: ChildProcess, url: string, token: string): Promise<number> {
  const before = await cpu(server);
  let left = requests;
  const loop = async () => {
    while (left-- > 0) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return ((await cpu(server)) - before) / requests;
}

const dir = mkdtempSync(join(tmpdir(), 'scim-log-bench-'));
const servers: Record<string, Awaited<ReturnType<typeof serve>>> = {};
try {
  for (const variant of variants) servers[variant] = await serve(variant, dir);
  const paths = {
    discovery: '/scim/v2/ServiceProviderConfig',
    filter: `/scim/v2/Users?filter=${encodeURIComponent('userName eq "adele@contoso.example"')}`,
  };
  const results: Record<string, Record<string, number[]>> = {};
  for (const [name, path] of Object.entries(paths)) {
    results[name] = Object.fromEntries(variants.map((v) => [v, []]));
    // Warm-up.
    const run = (v: string) => load(servers[v]!.child, `${servers[v]!.url}${path}`, servers[v]!.token);
    for (const v of variants) await run(v);
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) results[name]![v]!.push(await run(v));
    }
  }
  console.log(
    `node ${process.version}, ${rounds} interleaved rounds of ${requests} requests, ${clients} keep-alive clients; server CPU µs per request (median), ratio to no log`,
  );
  for (const [name, byVariant] of Object.entries(results)) {
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const none = median(byVariant.none!);
    const line = variants
      .map(
        (v) => `${v} ${median(byVariant[v]!).toFixed(1)} µs (${(median(byVariant[v]!) / none).toFixed(2)}x)`,
      )
      .join(', ');
    console.log(`${name.padEnd(10)} ${line}`);
  }
} finally {
  for (const s of Object.values(servers)) s.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

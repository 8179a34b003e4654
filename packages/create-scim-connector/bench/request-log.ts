// What a generated project's request log costs: the hypervault template's `npm start` server (its
// SQLite store, a token issued by its token command) served three ways by one process, side by side
// in interleaved rounds: without a request log, with the one-line text log `npm start` writes, and with pino's JSON
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

// One process serves all three variants, each on its own port with its own SQLite file: they share
// the process's JIT and memory, so what differs between them is the log alone. Loading one port at a
// time, the process's CPU time over a run is that variant's.
const child = `
const { batchedLines } = await import('@scim/server');
const { runTokenCommand } = await import('./src/token.ts');
const { startServer } = await import('./src/server.ts');
const ready = {};
for (const variant of ${JSON.stringify(variants)}) {
  const env = { ...process.env, PORT: '0', DATABASE_URL: 'file:' + process.env.DIR + '/' + variant + '.db' };
  let token;
  await runTokenCommand(['create'], { env, out: (line) => { token = /Secret Token: (\\S+)/.exec(line)?.[1] ?? token; }, err: () => {} });
  // as npm start writes its lines (connectorServer's serve): batched per tick, to standard output
  const log = variant === 'none' ? undefined : batchedLines();
  const server = await startServer(variant === 'json' ? { ...env, LOG_FORMAT: 'json' } : env, log ? { log } : {});
  ready[variant] = { url: server.url, token };
}
process.on('message', () => process.send(process.cpuUsage()));
process.stderr.write('READY ' + JSON.stringify(ready) + '\\n');
`;

async function serve(
  dir: string,
): Promise<{ ready: Record<string, { url: string; token: string }>; child: ChildProcess }> {
  const server = spawn(process.execPath, ['--conditions=@scim/source', '--input-type=module', '-e', child], {
    cwd: template,
    env: { ...process.env, DIR: dir },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let err = '';
  return new Promise((done, fail) => {
    server.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      const ready = /READY (.+)\n/.exec(err);
      if (ready) done({ ready: JSON.parse(ready[1]!), child: server });
    });
    server.once('exit', (code) => fail(new Error(`the server exited (${code}):\n${err}`)));
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
let served: Awaited<ReturnType<typeof serve>> | undefined;
try {
  served = await serve(dir);
  const { ready, child: server } = served;
  const paths = {
    discovery: '/scim/v2/ServiceProviderConfig',
    filter: `/scim/v2/Users?filter=${encodeURIComponent('userName eq "adele@contoso.example"')}`,
  };
  const results: Record<string, Record<string, number[]>> = {};
  for (const [name, path] of Object.entries(paths)) {
    results[name] = Object.fromEntries(variants.map((v) => [v, []]));
    // Warm-up.
    const run = (v: string) => load(server, `${ready[v]!.url}${path}`, ready[v]!.token);
    for (const v of variants) await run(v);
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) results[name]![v]!.push(await run(v));
    }
  }
  console.log(
    `node ${process.version}, one server process, ${rounds} interleaved rounds of ${requests} requests, ${clients} keep-alive clients; server CPU µs per request (median), ratio to no log`,
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
  served?.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Bulk load of @scim/server: the same 100,000 users (the HTTP benchmark's directory) loaded into
 * an empty tenant by `scim-server import` (through the CLI's own entry, `runCli`, from an NDJSON
 * file) and by one POST /Users each through the handler (no network: the loader the HTTP
 * benchmark used before), side by side on SQLite and on PostgreSQL, in this process, one after
 * the other.
 *
 *   pnpm --filter @scim/server exec node --conditions=@scim/source bench/import.ts
 *   BENCH_USERS=10000 BENCH_CASES=sqlite pnpm --filter @scim/server exec node --conditions=@scim/source bench/import.ts
 *
 * BENCH_CASES: `sqlite`, `postgres` or both (default); BENCH_LOADERS: `import`, `post` or both
 * (default); DATABASE_URL: the PostgreSQL database (default postgres://postgres@127.0.0.1:5432/test;
 * the bench uses, and first drops, the schemas bench_import_*). Prints wall-clock seconds, this
 * process's CPU seconds (user + system; the PostgreSQL server's own CPU is not in it) and the
 * ratios.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { staticToken } from '../src/auth/bearer.ts';
import type { CliContext } from '../src/cli/context.ts';
import { openStoreFromUrl } from '../src/cli/open-store.ts';
import { runCli } from '../src/cli/run.ts';
import { createScimHandler } from '../src/handler/index.ts';
import { benchUser, TOKEN, USERS } from './servers/common.ts';

const POSTGRES = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DIALECTS = (process.env.BENCH_CASES ?? 'sqlite,postgres').split(',');
const LOADERS = (process.env.BENCH_LOADERS ?? 'import,post').split(',');
const dir = join(import.meta.dirname, '..', '.cache', 'import');
mkdirSync(dir, { recursive: true });

/** The directory as NDJSON, one user a line. */
async function writeDirectory(): Promise<string> {
  const path = join(dir, `users-${USERS}.ndjson`);
  const out = createWriteStream(path);
  for (let i = 0; i < USERS; i++) {
    if (!out.write(`${JSON.stringify(benchUser(i))}\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
  return path;
}

/** An empty database for one case: a new SQLite file, or a dropped and new PostgreSQL schema. */
async function emptyDatabase(dialect: string, loader: string): Promise<string> {
  if (dialect === 'sqlite') {
    const path = join(dir, `${loader}.db`);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    return path;
  }
  const schema = `bench_import_${loader}`;
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: POSTGRES });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
  return `${POSTGRES}${POSTGRES.includes('?') ? '&' : '?'}schema=${schema}`;
}

async function viaImport(url: string, file: string): Promise<void> {
  const context: CliContext = {
    env: { DATABASE_URL: url },
    cwd: dir,
    out: () => {},
    err: (text) => process.stderr.write(`  ${text}\n`),
    openStore: (u, options) => openStoreFromUrl(u, { cwd: dir, ...options }),
  };
  const code = await runCli(['import', '--tenant', 'default', file], context);
  if (code !== 0) throw new Error(`scim-server import exited with ${code}`);
}

async function viaPost(url: string): Promise<void> {
  const handler = createScimHandler({
    // No list budget: on a loaded machine a read past 200 ms would fail the load with a 503.
    store: await openStoreFromUrl(url, { cwd: dir, queryTimeoutMs: 0 }),
    authenticate: staticToken(TOKEN),
  });
  await handler.ready;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
  for (let i = 0; i < USERS; i++) {
    const response = await handler(
      new Request('http://bench.local/Users', {
        method: 'POST',
        headers,
        body: JSON.stringify(benchUser(i)),
      }),
    );
    if (response.status !== 201) throw new Error(`POST /Users: ${response.status} ${await response.text()}`);
  }
  await handler.close();
}

interface Result {
  readonly dialect: string;
  readonly loader: string;
  readonly seconds: number;
  readonly cpu: number;
}

const file = await writeDirectory();
const results: Result[] = [];
for (const dialect of DIALECTS) {
  for (const loader of LOADERS) {
    const url = await emptyDatabase(dialect, loader);
    process.stderr.write(`${dialect}, ${loader}: loading ${USERS.toLocaleString('en-US')} users\n`);
    const cpu = process.cpuUsage();
    const started = performance.now();
    if (loader === 'import') await viaImport(url, file);
    else await viaPost(url);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    results.push({ dialect, loader, seconds, cpu: (used.user + used.system) / 1e6 });
    process.stderr.write(
      `  ${seconds.toFixed(1)} s, ${((used.user + used.system) / 1e6).toFixed(1)} s of CPU\n`,
    );
  }
}

const rows = results.map((r) => {
  const post = results.find((p) => p.dialect === r.dialect && p.loader === 'post');
  const ratio = post === undefined || r.loader === 'post' ? '' : `${(post.seconds / r.seconds).toFixed(1)}x`;
  const rate = Math.round(USERS / r.seconds).toLocaleString('en-US');
  const label = r.loader === 'import' ? '`scim-server import`' : 'POST /Users (one each)';
  return `| ${r.dialect} | ${label} | ${r.seconds.toFixed(1)} | ${r.cpu.toFixed(1)} | ${rate} | ${ratio} |`;
});
process.stdout.write(
  `\n${USERS.toLocaleString('en-US')} users into an empty tenant, Node ${process.version}\n\n` +
    '| store | loader | wall s | CPU s (this process) | users/s | faster than POSTs |\n' +
    '|---|---|--:|--:|--:|--:|\n' +
    `${rows.join('\n')}\n`,
);

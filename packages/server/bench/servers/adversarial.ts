/**
 * The server of bench/adversarial.ts: `createScimHandler` with its DEFAULT limits on the embedded
 * SQLite store (a file, WAL), behind the Node adapter; the store as `BENCH_MODE` says. The
 * directory (100,000 users by default) is loaded through the handler and kept in `.cache/` (the
 * same file bench/run.ts loads and reuses); then two users are added whose `emails` hold as many
 * values as the limit allows: one to filter and sort on, one to PATCH.
 *
 * Reports its port and the limits it runs with (read from the handler's resolved options, so the
 * bench follows them when their defaults change).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScimServerOptions } from '../../src/options.ts';
import { benchUser, TOKEN, USERS } from './common.ts';

// The server's code: this checkout's, or (BENCH_SOURCE, set by the bench for `before`) the src/
// folder of an earlier revision extracted beside it.
const source = process.env.BENCH_SOURCE ?? join(import.meta.dirname, '..', '..', 'src');
const load = <T>(file: string): Promise<T> => import(pathToFileURL(join(source, file)).href) as Promise<T>;
const { staticToken } = await load<typeof import('../../src/auth/bearer.ts')>('auth/bearer.ts');
const { resolveConfig } = await load<typeof import('../../src/handler/config.ts')>('handler/config.ts');
const { createScimHandler } = await load<typeof import('../../src/handler/index.ts')>('handler/index.ts');
const { toNodeListener } = await load<typeof import('../../src/node.ts')>('node.ts');
const { sqliteStore } = await load<typeof import('../../src/store/sqlite.ts')>('store/sqlite.ts');

/** The limits the bench pushes to, as the server resolved them. */
export interface AdversarialLimits {
  readonly maxValuesPerAttribute: number;
  readonly maxFilterTerms: number;
  readonly maxPageSize: number;
  /** Operations one PATCH may hold (the server's `maxPatchOperations` when it has one, else 1,000). */
  readonly maxPatchOperations: number;
  readonly maxBodyBytes: number;
}

/**
 * How the server runs (`BENCH_MODE`): `default` (the store's defaults: scans on reader threads, a
 * 200 ms budget per list query), `inline` (`readers: 0, queryTimeoutMs: 0`: every query on the
 * event loop, to its end, as before issue 14), or `before` (the defaults, with the code of the
 * revision `BENCH_BASELINE` names, from `BENCH_SOURCE`).
 */
export type AdversarialMode = 'default' | 'inline' | 'before';

/** What the server reports once it listens. */
export interface AdversarialReady {
  readonly ready: true;
  readonly port: number;
  readonly loadMs: number;
  readonly limits: AdversarialLimits;
  /** The user whose `emails` are at the limit (filtered and sorted on). */
  readonly wideUserId: string;
  /** Another such user, for the PATCH case. */
  readonly patchUserId: string;
}

const dir = join(import.meta.dirname, '..', '..', '.cache');
mkdirSync(dir, { recursive: true });
const path = join(dir, `bench-${USERS}.db`);
const marker = `${path}.complete`;
if (!existsSync(marker)) for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });

const mode: AdversarialMode = process.env.BENCH_MODE === 'inline' ? 'inline' : 'default';
const options: ScimServerOptions = {
  store: sqliteStore({ path, ...(mode === 'inline' ? { readers: 0, queryTimeoutMs: 0 } : {}) }),
  authenticate: staticToken(TOKEN),
  basePath: '/scim',
};
const config = resolveConfig(options) as ReturnType<typeof resolveConfig> & { maxPatchOperations?: number };
const limits: AdversarialLimits = {
  maxValuesPerAttribute: config.maxValuesPerAttribute,
  maxFilterTerms: config.maxFilterTerms,
  maxPageSize: config.maxPageSize,
  maxPatchOperations: config.maxPatchOperations ?? 1_000,
  maxBodyBytes: config.maxBodyBytes,
};
const handler = createScimHandler(options);
await handler.ready;

const base = 'http://bench.local/scim/';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
async function call(method: string, url: string, body?: unknown): Promise<Record<string, unknown>> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await handler(new Request(new URL(url, base), init));
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

const started = performance.now();
if (!existsSync(marker)) {
  for (let i = 0; i < USERS; i++) await call('POST', 'Users', benchUser(i));
  writeFileSync(marker, new Date().toISOString());
}

/** A user whose `emails` hold `maxValuesPerAttribute` values (found again when it exists). */
async function wide(userName: string): Promise<string> {
  const found = await call(
    'GET',
    `Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&attributes=id`,
  );
  const existing = (found.Resources as { id: string }[] | undefined)?.[0];
  if (existing !== undefined) return existing.id;
  const emails = Array.from({ length: limits.maxValuesPerAttribute }, (_, i) => ({
    value: `${userName.split('@')[0]}.${i}@example.org`,
    type: 'work',
    primary: i === limits.maxValuesPerAttribute - 1,
  }));
  return String(
    (await call('POST', 'Users', { ...benchUser(0), userName, externalId: userName, emails })).id,
  );
}
const wideUserId = await wide('wide@example.org');
const patchUserId = await wide('patched@example.org');

// Gone with the bench that forked it.
process.on('disconnect', () => process.exit(0));
const server = createServer(toNodeListener(handler));
server.listen(0, '127.0.0.1', () => {
  process.send?.({
    ready: true,
    port: (server.address() as AddressInfo).port,
    loadMs: performance.now() - started,
    limits,
    wideUserId,
    patchUserId,
  } satisfies AdversarialReady);
});

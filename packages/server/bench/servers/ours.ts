/**
 * Our server as a deployment runs it: `createScimHandler` on the embedded SQLite store (a file, WAL),
 * behind the Node adapter. Loads the directory with the bulk load of `scim-server import`, which
 * validates each user with POST's own code, so the stored data is exactly what SCIM requests would
 * have stored (BENCH_LOADER=post: one POST each, as before). The loaded database is kept in
 * `.cache/` and reused by the next run with the same size.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { staticToken } from '../../src/auth/bearer.ts';
import { importResources } from '../../src/handler/import.ts';
import { createScimHandler } from '../../src/handler/index.ts';
import { toNodeListener } from '../../src/node.ts';
import { sqliteStore } from '../../src/store/sqlite.ts';
import { benchUser, LARGE_GROUP, ready, SMALL_GROUP, TOKEN, USERS } from './common.ts';

const dir = join(import.meta.dirname, '..', '..', '.cache');
mkdirSync(dir, { recursive: true });
const path = join(dir, `bench-${USERS}.db`);
const marker = `${path}.complete`;
if (!existsSync(marker)) for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });

const options = {
  // No query budget: loading reads the ids sorted by userName, 1,000 at a time, which a loaded
  // machine can push past the default 200 ms (the measured requests are all indexed reads).
  store: sqliteStore({ path, queryTimeoutMs: 0 }),
  authenticate: staticToken(TOKEN),
  basePath: '/scim',
  limits: { maxBodyBytes: 8 * 1024 * 1024, maxPageSize: 1_000 },
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
const ids: string[] = [];
if (!existsSync(marker)) {
  if (process.env.BENCH_LOADER === 'post') {
    for (let i = 0; i < USERS; i++) await call('POST', 'Users', benchUser(i));
  } else {
    const lines = (function* () {
      for (let i = 0; i < USERS; i++) yield { line: i + 1, text: JSON.stringify(benchUser(i)) };
    })();
    await importResources(lines, {
      server: options,
      tenant: 'default',
      onFailure: (f) => {
        throw new Error(`import, line ${f.line}: ${f.status} ${f.message}`);
      },
    });
  }
}
// Only the ids the groups and the member PATCHes need (the first LARGE_GROUP + 5,000 by
// userName), so the bench's own bookkeeping does not weigh on the RSS.
const needed = Math.min(USERS, LARGE_GROUP + 5_000);
for (let start = 1; ids.length < needed; start += 1_000) {
  const page = await call('GET', `Users?attributes=id&startIndex=${start}&count=1000&sortBy=userName`);
  const resources = page.Resources as { id: string }[] | undefined;
  if (resources === undefined || resources.length === 0) break;
  for (const r of resources) ids.push(r.id);
}
async function group(name: string, members: readonly string[]): Promise<string> {
  const found = await call(
    'GET',
    `Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}&excludedAttributes=members`,
  );
  const existing = (found.Resources as { id: string }[] | undefined)?.[0];
  if (existing !== undefined) return existing.id;
  const id = String(
    (
      await call('POST', 'Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: name,
      })
    ).id,
  );
  for (let i = 0; i < members.length; i += 1_000) {
    await call('PATCH', `Groups/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'add', path: 'members', value: members.slice(i, i + 1_000).map((value) => ({ value })) },
      ],
    });
  }
  return id;
}
const smallGroupId = await group('small', ids.slice(0, SMALL_GROUP));
const largeGroupId = await group('large', ids.slice(0, LARGE_GROUP));
writeFileSync(marker, new Date().toISOString());

/** The user in the middle of the directory (by userName), for GET by id. */
async function middleUser(): Promise<string> {
  const userName = String(benchUser(Math.floor(USERS / 2)).userName);
  const found = await call(
    'GET',
    `Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&attributes=id`,
  );
  return (found.Resources as { id: string }[])[0]!.id;
}

const userId = await middleUser();
const server = createServer(toNodeListener(handler));
server.listen(0, '127.0.0.1', () => {
  ready({
    port: (server.address() as AddressInfo).port,
    loadMs: performance.now() - started,
    userId,
    spareUserIds: ids.slice(LARGE_GROUP, LARGE_GROUP + 5_000),
    smallGroupId,
    largeGroupId,
    database: path,
  });
});

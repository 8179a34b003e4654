/**
 * Our server on PostgreSQL: `createScimHandler` on `postgresStore` behind the Node adapter, in the
 * schema `bench_<users>` of DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), which
 * no other data uses. Loads the directory once through the handler (16 requests at a time, so the
 * stored rows are exactly what SCIM requests store), runs `ANALYZE`, and marks the schema complete
 * (a comment on it); later runs, and the second instance behind the load balancer, reuse it.
 *
 * The store's connections are named `scim-bench-<pid>` (`application_name`), so that the bench
 * can add the CPU time of their PostgreSQL server processes to this process's.
 *
 * BENCH_PG_SCHEMA: the schema (default `bench_<users>`; a run of its own, beside another on the
 * same database, names its own). BENCH_PG_POOL: the pool size (`maxConnections`, default 10). BENCH_PG_STORE: the store's module
 * (default src/store/postgres.ts; bench/postgres.ts passes an earlier version's copy with
 * BENCH_PG_BASELINE).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { staticToken } from '../../src/auth/bearer.ts';
import { createScimHandler } from '../../src/handler/index.ts';
import { toNodeListener } from '../../src/node.ts';
import type { postgresStore as PostgresStore } from '../../src/store/postgres.ts';
import { benchUser, LARGE_GROUP, ready, SMALL_GROUP, TOKEN, USERS } from './common.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = process.env.BENCH_PG_SCHEMA ?? `bench_${USERS}`;
const POOL = Number(process.env.BENCH_PG_POOL ?? 10);
const COMPLETE = 'scim bench: loaded';

/** Whether an earlier run loaded the schema completely (its comment says so). */
async function loaded(): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT obj_description(oid, $2) AS c FROM pg_namespace WHERE nspname = $1',
      [schema, 'pg_namespace'],
    );
    const comment = (rows[0] as { c: string | null } | undefined)?.c;
    if (comment?.startsWith(COMPLETE) === true) return true;
    // A load that stopped half-way: start again from an empty schema.
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    return false;
  } finally {
    await client.end();
  }
}

const { postgresStore } = (await import(process.env.BENCH_PG_STORE ?? '../../src/store/postgres.ts')) as {
  postgresStore: typeof PostgresStore;
};
const reuse = await loaded();
// The store's connections carry the process id, so that the bench finds their server processes
// (pg_stat_activity) and adds their CPU time to this process's.
const storeUrl = new URL(url);
storeUrl.searchParams.set('application_name', `scim-bench-${process.pid}`);
const store = postgresStore({
  connectionString: storeUrl.href,
  schema,
  maxConnections: POOL,
  // No query budget, as the SQLite bench server (ours.ts): on a loaded machine the loader's and
  // the measured lists can pass 200 ms; the round trips per request are the same either way.
  queryTimeoutMs: 0,
});
const handler = createScimHandler({
  store,
  authenticate: staticToken(TOKEN),
  basePath: '/scim',
  limits: { maxBodyBytes: 8 * 1024 * 1024, maxPageSize: 1_000 },
});
await handler.ready;

const base = 'http://bench.local/scim/';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' };
async function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await handler(new Request(new URL(path, base), init));
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? {} : ((await response.json()) as Record<string, unknown>);
}

/** Users created through the handler before the rest are filled in by SQL. */
const THROUGH_HANDLER = Math.min(USERS, 500);

/**
 * `benchUser(i)` as the store's rows, in SQL over `i`: the stored document (`data`), its
 * lower-cased copy (`search`), the userName unique key and the change-feed detail.
 */
const n = `lpad(i::text, 6, '0')`;
const userName = `'user' || ${n} || '@example.com'`;
const document = (given: string, display: string) =>
  `jsonb_build_object('name', jsonb_build_object('givenName', ${given}, 'familyName', ${n}), 'active', true,
     'emails', jsonb_build_array(jsonb_build_object('type', 'work', 'value', ${userName}, 'primary', true)),
     'userName', ${userName}, 'externalId', 'ext-' || ${n}, 'displayName', ${display} || ${n})`;
const DATA = document(`'User'`, `'User '`);
const SEARCH = document(`'user'`, `'user '`);
const DETAIL = `jsonb_build_object('changes', jsonb_build_array(
  jsonb_build_object('path', 'userName', 'newValue', ${userName}),
  jsonb_build_object('path', 'externalId', 'newValue', 'ext-' || ${n}),
  jsonb_build_object('path', 'active', 'newValue', true),
  jsonb_build_object('path', 'displayName', 'newValue', 'User ' || ${n}),
  jsonb_build_object('path', 'name', 'newValue', jsonb_build_object('givenName', 'User', 'familyName', ${n})),
  jsonb_build_object('path', 'emails', 'newValue',
    jsonb_build_array(jsonb_build_object('type', 'work', 'value', ${userName}, 'primary', true)))))`;

/**
 * Creates users `0..USERS-1`: the first 500 through the handler (16 requests in flight), the rest
 * with one multi-row INSERT into the store's own tables (resources, with their renderings when
 * the store keeps them; uniques, changes), after checking that the SQL rows of the first 500
 * equal what the handler stored.
 */
async function loadUsers(): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < THROUGH_HANDLER; i = next++) await call('POST', 'Users', benchUser(i));
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const s = `"${schema}"`;
  try {
    const check = await client.query(
      `SELECT count(*) AS n FROM ${s}.resources AS r
       JOIN generate_series(0, $1::int - 1) AS i ON r.data ->> 'userName' = ${userName}
       JOIN ${s}.changes AS c ON c.id = r.id
       WHERE r.data = ${DATA} AND r.search = ${SEARCH} AND c.detail = ${DETAIL}`,
      [THROUGH_HANDLER],
    );
    const same = Number((check.rows[0] as { n: string }).n);
    if (same !== THROUGH_HANDLER) {
      throw new Error(`bench loader: only ${same} of ${THROUGH_HANDLER} SQL rows equal the handler's`);
    }
    const rendering = await renderingTemplate(client, s);
    const at = new Date().toISOString();
    await client.query('BEGIN');
    await client.query(
      `CREATE TEMPORARY TABLE fill ON COMMIT DROP AS
       SELECT i, gen_random_uuid()::text AS id FROM generate_series($1::int, $2::int - 1) AS i`,
      [THROUGH_HANDLER, USERS],
    );
    await client.query(
      rendering === undefined
        ? `INSERT INTO ${s}.resources (tenant, resource_type, id, version, created, last_modified, data, search)
           SELECT 'default', 'User', id, 1, $1, $1, ${DATA}, ${SEARCH} FROM fill ORDER BY i`
        : `INSERT INTO ${s}.resources (tenant, resource_type, id, version, created, last_modified, data, search, rendered, rendered_version)
           SELECT 'default', 'User', id, 1, $1, $1, ${DATA}, ${SEARCH}, replace($2, '000000', ${n}), 1 FROM fill ORDER BY i`,
      rendering === undefined ? [at] : [at, rendering],
    );
    await client.query(
      `INSERT INTO ${s}.uniques (tenant, resource_type, attribute, value, digest, id)
       SELECT 'default', 'User', 'userName', ${userName}, sha256(convert_to(${userName}, 'UTF8')), id FROM fill`,
    );
    await client.query(
      `INSERT INTO ${s}.changes (tenant, type, resource_type, id, version, at, detail)
       SELECT 'default', 'user.created', 'User', id, 1, $1, ${DETAIL} FROM fill ORDER BY i`,
      [at],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  await store.analyze();
}

/**
 * With a store that keeps renderings (a `rendered` column), the rendering of user `i` in SQL: user
 * 0's with its number (`000000`) replaced by `i`'s, after checking that this gives the rendering
 * the handler stored for each of the users it created. Without, `undefined`.
 */
async function renderingTemplate(client: pg.Client, s: string): Promise<string | undefined> {
  const { rows: columns } = await client.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'resources'
       AND column_name = 'rendered'`,
    [schema],
  );
  if (columns.length === 0) return undefined;
  const { rows } = await client.query(
    `SELECT rendered FROM ${s}.resources WHERE data ->> 'userName' = 'user000000@example.com'`,
  );
  const template = (rows[0] as { rendered: string | null } | undefined)?.rendered;
  if (typeof template !== 'string') throw new Error('bench loader: user 0 has no rendering');
  const check = await client.query(
    `SELECT count(*) AS n FROM ${s}.resources AS r
     JOIN generate_series(0, $1::int - 1) AS i ON r.data ->> 'userName' = ${userName}
     WHERE r.rendered = replace($2, '000000', ${n}) AND r.rendered_version = r.version`,
    [THROUGH_HANDLER, template],
  );
  const same = Number((check.rows[0] as { n: string }).n);
  if (same !== THROUGH_HANDLER) {
    throw new Error(`bench loader: only ${same} of ${THROUGH_HANDLER} SQL renderings equal the handler's`);
  }
  return template;
}

/** The ids of the first `needed` users by userName (a reused schema), read directly. */
async function readIds(needed: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT id FROM "${schema}".resources WHERE tenant = 'default' AND resource_type = 'User'
         AND data ->> 'userName' LIKE 'user%'
       ORDER BY data ->> 'userName' LIMIT $1`,
      [needed],
    );
    return (rows as { id: string }[]).map((r) => r.id);
  } finally {
    await client.end();
  }
}

async function group(name: string, members: readonly string[]): Promise<string> {
  const found = await call(
    'GET',
    `Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}&excludedAttributes=members`,
  );
  const existing = (found.Resources as { id: string }[] | undefined)?.[0];
  if (existing !== undefined) return existing.id;
  const created = await call('POST', 'Groups', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    displayName: name,
  });
  const id = String(created.id);
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

const started = performance.now();
if (!reuse) await loadUsers();
const ids = await readIds(Math.min(USERS, LARGE_GROUP + 5_000));
const smallGroupId = await group('small', ids.slice(0, SMALL_GROUP));
const largeGroupId = await group('large', ids.slice(0, LARGE_GROUP));
if (!reuse) {
  await store.analyze();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`COMMENT ON SCHEMA "${schema}" IS '${COMPLETE} ${new Date().toISOString()}'`);
  await client.end();
}

const middleName = String(benchUser(Math.floor(USERS / 2)).userName);
const middle = await call(
  'GET',
  `Users?filter=${encodeURIComponent(`userName eq "${middleName}"`)}&attributes=id`,
);
const userId = (middle.Resources as { id: string }[])[0]!.id;

const server = createServer(toNodeListener(handler));
server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  ready({
    port: (server.address() as AddressInfo).port,
    loadMs: performance.now() - started,
    userId,
    spareUserIds: ids.slice(LARGE_GROUP, LARGE_GROUP + 5_000),
    smallGroupId,
    largeGroupId,
  });
});

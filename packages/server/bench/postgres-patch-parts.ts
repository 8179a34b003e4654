/**
 * What one PATCH of a user costs PostgreSQL, statement by statement: the statements the handler's
 * PATCH sends through `postgresStore` (traced from `pg`, one PATCH in process), then the CPU time
 * (/proc) of one PostgreSQL backend and of this process per statement, each run `BENCH_N` times
 * on one connection, one after the other, the variants taking turns `BENCH_ROUNDS` times
 * (medians): the read, the update statement as the store sends it and without its parts (the
 * unique keys, the change feed, the groups column), a round trip alone, the flush alone; then
 * the update statement with some indexes of `resources` dropped (in a transaction rolled back:
 * the schema is left as it was); the update statement from several connections at once (CPU per
 * statement of all their backends); and B writes of one user combined into one statement (its
 * version moved by B, B change-feed rows), per write: what writing the PATCHes queued for one
 * resource together would cost PostgreSQL (issue 14; the store does not do it).
 *
 *   BENCH_PG_SCHEMA=h14_pg4_100000 node --conditions=@scim/source bench/postgres-patch-parts.ts
 *
 * It writes users of the schema (their displayName; each update as the store writes it, the
 * folded copy included): use a bench schema (bench/servers/postgres.ts loads one), never data
 * of your own. DATABASE_URL as bench/postgres.ts.
 */
import pg from 'pg';
import { staticToken } from '../src/auth/bearer.ts';
import { createScimHandler } from '../src/handler/index.ts';
import { postgresStore } from '../src/store/postgres.ts';
import { searchDocument } from '../src/store/sql/values.ts';
import { cpuMicros, TOKEN, USERS } from './servers/common.ts';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = process.env.BENCH_PG_SCHEMA ?? `bench_${USERS}`;
const N = Number(process.env.BENCH_N ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const s = `"${SCHEMA}"`;

/** The statements one PATCH of a user sends (the handler on the store, `pg` traced). */
async function traced(id: string): Promise<string[]> {
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  const store = postgresStore({ connectionString: URL, schema: SCHEMA, queryTimeoutMs: 0 });
  const handler = createScimHandler({ store, authenticate: staticToken(TOKEN), basePath: '/scim' });
  await handler.ready;
  pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : (config as { text: string }).text;
    sent.push(text.replace(/\s+/g, ' '));
    return (query as (...a: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof query;
  try {
    const response = await handler(
      new Request(`http://bench.local/scim/Users/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'displayName', value: `Parts ${Date.now()}` }],
        }),
      }),
    );
    if (!response.ok) throw new Error(`PATCH: ${response.status} ${await response.text()}`);
  } finally {
    pg.Client.prototype.query = query;
    await store.close();
  }
  return sent;
}

const client = new pg.Client({ connectionString: URL });
await client.connect();
const pid = Number(((await client.query('SELECT pg_backend_pid() AS p')).rows[0] as { p: number }).p);
const { rows: users } = (await client.query(
  `SELECT r.id, r.data, u.value FROM ${s}.resources AS r JOIN ${s}.uniques AS u USING (tenant, id)
   WHERE r.resource_type = 'User' AND u.attribute = 'userName' ORDER BY r.seq LIMIT 3000 OFFSET $1`,
  [Math.floor(USERS / 5)],
)) as { rows: { id: string; data: Record<string, unknown>; value: string }[] };

console.log(`One PATCH of a user (replace displayName) sends, in order:\n`);
for (const text of await traced(users[0]!.id)) console.log(`- ${text.slice(0, 160)}…`);

// The update statement as the store writes it (store/postgres.ts `update`), and without parts.
const row = `r AS (UPDATE ${s}.resources SET version = version + 1, last_modified = $4, data = $5::jsonb,
  search = $6::jsonb WHERE tenant = $1 AND id = $2 AND resource_type = $3 RETURNING version, created)`;
const uniques = `, released AS (DELETE FROM ${s}.uniques AS o USING r WHERE o.tenant = $1 AND o.id = $2
    AND NOT EXISTS (SELECT 1 FROM unnest($7::text[], $8::text[]) AS k(a, v) WHERE k.a = o.attribute AND k.v = o.value)
    RETURNING 1),
  held AS (SELECT attribute, value FROM ${s}.uniques WHERE tenant = $1 AND id = $2),
  claimed AS (INSERT INTO ${s}.uniques (tenant, resource_type, attribute, value, digest, id)
    SELECT $1, $3, k.a, k.v, sha256(convert_to(k.v, 'UTF8')), $2 FROM r,
      unnest($7::text[], $8::text[]) WITH ORDINALITY AS k(a, v, i)
    WHERE NOT EXISTS (SELECT 1 FROM held AS h WHERE h.attribute = k.a AND h.value = k.v) ORDER BY k.i RETURNING 1)`;
const feed = (
  after: string,
) => `, feed AS (SELECT pg_advisory_xact_lock(23578, 1), set_config('synchronous_commit', 'off', true)
    FROM (SELECT count(*) FROM ${after}) AS done),
  change AS (INSERT INTO ${s}.changes (tenant, type, resource_type, id, version, at, detail)
    SELECT $1, 'user.updated', $3, $2, r.version, $4, $9::jsonb FROM feed, r)`;
const groups = `, (SELECT COALESCE(json_agg(json_build_array(g.id, g.resource_type,
    COALESCE(g.data ->> 'displayName', g.data ->> 'userName')) ORDER BY g.seq), '[]'::json)
  FROM ${s}.members AS m JOIN ${s}.resources AS g ON g.tenant = m.tenant AND g.id = m.group_id
  WHERE m.tenant = $1 AND m.member_id = $2) AS groups`;
const detail = JSON.stringify({ changes: [{ path: 'displayName', newValue: 'x' }] });

let k = 0;
/** The values of the next update: the next user, a new displayName. */
function next(): unknown[] {
  const user = users[k++ % users.length]!;
  const data = { ...user.data, displayName: `Parts ${k}` };
  const values = ['default', user.id, 'User', new Date().toISOString(), JSON.stringify(data)];
  return [...values, JSON.stringify(searchDocument(data)), ['userName'], [user.value], detail];
}
/** A named statement (prepared once on the connection, as the store's pools run them). */
const named = (name: string, text: string, values: (v: unknown[]) => unknown[]) => () =>
  client.query({ name, text, values: values(next()) });
const all = (v: unknown[]) => v;
const withoutKeys = (v: unknown[]) => [...v.slice(0, 6), v[8]];

const variants: [string, () => Promise<unknown>][] = [
  ['a round trip (SELECT 1)', named('p_one', 'SELECT 1', () => [])],
  [
    "the read (the handler's get)",
    named(
      'p_get',
      `SELECT id, resource_type, version, created, last_modified, data FROM ${s}.resources
       WHERE tenant = $1 AND id = $2 AND resource_type = $3`,
      (v) => v.slice(0, 3),
    ),
  ],
  [
    'the update statement, as the store sends it',
    named(
      'p_full',
      `WITH ${row}${uniques}${feed('claimed')} SELECT r.version, r.created${groups} FROM r`,
      all,
    ),
  ],
  [
    '  without the groups column',
    named('p_nogroups', `WITH ${row}${uniques}${feed('claimed')} SELECT r.version, r.created FROM r`, all),
  ],
  [
    '  without the unique keys',
    named(
      'p_nokeys',
      `WITH ${row}${feed('r').replaceAll('$9', '$7')} SELECT r.version, r.created${groups} FROM r`,
      withoutKeys,
    ),
  ],
  [
    '  the row alone (data, search)',
    // Its commit asynchronous too, as the store's statements make theirs.
    named(
      'p_row',
      `WITH ${row} SELECT r.version, r.created, set_config('synchronous_commit', 'off', true) FROM r`,
      (v) => v.slice(0, 6),
    ),
  ],
  [
    'the flush (a synchronous commit)',
    named('p_flush', `SELECT pg_logical_emit_message(true, 'scim', '')`, () => []),
  ],
];

/** CPU per statement of the backend and of this process, µs: `run` `N` times. */
async function measure(run: () => Promise<unknown>): Promise<[number, number]> {
  for (let i = 0; i < 20; i++) await run();
  const backend = cpuMicros(pid);
  const own = process.cpuUsage();
  for (let i = 0; i < N; i++) await run();
  const used = process.cpuUsage(own);
  return [(cpuMicros(pid) - backend) / N, (used.user + used.system) / N];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function table(
  title: string,
  rows: [string, () => Promise<unknown>][],
  before?: string[],
  after?: string,
) {
  const runs = rows.map(() => [[], []] as [number[], number[]]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, [, run]] of rows.entries()) {
      for (const sql of before?.[i] === undefined ? [] : ['BEGIN', before[i]!]) await client.query(sql);
      const [db, own] = await measure(run);
      if (after !== undefined) await client.query(after);
      runs[i]![0].push(db);
      runs[i]![1].push(own);
    }
  }
  console.log(
    `\n${title}\n\n| statement | PostgreSQL backend, µs | client (this process), µs |\n|---|---:|---:|`,
  );
  for (const [i, [name]] of rows.entries()) {
    console.log(`| ${name} | ${fmt(median(runs[i]![0]))} | ${fmt(median(runs[i]![1]))} |`);
  }
}

await table(
  `CPU per statement, one connection, one after the other (${N} each, median of ${ROUNDS} rounds taking turns)`,
  variants,
);

// Indexes of resources each non-HOT update of a row adds an entry to, dropped in a transaction.
const update = `WITH ${row}${uniques}${feed('claimed')} SELECT r.version, r.created${groups} FROM r`;
const drops: [string, string[]][] = [
  ['all indexes of resources', []],
  [
    'without the 3 hash indexes (userName, externalId, displayName equality)',
    ['resources_user_name', 'resources_external_id', 'resources_display_name'],
  ],
  ['without the GIN index (search)', ['resources_search']],
  [
    'without the 5 sort indexes',
    ['user_name', 'display_name', 'external_id', 'created', 'last_modified'].map(
      (x) => `resources_sort_${x}`,
    ),
  ],
];
await table(
  'The update statement with indexes of resources dropped (in a transaction, rolled back; no commit per update)',
  drops.map(([name], i) => [name, named(`p_drop${i}`, update, all)] as [string, () => Promise<unknown>]),
  drops.map(([, names]) =>
    names.length === 0 ? 'SELECT 1' : names.map((n) => `DROP INDEX ${s}.${n}`).join('; '),
  ),
  'ROLLBACK',
);

/**
 * The update statement from `connections` connections at once, each writing users of its own,
 * `N` statements in all: CPU per statement of all their backends (and of this process).
 */
async function concurrently(connections: number): Promise<[number, number]> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const c = new pg.Client({ connectionString: URL });
      await c.connect();
      const p = Number(((await c.query('SELECT pg_backend_pid() AS p')).rows[0] as { p: number }).p);
      return { c, p };
    }),
  );
  try {
    const each = Math.ceil(N / connections);
    const loop = (c: pg.Client, count: number) => async () => {
      for (let i = 0; i < count; i++) await c.query({ name: 'p_conc', text: update, values: next() });
    };
    await Promise.all(clients.map(({ c }) => loop(c, 5)()));
    const before = clients.map(({ p }) => cpuMicros(p));
    const own = process.cpuUsage();
    await Promise.all(clients.map(({ c }) => loop(c, each)()));
    const used = process.cpuUsage(own);
    const db = clients.reduce((sum, { p }, i) => sum + cpuMicros(p) - before[i]!, 0);
    return [db / (each * connections), (used.user + used.system) / (each * connections)];
  } finally {
    await Promise.all(clients.map(({ c }) => c.end()));
  }
}

const CONNECTIONS = [1, 2, 4, 10];
{
  const runs = CONNECTIONS.map(() => [[], []] as [number[], number[]]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, n] of CONNECTIONS.entries()) {
      const [db, own] = await concurrently(n);
      runs[i]![0].push(db);
      runs[i]![1].push(own);
    }
  }
  console.log(
    `\nThe update statement from several connections at once, each its own users (${N} in all, median of ${ROUNDS} rounds taking turns)\n\n| connections | PostgreSQL backends, µs per statement | client (this process), µs |\n|---:|---:|---:|`,
  );
  for (const [i, n] of CONNECTIONS.entries()) {
    console.log(`| ${n} | ${fmt(median(runs[i]![0]))} | ${fmt(median(runs[i]![1]))} |`);
  }
}

/**
 * `writes` writes of one user in one statement: the row's version moved by `writes`, one
 * change-feed row per version (what combining the writes queued for one resource would send).
 */
function combined(writes: number): string {
  const moved = row.replace('version = version + 1', `version = version + ${writes}`);
  const rows = feed('claimed').replace(
    'r.version, $4, $9::jsonb FROM feed, r)',
    `r.version - ${writes} + w.i, $4, $9::jsonb FROM feed, r, generate_series(1, ${writes}) AS w(i))`,
  );
  if (!moved.includes(`version + ${writes},`) || !rows.includes('generate_series')) {
    throw new Error('postgres-patch-parts: the row or feed CTE changed; update combined()');
  }
  return `WITH ${moved}${uniques}${rows} SELECT r.version, r.created${groups} FROM r`;
}

const BATCHES = [1, 2, 5, 10];

/**
 * CPU per write of statements that write B writes each, for each B of {@link BATCHES}: `run(B)`
 * sends one such statement; `N` writes per B, the Bs taking turns `ROUNDS` times (medians).
 */
async function perWrite(title: string, run: (writes: number) => () => Promise<unknown>): Promise<void> {
  const runs = BATCHES.map(() => [[], []] as [number[], number[]]);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, writes] of BATCHES.entries()) {
      const statements = Math.ceil(N / writes);
      const once = run(writes);
      for (let j = 0; j < 5; j++) await once();
      const backend = cpuMicros(pid);
      const own = process.cpuUsage();
      for (let j = 0; j < statements; j++) await once();
      const used = process.cpuUsage(own);
      runs[i]![0].push((cpuMicros(pid) - backend) / (statements * writes));
      runs[i]![1].push((used.user + used.system) / (statements * writes));
    }
  }
  console.log(
    `\n${title} (${N} writes each, median of ${ROUNDS} rounds taking turns)\n\n| writes per statement (B) | PostgreSQL backend, µs per write | / B = 1 | client (this process), µs per write |\n|---:|---:|---:|---:|`,
  );
  const one = median(runs[0]![0]);
  for (const [i, writes] of BATCHES.entries()) {
    const db = median(runs[i]![0]);
    console.log(`| ${writes} | ${fmt(db)} | ${(db / one).toFixed(2)}x | ${fmt(median(runs[i]![1]))} |`);
  }
}

await perWrite(
  'Writes of one user combined into one statement (its version moved by B, B change-feed rows)',
  (writes) => named(`p_combined${writes}`, combined(writes), all),
);

/**
 * Writes of `writes` different users in one statement: each row updated from arrays (`unnest`),
 * their unique keys released, held and claimed by id, one change-feed row each in their order,
 * each with its groups (the shape of the store's statement for a tenant's updates that wait,
 * `updatesTogether`, which holds one parameter per value instead of arrays). PostgreSQL plans an
 * array parameter as ten elements and kept a custom plan for this form, planned at every run (775
 * µs of backend CPU a write at B = 1): the table runs it under a generic plan, as the store's own
 * statement runs once prepared.
 */
function together(): string {
  return `WITH w AS (
      SELECT * FROM unnest($2::text[], $5::text[], $6::text[]) WITH ORDINALITY AS w(id, data, search, i)
    ), r AS (
      UPDATE ${s}.resources AS t SET version = t.version + 1, last_modified = $4, data = w.data::jsonb,
        search = w.search::jsonb
      FROM w WHERE t.tenant = $1 AND t.id = w.id AND t.resource_type = $3
      RETURNING t.id, t.version, t.created, w.i
    ), released AS (
      DELETE FROM ${s}.uniques AS o USING r WHERE o.tenant = $1 AND o.id = r.id
        AND NOT EXISTS (SELECT 1 FROM unnest($7::text[], $8::text[], $9::text[]) AS k(id, a, v)
                        WHERE k.id = o.id AND k.a = o.attribute AND k.v = o.value)
      RETURNING 1
    ), held AS (
      SELECT id, attribute, value FROM ${s}.uniques WHERE tenant = $1 AND id = ANY($2::text[])
    ), claimed AS (
      INSERT INTO ${s}.uniques (tenant, resource_type, attribute, value, digest, id)
      SELECT $1, $3, k.a, k.v, sha256(convert_to(k.v, 'UTF8')), k.id
      FROM r JOIN unnest($7::text[], $8::text[], $9::text[]) WITH ORDINALITY AS k(id, a, v, n) ON k.id = r.id
      WHERE NOT EXISTS (SELECT 1 FROM held AS h WHERE h.id = k.id AND h.attribute = k.a AND h.value = k.v)
      ORDER BY r.i, k.n RETURNING 1
    ), feed AS (
      SELECT pg_advisory_xact_lock(23578, 1), set_config('synchronous_commit', 'off', true)
      FROM (SELECT count(*) FROM claimed) AS done
    ), change AS (
      INSERT INTO ${s}.changes (tenant, type, resource_type, id, version, at, detail)
      SELECT $1, 'user.updated', $3, r.id, r.version, $4, $10::jsonb FROM feed, r ORDER BY r.i
    )
    SELECT r.id, r.version, r.created, (SELECT COALESCE(json_agg(json_build_array(g.id, g.resource_type,
        COALESCE(g.data ->> 'displayName', g.data ->> 'userName')) ORDER BY g.seq), '[]'::json)
      FROM ${s}.members AS m JOIN ${s}.resources AS g ON g.tenant = m.tenant AND g.id = m.group_id
      WHERE m.tenant = $1 AND m.member_id = r.id) AS groups
    FROM r ORDER BY r.i`;
}

/** The values of {@link together}'s statement: the next `writes` users, each a new displayName. */
function nextTogether(writes: number): unknown[] {
  const each = Array.from({ length: writes }, () => next());
  const column = (i: number) => each.map((v) => v[i]);
  return [
    'default',
    column(1),
    'User',
    new Date().toISOString(),
    column(4),
    column(5),
    column(1),
    each.map(() => 'userName'),
    each.map((v) => (v[7] as string[])[0]),
    detail,
  ];
}

await client.query('SET plan_cache_mode = force_generic_plan');
await perWrite(
  'Writes of different users in one statement (B rows from arrays, their keys, B change-feed rows, their groups)',
  (writes) => {
    const text = together();
    return async () => {
      const { rows } = await client.query({
        name: `p_together${writes}`,
        text,
        values: nextTogether(writes),
      });
      if (rows.length !== writes)
        throw new Error(`postgres-patch-parts: ${rows.length} of ${writes} written`);
    };
  },
);
await client.end();

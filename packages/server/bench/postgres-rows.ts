/**
 * What reading a list page's rows costs on PostgreSQL, by how `data` is selected and how the page
 * is bounded: `data` as `jsonb` (node-postgres parses every row's data as it reads it: main before
 * the stored renderings), as text with the stored rendering (`toResource` parses it only when
 * something reads `data`, which a read without projection does not), or only for rows without a
 * current rendering (`ListQuery.renderedOnly`); `LIMIT` and `OFFSET` bound as parameters, or
 * written into the text (`Params.pageRows`: with parameters there, PostgreSQL plans the named
 * statement again at every run). One connection, the same page of `count` rows each time, the
 * variants taking turns; the CPU per page of this process (`process.cpuUsage`) and of the
 * connection's backend (/proc of `pg_backend_pid()`, in 10 ms ticks: read over whole rounds),
 * medians of 7 rounds.
 *
 *   node --conditions=@scim/source bench/postgres-rows.ts        # schema bench_100000 (bench/postgres.ts loads it)
 *   BENCH_PG_SCHEMA=h14_pgrender_100000 BENCH_PAGES=500 node --conditions=@scim/source bench/postgres-rows.ts
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { type ResourceRow, toResource } from '../src/store/sql/shared.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = process.env.BENCH_PG_SCHEMA ?? 'bench_100000';
const COUNT = Number(process.env.BENCH_COUNT ?? 100);
const PAGES = Number(process.env.BENCH_PAGES ?? 300);
const client = new pg.Client({ connectionString: url });
await client.connect();
/** How a page is bounded: its text, and the values it binds after the tenant and the type. */
interface Bound {
  readonly text: string;
  readonly values: readonly number[];
}
const LIMIT: Bound = { text: 'LIMIT $3', values: [COUNT] };
const LIMIT_OFFSET: Bound = { text: 'LIMIT $3 OFFSET $4', values: [COUNT, 0] };
const IN_TEXT: Bound = { text: `LIMIT ${COUNT} OFFSET 0`, values: [] };
const page = (data: string, bound = LIMIT) => ({
  sql: `SELECT r.id, r.resource_type, r.version, r.created, r.last_modified, ${data}, r.seq FROM "${schema}".resources AS r
   WHERE r.tenant = $1 AND r.resource_type = $2 ORDER BY r.seq ${bound.text}`,
  bound: bound.values,
});
const rendering = 'CASE WHEN r.rendered_version = r.version THEN r.rendered END AS rendered';
const withRendering = `r.data::text AS data, ${rendering}`;
const renderedOnly = `CASE WHEN r.rendered_version = r.version AND r.rendered IS NOT NULL THEN NULL ELSE r.data::text END AS data, ${rendering}`;
const variants = {
  'data as jsonb (parsed by pg)': page('r.data'),
  'data as jsonb, with the rendering': page(`r.data, ${rendering}`),
  'data as text, without the rendering (parsed by toResource)': page('r.data::text AS data'),
  'data as text, with the rendering (parsed when read)': page(withRendering),
  'the same, LIMIT $3 OFFSET $4 (main before renderedOnly)': page(withRendering, LIMIT_OFFSET),
  'data only without a rendering (renderedOnly), LIMIT $3 OFFSET $4': page(renderedOnly, LIMIT_OFFSET),
  'renderedOnly, LIMIT and OFFSET 0 in the text (the store now)': page(renderedOnly, IN_TEXT),
};
const tenant = (
  (await client.query(`SELECT tenant FROM "${schema}".resources LIMIT 1`)).rows[0] as { tenant: string }
).tenant;
const backend = ((await client.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number }).pid;
/** The backend's CPU time so far, µs (/proc: user + system, in clock ticks of 10 ms). */
function backendMicros(): number {
  const fields = readFileSync(`/proc/${backend}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}
async function run(name: string, sql: string, bound: readonly number[]): Promise<[number, number]> {
  // A statement name of PostgreSQL's at most 63 bytes: the variant's place, not its label.
  const named = `rows_${Object.keys(variants).indexOf(name)}`;
  const values = [tenant, 'User', ...bound];
  const start = process.cpuUsage();
  const before = backendMicros();
  for (let i = 0; i < PAGES; i++) {
    const { rows } = await client.query({ name: named, text: sql, values });
    const out = (rows as ResourceRow[]).map((r) => toResource(r));
    if (out.length !== COUNT) throw new Error(`${out.length} rows`);
  }
  const used = process.cpuUsage(start);
  return [(used.user + used.system) / PAGES, (backendMicros() - before) / PAGES];
}
const results = new Map<string, [number, number][]>();
for (let round = 0; round < 8; round++) {
  for (const [name, { sql, bound }] of Object.entries(variants)) {
    const us = await run(name, sql, bound);
    if (round > 0) results.set(name, [...(results.get(name) ?? []), us]);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(`| a page of ${COUNT}: \`data\`, bounds | client µs | backend µs |\n|---|---:|---:|`);
for (const [name, xs] of results)
  console.log(
    `| ${name} | ${median(xs.map((x) => x[0])).toFixed(0)} | ${median(xs.map((x) => x[1])).toFixed(0)} |`,
  );
const rendered = await client.query(
  `SELECT COUNT(*) FILTER (WHERE rendered IS NOT NULL) AS r, COUNT(*) AS n FROM (SELECT rendered FROM "${schema}".resources ORDER BY seq LIMIT $1) AS p`,
  [COUNT],
);
console.log('rows of the page with a rendering:', rendered.rows[0]);
await client.end();

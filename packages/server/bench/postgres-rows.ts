/**
 * What reading a list page's rows costs the server process on PostgreSQL, by how `data` is
 * selected: as `jsonb` (node-postgres parses every row's data as it reads it: main before the
 * stored renderings) or as text with the stored rendering (`toResource` parses it only when
 * something reads `data`, which a read without projection does not). One connection, the same
 * page of `count` rows each time, the variants taking turns; the client's CPU per page (/proc
 * via `process.cpuUsage`), medians of 7 rounds.
 *
 *   BENCH_PG_SCHEMA=h14_pgrender_100000 node --conditions=@scim/source bench/postgres-rows.ts
 */
import pg from 'pg';
import { type ResourceRow, toResource } from '../src/store/sql/shared.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = process.env.BENCH_PG_SCHEMA ?? 'bench_100000';
const COUNT = Number(process.env.BENCH_COUNT ?? 100);
const PAGES = Number(process.env.BENCH_PAGES ?? 300);
const client = new pg.Client({ connectionString: url });
await client.connect();
const page = (data: string) =>
  `SELECT r.id, r.resource_type, r.version, r.created, r.last_modified, ${data}, r.seq FROM "${schema}".resources AS r
   WHERE r.tenant = $1 AND r.resource_type = $2 ORDER BY r.seq LIMIT $3`;
const variants = {
  'data as jsonb (parsed by pg)': page('r.data'),
  'data as jsonb, with the rendering': page(
    'r.data, CASE WHEN r.rendered_version = r.version THEN r.rendered END AS rendered',
  ),
  'data as text, without the rendering (parsed by toResource)': page('r.data::text AS data'),
  'data as text, with the rendering (parsed when read)': page(
    'r.data::text AS data, CASE WHEN r.rendered_version = r.version THEN r.rendered END AS rendered',
  ),
};
const tenant = (
  (await client.query(`SELECT tenant FROM "${schema}".resources LIMIT 1`)).rows[0] as { tenant: string }
).tenant;
async function run(name: string, sql: string): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < PAGES; i++) {
    const { rows } = await client.query({ name, text: sql, values: [tenant, 'User', COUNT] });
    const out = (rows as ResourceRow[]).map((r) => toResource(r));
    if (out.length !== COUNT) throw new Error(`${out.length} rows`);
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / PAGES;
}
const results = new Map<string, number[]>();
for (let round = 0; round < 8; round++) {
  for (const [name, sql] of Object.entries(variants)) {
    const us = await run(name, sql);
    if (round > 0) results.set(name, [...(results.get(name) ?? []), us]);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [name, xs] of results)
  console.log(`${name}: ${median(xs).toFixed(0)} µs of client CPU per page of ${COUNT}`);
const rendered = await client.query(
  `SELECT COUNT(*) FILTER (WHERE rendered IS NOT NULL) AS r, COUNT(*) AS n FROM (SELECT rendered FROM "${schema}".resources ORDER BY seq LIMIT $1) AS p`,
  [COUNT],
);
console.log('rows of the page with a rendering:', rendered.rows[0]);
await client.end();

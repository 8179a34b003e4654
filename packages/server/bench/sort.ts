/**
 * Sorted and deep pages of a user list, side by side, on SQLite (100,000 users) and PostgreSQL
 * (20,000 users, schema `bench_sort` of DATABASE_URL): an unsorted page 1 against a sorted page
 * 1 on each indexed sort key, a deep `startIndex` page, `startIndex` pages read one after the
 * other up to it, pages at offsets no page started or ended at before (and the same after a write
 * each time, run after the other cases), and a deep cursor page (RFC 9865), with each case's
 * latency, CPU time of the process (every thread) and ratios to the unsorted page 1.
 *
 *   pnpm --filter @scim/server exec node --conditions=@scim/source bench/sort.ts
 *   BENCH_USERS=10000 BENCH_PG_USERS=5000 BENCH_SORT_RUNS=50 ... bench/sort.ts
 *   BENCH_PG=0 ... bench/sort.ts          # SQLite only
 *   BENCH_PG_SCHEMA=bench_sort_mine ...   # another schema than `bench_sort` (loaded if empty)
 *   BENCH_SORT_ONLY='new one each time' ... bench/sort.ts   # the cases whose label matches
 *   # the SQLite store of an earlier commit beside this one, on the same file, taking turns (its
 *   # modules that changed since copied beside it too, their imports renamed with sed: see
 *   # docs/benchmarks.md, "sorted and deep pages"):
 *   git show <commit>:packages/server/src/store/sqlite.ts > src/store/sqlite-before.ts
 *   BENCH_SQLITE_BASELINE=src/store/sqlite-before.ts BENCH_PG=0 ... bench/sort.ts
 *   # likewise on PostgreSQL: src/store/postgres-before.ts, BENCH_PG_BASELINE=src/store/postgres-before.ts
 *
 * Requests go through the fetch handler in this process (`handler(new Request(...))`), one at a
 * time, in rounds of one request per case: the figures are latencies of one request (median and
 * 90th percentile over the rounds, after a warm-up), not throughput. Loads each directory once through the handler (SQLite: kept in
 * `.cache/` for the next run; PostgreSQL: kept in its schema).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { staticToken } from '../src/auth/bearer.ts';
import { createScimHandler } from '../src/handler/index.ts';
import type { ScimHandler } from '../src/options.ts';
import { postgresStore } from '../src/store/postgres.ts';
import { sqliteStore } from '../src/store/sqlite.ts';
import type { ScimStore } from '../src/store/types.ts';
import { benchUser, TOKEN } from './servers/common.ts';

const RUNS = Number(process.env.BENCH_SORT_RUNS ?? 100);
const SQLITE_USERS = Number(process.env.BENCH_USERS ?? 100_000);
const PG_USERS = Number(process.env.BENCH_PG_USERS ?? 20_000);
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PG_SCHEMA = process.env.BENCH_PG_SCHEMA ?? 'bench_sort';

function handlerOn(store: ScimStore): ScimHandler {
  return createScimHandler({
    store,
    authenticate: staticToken(TOKEN),
    basePath: '/scim',
    limits: { maxPageSize: 1_000 },
  });
}

async function call(handler: ScimHandler, method: string, path: string, body?: unknown) {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await handler(new Request(`http://bench.local/scim${path}`, init));
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Loads `users` users (8 at a time) unless the store holds them already. */
async function load(handler: ScimHandler, users: number): Promise<void> {
  const held = Number((await call(handler, 'GET', '/Users?count=0')).totalResults);
  if (held >= users) return;
  const started = performance.now();
  for (let i = held; i < users; i += 8) {
    const batch = [];
    for (let j = i; j < Math.min(users, i + 8); j++)
      batch.push(call(handler, 'POST', '/Users', benchUser(j)));
    await Promise.all(batch);
  }
  process.stderr.write(
    `loaded ${users - held} users in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
  );
}

/**
 * The cursor of the page that starts after `depth` users, walking 100 at a time: the count of the
 * measured page, which every page of a listing must repeat (RFC 9865 section 2.1, `invalidCount`).
 * A walk step the loaded machine answers 400 `tooMany` is tried again: the walk is set-up, not
 * measured.
 */
async function cursorAt(handler: ScimHandler, query: string, depth: number): Promise<string> {
  let cursor = '';
  for (let seen = 0; seen < depth; seen += 100) {
    const path = `/Users?${query}&count=100&cursor=${encodeURIComponent(cursor)}`;
    let page: Record<string, unknown> | undefined;
    for (let attempt = 0; page === undefined; attempt++) {
      try {
        page = await call(handler, 'GET', path);
      } catch (error) {
        if (attempt >= 5 || !String(error).includes('tooMany')) throw error;
      }
    }
    cursor = String(page.nextCursor);
  }
  return cursor;
}

/**
 * A request's path, or a function giving the next one (a case whose page moves every request, or
 * that writes before it: the write is not timed).
 */
type Path = string | (() => string | Promise<string>);

/**
 * The titles the writes set, each new (a PATCH that changes nothing writes nothing, and every
 * case of both stores writes the same users).
 */
let titles = 0;

/**
 * A page that moves like {@link moving}, each request after a write (a PATCH of one user's `title`,
 * not timed): the data is new every time, so that no position the store remembers holds. The
 * user written is the first of the list, or (`spread`) each time another of 50 users spread over
 * the whole list (a row anywhere: before, between or after the pages read).
 */
async function afterWrite(handler: ScimHandler, query: string, start: number, step: number, spread?: number) {
  const ids: string[] = [];
  for (let k = 0; k < (spread === undefined ? 1 : 50); k++) {
    const at = spread === undefined ? 1 : 1 + Math.floor((k * spread) / 50);
    const page = await call(handler, 'GET', `/Users?startIndex=${at}&count=1`);
    ids.push(String((page.Resources as { id: string }[])[0]?.id));
  }
  const next = moving(query, start, step);
  let n = 0;
  return async () => {
    const id = ids[n++ % ids.length] as string;
    await call(handler, 'PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', path: 'title', value: `bench ${process.pid} ${++titles}` }],
    });
    return next();
  };
}

/**
 * A page that moves every request: up by 100 (a client reading on, page after page), or down by
 * 37 users each time (a page never starts where a page before it started or ended, so that the
 * SQLite store has no remembered position at or near it).
 */
function moving(query: string, start: number, step: number): () => string {
  let next = start;
  return () => {
    const path = `/Users?${query}startIndex=${next}&count=100`;
    next += step;
    return path;
  };
}

interface Timing {
  readonly median: number;
  readonly p90: number;
  /** The median CPU time of the process (every thread: the event loop and the SQLite readers). */
  readonly cpu: number;
  /** Requests answered other than 200 with a full page (400 `tooMany` past the query budget). */
  readonly failed: number;
}

/**
 * Times every case in rounds, one request of each per round (so that the machine's load, which
 * drifts, weighs on every case alike), after a warm-up round of 10 each.
 */
async function timeAll(paths: readonly (readonly [ScimHandler, Path])[]): Promise<Timing[]> {
  const at = (path: Path) => (typeof path === 'string' ? path : path());
  for (const [handler, path] of paths)
    for (let i = 0; i < 10; i++) await call(handler, 'GET', await at(path)).catch(() => undefined);
  const ms = paths.map(() => [] as number[]);
  const cpu = paths.map(() => [] as number[]);
  const failed = paths.map(() => 0);
  const cpuMs = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
  for (let round = 0; round < RUNS; round++) {
    for (const [i, [handler, path]] of paths.entries()) {
      const url = await at(path);
      const started = performance.now();
      const used = cpuMs();
      const page = await call(handler, 'GET', url).catch(() => undefined);
      cpu[i]!.push(cpuMs() - used);
      ms[i]!.push(performance.now() - started);
      if ((page?.Resources as unknown[] | undefined)?.length !== 100) failed[i]!++;
    }
  }
  const median = (m: number[]) => m.sort((x, y) => x - y)[Math.floor(RUNS / 2)]!;
  return ms.map((m, i) => {
    m.sort((x, y) => x - y);
    return { median: median(m), p90: m[Math.floor(RUNS * 0.9)]!, cpu: median(cpu[i]!), failed: failed[i]! };
  });
}

async function casesOn(handler: ScimHandler, users: number): Promise<[string, Path][]> {
  // A multiple of the walk's 250-user pages.
  const depth = Math.floor((users * 0.9) / 1_000) * 1_000;
  // Where the walking cases start: they end at the deep page after the warm-up and the rounds.
  const walk = depth - 100 * (RUNS + 10);
  const cursor = async (query: string) =>
    `/Users?${query}count=100&cursor=${await cursorAt(handler, query.replace(/&$/, ''), depth)}`;
  // A cursor case names its query: its cursor is found (by walking there) only when it is timed.
  const all: [string, Path | { readonly cursor: string }][] = [
    ['unsorted page 1', '/Users?count=100'],
    ['sortBy=userName', '/Users?sortBy=userName&count=100'],
    ['sortBy=userName descending', '/Users?sortBy=userName&sortOrder=descending&count=100'],
    ['sortBy=displayName', '/Users?sortBy=displayName&count=100'],
    ['sortBy=externalId', '/Users?sortBy=externalId&count=100'],
    ['sortBy=meta.created', '/Users?sortBy=meta.created&count=100'],
    ['sortBy=meta.lastModified', '/Users?sortBy=meta.lastModified&count=100'],
    [`startIndex=${depth + 1} (unsorted)`, `/Users?startIndex=${depth + 1}&count=100`],
    [`startIndex=${depth + 1}, sortBy=userName`, `/Users?sortBy=userName&startIndex=${depth + 1}&count=100`],
    // A client reading on: the pages up to the deep page, one after the other; and pages where no
    // page started or ended before (down from there, below every page the walk read).
    [`startIndex from ${walk + 1}, the next page each time (unsorted)`, moving('', walk + 1, 100)],
    [
      `startIndex from ${walk + 1}, the next page each time, sortBy=userName`,
      moving('sortBy=userName&', walk + 1, 100),
    ],
    [`startIndex below ${walk + 1}, a new one each time (unsorted)`, moving('', walk - 36, -37)],
    [
      `startIndex below ${walk + 1}, a new one each time, sortBy=userName`,
      moving('sortBy=userName&', walk - 36, -37),
    ],
    // The same after a write each time (not timed): what a page costs when nothing remembered holds.
    [
      `startIndex below ${walk + 1}, a new one each time after a write (unsorted)`,
      await afterWrite(handler, '', walk - 36, -37),
    ],
    [
      `startIndex below ${walk + 1}, a new one each time after a write, sortBy=userName`,
      await afterWrite(handler, 'sortBy=userName&', walk - 36, -37),
    ],
    [
      `startIndex below ${walk + 1}, a new one each time after a write to a user anywhere (unsorted)`,
      await afterWrite(handler, '', walk - 36, -37, users),
    ],
    [
      `startIndex below ${walk + 1}, a new one each time after a write to a user anywhere, sortBy=userName`,
      await afterWrite(handler, 'sortBy=userName&', walk - 36, -37, users),
    ],
    ['cursor page 1 (unsorted)', '/Users?cursor=&count=100'],
    [`cursor after ${depth.toLocaleString('en-US')} (unsorted)`, { cursor: '' }],
    [`cursor after ${depth.toLocaleString('en-US')}, sortBy=userName`, { cursor: 'sortBy=userName&' }],
  ];
  // BENCH_SORT_ONLY: a pattern of the cases to time (the unsorted page 1 always, for the ratios).
  const only =
    process.env.BENCH_SORT_ONLY === undefined ? undefined : new RegExp(process.env.BENCH_SORT_ONLY);
  const kept = all.filter(([label], i) => i === 0 || only === undefined || only.test(label));
  const out: [string, Path][] = [];
  for (const [label, path] of kept)
    out.push([label, typeof path === 'object' ? await cursor(path.cursor) : path]);
  return out;
}

/** One cell: median, 90th percentile and ratio to the unsorted page 1 of the same store. */
function cell(t: Timing, base: Timing): string {
  const refused = t.failed > 0 ? ` (${t.failed} refused)` : '';
  return `${t.median.toFixed(1)}${refused} | ${t.p90.toFixed(1)} | ${(t.median / base.median).toFixed(2)}x | ${t.cpu.toFixed(1)} | ${(t.cpu / base.cpu).toFixed(2)}x`;
}

/**
 * Times the cases on a store, and on a baseline store beside it (the same database, taking turns
 * request by request) when given.
 */
async function table(
  name: string,
  handler: ScimHandler,
  users: number,
  baseline?: ScimHandler,
): Promise<void> {
  const cases = await casesOn(handler, users);
  const before = baseline === undefined ? [] : await casesOn(baseline, users);
  // The cases that write run after the others: a write makes every position remembered stale.
  const writes = ([label]: readonly [string, Path]) => label.includes('after a write');
  const timed = async (keep: boolean) => {
    const pick = (list: [string, Path][]) =>
      list.map((c, i) => [c, i] as const).filter(([c]) => writes(c) === keep);
    const mine = pick(cases);
    const theirs = pick(before);
    const got = await timeAll([
      ...mine.map(([[, path]]) => [handler, path] as const),
      ...theirs.map(([[, path]]) => [baseline!, path] as const),
    ]);
    return {
      mine: mine.map(([, i], j) => [i, got[j]!] as const),
      theirs: theirs.map(([, i], j) => [i, got[mine.length + j]!] as const),
    };
  };
  const first = await timed(false);
  const second = await timed(true);
  const now = new Map([...first.mine, ...second.mine]);
  const then = new Map([...first.theirs, ...second.theirs]);
  console.log(
    `\n${name}, ${users.toLocaleString('en-US')} users, ${RUNS} rounds of one request per case, Node ${process.version}\n`,
  );
  if (baseline === undefined) {
    console.log('| case (count=100) | median ms | p90 ms | median / page 1 | CPU ms | CPU / page 1 |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [i, [label]] of cases.entries())
      console.log(`| ${label} | ${cell(now.get(i)!, now.get(0)!)} |`);
    return;
  }
  console.log(
    '| case (count=100) | median ms | p90 ms | median / page 1 | CPU ms | CPU / page 1 | baseline median ms | p90 ms | median / page 1 | CPU ms | CPU / page 1 |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [i, [label]] of cases.entries())
    console.log(`| ${label} | ${cell(now.get(i)!, now.get(0)!)} | ${cell(then.get(i)!, then.get(0)!)} |`);
}

// SQLite: a file in .cache/, kept for the next run once loaded.
const dir = join(import.meta.dirname, '..', '.cache');
mkdirSync(dir, { recursive: true });
const path = join(dir, `sort-${SQLITE_USERS}.db`);
const marker = `${path}.complete`;
if (!existsSync(marker)) for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
const sqlite = sqliteStore({ path });
const onSqlite = handlerOn(sqlite);
await onSqlite.ready;
await load(onSqlite, SQLITE_USERS);
writeFileSync(marker, new Date().toISOString());
// BENCH_SQLITE_BASELINE: a module exporting the `sqliteStore` of an earlier commit, timed beside.
const baselineModule = process.env.BENCH_SQLITE_BASELINE;
const baseline =
  baselineModule === undefined
    ? undefined
    : (
        (await import(join(import.meta.dirname, '..', baselineModule))) as { sqliteStore: typeof sqliteStore }
      ).sqliteStore({
        path,
      });
const onBaseline = baseline === undefined ? undefined : handlerOn(baseline);
await onBaseline?.ready;
await table('SQLite (file, WAL, reader threads)', onSqlite, SQLITE_USERS, onBaseline);
await sqlite.close();
await baseline?.close();

if (process.env.BENCH_PG !== '0') {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${PG_SCHEMA}`);
  await client.end();
  const postgres = postgresStore({ connectionString: PG_URL, schema: PG_SCHEMA });
  const onPostgres = handlerOn(postgres);
  await onPostgres.ready;
  await load(onPostgres, PG_USERS);
  // Fresh statistics, as autovacuum keeps them on a live database (without them the planner may
  // sort a freshly loaded table instead of reading the sort index).
  const analyze = new pg.Client({ connectionString: PG_URL });
  await analyze.connect();
  await analyze.query(`VACUUM ANALYZE ${PG_SCHEMA}.resources`);
  await analyze.end();
  // BENCH_PG_BASELINE: a module exporting the `postgresStore` of an earlier commit, timed beside.
  const pgModule = process.env.BENCH_PG_BASELINE;
  const pgBaseline =
    pgModule === undefined
      ? undefined
      : (
          (await import(join(import.meta.dirname, '..', pgModule))) as { postgresStore: typeof postgresStore }
        ).postgresStore({ connectionString: PG_URL, schema: PG_SCHEMA });
  const onPgBaseline = pgBaseline === undefined ? undefined : handlerOn(pgBaseline);
  await onPgBaseline?.ready;
  await table(`PostgreSQL (schema ${PG_SCHEMA}, pool of 10)`, onPostgres, PG_USERS, onPgBaseline);
  await postgres.close();
  await pgBaseline?.close();
}

/**
 * What the SQLite store's reads cost per statement, old form beside new, on the benchmark's
 * 100,000-user file (`.cache/bench-100000.db`, made by `pnpm bench`), in interleaved rounds on
 * one connection; the median CPU time per read of each:
 * - a filtered page (`userName eq`) with its `LIMIT`/`OFFSET` as bare parameters, which SQLite
 *   prepares again at every run, beside the same page as the store now compiles it (`(?n + 0)`);
 * - a first page read as count and page, beside the page alone (the store now counts a first page
 *   that holds fewer rows than asked for from its rows);
 * - GET `/Users/{id}`'s reads: the user, then its groups (`memberOf`), beside the one statement of
 *   `get(..., { groups: true })`;
 * - that statement before its `EXISTS` guard beside it now, for a user in no group and one in two,
 *   and read as objects beside as arrays (`readWithGroups`);
 * - the filtered page with the `json_type(...) = 'text'` test before the sort key, beside without
 *   (`eq` on the key alone, decision 0019).
 *
 *   node --conditions=@scim/source bench/sqlite-reads.ts
 *   BENCH_OPS=20000 BENCH_ROUNDS=7 node --conditions=@scim/source bench/sqlite-reads.ts
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { query } from '../src/store/contract.ts';
import { PageMarks } from '../src/store/sql/page-marks.ts';
import { listPlan } from '../src/store/sqlite-list.ts';
import {
  MEMBER_OF_SQL,
  RESOURCE_SQL,
  RESOURCE_WITH_GROUPS_SQL,
  readWithGroups,
} from '../src/store/sqlite-read.ts';

const OPS = Number(process.env.BENCH_OPS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const path = join(import.meta.dirname, '..', '.cache', 'bench-100000.db');
if (!existsSync(`${path}.complete`)) {
  process.stderr.write(`${path} is missing: run \`pnpm --filter @scim/server bench\` once first\n`);
  process.exit(1);
}
const db = new DatabaseSync(path, { readOnly: true });
db.function('scim_budget', () => 0);
const id = (
  db.prepare("SELECT id FROM resources WHERE resource_type = 'User' LIMIT 1 OFFSET 33333").get() as {
    id: string;
  }
).id;
const userName = (
  db.prepare("SELECT json_extract(data, '$.userName') AS u FROM resources WHERE id = ?").get(id) as {
    u: string;
  }
).u;
const plan = listPlan(
  { tenant: 'default', storage: { name: 'User' }, memberships: true },
  { resourceType: 'User', filter: query(`userName eq "${userName}"`), startIndex: 1, count: 100 },
  new PageMarks(),
);
const { page, count } = plan.job;
const bare = page.sql.replace(/\((\?\d+) \+ 0\)/g, '$1');
if (bare === page.sql) throw new Error('the page has no (?n + 0) placeholders: nothing to compare');

// The statement of get(..., { groups: true }) before its EXISTS guard (h14-get3).
const unguarded = RESOURCE_WITH_GROUPS_SQL.replace(
  /CASE WHEN EXISTS \(SELECT 1 FROM members AS e WHERE e\.tenant = r\.tenant AND e\.member_id = r\.id\) THEN\s*/,
  '',
).replace(/\) END AS groups/, ') AS groups');
if (unguarded === RESOURCE_WITH_GROUPS_SQL)
  throw new Error('the groups statement has no EXISTS guard to take out');
const inGroups = (
  db.prepare('SELECT member_id FROM members ORDER BY rowid LIMIT 1').get() as { member_id: string }
).member_id;
// The page with the string test the compiler wrote before `eq` on a sort key (h14-get3).
const keyTerm = /\(CASE WHEN (json_type\(r\.search, '\$\.userName'\) = 'text') THEN/;
const tested = page.sql.replace(keyTerm, "($1 AND CASE WHEN json_type(r.search, '$.userName') = 'text' THEN");
if (tested === page.sql) throw new Error('the page has no sort key compared alone: nothing to compare');
const stmt = (sql: string): StatementSync => db.prepare(sql);
const run = (s: StatementSync, values: readonly unknown[]) => s.all(...(values as SQLInputValue[]));
// The store's own statements (sqlite-read.ts), so that the bench reads what the store reads.
const getUser = stmt(RESOURCE_SQL);
const memberOf = stmt(MEMBER_OF_SQL);
const withGroups = stmt(RESOURCE_WITH_GROUPS_SQL);
const pageBare = stmt(bare);
const pageNew = stmt(page.sql);
const countStmt = stmt(count.sql);
const withGroupsBefore = stmt(unguarded);
const pageTested = stmt(tested);

const cases: Record<string, () => void> = {
  'filtered page, bare LIMIT ?': () => run(pageBare, page.values),
  'filtered page, LIMIT (? + 0)': () => run(pageNew, page.values),
  'first page: count + page': () => {
    run(countStmt, count.values);
    run(pageNew, page.values);
  },
  'first page: page alone': () => run(pageNew, page.values),
  'GET: user, then memberOf': () => {
    getUser.get('default', id, 'User');
    memberOf.all('default', id);
  },
  'GET: user with groups (one statement)': () => withGroups.get('default', id, 'User'),
  'user in no group: no EXISTS guard': () => withGroupsBefore.get('default', id, 'User'),
  'user in no group: EXISTS guard': () => withGroups.get('default', id, 'User'),
  'user in two groups: no EXISTS guard': () => withGroupsBefore.get('default', inGroups, 'User'),
  'user in two groups: EXISTS guard': () => withGroups.get('default', inGroups, 'User'),
  'user with groups, row as object': () => withGroups.get('default', id, 'User'),
  'user with groups, row as array': () => readWithGroups(withGroups, 'default', id, 'User'),
  "filtered page, json_type = 'text' AND key = ?": () => run(pageTested, page.values),
  'filtered page, key = ? alone': () => run(pageNew, page.values),
};
const samples = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]));
const loadBefore = loadavg()[0]!.toFixed(2);
for (let round = 0; round <= ROUNDS; round++) {
  for (const [name, fn] of Object.entries(cases)) {
    const started = process.cpuUsage();
    for (let i = 0; i < OPS; i++) fn();
    const used = process.cpuUsage(started);
    if (round > 0) samples.get(name)!.push((used.user + used.system) / OPS);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(
  `\n${OPS} reads per case and round, ${ROUNDS} rounds (after one warm-up round), Node ${process.version}, load ${loadBefore} before, ${loadavg()[0]!.toFixed(2)} after\n\n| read | CPU µs (median) | ratio |\n|---|---:|---:|\n`,
);
const names = Object.keys(cases);
for (let i = 0; i < names.length; i += 2) {
  const [before, after] = [median(samples.get(names[i]!)!), median(samples.get(names[i + 1]!)!)];
  process.stdout.write(
    `| ${names[i]} | ${before.toFixed(1)} | |\n| ${names[i + 1]} | ${after.toFixed(1)} | ${(after / before).toFixed(2)}x |\n`,
  );
}
db.close();

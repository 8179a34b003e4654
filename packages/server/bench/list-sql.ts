/**
 * Whether SQLite should write a list page's text (issue 14): the page's SQL as the store reads it
 * beside variants that leave each row's `data` unread (the verbatim splice never parses it), and
 * variants where SQLite fills each stored rendering's holes itself (`replace`, `json_quote`, `||`:
 * the bytes `MetaWriter.splice` writes), row by row or as the page's whole `Resources` array in one
 * value (text or a BLOB of UTF-8 bytes). Beside them, what the JavaScript path costs after the read:
 * the splice (`renderListed`), the join and the UTF-8 encoding of the reply. CPU µs per page, the
 * median of rounds, the variants in turn in each. Checks first that SQLite's page is the handler's
 * text byte for byte (on the benchmark's data). Runs on the benchmark's SQLite file, read only.
 *
 *   node --conditions=@scim/source bench/list-sql.ts
 *   LIST_COUNT=20 LIST_ROUNDS=9 LIST_ITERATIONS=500 node --conditions=@scim/source bench/list-sql.ts
 */
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { renderListed } from '../src/handler/representation.ts';
import { requestContext } from '../src/handler/test-helpers.ts';
import { PageMarks } from '../src/store/sql/page-marks.ts';
import { sqliteStore } from '../src/store/sqlite.ts';
import { QueryClock, registerFunctions } from '../src/store/sqlite-functions.ts';
import { listPlan } from '../src/store/sqlite-list.ts';
import { USERS } from './servers/common.ts';

const COUNT = Number(process.env.LIST_COUNT ?? 100);
const ITERATIONS = Number(process.env.LIST_ITERATIONS ?? 1_000);
const ROUNDS = Number(process.env.LIST_ROUNDS ?? 7);
const path = join(import.meta.dirname, '..', '.cache', `bench-${USERS}.db`);

const store = sqliteStore({ path });
const ctx = requestContext({ basePath: '/scim' }, store);
const type = ctx.config.users;
const query = { resourceType: type.name, startIndex: 1, count: COUNT, members: false } as const;
const listed = await store.list('default', query);
const { job } = listPlan(
  { tenant: 'default', storage: undefined, memberships: true },
  query,
  new PageMarks(),
  false,
);
const values = job.page.values as SQLInputValue[];
const db = new DatabaseSync(path, { readOnly: true });
registerFunctions(db, new QueryClock());

// The handler's recipe: the rendering's tag (up to its first hole), the type, the location's start.
const first = listed.resources[0]?.rendering;
if (first === undefined) throw new Error('the benchmark file has no stored renderings');
const tag = first.slice(0, first.indexOf('\u0001') + 1);
const next = `${tag.slice(0, -1)}${String.fromCharCode(tag.charCodeAt(tag.length - 1) + 1)}`;
const head = `,"meta":{"resourceType":${JSON.stringify(type.name)},"created":`;
const location = `,"location":${JSON.stringify(`${ctx.base}/${type.segment}/`).slice(0, -1)}`;
const recipe = [tag, head, location] as const;

/** `?5` tag, `?6` meta's head, `?7` the location's start: each row's listed text, NULL when it does not fit. */
const listedText = `CASE WHEN substr(r.rendered, 1, length(?5)) = ?5 AND typeof(r.created) = 'text'
  AND typeof(r.last_modified) = 'text' AND typeof(r.version) = 'integer' AND r.version BETWEEN 0 AND 9007199254740991
  AND r.id NOT GLOB '*[^A-Za-z0-9_.~-]*'
  THEN replace(replace(replace(replace(substr(r.rendered, length(?5) + 1),
    char(1) || 'i', ',"id":"' || r.id || '"'),
    char(1) || 'm', ?6 || json_quote(r.created) || ',"lastModified":' || json_quote(r.last_modified) || ?7 || r.id
      || '","version":"W/\\"' || r.version || '\\""}'),
    char(1) || 'r', ''), char(1) || 'g', '') END`;
const asRead = job.page.sql;
const swap = (column: string) => asRead.replace('r.data,', `${column} AS data,`);
const perRow = asRead.replace(/r\.data, (r\.seq.*?), r\.rendered/, `$1, ${listedText} AS listed`);
const page = (blob: boolean) =>
  `SELECT ${blob ? 'CAST(' : ''}group_concat(listed, ',')${blob ? ' AS BLOB)' : ''} AS page, count(*) AS n, count(listed) AS fit FROM (${perRow})`;

const statements: [string, string, readonly SQLInputValue[]][] = [
  ['page SQL, as read (main)', asRead, values],
  ['data NULL where a rendering', swap('CASE WHEN r.rendered IS NULL THEN r.data END'), values],
  [
    'data NULL where the tag (substr)',
    swap('CASE WHEN substr(r.rendered, 1, length(?5)) = ?5 THEN NULL ELSE r.data END'),
    [...values, tag],
  ],
  [
    'data NULL where the tag (range)',
    swap('CASE WHEN r.rendered >= ?5 AND r.rendered < ?6 THEN NULL ELSE r.data END'),
    [...values, tag, next],
  ],
  ['SQLite splices each row', perRow, [...values, ...recipe]],
  ['SQLite writes the page (text)', page(false), [...values, ...recipe]],
  ['SQLite writes the page (BLOB)', page(true), [...values, ...recipe]],
];

// Byte for byte: the page SQLite writes is the handler's text.
const texts: string[] = [];
await renderListed(ctx, type, listed.resources, {}, texts);
const joined = `[${texts.join(',')}]`;
const written = db.prepare(page(true)).get(...values, ...recipe) as {
  page: Uint8Array;
  n: number;
  fit: number;
};
const same = Buffer.from(joined).equals(Buffer.from(`[${Buffer.from(written.page).toString()}]`));
if (!same || written.fit !== written.n) throw new Error('SQLite wrote other bytes than the handler');

const stages: [string, () => unknown][] = [
  ...statements.map(([name, sql, v]): [string, () => unknown] => {
    const s = db.prepare(sql);
    s.setReturnArrays(true);
    return [name, () => s.all(...v)];
  }),
  ['renderListed (JS splice)', () => renderListed(ctx, type, listed.resources, {}, [])],
  ['join of the spliced texts', () => `[${texts.join(',')}]`],
  ['the page to UTF-8 (Buffer.from)', () => Buffer.from(`${joined} `.slice(0, -1))],
];

const runs = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of stages) {
    for (let i = 0; i < ITERATIONS / 4; i++) await fn();
    const before = process.cpuUsage();
    for (let i = 0; i < ITERATIONS; i++) await fn();
    const used = process.cpuUsage(before);
    runs.set(name, [...(runs.get(name) ?? []), (used.user + used.system) / ITERATIONS]);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
process.stdout.write(
  `GET /Users?count=${COUNT}, ${USERS} users, ${joined.length} characters of Resources (SQLite's page byte-identical): CPU µs per page, median of ${ROUNDS} rounds of ${ITERATIONS}, the stages in turn in each; then the median of the rounds' ratios to the page as read\n`,
);
const asReadRuns = runs.get(statements[0]![0])!;
for (const [name, xs] of runs) {
  // Each round's ratio to the page as read, which ran in the same round: a loaded machine moves it less.
  const ratio = median(xs.map((x, i) => x / asReadRuns[i]!));
  process.stdout.write(
    `${name.padEnd(36)} ${median(xs).toFixed(1).padStart(8)} ${ratio.toFixed(2).padStart(6)}x\n`,
  );
}
// The JavaScript path after the read against SQLite writing the page, round by round.
const jsPath = asReadRuns.map(
  (x, i) =>
    x +
    ['renderListed (JS splice)', 'join of the spliced texts', 'the page to UTF-8 (Buffer.from)'].reduce(
      (sum, n) => sum + runs.get(n)![i]!,
      0,
    ),
);
const sqlPage = runs.get('SQLite writes the page (BLOB)')!;
process.stdout.write(
  `read + splice + join + encode: ${median(jsPath).toFixed(1)}; SQLite's page as a BLOB: ${median(sqlPage).toFixed(1)} (${median(sqlPage.map((x, i) => x / jsPath[i]!)).toFixed(2)}x)\n`,
);
db.close();
await store.close();

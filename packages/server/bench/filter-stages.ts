/**
 * In-process stage profile of `GET /Users?filter=userName eq "..."` on the 100,000-user SQLite
 * file: CPU time per call of each stage (query string, parse + normalize + checks, SQL compile,
 * store.list, the whole handler), a different userName every call, beside GET by id.
 *
 *   node --conditions=@scim/source bench/filter-stages.ts
 */
import { join } from 'node:path';
import { staticToken } from '../src/auth/bearer.ts';
import { resolveConfig } from '../src/handler/config.ts';
import { createScimHandler } from '../src/handler/index.ts';
import { compileQueryFilter, queryParams } from '../src/handler/query.ts';
import { PageMarks } from '../src/store/sql/page-marks.ts';
import { sqliteStore } from '../src/store/sqlite.ts';
import { listPlan } from '../src/store/sqlite-list.ts';
import { TOKEN, USERS } from './servers/common.ts';

const path = join(import.meta.dirname, '..', '.cache', `bench-${USERS}.db`);
const store = sqliteStore({ path });
const options = { store, authenticate: staticToken(TOKEN), basePath: '/scim' };
const handler = createScimHandler(options);
await handler.ready;
const config = resolveConfig(options);
const users = config.types.find((t) => t.name === 'User')!;
const N = Number(process.env.STAGE_N ?? 20_000);
const name = (i: number) => `user${String((i * 7919) % USERS).padStart(6, '0')}@example.com`;
const url = (i: number) =>
  new URL(`http://x/scim/Users?filter=${encodeURIComponent(`userName eq "${name(i)}"`)}`);
const headers = { authorization: `Bearer ${TOKEN}` };

async function time(label: string, fn: (i: number) => unknown): Promise<void> {
  for (let i = 0; i < 2000; i++) await fn(i);
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) await fn(i);
  const used = process.cpuUsage(before);
  console.log(`${label.padEnd(40)} ${((used.user + used.system) / N).toFixed(2)} µs`);
}

const first = await (await handler(new Request(url(1), { headers }))).json();
const id = (first as { Resources: { id: string }[] }).Resources[0]!.id;
await time('URL + queryParams', (i) => queryParams(url(i)));
await time('URL only', (i) => url(i));
await time('compileQueryFilter', (i) => compileQueryFilter(`userName eq "${name(i)}"`, users, config));
const marks = new PageMarks();
const context = { tenant: 'default', storage: undefined, memberships: true };
await time('listPlan', (i) =>
  listPlan(
    context,
    {
      resourceType: 'User',
      filter: compileQueryFilter(`userName eq "${name(i)}"`, users, config)!,
      startIndex: 1,
      count: 100,
    },
    marks,
  ),
);
await time('store.list (incl. compile)', (i) =>
  store.list('default', {
    resourceType: 'User',
    filter: compileQueryFilter(`userName eq "${name(i)}"`, users, config)!,
    startIndex: 1,
    count: 100,
  }),
);
await time('store.get', () => store.get('default', 'User', id));
await time('handler GET /Users/{id}', () =>
  handler(new Request(`http://x/scim/Users/${id}`, { headers })).then((r) => r.text()),
);
await time('handler filter userName eq', (i) =>
  handler(new Request(url(i), { headers })).then((r) => r.text()),
);
await store.close();

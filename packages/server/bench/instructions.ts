/**
 * Instructions per request, counted by valgrind's callgrind: a measure of the work a request does
 * that a machine loaded by other processes does not move (CPU time per request moves by 10% to 30%
 * between runs there, a count by about 1%). The handler (fetch API, static token, no log) on the
 * 100,000-user file answers `BENCH_N` requests of one case after a warm-up of `BENCH_WARM`; the
 * counters are zeroed before them and dumped after (`callgrind_control`), so the second dump file
 * (`<out>.1`) holds those requests alone: its `summary` divided by `BENCH_N` is the figure. Every
 * thread counts (V8's compiler and collector threads too); kernel time does not.
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
 *     node --conditions=@scim/source bench/instructions.ts        # then: grep summary /tmp/cg.out.1
 *   BENCH_CASE=filter ...       # get (default), filter (`userName eq`, one user)
 *   BENCH_CASE=filter-other ... # `userName eq`, another user each request (a fixed walk, as bench/run.ts's)
 *   BENCH_CASE=list ...         # GET /Users?count=100
 *   BENCH_CASE=filter-stub ...  # the same with the store answering from memory: the rest of the request
 *   BENCH_SRC=/path/to/src ...  # another revision's sources (bench/baseline.ts extracts one)
 *
 * Takes some 3 minutes a run under callgrind (most of it the warm-up and loading the sources).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { USERS } from './servers/common.ts';

const src = process.env.BENCH_SRC ?? join(import.meta.dirname, '..', 'src');
const load = (file: string) => import(pathToFileURL(join(src, file)).href);
const [{ staticToken }, { sqliteStore }, { createScimHandler }, { query }] = await Promise.all([
  load('auth/bearer.ts'),
  load('store/sqlite.ts'),
  load('handler/index.ts'),
  load('store/contract.ts'),
]);
const store = sqliteStore({ path: join(import.meta.dirname, '..', '.cache', `bench-${USERS}.db`) });
const token = 'instructions-bench-token-0123456789';
const handler = createScimHandler({ store, authenticate: staticToken(token), basePath: '/scim' });
await handler.ready;
const headers = { authorization: `Bearer ${token}` };
const filter = 'userName eq "user033333@example.com"';
const filtered = `http://x/scim/Users?filter=${encodeURIComponent(filter)}`;
const answer = async (url: string) => (await handler(new Request(url, { headers }))).text();
const id = (JSON.parse(await answer(filtered)) as { Resources: { id: string }[] }).Resources[0]!.id;

const kase = process.env.BENCH_CASE ?? 'get';
/** The n-th of a walk over every user, as bench/run.ts's another-user case (7919 is prime). */
const nthFilter = (n: number) =>
  `http://x/scim/Users?filter=${encodeURIComponent(`userName eq "user${String((n * 7919) % USERS).padStart(6, '0')}@example.com"`)}`;
const fixed =
  kase === 'list'
    ? 'http://x/scim/Users?count=100'
    : kase.startsWith('filter')
      ? filtered
      : `http://x/scim/Users/${id}`;
const urlOf = kase === 'filter-other' ? nthFilter : () => fixed;
if (kase.endsWith('-stub')) {
  const one = await store.get('default', 'User', id, { members: false, groups: true });
  const page = await store.list('default', {
    resourceType: 'User',
    filter: query(filter),
    startIndex: 1,
    count: 100,
    members: false,
  });
  Object.assign(store, { get: async () => one, list: async () => page });
}

/** Asks callgrind (when the process runs under it) to zero (`-z`) or dump (`-d`) its counters. */
async function callgrind(arg: '-z' | '-d'): Promise<void> {
  const control = spawn('callgrind_control', [arg, String(process.pid)], { stdio: 'ignore' });
  await new Promise((resolve) => {
    control.once('exit', resolve);
    control.once('error', resolve);
  });
}

const WARM = Number(process.env.BENCH_WARM ?? 3000);
const N = Number(process.env.BENCH_N ?? 2000);
for (let i = 0; i < WARM; i++) await answer(urlOf(i));
await callgrind('-z');
for (let i = 0; i < N; i++) await answer(urlOf(WARM + i));
await callgrind('-d');
await store.close();
console.log(
  `${kase}: ${N} requests counted after ${WARM} of warm-up; instructions per request = summary of the .1 dump / ${N}`,
);

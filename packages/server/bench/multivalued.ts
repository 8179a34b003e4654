/**
 * How the cost of a filter and a sort on one multi-valued attribute grows with its size, on the
 * SQLite store: one user whose `emails` hold N values (written through the store, past the
 * handler's `maxValuesPerAttribute`), N from 1,000 to 40,000, each query run 3 times (median).
 * The last column is the growth exponent from the smallest to the largest size,
 * log(t_last / t_first) / log(N_last / N_first): 1 for linear growth, 2 for the square.
 *
 *   pnpm --filter @scim/server exec node --conditions=@scim/source bench/multivalued.ts
 */
import { normalizeFilter, parseFilter } from '@scim/protocol';
import { userResourceSchema } from '@scim/schemas';
import { sqliteStore } from '../src/store/sqlite.ts';

const SIZES = [1_000, 4_000, 16_000, 40_000];
const queries: [string, string | undefined, string | undefined][] = [
  ['filter emails.value co "zzz"', 'emails.value co "zzz"', undefined],
  [
    'filter emails[type eq "work" and value co "zzz"]',
    'emails[type eq "work" and value co "zzz"]',
    undefined,
  ],
  ['sort by emails (primary value)', undefined, 'emails'],
];

function sortPath(attribute: string) {
  const f = normalizeFilter(parseFilter(`${attribute} pr`), userResourceSchema);
  if (f.kind !== 'present') throw new Error(attribute);
  return f.path;
}

const results = new Map<string, number[]>();
for (const n of SIZES) {
  const store = sqliteStore({ path: ':memory:' });
  await store.open([{ name: 'User' }]);
  const emails = Array.from({ length: n }, (_, i) => ({
    value: `user.${i}@example.org`,
    type: 'work',
    primary: i === n - 1,
  }));
  await store.create('t', 'User', {
    data: { userName: 'wide', emails },
    unique: [{ attribute: 'userName', value: 'wide' }],
    change: { type: 'user.created' },
  });
  for (const [name, filter, sort] of queries) {
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const t = performance.now();
      await store.list('t', {
        resourceType: 'User',
        ...(filter === undefined ? {} : { filter: normalizeFilter(parseFilter(filter), userResourceSchema) }),
        ...(sort === undefined ? {} : { sort: { path: sortPath(sort), descending: false } }),
        startIndex: 1,
        count: 10,
      });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    results.set(name, [...(results.get(name) ?? []), times[1] as number]);
  }
  await store.close();
}

console.log(`\nOne user with N emails, SQLite (:memory:), median of 3 runs, Node ${process.version}\n`);
console.log(
  `| query | ${SIZES.map((n) => `N = ${n.toLocaleString('en-US')} (ms)`).join(' | ')} | growth exponent |`,
);
console.log(`|---|${SIZES.map(() => '---:').join('|')}|---|`);
for (const [name, times] of results) {
  const first = times[0] as number;
  const last = times.at(-1) as number;
  const exponent = Math.log(last / first) / Math.log((SIZES.at(-1) as number) / (SIZES[0] as number));
  console.log(`| ${name} | ${times.map((t) => t.toFixed(1)).join(' | ')} | ${exponent.toFixed(2)} |`);
}

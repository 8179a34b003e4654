/**
 * What the SQLite store's file-identity check costs: two `stat` calls (the database and its
 * `-wal`) before every write transaction and health check, and at most one pair a second for
 * reads. Side by side in one run, on two files in one directory: the store as shipped, and the
 * same store with the check turned off (a private field cleared, here only), in interleaved
 * rounds; the median of each.
 *
 *   node --conditions=@scim/source bench/sqlite-file-check.ts
 *   BENCH_OPS=5000 BENCH_ROUNDS=5 node --conditions=@scim/source bench/sqlite-file-check.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqliteStore } from '../src/store/sqlite.ts';
import { DatabaseFile } from '../src/store/sqlite-file.ts';
import type { ScimStore } from '../src/store/types.ts';

const OPS = Number(process.env.BENCH_OPS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const TYPES = [{ name: 'User' }];
const dir = mkdtempSync(join(tmpdir(), 'scim-bench-file-check-'));

const checked = sqliteStore({ path: join(dir, 'checked.db') });
const unchecked = sqliteStore({ path: join(dir, 'unchecked.db') });
(unchecked as unknown as { file: unknown }).file = undefined;
await checked.open(TYPES);
await unchecked.open(TYPES);

let serial = 0;
async function writes(store: ScimStore): Promise<{ perOp: number; ids: string[] }> {
  const ids: string[] = [];
  const started = performance.now();
  for (let i = 0; i < OPS; i++) {
    const userName = `u${serial++}`;
    const r = await store.create('t', 'User', {
      data: { userName },
      unique: [{ attribute: 'userName', value: userName }],
      change: { type: 'user.created' },
    });
    ids.push(r.id);
  }
  return { perOp: ((performance.now() - started) * 1000) / OPS, ids };
}

async function reads(store: ScimStore, ids: readonly string[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < OPS; i++) await store.get('t', 'User', ids[i % ids.length] as string);
  return ((performance.now() - started) * 1000) / OPS;
}

function checks(): number {
  const file = DatabaseFile.of(join(dir, 'checked.db')) as DatabaseFile;
  file.remember();
  const started = performance.now();
  for (let i = 0; i < OPS; i++) file.problem();
  return ((performance.now() - started) * 1000) / OPS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const results = {
  writeChecked: [] as number[],
  writeUnchecked: [] as number[],
  readChecked: [] as number[],
  readUnchecked: [] as number[],
  check: [] as number[],
};
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which store goes first, so neither always runs on a warmer cache.
  const order = round % 2 === 0 ? ([checked, unchecked] as const) : ([unchecked, checked] as const);
  for (const store of order) {
    const w = await writes(store);
    const r = await reads(store, w.ids);
    (store === checked ? results.writeChecked : results.writeUnchecked).push(w.perOp);
    (store === checked ? results.readChecked : results.readUnchecked).push(r);
  }
  results.check.push(checks());
}
await checked.close();
await unchecked.close();
rmSync(dir, { recursive: true, force: true });

const f = (us: number) => us.toFixed(2);
const wc = median(results.writeChecked);
const wu = median(results.writeUnchecked);
const rc = median(results.readChecked);
const ru = median(results.readUnchecked);
const c = median(results.check);
console.log(
  `SQLite file-identity check, ${OPS} operations x ${ROUNDS} rounds, median µs per operation (node ${process.version})\n`,
);
console.log('| operation | with the check | without | with / without |');
console.log('| --- | --- | --- | --- |');
console.log(`| create (one write transaction) | ${f(wc)} | ${f(wu)} | ${(wc / wu).toFixed(3)}x |`);
console.log(`| get by id (a read) | ${f(rc)} | ${f(ru)} | ${(rc / ru).toFixed(3)}x |`);
console.log(`| the check alone (2 stat calls) | ${f(c)} | | ${((c / wu) * 100).toFixed(1)} % of a create |`);

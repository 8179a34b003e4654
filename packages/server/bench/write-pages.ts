/**
 * What one write costs the SQLite file: creates `BENCH_N` users (after 200 of warm-up) through the
 * handler into a new database file, then reads the write-ahead log and counts its frames (pages)
 * per commit and by the table or index each page belongs to (SQLite's `dbstat`); with the bytes
 * the process wrote (`/proc/self/io`) and the CPU per create. With `BENCH_BASELINE=<rev>`, that
 * revision's store too, in the same process, in turn (`BENCH_ROUNDS` rounds).
 *
 *   node --conditions=@scim/source bench/write-pages.ts
 *   BENCH_BASELINE=684be3d BENCH_N=2000 BENCH_ROUNDS=3 node --conditions=@scim/source bench/write-pages.ts
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { baselineSource } from './baseline.ts';
import { benchUser } from './servers/common.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE = process.env.BENCH_BASELINE;
const TOKEN = 'bench-write-pages-token-0123456789';
/** A write-ahead log's header, and each frame's (a 24-byte header, then the page). */
const WAL_HEADER = 32;
const PAGE = 4096;
const FRAME = 24 + PAGE;

interface Result {
  readonly frames: number;
  readonly commits: number;
  readonly byTree: Map<string, number>;
  readonly bytesPerCreate: number;
  readonly cpuPerCreate: number;
}

const writtenBytes = () =>
  Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? Number.NaN);

/** The frames of the log's current generation: page numbers, and how many end a commit. */
function framesOf(wal: Buffer): { pages: number[]; commits: number } {
  const pages: number[] = [];
  let commits = 0;
  const salt = wal.readUInt32BE(16);
  for (let at = WAL_HEADER; at + FRAME <= wal.length; at += FRAME) {
    if (wal.readUInt32BE(at + 8) !== salt) break;
    pages.push(wal.readUInt32BE(at));
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return { pages, commits };
}

async function measure(src: string): Promise<Result> {
  const { createScimHandler, sqliteStore, staticToken } = await import(
    pathToFileURL(join(src, 'index.ts')).href
  );
  const dir = mkdtempSync(join(tmpdir(), 'write-pages-'));
  try {
    const store = sqliteStore({ path: join(dir, 'scim.db') });
    const handler = createScimHandler({ store, authenticate: staticToken(TOKEN), basePath: '/scim' });
    await handler.ready;
    const post = async (i: number) => {
      const response: Response = await handler(
        new Request('http://bench/scim/Users', {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify(benchUser(i)),
        }),
      );
      if (response.status !== 201)
        throw new Error(`POST answered ${response.status}: ${await response.text()}`);
    };
    for (let i = 0; i < 200; i++) await post(i);
    // The log starts anew at the first commit after a checkpoint that copied all of it.
    store.database.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const bytes = writtenBytes();
    const cpu = process.cpuUsage();
    for (let i = 200; i < 200 + N; i++) await post(i);
    const used = process.cpuUsage(cpu);
    const result = {
      bytesPerCreate: (writtenBytes() - bytes) / N,
      cpuPerCreate: (used.user + used.system) / N,
    };
    // A copy to read: the store's own checkpoints may have started the log anew meanwhile, so the
    // frames of the last generation are what is counted (and the commits among them).
    copyFileSync(join(dir, 'scim.db'), join(dir, 'copy.db'));
    copyFileSync(join(dir, 'scim.db-wal'), join(dir, 'copy.db-wal'));
    const { pages, commits } = framesOf(readFileSync(join(dir, 'copy.db-wal')));
    await store.close();
    const copy = new DatabaseSync(join(dir, 'copy.db'));
    const owner = new Map<number, string>();
    for (const row of copy.prepare('SELECT name, pageno FROM dbstat').all() as {
      name: string;
      pageno: number;
    }[])
      owner.set(row.pageno, row.name);
    copy.close();
    const byTree = new Map<string, number>();
    for (const page of pages) {
      const name = owner.get(page) ?? (page === 1 ? 'sqlite_schema' : 'free');
      byTree.set(name, (byTree.get(name) ?? 0) + 1);
    }
    return { frames: pages.length, commits, byTree, ...result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const sides = [
  { name: 'this tree', src: join(import.meta.dirname, '..', 'src') },
  ...(BASELINE === undefined ? [] : [{ name: BASELINE, src: baselineSource(BASELINE) }]),
];
const results = new Map<string, Result[]>(sides.map((s) => [s.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const side of sides) results.get(side.name)!.push(await measure(side.src));
  process.stderr.write(`round ${round + 1} of ${ROUNDS}: done\n`);
}

console.log(
  `\n${N} creates through the handler into a new SQLite file after 200 of warm-up, Node ${process.version}, median of ${ROUNDS} rounds\n`,
);
console.log('| store | log pages per commit | bytes written per create | CPU µs per create (all threads) |');
console.log('|---|---:|---:|---:|');
for (const side of sides) {
  const rs = results.get(side.name)!;
  console.log(
    `| ${side.name} | ${median(rs.map((r) => r.frames / r.commits)).toFixed(1)} | ${Math.round(median(rs.map((r) => r.bytesPerCreate))).toLocaleString('en-US')} | ${Math.round(median(rs.map((r) => r.cpuPerCreate)))} |`,
  );
}
console.log('\nLog pages per commit by table or index (last round):\n');
const trees = new Set(sides.flatMap((s) => [...results.get(s.name)!.at(-1)!.byTree.keys()]));
console.log(`| table or index | ${sides.map((s) => s.name).join(' | ')} |`);
console.log(`|---|${sides.map(() => '---:').join('|')}|`);
for (const tree of [...trees].sort()) {
  const cells = sides.map((s) => {
    const r = results.get(s.name)!.at(-1)!;
    return ((r.byTree.get(tree) ?? 0) / r.commits).toFixed(2);
  });
  console.log(`| ${tree} | ${cells.join(' | ')} |`);
}

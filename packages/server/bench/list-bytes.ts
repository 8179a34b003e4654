/**
 * A list page written from its stored renderings as text (as the store and the handler do now:
 * read as strings, spliced, joined, encoded to UTF-8 at the write) beside the same page as bytes
 * (the renderings read as BLOBs, spliced by byte offsets, the pieces concatenated once): CPU and
 * V8 heap per page, in process, on the benchmark's SQLite file. A probe of what a byte path would
 * spare; the two outputs are checked equal byte for byte. (2026-12-07: the bytes took twice the CPU,
 * for 0.82x the heap: a Uint8Array per row from node:sqlite and a Buffer per filled hole cost more
 * than the strings' decoding and encoding; docs/benchmarks.md.)
 *
 *   node --max-semi-space-size=64 --min-semi-space-size=64 --conditions=@scim/source bench/list-bytes.ts
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { getHeapStatistics } from 'node:v8';
import { MetaWriter } from '../src/handler/rendering.ts';
import { requestContext } from '../src/handler/test-helpers.ts';
import { sqliteStore } from '../src/store/sqlite.ts';
import { QueryClock, registerFunctions } from '../src/store/sqlite-functions.ts';
import { USERS } from './servers/common.ts';

const ITERATIONS = Number(process.env.ITERATIONS ?? 1_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const path = join(import.meta.dirname, '..', '.cache', `bench-${USERS}.db`);
const store = sqliteStore({ path, readers: 0 });
const ctx = requestContext({ basePath: '/scim' }, store);
const type = ctx.config.users;
const writer = new MetaWriter('User', 'http://bench.local/scim/Users/');
const db = new DatabaseSync(path, { readOnly: true });
registerFunctions(db, new QueryClock());
const SQL =
  'SELECT r.id, r.version, r.created, r.last_modified, r.data, r.seq, RENDERED FROM resources AS r WHERE r.tenant = ?1 AND r.resource_type = ?2 ORDER BY r.seq LIMIT 100';
const asText = db.prepare(SQL.replace('RENDERED', 'r.rendered'));
const asBytes = db.prepare(SQL.replace('RENDERED', 'CAST(r.rendered AS BLOB)'));
asText.setReturnArrays(true);
asBytes.setReturnArrays(true);
const HEAD =
  '{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":100000,"startIndex":1,"itemsPerPage":100,"Resources":[';

/** A page row: id, version, created, last modified, data, seq, rendering. */
type Row<R> = [string, number, string, string, string, number, R];

function textPage(): Buffer {
  const rows = asText.all('default', 'User') as unknown as Row<string>[];
  const parts: string[] = [];
  for (const r of rows)
    parts.push(writer.splice(type, r[6], { id: r[0], created: r[2], lastModified: r[3], version: r[1] })!);
  return Buffer.from(`${HEAD}${parts.join(',')}]}`);
}

const COMMA = Buffer.from(',');
const HEAD_BYTES = Buffer.from(HEAD);
const TAIL = Buffer.from(']}');
function bytesPage(tagLength: number): Buffer {
  const rows = asBytes.all('default', 'User') as unknown as Row<Uint8Array>[];
  const chunks: Uint8Array[] = [HEAD_BYTES];
  let total = HEAD_BYTES.length + TAIL.length;
  for (const [i, r] of rows.entries()) {
    if (i > 0) chunks.push(COMMA);
    const bytes = r[6];
    const meta = writer.text(r[0], r[2], r[3], r[1])!;
    let from = tagLength;
    for (let at = bytes.indexOf(1, from); at >= 0; at = bytes.indexOf(1, from)) {
      const letter = bytes[at + 1];
      chunks.push(bytes.subarray(from, at));
      if (letter === 0x69) chunks.push(Buffer.from(`,"id":"${r[0]}"`));
      else if (letter === 0x6d) chunks.push(Buffer.from(`,"meta":${meta}`));
      from = at + 2;
    }
    chunks.push(bytes.subarray(from));
  }
  chunks.push(TAIL);
  for (const c of chunks) total += c === HEAD_BYTES || c === TAIL ? 0 : c.length;
  return Buffer.concat(chunks, total);
}

// The tag's length: where the text form's first piece starts in the rendering.
const first = (asText.all('default', 'User')[0] as unknown as string[])[6]!;
const tagLength = first.indexOf('{');
const a = textPage();
const b = bytesPage(tagLength);
if (!a.equals(b))
  throw new Error(
    `the pages differ: ${a.length} against ${b.length} bytes\n${a.subarray(0, 300)}\n${b.subarray(0, 300)}`,
  );

function cpu(fn: () => unknown): number {
  for (let i = 0; i < ITERATIONS / 4; i++) fn();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < ITERATIONS; i++) fn();
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / ITERATIONS);
  }
  return rounds.sort((x, y) => x - y)[Math.floor(ROUNDS / 2)]!;
}
function heap(fn: () => unknown): number {
  let most = 0;
  for (let t = 0; t < 5; t++) {
    const before = getHeapStatistics().used_heap_size;
    for (let i = 0; i < 10; i++) fn();
    most = Math.max(most, (getHeapStatistics().used_heap_size - before) / 10);
  }
  return most;
}
console.log(
  `a page of 100 users, ${a.length} bytes; CPU µs per page (median of ${ROUNDS} rounds of ${ITERATIONS}), KB of V8 heap per page`,
);
for (let round = 0; round < 2; round++) {
  console.log(
    `text   ${cpu(textPage).toFixed(1).padStart(8)} ${(heap(textPage) / 1024).toFixed(1).padStart(8)}`,
  );
  console.log(
    `bytes  ${cpu(() => bytesPage(tagLength))
      .toFixed(1)
      .padStart(8)} ${(heap(() => bytesPage(tagLength)) / 1024).toFixed(1).padStart(8)}`,
  );
}
db.close();
await store.close();

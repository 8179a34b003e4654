/**
 * In-process CPU of a stored resource's rendering (src/handler/rendering.ts, decision 0014): what a
 * write adds to make it (`renderingOf`), and a read rendered from the data (JSON.parse of the stored
 * text, render, projection, JSON.stringify, as before) beside the same read spliced from the
 * rendering, for the benchmark's users (bench/servers/common.ts), interleaved rounds, medians.
 *
 *   node --conditions=@scim/source bench/rendering.ts
 */
import { loadavg } from 'node:os';
import { renderingOf } from '../src/handler/rendering.ts';
import { renderText } from '../src/handler/representation.ts';
import { toData } from '../src/handler/stored.ts';
import { requestContext } from '../src/handler/test-helpers.ts';
import type { StoredResource } from '../src/store/types.ts';
import { benchUser } from './servers/common.ts';

const ctx = requestContext();
const users = ctx.config.users;
const N = 2_000;
const ROUNDS = 7;
const texts = Array.from({ length: N }, (_, i) => JSON.stringify(toData(users, benchUser(i))));
const datas = texts.map((t) => JSON.parse(t) as Record<string, unknown>);
const renderings = datas.map((d) => renderingOf(users, d)!);
const at = '2026-12-06T12:00:00.000Z';
const row = (i: number, rendering: string | undefined): StoredResource => {
  let data: Record<string, unknown> | undefined;
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resourceType: 'User',
    version: 3,
    created: at,
    lastModified: at,
    // As the SQLite store gives it: parsed when read.
    get data() {
      data ??= JSON.parse(texts[i]!) as Record<string, unknown>;
      return data;
    },
    ...(rendering === undefined ? {} : { rendering }),
  };
};

function timed(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / N;
}
let sink = 0;
const cases: [string, () => void][] = [
  [
    'read rendered from the data',
    () => {
      for (let i = 0; i < N; i++) sink += renderText(ctx, users, row(i, undefined), {}).length;
    },
  ],
  [
    'read spliced from the rendering',
    () => {
      for (let i = 0; i < N; i++) sink += renderText(ctx, users, row(i, renderings[i]), {}).length;
    },
  ],
  [
    'write: renderingOf',
    () => {
      for (let i = 0; i < N; i++) sink += renderingOf(users, datas[i]!)!.length;
    },
  ],
];
const results = cases.map(() => [] as number[]);
for (let round = 0; round < ROUNDS + 1; round++) {
  for (const [k, [, run]] of cases.entries()) {
    const us = timed(run);
    if (round > 0) results[k]!.push(us); // round 0 warms the JIT
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `Node ${process.version}, load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
);
console.log('| case | CPU µs per resource (median of 7 rounds) |\n|---|---:|');
for (const [k, [name]] of cases.entries()) console.log(`| ${name} | ${median(results[k]!).toFixed(2)} |`);
console.log(`(${sink > 0 ? 'checked' : ''})`);

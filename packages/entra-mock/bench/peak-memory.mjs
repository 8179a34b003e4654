/**
 * Where a process's resident memory is at its peak: loaded with `node --import`, it reads
 * `process.memoryUsage()` every 100 ms and, at the highest resident set seen, the V8 heap's spaces
 * (used / committed, MiB); it prints them to stderr when the process exits. A diagnosis aid: the
 * sampling adds a little heap and CPU, so benchmark figures come from runs without it.
 *
 *   BENCH_USERS=20000 BENCH_GROUPS=200 node --import ./bench/peak-memory.mjs \
 *     --conditions=@scim/source --no-warnings bench/initial-cycle.ts sqlite legacy
 */
import { getHeapSpaceStatistics } from 'node:v8';

const mib = (bytes) => Math.round(bytes / 1048576);
const started = performance.now();
let peak = { rss: 0 };

const sample = () => {
  const usage = process.memoryUsage();
  if (usage.rss <= peak.rss) return;
  const spaces = {};
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_size > 0) spaces[s.space_name] = `${mib(s.space_used_size)}/${mib(s.space_size)}`;
  }
  peak = { seconds: Math.round((performance.now() - started) / 100) / 10, ...usage, spaces };
};

setInterval(sample, 100).unref();
process.on('exit', () => {
  const { seconds, rss, heapTotal, heapUsed, external, arrayBuffers, spaces } = peak;
  process.stderr.write(
    `peak at ${seconds} s: rss ${mib(rss)} MiB, heap ${mib(heapUsed)} used of ${mib(heapTotal)}, ` +
      `external ${mib(external)} (array buffers ${mib(arrayBuffers)}), outside the heap ${mib(rss - heapTotal)}; ` +
      `spaces (used/committed MiB) ${JSON.stringify(spaces)}\n`,
  );
});

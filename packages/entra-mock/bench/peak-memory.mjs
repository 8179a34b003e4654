/**
 * Where a process's resident memory is at its peak: loaded with `node --import`, it reads
 * `process.memoryUsage()` every 100 ms and, at the highest resident set seen, the V8 heap's spaces
 * (used / committed, MiB) and the resident set's anonymous and file-backed parts; it prints them to
 * stderr when the thread exits. Worker threads inherit `--import`, so the store's reader and
 * checkpoint threads print their own line (their heaps are outside the main thread's `heapTotal`).
 * A diagnosis aid: the sampling adds a little heap and CPU, so benchmark figures come from runs
 * without it.
 *
 *   BENCH_USERS=20000 BENCH_GROUPS=200 node --import ./bench/peak-memory.mjs \
 *     --conditions=@scim/source --no-warnings bench/initial-cycle.ts sqlite legacy
 *
 * With `--expose-gc` and `PEAK_LIVE_EVERY=<ms>`, it also forces two collections every so often and
 * prints the heap still used after them (the live set) through the run: a deterministic measure of
 * what the process retains, where the peak depends on when V8 runs its mark-compacts. The forced
 * collections change that timing, so the peak of such a run is not the benchmark's.
 */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

const mib = (bytes) => Math.round(bytes / 1048576);
const started = performance.now();
const seconds = () => Math.round((performance.now() - started) / 100) / 10;
const thread = isMainThread ? 'main thread' : `worker ${threadId}`;
let peak = { rss: 0 };

/** The resident set's anonymous (heaps, malloc) and file-backed (code, mapped files) parts, MiB. */
const residentParts = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kib = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))?.[1] ?? Number.NaN);
  return { anon: Math.round(kib('RssAnon') / 1024), file: Math.round(kib('RssFile') / 1024) };
};

const sample = () => {
  const usage = process.memoryUsage();
  if (usage.rss <= peak.rss) return;
  const spaces = {};
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_size > 0) spaces[s.space_name] = `${mib(s.space_used_size)}/${mib(s.space_size)}`;
  }
  peak = { seconds: seconds(), ...usage, ...residentParts(), spaces };
};
setInterval(sample, 100).unref();

const live = [];
const liveEvery = Number(process.env.PEAK_LIVE_EVERY ?? 0);
const gc = globalThis.gc;
if (liveEvery > 0 && gc) {
  setInterval(() => {
    sample();
    gc();
    gc();
    live.push(`${Math.round(seconds())} s: ${mib(process.memoryUsage().heapUsed)}`);
  }, liveEvery).unref();
}

process.on('exit', () => {
  const { rss, heapTotal, heapUsed, external, arrayBuffers, anon, file, spaces } = peak;
  process.stderr.write(
    `${thread}: peak at ${peak.seconds} s: rss ${mib(rss)} MiB (anonymous ${anon}, files ${file}), ` +
      `heap ${mib(heapUsed)} used of ${mib(heapTotal)}, external ${mib(external)} (array buffers ${mib(arrayBuffers)}), ` +
      `outside the heap ${mib(rss - heapTotal)}; spaces (used/committed MiB) ${JSON.stringify(spaces)}\n` +
      (live.length > 0 ? `${thread}: heap used after forced collections (MiB) ${live.join(', ')}\n` : ''),
  );
});

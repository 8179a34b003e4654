// Preloaded (`--require`) into `scim-server start` by bench/young-generation.ts: counts the main
// thread's garbage collections by kind (perf_hooks' `gc` entries: minor, major, incremental, weak
// callbacks) and their pause time, and on SIGUSR2 appends the totals so far to $PROBE_OUT as one
// JSON line. Worker threads load it too and do nothing.
const threads = require('node:worker_threads');

if (threads.isMainThread) {
  const { appendFileSync } = require('node:fs');
  const { PerformanceObserver, constants } = require('node:perf_hooks');
  const names = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
  };
  const totals = {
    minor: 0,
    minorMs: 0,
    major: 0,
    majorMs: 0,
    incremental: 0,
    incrementalMs: 0,
    weak: 0,
    weakMs: 0,
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const name = names[entry.detail.kind];
      if (name === undefined) continue;
      totals[name]++;
      totals[`${name}Ms`] += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  process.on('SIGUSR2', () => appendFileSync(process.env.PROBE_OUT, `${JSON.stringify(totals)}\n`));
}

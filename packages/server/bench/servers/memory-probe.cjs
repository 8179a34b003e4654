// Preloaded (`--require`) into `scim-server start` by bench/memory-breakdown.ts: on SIGUSR2 the
// main thread appends its V8 heap figures and each worker's (the SQLite readers) to $PROBE_OUT as
// one JSON line; on SIGWINCH it runs a last-resort collection when `gc` is exposed (the bin exposes
// it) and appends how long that took. Worker threads load it too and do nothing.
const threads = require('node:worker_threads');

if (threads.isMainThread) {
  const fs = require('node:fs');
  const v8 = require('node:v8');
  const workers = new Set();
  const Worker = threads.Worker;
  // Keep the readers the store starts, for their heap statistics.
  threads.Worker = class extends Worker {
    constructor(...args) {
      super(...args);
      workers.add(this);
      this.once('exit', () => workers.delete(this));
    }
  };
  require('node:module').syncBuiltinESMExports();
  const out = (line) => fs.appendFileSync(process.env.PROBE_OUT, `${JSON.stringify(line)}\n`);
  process.on('SIGUSR2', async () => {
    const line = { mem: process.memoryUsage(), heap: v8.getHeapStatistics(), workers: [] };
    for (const w of workers) line.workers.push(await w.getHeapStatistics().catch(String));
    out(line);
  });
  process.on('SIGWINCH', () => {
    if (typeof gc !== 'function') return;
    const cpu = process.cpuUsage();
    const start = performance.now();
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    const used = process.cpuUsage(cpu);
    out({ gc: { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 } });
  });
}

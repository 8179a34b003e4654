/**
 * The server of bench/ceiling-budget.ts: bare node:http answering every request with the same
 * bytes (as bench/run.ts's ceiling does), after `argv[2]` µs of busy work on the main thread.
 * The work is timed by the monotonic clock: Node's thread CPU clock (`process.threadCpuUsage`) moves
 * in scheduler ticks of milliseconds here, too coarse for µs; on a machine with a core to spare for
 * the server, as the load generator leaves it, the two agree. `argv[3]` is the body's size in bytes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const workMicros = Number(process.argv[2] ?? 0);
const body = JSON.stringify({ padding: 'x'.repeat(Math.max(0, Number(process.argv[3] ?? 1000) - 14)) });
const length = Buffer.byteLength(body);

/** Spends `micros` µs busy on this thread. */
function work(micros: number): void {
  if (micros <= 0) return;
  const end = performance.now() + micros / 1000;
  while (performance.now() < end) {}
}

const server = createServer((_request, response) => {
  work(workMicros);
  response.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': length });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));

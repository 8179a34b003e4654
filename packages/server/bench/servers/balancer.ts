/**
 * A round-robin TCP load balancer on loopback (node:net): each accepted connection is piped to the
 * next backend port in turn (BENCH_BACKENDS, comma-separated). Keep-alive clients, as autocannon's
 * are, stay on the backend their connection was given.
 */
import { connect, createServer, type Socket } from 'node:net';

const backends = (process.env.BENCH_BACKENDS ?? '')
  .split(',')
  .map(Number)
  .filter((p) => p > 0);
if (backends.length === 0) throw new Error('balancer: BENCH_BACKENDS names no port');

let turn = 0;
const server = createServer((client: Socket) => {
  const port = backends[turn++ % backends.length]!;
  const upstream = connect({ host: '127.0.0.1', port, noDelay: true });
  client.setNoDelay(true);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ ready: true, port: typeof address === 'object' && address !== null ? address.port : 0 });
});

/**
 * The ceiling: a bare `node:http` server that answers each GET with a body fixed in advance (the
 * bytes our server returned for the same URL). No routing beyond a map lookup, no parsing, no store.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const bodies = new Map<string, Buffer>();
process.on('message', (message: { bodies?: Record<string, string> }) => {
  for (const [url, body] of Object.entries(message.bodies ?? {})) bodies.set(url, Buffer.from(body));
  process.send?.({ loaded: bodies.size });
});
const server = createServer((request, response) => {
  const body = bodies.get(request.url ?? '');
  if (body === undefined) {
    response.writeHead(404).end();
    return;
  }
  response
    .writeHead(200, { 'content-type': 'application/scim+json', 'content-length': body.length })
    .end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({
    ready: true,
    port: (server.address() as AddressInfo).port,
    rss: process.memoryUsage().rss,
  });
});

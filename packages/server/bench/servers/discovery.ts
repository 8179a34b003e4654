/**
 * A server of the benchmarks (bench/discovery.ts, and the ceiling of bench/run.ts), picked by argv[2]:
 * - `ours`: createScimHandler on the memory store behind toNodeListener;
 * - `adapter`: toNodeListener around a handler that only returns the bytes it is given (the cost of
 *   the fetch-standard Request/Response objects alone);
 * - `ceiling`: bare node:http answering with the same bytes.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { staticToken } from '../../src/auth/bearer.ts';
import { createScimHandler } from '../../src/handler/index.ts';
import { toNodeListener } from '../../src/node.ts';
import { memoryStore } from '../../src/store/memory.ts';
import { TOKEN } from './common.ts';

const kind = process.argv[2];
const bodies = new Map<string, string>();
process.on('message', (message: { bodies?: Record<string, string> }) => {
  for (const [url, body] of Object.entries(message.bodies ?? {})) bodies.set(url, body);
  process.send?.({ loaded: bodies.size });
});

let listener: RequestListener;
if (kind === 'ours') {
  const handler = createScimHandler({
    store: memoryStore(),
    authenticate: staticToken(TOKEN),
    basePath: '/scim',
  });
  await handler.ready;
  listener = toNodeListener(handler);
} else if (kind === 'adapter') {
  listener = toNodeListener(async (request: Request) => {
    const body = bodies.get(new URL(request.url).pathname);
    return body === undefined
      ? new Response(null, { status: 404 })
      : new Response(body, { status: 200, headers: { 'content-type': 'application/scim+json' } });
  });
} else {
  listener = (request, response) => {
    const body = bodies.get(request.url ?? '');
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/scim+json',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  };
}
const server = createServer(listener);
server.listen(0, '127.0.0.1', () =>
  process.send?.({ ready: true, port: (server.address() as AddressInfo).port }),
);

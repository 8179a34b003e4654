import { createServer } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { staticToken } from '../src/auth/bearer.ts';
import { createScimHandler } from '../src/handler/index.ts';
import { toNodeListener } from '../src/node.ts';
import { sqliteStore } from '../src/store/sqlite.ts';

const path = join(import.meta.dirname, '..', '.cache', 'bench-100000.db');
const handler = createScimHandler({
  store: sqliteStore({ path }),
  authenticate: staticToken('bench-secret-token'),
  basePath: '/scim',
});
await handler.ready;
const server = createServer(toNodeListener(handler));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const port = (server.address() as { port: number }).port;
const h = { authorization: 'Bearer bench-secret-token' };
const f = (await (
  await fetch(
    `http://127.0.0.1:${port}/scim/Users?filter=${encodeURIComponent('userName eq "user050000@example.com"')}&attributes=id`,
    { headers: h },
  )
).json()) as { Resources: { id: string }[] };
const url =
  process.argv[2] === 'list'
    ? `http://127.0.0.1:${port}/scim/Users?count=100`
    : `http://127.0.0.1:${port}/scim/Users/${f.Resources[0]!.id}`;
const r = await autocannon({ url, connections: 10, duration: 4, headers: h });
console.log(r.requests.average);
server.close();
await handler.close();
process.exit(0);

/**
 * Starts a fresh SCIM server (memory store, one bearer token, base path /scim/v2) with
 * `toNodeListener`, runs Microsoft's SCIM test collection against it
 * (`../shared/conformance/run-microsoft-suite.sh`) and exits with the suite's exit code.
 *
 *   node packages/server/scripts/conformance.ts [newman options...]
 *
 * `USER_PATCH=204` answers user PATCH with 204 (as Microsoft's reference server, which the suite
 * expects) instead of the default 200 with the resource.
 *
 * @internal
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createScimHandler } from '../src/handler/index.ts';
import { toNodeListener } from '../src/node.ts';
import { memoryStore } from '../src/store/memory.ts';

const token = 'conformance-token';
const suite = resolve(import.meta.dirname, '../../../../shared/conformance/run-microsoft-suite.sh');
const handler = createScimHandler({
  store: memoryStore(),
  basePath: '/scim/v2',
  userPatchResponse: process.env.USER_PATCH === '204' ? 204 : 200,
  authenticate: async (request, tenant) =>
    request.headers.get('authorization') === `Bearer ${token}`
      ? { tenant, kind: 'bearer', id: 'conformance' }
      : undefined,
});
const server = createServer(toNodeListener(handler));
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const { port } = server.address() as AddressInfo;
const base = `http://127.0.0.1:${port}/scim/v2`;
console.log(`conformance: ${suite} ${base} <token>`);
const child = spawn(suite, [base, token, ...process.argv.slice(2)], { stdio: 'inherit' });
const code = await new Promise<number>((done) => child.on('exit', (c) => done(c ?? 1)));
server.close();
await handler.close();
process.exit(code);

/**
 * Starts a fresh SCIM server (memory store, one bearer token, base path /scim/v2) with
 * `toNodeListener`, runs Microsoft's SCIM test collection against it with the repository's runner
 * (packages/conformance: `pnpm run conformance <url> <token>`, which compares the failures with its
 * expected-failures list) and exits with the runner's exit code.
 *
 *   node packages/server/scripts/conformance.ts [--quiet]
 *
 * `USER_PATCH_RESPONSE=204` answers user PATCH with 204 (as Microsoft's reference server, which the
 * suite expects) instead of the default 200 with the resource, as it does for `scim-server start`;
 * the runner reads the same variable to expect the two PATCH assertions to pass.
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
const runner = resolve(import.meta.dirname, '../../conformance/src/cli.ts');
const userPatch = process.env.USER_PATCH_RESPONSE || '200';
if (userPatch !== '200' && userPatch !== '204') {
  console.error(`USER_PATCH_RESPONSE "${userPatch}" is not 200 or 204.`);
  process.exit(2);
}
const handler = createScimHandler({
  store: memoryStore(),
  basePath: '/scim/v2',
  userPatchResponse: userPatch === '204' ? 204 : 200,
  authenticate: async (request, tenant) =>
    request.headers.get('authorization') === `Bearer ${token}`
      ? { tenant, kind: 'bearer', id: 'conformance' }
      : undefined,
});
const server = createServer(toNodeListener(handler));
await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
const { port } = server.address() as AddressInfo;
const base = `http://127.0.0.1:${port}/scim/v2`;
const child = spawn(
  process.execPath,
  [
    '--experimental-strip-types',
    '--no-warnings=ExperimentalWarning',
    runner,
    base,
    token,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
const code = await new Promise<number>((done) => child.on('exit', (c) => done(c ?? 1)));
server.close();
await handler.close();
process.exit(code);

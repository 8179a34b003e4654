// The one command, end to end: Microsoft's collection run by newman against a fresh @scim/server on
// loopback, its failures compared with the expected ones.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createScimHandler, memoryStore, type ScimServerOptions, toNodeListener } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { main } from './main.ts';
import type { SuiteResult } from './suite.ts';

const token = 'conformance-test-token';

async function serve(
  options: Partial<ScimServerOptions>,
  body: (url: string) => Promise<void>,
): Promise<void> {
  const handler = createScimHandler({
    store: memoryStore(),
    basePath: '/scim/v2',
    authenticate: async (request, tenant) =>
      request.headers.get('authorization') === `Bearer ${token}`
        ? { tenant, kind: 'bearer', id: 'conformance' }
        : undefined,
    ...options,
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`);
  } finally {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
    await handler.close();
  }
}

function io(env: Record<string, string> = {}, run?: () => Promise<SuiteResult>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env, ...(run && { run }) },
  };
}

describe('pnpm run conformance <url> <token>', () => {
  it('passes the server with its defaults: only the four expected assertions fail', async () => {
    await serve({}, async (url) => {
      const r = io();
      expect(await main([url, token, '--quiet'], r.io)).toBe(0);
      expect(r.out.at(-1)).toBe(
        'conformance: 99 of 103 assertions passed; 4 failed as expected, 0 unexpectedly',
      );
      expect(r.err).toEqual([]);
    });
  });

  it('with USER_PATCH_RESPONSE=204 for the server and the runner, only the two /serviceConfiguration ones', async () => {
    await serve({ userPatchResponse: 204 }, async (url) => {
      const r = io({ USER_PATCH_RESPONSE: '204' });
      expect(await main([url, token, '--quiet'], r.io)).toBe(0);
      expect(r.out.at(-1)).toBe(
        'conformance: 101 of 103 assertions passed; 2 failed as expected, 0 unexpectedly',
      );
    });
  });

  it('fails when an expected failure passes: the server answers 204 but the runner was not told', async () => {
    await serve({ userPatchResponse: 204 }, async (url) => {
      const r = io();
      expect(await main([url, token, '--quiet'], r.io)).toBe(1);
      expect(r.err.join('\n')).toContain(
        'expected to fail but passed: User tests with garbage › Patch user omalley new username › Status code is 204',
      );
    });
  });

  it('fails on any other failure, naming it', async () => {
    // A server that filters on userName only fails the collection's other filters.
    await serve({ users: { filterable: ['userName'] } }, async (url) => {
      const r = io();
      expect(await main([url, token, '--quiet'], r.io)).toBe(1);
      expect(r.err.join('\n')).toContain(
        'unexpected failure: User tests with garbage › filter eq and (val or val) › Total results',
      );
    });
  });

  it('says so when nothing listens at the URL', async () => {
    let url = '';
    await serve({}, async (u) => {
      url = u;
    });
    const r = io({}, () => Promise.reject(new Error('must not run')));
    expect(await main([url, token], r.io)).toBe(1);
    expect(r.err).toEqual([
      `conformance: connection refused at ${url}; start the SCIM server first, empty, and pass its base URL`,
    ]);
  });

  it('prints its usage for missing arguments', async () => {
    const r = io();
    expect(await main(['http://127.0.0.1:1/scim/v2'], r.io)).toBe(2);
    expect(r.err[0]).toContain('usage: pnpm run conformance <base-url> <token>');
  });
});

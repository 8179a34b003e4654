import { connect } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { issueToken, revokeToken } from '../auth/tokens.ts';
import { withRequestLogging } from '../log.ts';
import { memoryStore } from '../store/memory.ts';
import type { ScimStore } from '../store/types.ts';
import { fakeStore, recordingContext } from './cli.fixture.ts';
import { runCli } from './run.ts';
import { authenticatorFromEnv, TOKEN_CACHE_MS } from './start.ts';

/** Starts `scim-server start` on a free loopback port; resolves once it listens. */
async function start(store: ScimStore, argv: string[] = [], env: Record<string, string> = {}) {
  const logs: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => {
    listening = resolve;
  });
  const context = recordingContext(store, {
    env: { HOST: '127.0.0.1', PORT: '0', ...env },
    logDestination: { write: (line) => logs.push(line) },
    waitForShutdown: () => stopped,
    err: (text) => {
      context.stderr.push(text);
      const found = /listening on (\S+)/.exec(text);
      if (found) listening(found[1]!);
    },
  });
  const exit = runCli(['start', ...argv], context);
  const base = await Promise.race([
    url,
    exit.then((code) => Promise.reject(new Error(`exited with ${code}: ${context.stderr}`))),
  ]);
  return {
    base,
    logs,
    context,
    stop: async () => {
      stop();
      return exit;
    },
  };
}

describe('scim-server start', () => {
  it('serves SCIM with the store’s bearer tokens and logs each request without the token', async () => {
    const store = memoryStore();
    const { token } = await issueToken(store.tokens, 'default', { label: 'test' });
    const { base, logs, context, stop } = await start(store, ['--base-path', '/scim/v2']);
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    try {
      const ok = await fetch(`${base}/Users?filter=userName%20eq%20%22nobody%22`, {
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'test-1' },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toBe('test-1');
      expect(await ok.json()).toMatchObject({ totalResults: 0, Resources: [] });

      const denied = await fetch(`${base}/Users`, {
        headers: { authorization: 'Bearer scim_0000000000000000_nope' },
      });
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer/);
      await denied.text();
    } finally {
      expect(await stop()).toBe(0);
    }
    expect(context.stderr.at(-1)).toBe('scim-server stopped.');
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ requestId: 'test-1', method: 'GET', status: 200, name: 'scim-server' }),
        expect.objectContaining({ method: 'GET', path: '/scim/v2/Users', status: 401 }),
      ]),
    );
    expect(logs.join('')).not.toContain(token);
    expect(logs.join('')).not.toContain(token.slice(-43));
  });

  it('answers 400 for an unknown member id when UNKNOWN_MEMBERS=reject', async () => {
    const store = memoryStore();
    const { token } = await issueToken(store.tokens, 'default');
    const { base, stop } = await start(store, [], { UNKNOWN_MEMBERS: 'reject' });
    try {
      const created = await fetch(`${base}/Groups`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
          displayName: 'G',
          members: [{ value: 'ghost' }],
        }),
      });
      expect(created.status).toBe(400);
    } finally {
      await stop();
    }
  });

  it('answers a user PATCH with 204 when USER_PATCH_RESPONSE=204', async () => {
    const store = memoryStore();
    const { token } = await issueToken(store.tokens, 'default');
    const { base, stop } = await start(store, [], { USER_PATCH_RESPONSE: '204' });
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
      const created = await fetch(`${base}/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'bjensen',
        }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const patched = await fetch(`${base}/Users/${id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        }),
      });
      expect(patched.status).toBe(204);
    } finally {
      await stop();
    }
  });

  it('takes the tenant from the URL when BASE_PATH has {tenant}', async () => {
    const store = memoryStore();
    const { token } = await issueToken(store.tokens, 'contoso');
    const { base, stop } = await start(store, [], { BASE_PATH: '/api/scim/{tenant}' });
    try {
      const root = base.replace('/{tenant}', '');
      const mine = await fetch(`${root}/contoso/Users`, { headers: { authorization: `Bearer ${token}` } });
      expect(mine.status).toBe(200);
      await mine.text();
      const theirs = await fetch(`${root}/fabrikam/Users`, { headers: { authorization: `Bearer ${token}` } });
      expect(theirs.status).toBe(401);
      await theirs.text();
    } finally {
      await stop();
    }
  });

  it.each([
    [['--port', 'http'], {}, /PORT "http" is not a TCP port/],
    [['--port', '70000'], {}, /PORT "70000" is not a TCP port/],
    [[], { LOG_LEVEL: 'loud' }, /LOG_LEVEL "loud" is not a level/],
    [
      [],
      { JWT_ISSUER: 'https://sts.windows.net/x/' },
      /JWT validation needs .*JWT_AUDIENCE and JWT_JWKS_URL not set/,
    ],
    [['--watch'], {}, /Unknown option '--watch'/],
    [[], { USER_PATCH_RESPONSE: '202' }, /USER_PATCH_RESPONSE "202" is not 200 or 204/],
    [[], { PROFILE: 'lenient' }, /PROFILE "lenient" is not a profile/],
    [[], { UNKNOWN_MEMBERS: 'drop' }, /UNKNOWN_MEMBERS "drop" is not skip or reject/],
  ])('refuses %j %j with exit code 2', async (argv, env, message) => {
    const store = fakeStore();
    const context = recordingContext(store, { env: { PORT: '0', ...env } });
    expect(await runCli(['start', ...argv], context)).toBe(2);
    expect(context.stderr.join('\n')).toMatch(message);
    expect(store.calls.filter((c) => c.startsWith('open'))).toEqual([]);
  });

  it('reports a port in use and closes the store', async () => {
    const store = memoryStore();
    const first = await start(store);
    try {
      const port = new URL(first.base).port;
      const other = fakeStore();
      const context = recordingContext(other, { env: { HOST: '127.0.0.1', PORT: port } });
      expect(await runCli(['start'], context)).toBe(1);
      expect(context.stderr.at(-1)).toMatch(
        new RegExp(`cannot listen on 127.0.0.1 port ${port} \\(EADDRINUSE\\)`),
      );
      expect(other.calls).toContain('close');
    } finally {
      await first.stop();
    }
  });

  it('answers a slow body with 408 within REQUEST_TIMEOUT, and a too long URL with 431, each with a SCIM error body', async () => {
    const store = memoryStore();
    const { token } = await issueToken(store.tokens, 'default');
    const { base, stop } = await start(store, [], { HEADERS_TIMEOUT: '100ms', REQUEST_TIMEOUT: '200ms' });
    try {
      const { hostname, port } = new URL(base);
      const raw = (text: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          let out = '';
          const socket = connect(Number(port), hostname);
          socket.setEncoding('utf8');
          socket.on('data', (d: string) => {
            out += d;
          });
          socket.on('error', reject);
          socket.on('close', () =>
            resolve({ status: Number(out.split(' ')[1]), body: out.split('\r\n\r\n')[1] ?? '' }),
          );
          socket.write(text);
        });
      // Headers, then a body that never ends: Node's default would hold the connection for 300 s.
      const slow = await raw(
        `POST /Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\nContent-Length: 500\r\n\r\n{"user`,
      );
      expect(slow.status).toBe(408);
      expect(JSON.parse(slow.body)).toMatchObject({ status: '408' });
      const long = await raw(`GET /Users?filter=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(long.status).toBe(431);
      expect(JSON.parse(long.body)).toMatchObject({ status: '431' });
    } finally {
      expect(await stop()).toBe(0);
    }
  });

  it('refuses a timeout that is not a duration, and a headers timeout above the request timeout', async () => {
    const context = recordingContext(fakeStore(), { env: { REQUEST_TIMEOUT: 'soon' } });
    expect(await runCli(['start'], context)).toBe(2);
    expect(context.stderr[0]).toMatch(/REQUEST_TIMEOUT "soon" is not a duration/);
    const inverted = recordingContext(fakeStore(), {
      env: { HEADERS_TIMEOUT: '1m', REQUEST_TIMEOUT: '30s' },
    });
    expect(await runCli(['start'], inverted)).toBe(2);
    expect(inverted.stderr[0]).toMatch(/HEADERS_TIMEOUT \(60000 ms\) must not exceed REQUEST_TIMEOUT/);
    const small = recordingContext(fakeStore(), { env: { MAX_HEADER_SIZE: '10' } });
    expect(await runCli(['start'], small)).toBe(2);
    const query = recordingContext(fakeStore(), { env: { QUERY_TIMEOUT: 'a while' } });
    expect(await runCli(['start'], query)).toBe(2);
    expect(query.stderr[0]).toMatch(/QUERY_TIMEOUT "a while" is not a duration/);
  });

  it('opens the store with QUERY_TIMEOUT as its list queries’ budget', async () => {
    const opened: unknown[] = [];
    const store = memoryStore();
    const context = recordingContext(store, {
      env: { HOST: '127.0.0.1', PORT: '0', QUERY_TIMEOUT: '2s', LOG_LEVEL: 'silent' },
      openStore: async (_url, options) => {
        opened.push(options?.queryTimeoutMs);
        return store;
      },
      waitForShutdown: async () => undefined,
    });
    expect(await runCli(['start'], context)).toBe(0);
    const unset = recordingContext(store, {
      env: { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent' },
      openStore: async (_url, options) => {
        opened.push(options?.queryTimeoutMs);
        return store;
      },
      waitForShutdown: async () => undefined,
    });
    expect(await runCli(['start'], unset)).toBe(0);
    expect(opened).toEqual([2000, undefined]);
  });

  it('waits for the shutdown signal before it says it listens, so a signal sent on that line stops it cleanly', async () => {
    const said: string[] = [];
    let stop!: () => void;
    const context = recordingContext(memoryStore(), {
      env: { HOST: '127.0.0.1', PORT: '0' },
      logDestination: { write: () => {} },
      waitForShutdown: () => {
        said.push('waiting for a signal');
        return new Promise<void>((resolve) => {
          stop = resolve;
        });
      },
      err: (text) => {
        said.push(text);
        if (text.includes('listening on')) stop();
      },
    });
    expect(await runCli(['start'], context)).toBe(0);
    expect(said[0]).toBe('waiting for a signal');
    expect(said[1]).toMatch(/^scim-server listening on /);
    expect(said.at(-1)).toBe('scim-server stopped.');
  });

  it('prints its help', async () => {
    const context = recordingContext(fakeStore());
    expect(await runCli(['start', '--help'], context)).toBe(0);
    expect(context.stdout[0]).toMatch(/^Usage: scim-server start/);
  });
});

describe('authenticatorFromEnv', () => {
  it('uses bearer tokens alone, or with JWTs when all JWT variables are set', async () => {
    const tokens = fakeStore().tokens;
    const { token } = await issueToken(tokens, 'contoso');
    const request = new Request('https://x/Users', { headers: { authorization: `Bearer ${token}` } });
    expect(await authenticatorFromEnv({}, tokens)(request, 'contoso')).toMatchObject({ kind: 'bearer' });
    const both = authenticatorFromEnv(
      {
        JWT_ISSUER: 'https://sts.windows.net/x/',
        JWT_AUDIENCE: 'api://scim',
        JWT_JWKS_URL: 'https://127.0.0.1:9/keys',
      },
      tokens,
    );
    expect(await both(request, 'contoso')).toMatchObject({ kind: 'bearer' });
    expect(() =>
      authenticatorFromEnv({ JWT_ISSUER: 'a', JWT_AUDIENCE: 'b', JWT_JWKS_URL: 'not a url' }, tokens),
    ).toThrow(/JWT_JWKS_URL "not a url" is not a URL/);
  });

  it('stops accepting a revoked token within TOKEN_CACHE_MS (5 s), not later', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-01T10:00:00.000Z') });
    try {
      const tokens = fakeStore().tokens;
      const { token, record } = await issueToken(tokens, 'contoso');
      const request = new Request('https://x/Users', { headers: { authorization: `Bearer ${token}` } });
      const authenticate = authenticatorFromEnv({}, tokens);
      expect(await authenticate(request, 'contoso')).toMatchObject({ id: record.id });
      await revokeToken(tokens, 'contoso', record.id);
      expect(TOKEN_CACHE_MS).toBe(5_000);
      vi.advanceTimersByTime(TOKEN_CACHE_MS);
      expect(await authenticate(request, 'contoso')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  // Review of issue 11: a key set that cannot be fetched answered 401 (as a bad token) and was
  // logged as "JWT rejected", like an issuer mismatch.
  it('logs why a JWT could not be verified (its key set unreachable: 503, not 401), with the request id and never the token', async () => {
    const warnings: { object: Record<string, unknown>; message: string | undefined }[] = [];
    const logger = {
      warn: (object: object, message?: string) =>
        warnings.push({ object: object as Record<string, unknown>, message }),
    };
    const authenticate = authenticatorFromEnv(
      {
        JWT_ISSUER: 'https://sts.windows.net/x/',
        JWT_AUDIENCE: 'api://scim',
        JWT_JWKS_URL: 'http://127.0.0.1:9/keys',
      },
      fakeStore().tokens,
      logger,
    );
    // A well-formed JWS whose key set cannot be fetched (nothing listens on port 9).
    const jwt = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const request = new Request('https://x/Users', { headers: { authorization: `Bearer ${jwt}` } });
    const logged = withRequestLogging(
      async (r) => {
        const error = await authenticate(r, 'contoso').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
        return new Response(null, { status: 503 });
      },
      { info() {}, warn() {}, error() {} },
      { generateId: () => 'req-7' },
    );
    await logged(request);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: 'JWT key set unreachable (answered 503)',
      object: { requestId: 'req-7', code: 'ERR_JWKS_UNREACHABLE' },
    });
    expect(String(warnings[0]?.object.reason)).not.toBe('');
    expect(JSON.stringify(warnings)).not.toContain(jwt.split('.')[2]);
  });
});

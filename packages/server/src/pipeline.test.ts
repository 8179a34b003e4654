import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createScimHandler } from './handler/index.ts';
import { createLogger, withRequestLogging } from './log.ts';
import { toNodeListener, toNodeMiddleware } from './node.ts';
import { PIPELINE, pipelineOf, withPipeline } from './pipeline.ts';
import { memoryStore } from './store/memory.ts';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

interface Raw {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One request with the path sent exactly as given (fetch would resolve `.` segments first), and a
 * `Host` that is the same for every server and that the URL parser normalizes (case, default port).
 */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const all = { host: 'SCIM.Example.com:80', ...headers };
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Headers that differ between any two responses (the clock, the connection, a generated id). */
function comparable(raw: Raw, keepRequestId: boolean): Raw {
  const headers = { ...raw.headers };
  delete headers.date;
  delete headers.connection;
  delete headers['keep-alive'];
  if (!keepRequestId) {
    expect(headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    delete headers['x-request-id'];
  }
  return { ...raw, headers };
}

const authenticate = async (request: Request, tenant: string) =>
  request.headers.get('authorization') === 'Bearer t'
    ? { tenant, kind: 'bearer' as const, id: 'tok' }
    : undefined;

/**
 * The same handler served twice: directly (the pipeline) and through a wrapper function of our
 * own (which has no pipeline, so every request takes the fetch path).
 */
async function pair(basePath: string, trustProxy = false) {
  const handler = createScimHandler({ store: memoryStore(), authenticate, basePath });
  await handler.ready;
  const fast = await listen(toNodeListener(handler, { trustProxy }));
  const slow = await listen(toNodeListener((request) => handler(request), { trustProxy }));
  return { handler, fast, slow };
}

const fixed = await pair('/scim/v2');
const tenants = await pair('/api/scim/{tenant}/v2');
const proxied = await pair('/scim/v2', true);

async function expectSame(
  p: { fast: number; slow: number },
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
) {
  const keepId =
    headers['x-request-id'] !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(headers['x-request-id']);
  const [a, b] = await Promise.all([
    send(p.fast, method, path, headers, body),
    send(p.slow, method, path, headers, body),
  ]);
  expect(comparable(a, keepId), `${method} ${path}`).toEqual(comparable(b, keepId));
  return a;
}

describe('the request pipeline behind the Node adapters', () => {
  it('answers exactly as the fetch path does, for discovery documents and everything around them', async () => {
    const user = 'urn:ietf:params:scim:schemas:core:2.0:User';
    const cases: [string, string, Record<string, string>?][] = [
      ['GET', '/scim/v2/ServiceProviderConfig'],
      ['GET', '/scim/v2/serviceproviderconfig/'],
      ['HEAD', '/scim/v2/ServiceProviderConfig'],
      ['GET', '/scim/v2/Schemas'],
      ['GET', `/scim/v2/Schemas/${user}`],
      ['GET', `/scim/v2/Schemas/${user.toUpperCase()}`],
      ['GET', '/scim/v2/Schemas/urn:nope'],
      ['GET', '/scim/v2/ResourceTypes?attributes=id'],
      ['GET', '/scim/v2//ResourceTypes//User'],
      ['GET', '/scim/v2/ResourceTypes/User/extra'],
      ['POST', '/scim/v2/Schemas'],
      ['GET', '/scim/v2/./Schemas'],
      ['GET', '/scim/v2/x/../Schemas'],
      ['GET', '/scim/v2/%53chemas'],
      ['GET', '/scim/v2/Schemas', { 'x-request-id': 'trace-42' }],
      ['GET', '/scim/v2/Schemas', { 'x-request-id': 'not valid' }],
      ['GET', '/scim/v2/Users'],
      ['GET', '/scim/v2/Users', { authorization: 'Bearer t' }],
      ['GET', '/elsewhere/Schemas'],
      ['GET', '/health'],
    ];
    for (const [method, path, headers] of cases) await expectSame(fixed, method, path, headers);
    const got = await expectSame(fixed, 'GET', '/scim/v2/Schemas');
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('application/scim+json; charset=utf-8');
    expect(Number(got.headers['content-length'])).toBe(Buffer.byteLength(got.body));
    expect(JSON.parse(got.body).Resources.length).toBeGreaterThan(1);

    for (const [method, path] of [
      ['GET', '/api/scim/contoso/v2/ServiceProviderConfig'],
      ['GET', '/api/scim/fabrikam/v2/ResourceTypes/Group'],
      ['GET', '/api/scim/contoso/Schemas'],
      ['GET', '/api/scim/con%20toso/v2/Schemas'],
      // The URL parser resolves dot segments: these are other paths (or none) for the fetch path.
      ['GET', '/api/scim/../v2/Schemas'],
      ['GET', '/api/scim/./v2/ServiceProviderConfig'],
      ['GET', '/api/scim/%2e%2e/v2/Schemas'],
      ['GET', '/api/scim/.../v2/Schemas'],
      ['GET', `/api/scim/${'t'.repeat(201)}/v2/Schemas`],
    ] as const) {
      await expectSame(tenants, method, path);
    }
    const located = JSON.parse(
      (await send(tenants.fast, 'GET', '/api/scim/contoso/v2/ServiceProviderConfig')).body,
    );
    expect(located.meta.location).toBe('http://scim.example.com/api/scim/contoso/v2/ServiceProviderConfig');
  });

  it('answers exactly as the fetch path does for any Host and forwarded origin', async () => {
    const hosts = [
      'scim.example.com',
      'SCIM.EXAMPLE.COM.',
      'scim.example.com:8443',
      '[0:0::1]:80',
      '0x7f.1:0080',
      `${'a'.repeat(250)}.com`,
      'bad host!',
      'xn--a',
    ];
    for (const host of hosts) {
      await expectSame(fixed, 'GET', '/scim/v2/ServiceProviderConfig', { host });
      await expectSame(proxied, 'GET', '/scim/v2/ResourceTypes/User', {
        host: 'internal:8080',
        'x-forwarded-host': `${host}, proxy.internal`,
        'x-forwarded-proto': 'https, http',
      });
    }
    await expectSame(proxied, 'GET', '/scim/v2/Schemas', {
      'x-forwarded-host': '',
      'x-forwarded-proto': 'gopher',
    });
    const long = JSON.parse(
      (await send(fixed.fast, 'GET', '/scim/v2/ServiceProviderConfig', { host: 'a'.repeat(300) })).body,
    );
    expect(long.meta.location).toBe('http://localhost/scim/v2/ServiceProviderConfig');
  });

  it('answers exactly as the fetch path does for any path (property-based)', async () => {
    const segment = fc.constantFrom(
      'Schemas',
      'schemas',
      'ResourceTypes',
      'ServiceProviderConfig',
      'User',
      'urn:ietf:params:scim:schemas:core:2.0:User',
      '.',
      '..',
      '...',
      '%2e',
      '%2E%2e',
      '%2F',
      '',
      'v2',
      'contoso',
      'a~b',
      'Users',
      'health',
    );
    const path = fc
      .tuple(
        fc.constantFrom('/scim', '/api/scim', '/x/..', ''),
        fc.array(segment, { maxLength: 3 }),
        fc.array(fc.constantFrom('Schemas', 'ResourceTypes', 'ServiceProviderConfig', 'User', '.', '..'), {
          maxLength: 2,
        }),
        fc.constantFrom('', '/', '?x=1', '?attributes=id#f'),
      )
      .map(([root, middle, end, tail]) => [root, ...middle, ...end].join('/') + tail)
      .map((p) => (p.startsWith('/') ? p : `/${p}`));
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom('GET', 'HEAD'), fc.boolean(), async (p, method, tenant) => {
        await expectSame(tenant ? tenants : fixed, method, p);
      }),
      { numRuns: 300 },
    );
    // 600 requests over loopback: seconds on a loaded machine, more than vitest's default 5 s.
  }, 60_000);

  it('is what serves every request: the fetch path is not called', async () => {
    let calls = 0;
    const port = await listen(
      toNodeListener(
        withPipeline(async () => {
          calls++;
          return new Response('fetch path', { status: 299 });
        }, pipelineOf(fixed.handler)!),
      ),
    );
    expect((await send(port, 'GET', '/scim/v2/ResourceTypes')).status).toBe(200);
    expect((await send(port, 'HEAD', '/scim/v2/Schemas')).status).toBe(200);
    expect((await send(port, 'GET', '/scim/v2/Users')).status).toBe(401);
    expect((await send(port, 'GET', '/scim/v2/Users', { authorization: 'Bearer t' })).status).toBe(200);
    expect((await send(port, 'POST', '/scim/v2/Schemas')).status).toBe(405);
    expect((await send(port, 'GET', '/scim/v2/Schemas/urn:nope')).status).toBe(404);
    expect(calls).toBe(0);
  });

  it('answers exactly as the fetch path does for every endpoint: reads, writes, errors, Bulk', async () => {
    const auth = { authorization: 'Bearer t', 'content-type': 'application/scim+json' };
    const userSchema = 'urn:ietf:params:scim:schemas:core:2.0:User';
    // Each server gets the same writes in the same order; ids differ, so each looks its own up.
    const created = await Promise.all(
      [fixed.fast, fixed.slow].map(async (port) => {
        const r = await send(
          port,
          'POST',
          '/scim/v2/Users',
          auth,
          JSON.stringify({ schemas: [userSchema], userName: `pipe-${port}` }),
        );
        expect(r.status).toBe(201);
        return JSON.parse(r.body) as { id: string; meta: { version: string } };
      }),
    );
    const [a, b] = created as [{ id: string; meta: { version: string } }, { id: string }];
    const same = async (
      method: string,
      path: (id: string) => string,
      headers: Record<string, string>,
      body?: string | ((port: number) => string),
    ) => {
      const bodyFor = (port: number) => (typeof body === 'function' ? body(port) : body);
      const [x, y] = await Promise.all([
        send(fixed.fast, method, path(a.id), headers, bodyFor(fixed.fast)),
        send(fixed.slow, method, path(b.id), headers, bodyFor(fixed.slow)),
      ]);
      // The ids, names and timestamps are each server's own: compare everything else.
      const strip = (raw: Raw, id: string) => ({
        ...comparable(raw, false),
        body: raw.body
          .replaceAll(id, 'ID')
          .replace(/pipe-\d+/g, 'NAME')
          .replace(/"(created|lastModified)":"[^"]+"/g, '"$1":"T"')
          .replace(/W\/\\"[^"\\]+\\"/g, 'VERSION'),
        headers: Object.fromEntries(
          Object.entries(comparable(raw, false).headers).map(([k, v]) => [
            k,
            typeof v === 'string' ? v.replaceAll(id, 'ID').replace(/W\/"[^"]+"/, 'VERSION') : v,
          ]),
        ),
      });
      const left = strip(x, a.id);
      const right = strip(y, b.id);
      expect(
        { ...left, headers: { ...left.headers, 'content-length': undefined } },
        `${method} ${path('{id}')}`,
      ).toEqual({
        ...right,
        headers: { ...right.headers, 'content-length': undefined },
      });
      return x;
    };
    // Reads of one resource (the store is shared): byte for byte.
    const read = (
      method: string,
      path: (id: string) => string,
      headers: Record<string, string>,
      body?: string,
    ) => expectSame(fixed, method, path(a.id), headers, body);
    expect((await read('GET', (id) => `/scim/v2/Users/${id}`, auth)).status).toBe(200);
    await read('HEAD', (id) => `/scim/v2/Users/${id}`, auth);
    await read('GET', (id) => `/scim/v2/Users/${id}?attributes=userName`, auth);
    await read('GET', () => '/scim/v2/Users?filter=userName%20eq%20%22nobody%22', auth);
    await read('GET', () => '/scim/v2/Users?count=100&startIndex=1&attributes=id', auth);
    await read('GET', () => '/scim/v2/Groups', auth);
    await read('GET', () => '/scim/v2/Users?filter=bad%20filter', auth);
    await read('GET', (id) => `/scim/v2/Users/${id}x`, auth);
    await read('GET', (id) => `/scim/v2/Users/${id}`, {});
    await read('GET', (id) => `/scim/v2/Users/${id}`, { authorization: 'Bearer wrong' });
    await same('DELETE', () => '/scim/v2/Users', auth);
    await same('POST', () => '/scim/v2/Users', auth, '{"schemas":');
    await same('POST', () => '/scim/v2/Users', { ...auth, 'content-type': 'text/html' }, '{}');
    // (an oversized body: node.test.ts covers it on both paths)
    await read(
      'POST',
      () => '/scim/v2/Users/.search',
      auth,
      JSON.stringify({ count: 1, attributes: ['id'] }),
    );
    await read('POST', () => '/scim/v2/.search', auth, JSON.stringify({ filter: 'userName eq "x"' }));
    await read('GET', (id) => `/scim/v2/Users/${id}`, { ...auth, 'if-none-match': '*' });
    await same(
      'PATCH',
      (id) => `/scim/v2/Users/${id}`,
      auth,
      JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'displayName', value: 'Changed' }],
      }),
    );
    await same('PATCH', (id) => `/scim/v2/Users/${id}`, { ...auth, 'if-match': 'W/"stale"' }, '{}');
    await same(
      'PUT',
      (id) => `/scim/v2/Users/${id}`,
      auth,
      (port) => JSON.stringify({ schemas: [userSchema], userName: `pipe-${port}`, active: false }),
    );
    await same(
      'POST',
      () => '/scim/v2/Bulk',
      auth,
      (port) =>
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: [
            { method: 'POST', path: '/Groups', bulkId: 'g', data: { displayName: `pipe-${port}` } },
            { method: 'DELETE', path: '/Groups/nope' },
            { method: 'PATCH', path: '/Users/nope', data: {} },
          ],
        }),
    );
    expect((await same('DELETE', (id) => `/scim/v2/Users/${id}`, auth)).status).toBe(204);
    await same('GET', (id) => `/scim/v2/Users/${id}`, auth);
    await same('GET', () => '/scim/v2/Me', auth);
  });

  it('is hidden from users: a symbol of its own, not enumerable, lost by any wrapper but ours', () => {
    expect(Object.keys(fixed.handler)).not.toContain(String(PIPELINE));
    expect(Object.getOwnPropertyDescriptor(fixed.handler, PIPELINE)?.enumerable).toBe(false);
    expect(pipelineOf((request: Request) => fixed.handler(request))).toBeUndefined();
    expect(pipelineOf({ [PIPELINE]: () => undefined })).toBeUndefined();
  });

  it('is served by the Express middleware too, with the mount path', async () => {
    const handler = createScimHandler({ store: memoryStore(), authenticate, basePath: '/scim/v2' });
    const viaFast = express();
    viaFast.use('/scim/v2', toNodeMiddleware(handler));
    const viaFetch = express();
    viaFetch.use(
      '/scim/v2',
      toNodeMiddleware((request) => handler(request)),
    );
    const p = {
      fast: await listen(viaFast as unknown as RequestListener),
      slow: await listen(viaFetch as unknown as RequestListener),
    };
    for (const path of ['/scim/v2/ServiceProviderConfig', '/scim/v2/Schemas/urn:nope', '/scim/v2/Users']) {
      await expectSame(p, 'GET', path);
    }
    expect((await send(p.fast, 'GET', '/scim/v2/ResourceTypes/User')).status).toBe(200);
  });

  it('keeps request logging: withRequestLogging forwards it and logs each request it answers', async () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
    let ids = 0;
    const logged = withRequestLogging(fixed.handler, logger, { generateId: () => `gen-${++ids}` });
    expect(pipelineOf(logged)).toBeDefined();
    expect(pipelineOf(withRequestLogging(async () => new Response(null), logger))).toBeUndefined();
    const port = await listen(toNodeListener(logged));
    const generated = await send(port, 'GET', '/scim/v2/Schemas?token=s3cret', { 'user-agent': 'Azure AD' });
    const kept = await send(port, 'GET', '/scim/v2/ResourceTypes', { 'x-request-id': 'trace-7' });
    const slow = await send(port, 'GET', '/scim/v2/Users');
    expect([generated, kept, slow].map((r) => [r.status, r.headers['x-request-id']])).toEqual([
      [200, 'gen-1'],
      [200, 'trace-7'],
      [401, 'gen-2'],
    ]);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((l) => [l.requestId, l.method, l.path, l.status, l.userAgent])).toEqual([
      ['gen-1', 'GET', '/scim/v2/Schemas?token=%5Bredacted%5D', 200, 'Azure AD'],
      ['trace-7', 'GET', '/scim/v2/ResourceTypes', 200, undefined],
      ['gen-2', 'GET', '/scim/v2/Users', 401, undefined],
    ]);
    expect(lines.join('')).not.toContain('s3cret');
  });

  it('logs the same line as the fetch path, repeated headers included', async () => {
    const logged = (fast: boolean) => {
      const lines: string[] = [];
      const logger = createLogger({ destination: { write: (line: string) => lines.push(line) } });
      const inner = fast ? fixed.handler : (request: Request) => fixed.handler(request);
      return { lines, handler: withRequestLogging(inner, logger, { generateId: () => 'same-id' }) };
    };
    const a = logged(true);
    const b = logged(false);
    expect(pipelineOf(a.handler)).toBeDefined();
    expect(pipelineOf(b.handler)).toBeUndefined();
    const ports = [await listen(toNodeListener(a.handler)), await listen(toNodeListener(b.handler))];
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        // Two User-Agent lines: Node's req.headers keeps only the first, fetch's Headers joins both.
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          path: '/scim/v2/Schemas',
          headers: [
            ['Host', 'scim.example.com'],
            ['User-Agent', 'first'],
            ['User-Agent', 'second'],
          ].flat(),
        });
        req.on('response', (res) => res.resume().on('end', resolve));
        req.on('error', reject);
        req.end();
      });
    }
    const line = (lines: string[]) => {
      const { time: _time, durationMs: _duration, pid: _pid, ...rest } = JSON.parse(lines[0]!);
      return rest;
    };
    expect(line(a.lines)).toEqual(line(b.lines));
    expect(line(a.lines).userAgent).toBe('first, second');
  });

  it('hands an error of the logger to Express, as the fetch path does', async () => {
    const throwing = {
      info: () => {
        throw new Error('log sink down');
      },
      warn: () => {},
      error: () => {},
    };
    const app = express();
    app.use('/scim/v2', toNodeMiddleware(withRequestLogging(fixed.handler, throwing)));
    app.use(
      (error: Error, _req: unknown, res: { status(n: number): { send(t: string): void } }, _next: unknown) =>
        res.status(599).send(`express saw: ${error.message}`),
    );
    const port = await listen(app as unknown as RequestListener);
    expect(await send(port, 'GET', '/scim/v2/Schemas')).toMatchObject({
      status: 599,
      body: 'express saw: log sink down',
    });
  });
});

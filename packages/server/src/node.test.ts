import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttp2Server, connect as http2Connect } from 'node:http2';
import { type AddressInfo, connect as tcpConnect } from 'node:net';
import { URN } from '@scim/schemas';
import express from 'express';
import { afterEach, describe, expect, test } from 'vitest';
import { staticToken } from './auth/bearer.ts';
import { createScimHandler } from './handler/index.ts';
import { createNodeServer, headerList, toNodeListener, toNodeMiddleware } from './node.ts';
import { memoryStore } from './store/memory.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function handler(basePath = '/scim/v2') {
  return createScimHandler({
    store: memoryStore(),
    authenticate: async (request, tenant) =>
      request.headers.get('authorization') === 'Bearer t' ? { tenant, kind: 'bearer', id: 'tok' } : undefined,
    basePath,
  });
}

async function listen(listener: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const headers = { authorization: 'Bearer t', 'content-type': 'application/scim+json' };

describe('headerList', () => {
  test("lists a reply's headers by name, as fetch's Headers iterates them", () => {
    expect(
      headerList({ 'content-type': 'a', location: 'b', etag: 'c', 'x-request-id': 'd', 'retry-after': 'e' }),
    ).toEqual(['content-type', 'a', 'etag', 'c', 'location', 'b', 'retry-after', 'e', 'x-request-id', 'd']);
    expect(headerList({})).toEqual([]);
  });

  test("puts the headers of a created resource on the wire in the fetch path's order", async () => {
    const scim = handler();
    const fast = await listen(toNodeListener(scim));
    const slow = await listen(toNodeListener((request: Request) => scim(request)));
    const names = async (url: string, userName: string) => {
      const response = await fetch(`${url}/scim/v2/Users`, {
        method: 'POST',
        headers: { ...headers, 'x-request-id': 'same-id' },
        body: JSON.stringify({ schemas: [URN.User], userName }),
      });
      expect(response.status).toBe(201);
      return rawHeaderNames(url, `/scim/v2/Users/${((await response.json()) as { id: string }).id}`);
    };
    // Created: location and etag come after content-type in the reply, before it by name.
    const created = await createdHeaderNames(fast);
    expect(created).toEqual(await createdHeaderNames(slow));
    expect(created.indexOf('etag')).toBeLessThan(created.indexOf('location'));
    expect(await names(fast, 'a@example.com')).toEqual(await names(slow, 'b@example.com'));
  });
});

/** The header names of a response as they came on the wire (no Date, connection headers). */
function wireNames(raw: readonly string[]): string[] {
  const ignored = new Set(['date', 'connection', 'keep-alive']);
  return raw
    .filter((_, i) => i % 2 === 0)
    .map((n) => n.toLowerCase())
    .filter((n) => !ignored.has(n));
}

function rawHeaderNames(url: string, path: string, method = 'GET', body?: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(wireNames(res.rawHeaders)));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function createdHeaderNames(url: string): Promise<string[]> {
  const body = JSON.stringify({ schemas: [URN.User], userName: `u${Math.random()}@example.com` });
  return rawHeaderNames(url, '/scim/v2/Users', 'POST', body);
}

describe('toNodeListener', () => {
  test('serves a kept discovery document whole every time, its Content-Length in bytes (not characters)', async () => {
    // A discovery reply is made once and kept as UTF-8 bytes; a non-ASCII character makes its byte
    // length differ from its text's length.
    const scim = createScimHandler({
      store: memoryStore(),
      authenticate: async () => undefined,
      basePath: '/scim/v2',
      documentationUri: 'https://example.com/docs/d\u00e9couverte',
    });
    const url = await listen(toNodeListener(scim));
    const expected = await (await scim(new Request('http://x/scim/v2/ServiceProviderConfig'))).text();
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${url}/scim/v2/ServiceProviderConfig`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(Number(response.headers.get('content-length'))).toBe(bytes.byteLength);
      const body = JSON.parse(new TextDecoder().decode(bytes));
      expect(body.documentationUri).toBe('https://example.com/docs/d\u00e9couverte');
      expect(body.meta.location).toBe(`${url}/scim/v2/ServiceProviderConfig`);
      // The fetch handler's copy of the kept bytes stays whole too.
      expect(await (await scim(new Request('http://x/scim/v2/ServiceProviderConfig'))).text()).toBe(expected);
    }
    const head = await fetch(`${url}/scim/v2/ServiceProviderConfig`, { method: 'HEAD' });
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(`${url}`.length);
    expect(await head.text()).toBe('');
  });

  test("writes a text reply's UTF-8 bytes with their Content-Length, ASCII or not, as the fetch path does", async () => {
    const scim = handler();
    const fast = await listen(toNodeListener(scim));
    const slow = await listen(toNodeListener((request: Request) => scim(request)));
    // ASCII, two-byte, three-byte and four-byte (a surrogate pair) characters.
    for (const displayName of [
      'Plain Name',
      'Zo\u00eb Fran\u00e7ois',
      '\u65e5\u672c \u20ac',
      'emoji \u{1f600}!',
    ]) {
      const created = await fetch(`${fast}/scim/v2/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ schemas: [URN.User], userName: `${displayName}@example.com`, displayName }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const bytesOf = async (url: string, method = 'GET') => {
        const response = await fetch(`${url}/scim/v2/Users/${id}`, { method, headers });
        return {
          length: response.headers.get('content-length'),
          bytes: new Uint8Array(await response.arrayBuffer()),
        };
      };
      const [a, b] = [await bytesOf(fast), await bytesOf(slow)];
      expect(Number(a.length)).toBe(a.bytes.byteLength);
      expect(JSON.parse(new TextDecoder().decode(a.bytes)).displayName).toBe(displayName);
      // The same bytes as the fetch path's, but for its own origin.
      const text = (r: { bytes: Uint8Array }, url: string) =>
        new TextDecoder().decode(r.bytes).replaceAll(url, 'X');
      expect(text(a, fast)).toBe(text(b, slow));
      // HEAD: the GET's Content-Length, no body.
      const head = await bytesOf(fast, 'HEAD');
      expect(head.length).toBe(a.length);
      expect(head.bytes.byteLength).toBe(0);
    }
  });

  test('writes a large text reply (a list page) with its exact Content-Length, ASCII or not, as the fetch path does', async () => {
    const scim = handler();
    const fast = await listen(toNodeListener(scim));
    const slow = await listen(toNodeListener((request: Request) => scim(request)));
    const names = ['Zo\u00eb', '\u65e5\u672c', 'emoji \u{1f600}', 'plain'];
    for (let i = 0; i < 80; i++) {
      const displayName = `${names[i % names.length]} ${i}`;
      const created = await fetch(`${fast}/scim/v2/Users`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ schemas: [URN.User], userName: `u${i}@example.com`, displayName }),
      });
      expect(created.status).toBe(201);
    }
    const page = async (url: string, query: string) => {
      const response = await fetch(`${url}/scim/v2/Users?${query}`, { headers });
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect(Number(response.headers.get('content-length'))).toBe(bytes.byteLength);
      return new TextDecoder().decode(bytes).replaceAll(url, 'X');
    };
    // Only ASCII (the plain names), and with characters of 2, 3 and 4 bytes: both above 4096 characters.
    for (const query of ['filter=displayName%20sw%20%22plain%22', 'count=80']) {
      const text = await page(fast, query);
      expect(text.length).toBeGreaterThan(4096);
      expect(text).toBe(await page(slow, query));
      const listed = JSON.parse(text) as { Resources: { displayName: string }[] };
      expect(listed.Resources.length).toBe(query.startsWith('count') ? 80 : 20);
    }
  });

  test('serves the handler over node:http, streaming bodies both ways', async () => {
    const url = await listen(toNodeListener(handler()));
    const created = await fetch(`${url}/scim/v2/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: [URN.User], userName: 'node' }),
    });
    expect(created.status).toBe(201);
    const body = (await created.json()) as { id: string };
    expect(created.headers.get('location')).toBe(`${url}/scim/v2/Users/${body.id}`);
    const got = await fetch(`${url}/scim/v2/Users/${body.id}`, { headers });
    expect(((await got.json()) as { userName: string }).userName).toBe('node');
    const del = await fetch(`${url}/scim/v2/Users/${body.id}`, { method: 'DELETE', headers });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
  });

  test('an oversized chunked body: 413', async () => {
    const url = await listen(
      toNodeListener(
        createScimHandler({
          store: memoryStore(),
          authenticate: async (_r, tenant) => ({ tenant, kind: 'bearer', id: 'x' }),
          limits: { maxBodyBytes: 100 },
        }),
      ),
    );
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(50)));
        c.close();
      },
    });
    const r = await fetch(`${url}/Users`, {
      method: 'POST',
      headers,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(r.status).toBe(413);
  });

  test('trustProxy takes the public origin from X-Forwarded-*', async () => {
    const url = await listen(toNodeListener(handler(), { trustProxy: true }));
    const r = await fetch(`${url}/scim/v2/Users`, {
      method: 'POST',
      headers: { ...headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'scim.example.com' },
      body: JSON.stringify({ schemas: [URN.User], userName: 'p' }),
    });
    expect(r.headers.get('location')).toMatch(/^https:\/\/scim\.example\.com\/scim\/v2\/Users\//);
  });

  test('a host the URL parser refuses is answered as from localhost, not with a 500', async () => {
    const url = await listen(toNodeListener(handler(), { trustProxy: true }));
    // These pass the adapter's character check; Node.js 22 also refuses a punycode label that does
    // not decode (`xn--a`), which Node.js 24 accepts as it is.
    for (const host of ['[::1', 'scim.example.com:https', 'xn--a']) {
      const local = host === 'xn--a' ? /^http:\/\/(localhost|xn--a)\// : /^http:\/\/localhost\//;
      const created = await fetch(`${url}/scim/v2/Users`, {
        method: 'POST',
        headers: { ...headers, 'x-forwarded-host': host },
        body: JSON.stringify({ schemas: [URN.User], userName: `u${host}` }),
      });
      expect(created.status, host).toBe(201);
      expect(created.headers.get('location'), host).toMatch(local);
      const config = await fetch(`${url}/scim/v2/ServiceProviderConfig`, {
        headers: { 'x-forwarded-host': host },
      });
      expect(config.status, host).toBe(200);
      expect(((await config.json()) as { meta: { location: string } }).meta.location, host).toMatch(local);
    }
  });
});

describe('toNodeMiddleware', () => {
  test('uses an already-parsed req.body without mutating the request', async () => {
    const mw = toNodeMiddleware(handler());
    let seen: { body: unknown; url: string | undefined } | undefined;
    const url = await listen((req, res) => {
      // What express.json() leaves behind: the stream consumed, req.body set, _body flagged.
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const parsed = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        const r = req as IncomingMessage & { body?: unknown; _body?: boolean; originalUrl?: string };
        r.body = Object.freeze(parsed);
        r._body = true;
        r.originalUrl = req.url ?? '/';
        req.url = req.url?.replace('/scim/v2', '') ?? '/';
        mw(req, res, (error) => {
          res.statusCode = 599;
          res.end(String(error));
        });
        seen = { body: r.body, url: req.url };
      });
    });
    const r = await fetch(`${url}/scim/v2/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: [URN.User], userName: 'express' }),
    });
    expect(r.status).toBe(201);
    expect(seen?.body).toEqual({ schemas: [URN.User], userName: 'express' });
    expect(seen?.url).toBe('/Users');
  });

  test('streams the body when no parser ran', async () => {
    const mw = toNodeMiddleware(handler());
    const url = await listen((req, res) => mw(req, res, () => res.end('next')));
    const r = await fetch(`${url}/scim/v2/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: [URN.User], userName: 'raw' }),
    });
    expect(r.status).toBe(201);
  });
});

describe('with Express 4', () => {
  test('mounted under a path after express.json(): the parsed body is used and left as it was', async () => {
    const app = express();
    const bodies: unknown[] = [];
    app.use(express.json({ type: ['application/json', 'application/scim+json'] }));
    app.use((req, _res, next) => {
      bodies.push(req.body);
      next();
    });
    app.use('/scim/v2', toNodeMiddleware(handler()));
    app.use((_req, res) => {
      res.status(418).end();
    });
    const url = await listen(app);
    const body = { schemas: [URN.User], userName: 'exp' };
    const created = await fetch(`${url}/scim/v2/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    expect(created.headers.get('location')).toBe(`${url}/scim/v2/Users/${id}`);
    expect(bodies.at(-1)).toEqual(body);
    const patched = await fetch(`${url}/scim/v2/Users/${id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({
        schemas: [URN.PatchOp],
        Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
      }),
    });
    expect(((await patched.json()) as { active: boolean }).active).toBe(false);
    const bad = await fetch(`${url}/scim/v2/Users`, { headers: { authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
  });
});

/** Sends raw bytes to a server and resolves with all it answers once it closes the connection. */
function raw(
  url: string,
  chunks: readonly string[],
): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(Number(port), '127.0.0.1');
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      out += d;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = out.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head, body });
    });
    for (const chunk of chunks) socket.write(chunk);
  });
}

async function listenServer(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createNodeServer', () => {
  test('answers a request line over the header limit with 431 and a SCIM error body', async () => {
    const url = await listenServer(createNodeServer(handler()));
    const filter = encodeURIComponent(`userName eq "${'x'.repeat(17_000)}"`);
    const r = await raw(url, [`GET /scim/v2/Users?filter=${filter} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expect(r.status).toBe(431);
    expect(r.headers).toMatch(/content-type: application\/scim\+json/i);
    const body = JSON.parse(r.body) as { schemas: string[]; status: string; detail: string };
    expect(body).toMatchObject({ schemas: [URN.Error], status: '431' });
    expect(body.detail).toMatch(/16384 bytes.*POST \/\.search/);
    // Under the limit the same server answers as usual.
    const ok = await fetch(`${url}/scim/v2/Users?filter=${encodeURIComponent('userName eq "a"')}`, {
      headers,
    });
    expect(ok.status).toBe(200);
  });

  test('answers a body that does not arrive in time with 408 and a SCIM error body', async () => {
    const url = await listenServer(
      createNodeServer(handler(), { headersTimeoutMs: 100, requestTimeoutMs: 200 }),
    );
    const r = await raw(url, [
      'POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n{"userName":',
    ]);
    expect(r.status).toBe(408);
    expect(JSON.parse(r.body)).toMatchObject({ schemas: [URN.Error], status: '408' });
  });

  test('answers headers that do not arrive in time with 408, and a malformed request with 400', async () => {
    const url = await listenServer(
      createNodeServer(handler(), { headersTimeoutMs: 100, requestTimeoutMs: 200 }),
    );
    const slow = await raw(url, ['GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\n']);
    expect(slow.status).toBe(408);
    const bad = await raw(url, ['GET /scim/v2/Users HTTP/1.1\r\nHost x\r\n\r\n']);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ status: '400' });
  });

  test('refuses limits that are not positive whole numbers, and a headers timeout above the request timeout', () => {
    expect(() => createNodeServer(handler(), { requestTimeoutMs: 0 })).toThrow(
      /requestTimeoutMs must be a positive/,
    );
    expect(() => createNodeServer(handler(), { headersTimeoutMs: 2000, requestTimeoutMs: 1000 })).toThrow(
      /must not exceed requestTimeoutMs/,
    );
  });
});

describe('toNodeListener over HTTP/2 (the compatibility API)', () => {
  // The pipeline read headers with `headersDistinct`, which an HTTP/2 request does not have.
  test('reads headers and bodies of an http2 request, with a bearer token of our own', async () => {
    const token = 'an-http2-secret-of-16+';
    const h = createScimHandler({
      store: memoryStore(),
      authenticate: staticToken(token),
      basePath: '/scim/v2',
    });
    // The compatibility API hands the listener Http2ServerRequest / Http2ServerResponse objects.
    const server = createHttp2Server(toNodeListener(h) as never);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = http2Connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const call = (path: string, method: string, extra: Record<string, string>, body?: string) =>
      new Promise<{ status: number; body: string; id: unknown }>((resolve, reject) => {
        const stream = client.request({ ':path': path, ':method': method, 'x-request-id': 'h2-1', ...extra });
        let status = 0;
        let id: unknown;
        let text = '';
        stream.on('response', (headers) => {
          status = Number(headers[':status']);
          id = headers['x-request-id'];
        });
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (text += chunk));
        stream.on('end', () => resolve({ status, body: text, id }));
        stream.on('error', reject);
        stream.end(body);
      });
    try {
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
      expect((await call('/scim/v2/Users', 'GET', {})).status).toBe(401);
      const created = await call(
        '/scim/v2/Users',
        'POST',
        auth,
        JSON.stringify({ schemas: [URN.User], userName: 'h2' }),
      );
      expect(created).toMatchObject({ status: 201, id: 'h2-1' });
      const id = (JSON.parse(created.body) as { id: string }).id;
      expect(JSON.parse((await call(`/scim/v2/Users/${id}`, 'GET', auth)).body)).toMatchObject({
        userName: 'h2',
      });
    } finally {
      client.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

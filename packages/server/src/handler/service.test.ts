import { URN } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import type { ScimStore } from '../store/types.ts';
import { harness } from './test-helpers.ts';

describe('authentication and tenants', () => {
  test('no or bad credentials: 401 with a SCIM body and WWW-Authenticate: Bearer', async () => {
    const h = harness();
    for (const auth of [undefined, 'Bearer wrong', 'Basic abc']) {
      const r = await h.call(
        'GET',
        '/Users',
        undefined,
        auth === undefined ? { authorization: '' } : { authorization: auth },
      );
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(r.body).toMatchObject({ schemas: [URN.Error], status: '401' });
    }
  });

  test('tenant from the URL; a token of tenant A on tenant B: 401; no data crosses', async () => {
    const h = harness({ basePath: '/api/scim/{tenant}' });
    const asA = { authorization: 'Bearer token-a' };
    const asB = { authorization: 'Bearer token-b' };
    const created = await h.call(
      'POST',
      'http://scim.test/api/scim/a/Users',
      { schemas: [URN.User], userName: 'alice' },
      asA,
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`http://scim.test/api/scim/a/Users/${created.body.id}`);
    const cross = await h.call('GET', `http://scim.test/api/scim/b/Users/${created.body.id}`, undefined, asA);
    expect(cross.status).toBe(401);
    const otherTenant = await h.call(
      'GET',
      `http://scim.test/api/scim/b/Users/${created.body.id}`,
      undefined,
      asB,
    );
    expect(otherTenant.status).toBe(404);
    const list = await h.call('GET', 'http://scim.test/api/scim/b/Users', undefined, asB);
    expect(list.body.totalResults).toBe(0);
    // Same userName in another tenant is fine.
    const same = await h.call(
      'POST',
      'http://scim.test/api/scim/b/Users',
      { schemas: [URN.User], userName: 'ALICE' },
      asB,
    );
    expect(same.status).toBe(201);
    const del = await h.call(
      'DELETE',
      `http://scim.test/api/scim/b/Users/${created.body.id}`,
      undefined,
      asB,
    );
    expect(del.status).toBe(404);
  });

  test('paths outside the base path: 404', async () => {
    const h = harness({ basePath: '/scim/v2' });
    expect((await h.call('GET', 'http://scim.test/other/Users')).status).toBe(404);
    expect((await h.call('GET', '/Users')).status).toBe(200);
    expect((await h.call('GET', '/Nope')).status).toBe(404);
  });

  test('rate limit per tenant: 429 with Retry-After', async () => {
    const h = harness({ limits: { rateLimit: { requests: 2, windowSeconds: 60 } } });
    expect((await h.call('GET', '/Users')).status).toBe(200);
    expect((await h.call('GET', '/Users')).status).toBe(200);
    const r = await h.call('GET', '/Users');
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('discovery', () => {
  test('/ServiceProviderConfig advertises what is supported', async () => {
    const h = harness({ limits: { maxPageSize: 200, bulk: { maxOperations: 7 } } });
    const r = await h.call('GET', '/ServiceProviderConfig');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      schemas: [URN.ServiceProviderConfig],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: 7 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
    });
    expect(r.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
    const off = harness({ limits: { bulk: false } });
    expect((await off.call('GET', '/ServiceProviderConfig')).body.bulk.supported).toBe(false);
    expect((await off.call('POST', '/Bulk', { Operations: [] })).status).toBe(501);
  });

  test('/Schemas and /ResourceTypes, with ids', async () => {
    const h = harness();
    const s = await h.call('GET', '/Schemas');
    expect(s.body.Resources.map((x: { id: string }) => x.id)).toEqual([
      URN.User,
      URN.EnterpriseUser,
      URN.Group,
    ]);
    expect((await h.call('GET', `/Schemas/${URN.User}`)).body.name).toBe('User');
    expect((await h.call('GET', '/Schemas/urn:nope')).status).toBe(404);
    const t = await h.call('GET', '/ResourceTypes');
    expect(t.body.Resources[0]).toMatchObject({ name: 'User', endpoint: '/Users', schema: URN.User });
    expect((await h.call('GET', '/ResourceTypes/Group')).body.endpoint).toBe('/Groups');
    expect((await h.call('POST', '/Schemas', {})).status).toBe(405);
  });

  test('/Me is 501 unless configured', async () => {
    expect((await harness().call('GET', '/Me')).status).toBe(501);
    const h = harness({ me: async (_r, { principal }) => Response.json({ id: principal.id }) });
    expect((await h.call('GET', '/Me')).body).toEqual({ id: 'tok_default' });
  });

  test('/health pings the store', async () => {
    const h = harness();
    const r = await h.call('GET', '/health', undefined, { authorization: '' });
    expect(r.body).toEqual({ status: 'ok', store: 'memory' });
    await h.store.close();
    const down = await h.call('GET', '/health');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
  });

  test('POST /.search at the root searches every type', async () => {
    const h = harness();
    await h.createUser('x1');
    await h.createGroup('x-group');
    const r = await h.call('POST', '/.search', { schemas: [URN.SearchRequest], filter: 'id pr', count: 10 });
    expect(r.body.totalResults).toBe(2);
    const page2 = await h.call('POST', '/.search', { schemas: [URN.SearchRequest], startIndex: 2, count: 1 });
    expect(page2.body.Resources[0].displayName).toBe('x-group');
  });

  test('wrong methods: 405 with Allow', async () => {
    const h = harness();
    const r = await h.call('DELETE', '/Users');
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('GET, POST');
  });
});

describe('odd requests', () => {
  test('a malformed percent-encoding in the path: 404, not 500', async () => {
    const h = harness();
    expect((await h.call('GET', '/Users/%E0%A4%A')).status).toBe(404);
  });

  // Review of issue 11: URLSearchParams read bytes that are not UTF-8 as U+FFFD.
  test('a query parameter that is not percent-encoded UTF-8: 400, by parameter; + is a space', async () => {
    const h = harness();
    await h.createUser('plus one');
    for (const [query, scimType] of [
      ['attributes=%FFuserName', 'invalidValue'],
      ['excludedAttributes=%ED%A0%80', 'invalidValue'],
      ['sortBy=userName%C3', 'invalidValue'],
      ['FILTER=userName%20eq%20%22%FF%22', 'invalidFilter'],
    ] as const) {
      const r = await h.call('GET', `/Users?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.scimType, query).toBe(scimType);
    }
    // A parameter this server does not read is left alone, whatever its bytes.
    expect((await h.call('GET', '/Users?x=%FF')).status).toBe(200);
    const plus = await h.call('GET', '/Users?filter=userName+eq+%22plus+one%22&attributes=userName');
    expect(plus.body.totalResults).toBe(1);
  });

  test('groups of a user in a list only when asked for', async () => {
    const h = harness();
    const u = await h.createUser('m');
    const g = await h.createGroup('G', [u.id]);
    const plain = await h.call('GET', '/Users');
    expect(plain.body.Resources[0].groups).toBeUndefined();
    const asked = await h.call('GET', '/Users?attributes=userName,groups');
    expect(asked.body.Resources[0].groups).toEqual([expect.objectContaining({ value: g.id, display: 'G' })]);
    const members = await h.call('GET', '/Groups?attributes=members.value');
    expect(members.body.Resources[0].members).toEqual([{ value: u.id }]);
  });

  test('If-None-Match: * on an existing resource: 304', async () => {
    const h = harness();
    const u = await h.createUser('n');
    expect((await h.call('GET', `/Users/${u.id}`, undefined, { 'if-none-match': '*' })).status).toBe(304);
    expect((await h.call('GET', `/Users/${u.id}`, undefined, { 'if-none-match': 'W/"7"' })).status).toBe(200);
  });

  test('every response carries x-request-id', async () => {
    const h = harness();
    const r = await h.call('GET', '/Users');
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await h.call('GET', '/Users', undefined, { 'x-request-id': 'bad id with spaces' });
    expect(bad.headers.get('x-request-id')).not.toBe('bad id with spaces');
  });
});

describe('the store failing', () => {
  const failing = (inner: ScimStore, error: () => unknown): ScimStore => ({
    ...inner,
    list: async () => {
      throw error();
    },
    create: async () => {
      throw error();
    },
  });

  test('an unreachable database: 503 with Retry-After', async () => {
    const err = () =>
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const h = harness({}, failing(memoryStore(), err));
    const r = await h.call('GET', '/Users');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('5');
    expect(r.body.detail).not.toContain('5432');
  });

  test('an unknown error: 500 with a request id, no stack, no message', async () => {
    const logged: unknown[] = [];
    const h = harness(
      { logger: { info: () => {}, warn: () => {}, error: (f) => logged.push(f) } },
      failing(memoryStore(), () => new TypeError('secret internals at foo.ts:12')),
    );
    const r = await h.call(
      'POST',
      '/Users',
      { schemas: [URN.User], userName: 'x' },
      { 'x-request-id': 'req-123' },
    );
    expect(r.status).toBe(500);
    expect(r.body.detail).toContain('req-123');
    expect(JSON.stringify(r.body)).not.toContain('secret');
    expect(r.headers.get('x-request-id')).toBe('req-123');
    expect(logged).toHaveLength(1);
  });
});

describe('/Bulk', () => {
  test('bulkId references, in any order', async () => {
    const h = harness();
    const r = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'g',
          data: { schemas: [URN.Group], displayName: 'G', members: [{ value: 'bulkId:u' }] },
        },
        { method: 'POST', path: '/Users', bulkId: 'u', data: { schemas: [URN.User], userName: 'bulk' } },
        {
          method: 'PATCH',
          path: '/Users/bulkId:u',
          data: { schemas: [URN.PatchOp], Operations: [{ op: 'add', path: 'title', value: 'T' }] },
        },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.schemas).toEqual([URN.BulkResponse]);
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(['201', '201', '200']);
    const group = r.body.Operations.find((o: { bulkId?: string }) => o.bulkId === 'g');
    const g = await h.call('GET', new URL(group.location).pathname);
    expect(g.body.members).toHaveLength(1);
    expect(g.body.members[0].display).toBe('bulk');
  });

  test('failOnErrors stops after that many errors; errors carry the SCIM body', async () => {
    const h = harness();
    await h.createUser('dup');
    const r = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      failOnErrors: 1,
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [URN.User], userName: 'DUP' } },
        { method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [URN.User], userName: 'fine' } },
      ],
    });
    expect(r.body.Operations).toHaveLength(1);
    expect(r.body.Operations[0]).toMatchObject({ status: '409', response: { scimType: 'uniqueness' } });
    expect(
      (await h.call('GET', `/Users?filter=${encodeURIComponent('userName eq "fine"')}`)).body.totalResults,
    ).toBe(0);
  });

  test('a path that leaves the tenant is refused', async () => {
    const h = harness({ basePath: '/scim/{tenant}' });
    const r = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      Operations: [
        { method: 'DELETE', path: '/../other/Users/x' },
        { method: 'DELETE', path: '/Users/%E0%A4%A' },
      ],
    });
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(['400', '404']);
  });

  test('maxOperations and maxPayloadSize: 413; circular references: 409', async () => {
    const h = harness({ limits: { bulk: { maxOperations: 2, maxPayloadSize: 2000 } } });
    const op = { method: 'DELETE', path: '/Users/x' };
    expect(
      (await h.call('POST', '/Bulk', { schemas: [URN.BulkRequest], Operations: [op, op, op] })).status,
    ).toBe(413);
    const big = {
      schemas: [URN.BulkRequest],
      Operations: [{ method: 'POST', path: '/Users', bulkId: 'a', data: { userName: 'x'.repeat(3000) } }],
    };
    expect((await h.call('POST', '/Bulk', big)).status).toBe(413);
    const circular = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      Operations: [
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'a',
          data: { displayName: 'A', members: [{ value: 'bulkId:b' }] },
        },
        {
          method: 'POST',
          path: '/Groups',
          bulkId: 'b',
          data: { displayName: 'B', members: [{ value: 'bulkId:a' }] },
        },
      ],
    });
    expect(circular.body.Operations.map((o: { status: string }) => o.status)).toEqual(['409', '409']);
  });
});

describe('/Bulk results (review of issue 11)', () => {
  // RFC 7644 section 3.7.3: "location" is required in every result but a failed POST; PATCH,
  // PUT and DELETE results lacked it.
  test('every result but a failed POST carries the location of its resource', async () => {
    const h = harness();
    const u = await h.createUser('located');
    const r = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      Operations: [
        {
          method: 'PATCH',
          path: `/Users/${u.id}`,
          data: { schemas: [URN.PatchOp], Operations: [{ op: 'add', path: 'title', value: 'T' }] },
        },
        { method: 'PUT', path: `/Users/${u.id}`, data: { schemas: [URN.User], userName: 'located' } },
        { method: 'DELETE', path: '/Users/nobody' },
        { method: 'POST', path: '/Users', bulkId: 'dup', data: { schemas: [URN.User], userName: 'located' } },
        { method: 'DELETE', path: `/Users/${u.id}` },
      ],
    });
    const results = r.body.Operations as { status: string; location?: string }[];
    expect(results.map((o) => o.status)).toEqual(['200', '200', '404', '409', '204']);
    const at = `http://scim.test/Users/${u.id}`;
    expect(results.map((o) => o.location)).toEqual([at, at, 'http://scim.test/Users/nobody', undefined, at]);
  });

  // An operation that fails in an unexpected way is a 500 for that operation alone, logged with the
  // request id like any other 500 (a sub-request that threw outside the error path was not).
  test('an unexpected error in one operation: a 500 for it alone, logged once', async () => {
    const logged: unknown[] = [];
    const store = memoryStore();
    const h = harness(
      { logger: { info: () => {}, warn: () => {}, error: (f) => logged.push(f) } },
      {
        ...store,
        delete: async () => {
          throw new TypeError('secret internals');
        },
      },
    );
    const u = await h.createUser('doomed');
    const r = await h.call(
      'POST',
      '/Bulk',
      {
        schemas: [URN.BulkRequest],
        Operations: [
          { method: 'DELETE', path: `/Users/${u.id}` },
          { method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [URN.User], userName: 'ok' } },
        ],
      },
      { 'x-request-id': 'req-bulk' },
    );
    expect(r.status).toBe(200);
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(['500', '201']);
    expect(r.body.Operations[0].response.detail).toContain('req-bulk');
    expect(logged).toHaveLength(1);
  });
});

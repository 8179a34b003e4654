import { URN } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { harness } from './test-helpers.ts';

const ERR = URN.Error;

describe('POST /Users', () => {
  test('creates a user: 201, Location, ETag, meta, scim+json', async () => {
    const h = harness();
    const r = await h.call('POST', '/Users', {
      schemas: [URN.User],
      userName: 'bjensen@example.com',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
      active: true,
    });
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('location')).toBe(`http://scim.test/Users/${r.body.id}`);
    expect(r.body.meta).toMatchObject({
      resourceType: 'User',
      location: r.headers.get('location'),
      version: 'W/"1"',
    });
    expect(r.headers.get('etag')).toBe('W/"1"');
    expect(r.body.schemas).toEqual([URN.User]);
    expect(r.body.name.givenName).toBe('Barbara');
  });

  test("accepts Entra's string booleans and ignores unknown attributes (entra profile)", async () => {
    const h = harness();
    const r = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'a', active: 'False', foo: 1 });
    expect(r.status).toBe(201);
    expect(r.body.active).toBe(false);
    expect(r.body.foo).toBeUndefined();
  });

  test('strict profile rejects unknown attributes and string booleans', async () => {
    const h = harness({ profile: 'strict' });
    const r1 = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'a', foo: 1 });
    expect(r1.status).toBe(400);
    expect(r1.body.scimType).toBe('invalidSyntax');
    const r2 = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'a', active: 'True' });
    expect(r2.status).toBe(400);
    expect(r2.body.scimType).toBe('invalidValue');
  });

  test('missing required attributes: 400 naming each', async () => {
    const h = harness({ users: { required: ['emails', 'name.givenName'] } });
    const r = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'a' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ schemas: [ERR], status: '400', scimType: 'invalidValue' });
    expect(r.body.detail).toContain('emails');
    expect(r.body.detail).toContain('name.givenName');
    const r2 = await h.call('POST', '/Users', { schemas: [URN.User], name: { givenName: 'x' } });
    expect(r2.status).toBe(400);
    expect(r2.body.detail).toContain('userName');
  });

  test('case-insensitive userName uniqueness: 409 uniqueness', async () => {
    const h = harness();
    await h.createUser('BJensen@example.com');
    const r = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'bjensen@EXAMPLE.com' });
    expect(r.status).toBe(409);
    expect(r.body.scimType).toBe('uniqueness');
  });

  test('50 concurrent POSTs of one userName in different casings: exactly one 201', async () => {
    const h = harness();
    const name = 'concurrent.user@example.com';
    const casings = Array.from({ length: 50 }, (_, i) =>
      [...name].map((c, j) => ((i >> (j % 6)) & 1 ? c.toUpperCase() : c)).join(''),
    );
    const results = await Promise.all(
      casings.map((userName) => h.call('POST', '/Users', { schemas: [URN.User], userName })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
    const list = await h.call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}`);
    expect(list.body.totalResults).toBe(1);
  });

  test('malformed JSON: 400 invalidSyntax, nothing stored', async () => {
    const h = harness();
    const r = await h.call('POST', '/Users', '{"userName": ');
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidSyntax');
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts/);
    expect((await h.call('GET', '/Users')).body.totalResults).toBe(0);
  });

  test('wrong types: 400 invalidValue', async () => {
    const h = harness();
    const r = await h.call('POST', '/Users', { schemas: [URN.User], userName: 42, emails: 'x' });
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidValue');
  });

  test('a body that is not an object: 400', async () => {
    const h = harness();
    expect((await h.call('POST', '/Users', '[1,2]')).status).toBe(400);
    expect((await h.call('POST', '/Users', '"x"')).status).toBe(400);
    expect((await h.call('POST', '/Users', '')).status).toBe(400);
  });

  test('oversized body: 413, counted on the stream even without Content-Length', async () => {
    const h = harness({ limits: { maxBodyBytes: 1000 } });
    const big = JSON.stringify({ schemas: [URN.User], userName: 'a', displayName: 'x'.repeat(2000) });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await h.handler(
      new Request('http://scim.test/Users', {
        method: 'POST',
        headers: { authorization: 'Bearer token-default', 'content-type': 'application/scim+json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    const lying = await h.call('POST', '/Users', big, { 'content-length': '10' });
    expect(lying.status).toBe(413);
    expect((await h.call('GET', '/Users')).body.totalResults).toBe(0);
  });

  test('deep nesting: 400 invalidSyntax', async () => {
    const h = harness();
    const deep = `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`;
    const r = await h.call('POST', '/Users', deep);
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidSyntax');
  });

  test('unsupported media type: 415', async () => {
    const h = harness();
    const r = await h.call('POST', '/Users', 'userName=a', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(415);
  });

  test('accepts application/json', async () => {
    const h = harness();
    const r = await h.call(
      'POST',
      '/Users',
      { schemas: [URN.User], userName: 'j' },
      { 'content-type': 'application/json' },
    );
    expect(r.status).toBe(201);
  });

  test('password is never stored or returned', async () => {
    const h = harness();
    const u = await h.createUser('p', { password: 'hunter2' });
    expect(JSON.stringify(u)).not.toContain('hunter2');
    const stored = await h.store.get('default', 'User', u.id);
    expect(JSON.stringify(stored)).not.toContain('hunter2');
  });
});

describe('GET /Users', () => {
  test('by id, 404 for an unknown id, If-None-Match 304', async () => {
    const h = harness();
    const u = await h.createUser('a');
    const r = await h.call('GET', `/Users/${u.id}`);
    expect(r.status).toBe(200);
    expect(r.body.userName).toBe('a');
    expect(r.headers.get('etag')).toBe('W/"1"');
    const nm = await h.call('GET', `/Users/${u.id}`, undefined, { 'if-none-match': 'W/"1"' });
    expect(nm.status).toBe(304);
    expect(nm.body).toBeUndefined();
    const missing = await h.call('GET', '/Users/does-not-exist');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ schemas: [ERR], status: '404' });
  });

  test('SQL metacharacters in ids and filters: no 500', async () => {
    const h = harness();
    await h.createUser("o'brien");
    expect((await h.call('GET', `/Users/${encodeURIComponent("1' OR '1'='1")}`)).status).toBe(404);
    const r = await h.call(
      'GET',
      `/Users?filter=${encodeURIComponent(`userName eq "o'brien" or userName eq "x\\" --"`)}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.totalResults).toBe(1);
  });

  test('empty query result: 200 and an empty ListResponse', async () => {
    const h = harness();
    const r = await h.call('GET', `/Users?filter=${encodeURIComponent('userName eq "nobody"')}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      schemas: [URN.ListResponse],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  test('filter userName eq with another case finds the user', async () => {
    const h = harness();
    await h.createUser('Test.User@contoso.com');
    const r = await h.call(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "test.user@CONTOSO.com"')}`,
    );
    expect(r.body.totalResults).toBe(1);
    expect(r.body.Resources[0].userName).toBe('Test.User@contoso.com');
  });

  test('inactive users are returned by GET and filters', async () => {
    const h = harness();
    const u = await h.createUser('off', { active: false });
    expect((await h.call('GET', `/Users/${u.id}`)).body.active).toBe(false);
    const r = await h.call('GET', `/Users?filter=${encodeURIComponent('active eq false')}`);
    expect(r.body.totalResults).toBe(1);
  });

  test('invalid filter: 400 invalidFilter', async () => {
    const h = harness();
    const r = await h.call('GET', `/Users?filter=${encodeURIComponent('userName xx "a"')}`);
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidFilter');
  });

  test('filterable allow-list: other attributes are 400 invalidFilter', async () => {
    const h = harness({ users: { filterable: ['userName'] } });
    expect((await h.call('GET', `/Users?filter=${encodeURIComponent('userName eq "a"')}`)).status).toBe(200);
    expect((await h.call('GET', `/Users?filter=${encodeURIComponent('externalId eq "a"')}`)).status).toBe(
      200,
    );
    const r = await h.call('GET', `/Users?filter=${encodeURIComponent('title eq "a"')}`);
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidFilter');
  });

  test('a filter refused by the allow-list names the filterable attributes as the schema does, once', async () => {
    const h = harness({ users: { filterable: ['USERNAME', 'externalId', 'emails.value'] } });
    const r = await h.call('GET', `/Users?filter=${encodeURIComponent('DISPLAYNAME eq "a"')}`);
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain(
      'filter: "displayName" is not filterable on User; filter on one of userName, externalId, emails.value, id or meta',
    );
  });

  test('sorting, paging and clamping to maxPageSize', async () => {
    const h = harness({ limits: { maxPageSize: 3 } });
    for (const n of ['d', 'b', 'e', 'a', 'c']) await h.createUser(n);
    const r = await h.call('GET', '/Users?sortBy=userName&sortOrder=descending&startIndex=2&count=10');
    expect(r.body.totalResults).toBe(5);
    expect(r.body.itemsPerPage).toBe(3);
    expect(r.body.startIndex).toBe(2);
    expect(r.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['d', 'c', 'b']);
    const zero = await h.call('GET', '/Users?count=0');
    expect(zero.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    expect((await h.call('GET', '/Users?sortBy=nope')).status).toBe(400);
    expect((await h.call('GET', '/Users?sortOrder=sideways')).status).toBe(400);
    expect((await h.call('GET', '/Users?count=abc')).status).toBe(400);
  });

  test('attributes and excludedAttributes projection', async () => {
    const h = harness();
    const u = await h.createUser('proj', { displayName: 'P', title: 'T' });
    const r = await h.call('GET', `/Users/${u.id}?attributes=userName`);
    expect(Object.keys(r.body).sort()).toEqual(['id', 'schemas', 'userName']);
    const x = await h.call('GET', `/Users/${u.id}?excludedAttributes=title,displayName`);
    expect(x.body.title).toBeUndefined();
    expect(x.body.displayName).toBeUndefined();
    expect(x.body.userName).toBe('proj');
  });

  test('attributes with a value filter select the attribute (Microsoft test suite shape)', async () => {
    const h = harness();
    await h.createUser('f', { emails: [{ type: 'work', value: 'w@x.com' }], title: 'T' });
    const r = await h.call(
      'GET',
      `/Users?attributes=${encodeURIComponent('emails[type eq "work"],userName')}`,
    );
    expect(r.body.Resources[0]).toEqual({
      schemas: [URN.User],
      id: expect.any(String),
      userName: 'f',
      emails: [{ type: 'work', value: 'w@x.com' }],
    });
  });

  test('POST /Users/.search with a SearchRequest body', async () => {
    const h = harness();
    await h.createUser('s1');
    await h.createUser('s2');
    const r = await h.call('POST', '/Users/.search', {
      schemas: [URN.SearchRequest],
      filter: 'userName sw "s"',
      attributes: ['userName'],
      sortBy: 'userName',
      count: 1,
    });
    expect(r.status).toBe(200);
    expect(r.body.totalResults).toBe(2);
    expect(r.body.Resources).toEqual([{ schemas: [URN.User], id: expect.any(String), userName: 's1' }]);
  });
});

describe('PUT /Users', () => {
  test('replaces the resource; If-Match stale: 412 and nothing changed', async () => {
    const h = harness();
    const u = await h.createUser('put', { title: 'old' });
    const r = await h.call('PUT', `/Users/${u.id}`, {
      schemas: [URN.User],
      userName: 'put',
      displayName: 'D',
    });
    expect(r.status).toBe(200);
    expect(r.body.title).toBeUndefined();
    expect(r.body.displayName).toBe('D');
    expect(r.headers.get('etag')).toBe('W/"2"');
    const stale = await h.call(
      'PUT',
      `/Users/${u.id}`,
      { schemas: [URN.User], userName: 'changed' },
      { 'if-match': 'W/"1"' },
    );
    expect(stale.status).toBe(412);
    expect((await h.call('GET', `/Users/${u.id}`)).body.userName).toBe('put');
    const ok = await h.call(
      'PUT',
      `/Users/${u.id}`,
      { schemas: [URN.User], userName: 'changed' },
      { 'if-match': 'W/"2"' },
    );
    expect(ok.status).toBe(200);
  });

  test('unknown id: 404; id mismatch: 400 mutability; taken userName: 409', async () => {
    const h = harness();
    const a = await h.createUser('a');
    await h.createUser('b');
    expect((await h.call('PUT', '/Users/nope', { schemas: [URN.User], userName: 'x' })).status).toBe(404);
    const mismatch = await h.call('PUT', `/Users/${a.id}`, {
      schemas: [URN.User],
      id: 'other',
      userName: 'a',
    });
    expect(mismatch.body.scimType).toBe('mutability');
    const taken = await h.call('PUT', `/Users/${a.id}`, { schemas: [URN.User], userName: 'B' });
    expect(taken.status).toBe(409);
  });
});

describe('PATCH /Users (Entra shapes)', () => {
  const patch = (Operations: unknown[]) => ({ schemas: [URN.PatchOp], Operations });

  test('"op": "Replace" with a string boolean deactivates: 200 with the resource', async () => {
    const h = harness();
    const u = await h.createUser('p1', { active: true });
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([{ op: 'Replace', path: 'active', value: 'False' }]),
    );
    expect(r.status).toBe(200);
    expect(r.body.active).toBe(false);
    expect(r.headers.get('etag')).toBe('W/"2"');
  });

  test('path-less replace with dotted keys', async () => {
    const h = harness();
    const u = await h.createUser('p2');
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([
        {
          op: 'replace',
          value: { 'name.givenName': 'Ann', 'name.familyName': 'Lee', displayName: 'Ann Lee' },
        },
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.body.name).toEqual({ givenName: 'Ann', familyName: 'Lee' });
  });

  test('emails[type eq "work"].value path, and the enterprise extension', async () => {
    const h = harness();
    const u = await h.createUser('p3', { emails: [{ type: 'work', value: 'old@x.com' }] });
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'new@x.com' },
        { op: 'add', path: `${URN.EnterpriseUser}:department`, value: 'Sales' },
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.body.emails).toEqual([{ type: 'work', value: 'new@x.com' }]);
    expect(r.body[URN.EnterpriseUser]).toEqual({ department: 'Sales' });
    expect(r.body.schemas).toContain(URN.EnterpriseUser);
  });

  test('userPatchResponse 204', async () => {
    const h = harness({ userPatchResponse: 204 });
    const u = await h.createUser('p4');
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([{ op: 'replace', path: 'displayName', value: 'X' }]),
    );
    expect(r.status).toBe(204);
    expect(r.body).toBeUndefined();
  });

  test('errors: bad path 400 invalidPath, readOnly 400 mutability, no Operations 400, unknown id 404, stale If-Match 412', async () => {
    const h = harness();
    const u = await h.createUser('p5');
    expect(
      (await h.call('PATCH', `/Users/${u.id}`, patch([{ op: 'replace', path: 'a[[b', value: 1 }]))).body
        .scimType,
    ).toBe('invalidPath');
    expect(
      (await h.call('PATCH', `/Users/${u.id}`, patch([{ op: 'replace', path: 'id', value: 'x' }]))).body
        .scimType,
    ).toBe('mutability');
    expect((await h.call('PATCH', `/Users/${u.id}`, { schemas: [URN.PatchOp] })).status).toBe(400);
    expect(
      (await h.call('PATCH', '/Users/nope', patch([{ op: 'add', path: 'title', value: 'x' }]))).status,
    ).toBe(404);
    const stale = await h.call('PATCH', `/Users/${u.id}`, patch([{ op: 'add', path: 'title', value: 'x' }]), {
      'if-match': 'W/"9"',
    });
    expect(stale.status).toBe(412);
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBeUndefined();
  });

  test('changing userName to a taken one in another case: 409', async () => {
    const h = harness();
    await h.createUser('taken');
    const u = await h.createUser('free');
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([{ op: 'replace', path: 'userName', value: 'TAKEN' }]),
    );
    expect(r.status).toBe(409);
  });

  test('a no-op PATCH writes nothing (version unchanged)', async () => {
    const h = harness();
    const u = await h.createUser('same', { displayName: 'S' });
    const r = await h.call(
      'PATCH',
      `/Users/${u.id}`,
      patch([{ op: 'replace', path: 'displayName', value: 'S' }]),
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('etag')).toBe('W/"1"');
  });
});

describe('DELETE /Users', () => {
  test('hard delete: 204, then 404', async () => {
    const h = harness();
    const u = await h.createUser('del');
    expect((await h.call('DELETE', `/Users/${u.id}`)).status).toBe(204);
    expect((await h.call('GET', `/Users/${u.id}`)).status).toBe(404);
    expect((await h.call('DELETE', `/Users/${u.id}`)).status).toBe(404);
    // The userName is free again.
    expect((await h.call('POST', '/Users', { schemas: [URN.User], userName: 'DEL' })).status).toBe(201);
  });

  test('stale If-Match: 412 and the user is kept', async () => {
    const h = harness();
    const u = await h.createUser('keep');
    expect((await h.call('DELETE', `/Users/${u.id}`, undefined, { 'if-match': 'W/"5"' })).status).toBe(412);
    expect((await h.call('GET', `/Users/${u.id}`)).status).toBe(200);
  });
});

import { parseListResponse, parseSearchRequest, serviceProviderConfigParser, URN } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import { sqliteStore } from '../store/sqlite.ts';
import type { ListQuery, ScimStore } from '../store/types.ts';
import { openCursor, sealCursor } from './cursor.ts';
import { type Body, harness } from './test-helpers.ts';

// RFC 9865 cursor paging through handler(new Request(...)).
describe('cursor paging (RFC 9865)', () => {
  const names = ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'foxtrot', 'golf'];

  async function loaded(options: Parameters<typeof harness>[0] = {}) {
    const h = harness(options);
    for (const n of names) await h.createUser(n, { externalId: n.toUpperCase() });
    return h;
  }

  async function walk(h: Awaited<ReturnType<typeof loaded>>, query: string, count: number) {
    const pages: Body[] = [];
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const r = await h.call('GET', `/Users?${query}&count=${count}&cursor=${encodeURIComponent(cursor)}`);
      expect(r.status).toBe(200);
      pages.push(r.body);
      if (r.body.nextCursor === undefined) break;
      cursor = r.body.nextCursor;
    }
    return pages;
  }

  test('pages through every user in sort order; nextCursor only while more follow; no startIndex', async () => {
    const h = await loaded();
    const pages = await walk(h, 'sortBy=userName&sortOrder=descending', 3);
    expect(pages.map((p) => p.Resources.map((u: Body) => u.userName))).toEqual([
      ['golf', 'foxtrot', 'echo'],
      ['delta', 'charlie', 'bravo'],
      ['alpha'],
    ]);
    for (const p of pages) {
      expect(p.schemas).toEqual([URN.ListResponse]);
      expect(p.totalResults).toBe(7);
      expect(p.itemsPerPage).toBe(p.Resources.length);
      expect(p.startIndex).toBeUndefined();
    }
    // A last page that is full has no nextCursor either.
    const even = await walk(h, 'sortBy=externalId', 7);
    expect(even).toHaveLength(1);
    expect(even[0].nextCursor).toBeUndefined();
  });

  test('the same on SQLite, through POST .search too', async () => {
    const h = harness({}, sqliteStore({ path: ':memory:' }));
    for (const n of names) await h.createUser(n);
    const first = await h.call('POST', '/Users/.search', {
      schemas: [URN.SearchRequest],
      sortBy: 'userName',
      count: 4,
      cursor: '',
    });
    expect(first.body.Resources.map((u: Body) => u.userName)).toEqual(['alpha', 'bravo', 'charlie', 'delta']);
    const next = await h.call('POST', '/Users/.search', {
      schemas: [URN.SearchRequest],
      sortBy: 'userName',
      count: 4,
      cursor: first.body.nextCursor,
    });
    expect(next.body.Resources.map((u: Body) => u.userName)).toEqual(['echo', 'foxtrot', 'golf']);
    expect(next.body.nextCursor).toBeUndefined();
  });

  test('a cursor of another tenant, of another query, or altered is 400 invalidCursor', async () => {
    const h = await loaded({ basePath: '/t/{tenant}' });
    const b = { authorization: 'Bearer token-b' };
    await h.call('POST', 'http://scim.test/t/b/Users', { schemas: [URN.User], userName: 'other' }, b);
    const first = await h.call('GET', '/Users?sortBy=userName&count=2&cursor=');
    const cursor: string = first.body.nextCursor;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    // Opaque: neither the tenant nor a userName shows through.
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/default|bravo/);
    const refused = [
      await h.call(
        'GET',
        `http://scim.test/t/b/Users?sortBy=userName&count=2&cursor=${cursor}`,
        undefined,
        b,
      ),
      await h.call('GET', `/Users?sortBy=externalId&count=2&cursor=${cursor}`),
      await h.call('GET', `/Users?sortBy=userName&filter=userName%20pr&count=2&cursor=${cursor}`),
      await h.call('GET', `/Users?sortBy=userName&count=2&cursor=${cursor.slice(0, -2)}AA`),
      await h.call('GET', '/Users?sortBy=userName&count=2&cursor=not-a-cursor'),
    ];
    for (const r of refused) {
      expect(r.status).toBe(400);
      expect(r.body.scimType).toBe('invalidCursor');
    }
    expect((await h.call('GET', `/Users?sortBy=userName&count=2&cursor=${cursor}`)).status).toBe(200);
  });

  test('an old cursor is 400 expiredCursor; cursor with startIndex is 400 invalidValue', async () => {
    const h = await loaded({ cursors: { secret: 's3cret', timeoutSeconds: 60 } });
    const scope = { tenant: 'default', resourceType: 'User', sortBy: 'userName' };
    const old = sealCursor(
      Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('s3cret'))),
      scope,
      { position: '["bravo",2]', count: 2 },
      Date.now() - 61_000,
    );
    const r = await h.call('GET', `/Users?sortBy=userName&count=2&cursor=${old}`);
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('expiredCursor');
    const both = await h.call('GET', '/Users?count=2&cursor=&startIndex=3');
    expect(both.status).toBe(400);
    expect(both.body.scimType).toBe('invalidValue');
  });

  test('a shared secret lets another instance continue a listing', async () => {
    const a = await loaded({ cursors: { secret: 'shared' } });
    const b = harness({ cursors: { secret: 'shared' } }, a.store);
    const first = await a.call('GET', '/Users?count=3&cursor=');
    const next = await b.call('GET', `/Users?count=3&cursor=${first.body.nextCursor}`);
    expect(next.status).toBe(200);
    expect(next.body.Resources.map((u: Body) => u.userName)).toEqual(['charlie', 'bravo', 'foxtrot']);
    const stranger = harness({}, a.store);
    expect((await stranger.call('GET', `/Users?count=3&cursor=${first.body.nextCursor}`)).body.scimType).toBe(
      'invalidCursor',
    );
  });

  test('refuses a cursor timeout that is not a positive integer, naming the option', () => {
    expect(() => harness({ cursors: { timeoutSeconds: 0 } })).toThrow(/cursors\.timeoutSeconds/);
  });

  test('ServiceProviderConfig advertises both paging methods', async () => {
    const h = harness({
      limits: { maxPageSize: 500, defaultPageSize: 50 },
      cursors: { timeoutSeconds: 900 },
    });
    const r = await h.call('GET', '/ServiceProviderConfig');
    expect(r.body.pagination).toEqual({
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: 50,
      maxPageSize: 500,
      cursorTimeout: 900,
    });
  });

  test('openCursor refuses a cursor sealed for another scope', () => {
    const key = Buffer.alloc(32, 7);
    const page = { position: '[null,1]', count: 10 };
    const sealed = sealCursor(key, { tenant: 'a', resourceType: 'User' }, page);
    expect(openCursor(key, { tenant: 'a', resourceType: 'User' }, sealed, 60)).toEqual(page);
    expect(() => openCursor(key, { tenant: 'b', resourceType: 'User' }, sealed, 60)).toThrow(/cursor/);
  });
});

describe('cursor paging on a store without keyset paging', () => {
  test('refuses to start rather than end the listing after one page', async () => {
    const inner = memoryStore();
    const store: ScimStore = Object.assign(Object.create(inner) as ScimStore, {
      list: async (tenant: string, query: ListQuery) => {
        const { next: _dropped, ...page } = await inner.list(tenant, query);
        return page;
      },
    });
    const h = harness({}, store);
    for (const n of ['a', 'b', 'c']) await h.createUser(n);
    const r = await h.call('GET', '/Users?count=2&cursor=');
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidValue');
    expect((await h.call('GET', '/Users?count=5&cursor=')).body.Resources).toHaveLength(3);
  });
});

// Each case below cites the section of RFC 9865 (= draft-ietf-scim-cursor-pagination-11) it checks.
describe('RFC 9865, item by item', () => {
  async function seven() {
    const h = harness();
    for (const n of ['delta', 'alpha', 'echo', 'charlie', 'bravo', 'foxtrot', 'golf']) await h.createUser(n);
    return h;
  }

  test('section 2: `cursor` with no "=" starts a listing, as the RFC example GET /Users?...&cursor&count=10', async () => {
    const h = await seven();
    const r = await h.call('GET', '/Users?sortBy=userName&cursor&count=3');
    expect(r.status).toBe(200);
    expect(r.body.Resources.map((u: Body) => u.userName)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(typeof r.body.nextCursor).toBe('string');
    expect(r.body.previousCursor).toBeUndefined();
  });

  test('section 2: count=0 (and a negative count, read as 0) returns totalResults only, no nextCursor', async () => {
    const h = await seven();
    for (const count of ['0', '-4']) {
      const r = await h.call('GET', `/Users?cursor=&count=${count}`);
      expect(r.status).toBe(200);
      expect(r.body.totalResults).toBe(7);
      expect(r.body.itemsPerPage).toBe(0);
      expect(r.body.Resources).toEqual([]);
      expect(r.body.nextCursor).toBeUndefined();
    }
  });

  test("section 2.1: a count other than the first page's is 400 invalidCount; the same count continues", async () => {
    const h = await seven();
    const first = await h.call('GET', '/Users?sortBy=userName&count=3&cursor=');
    const cursor: string = first.body.nextCursor;
    const changed = await h.call('GET', `/Users?sortBy=userName&count=4&cursor=${cursor}`);
    expect(changed.status).toBe(400);
    expect(changed.body.scimType).toBe('invalidCount');
    const dropped = await h.call('GET', `/Users?sortBy=userName&cursor=${cursor}`);
    expect(dropped.body.scimType).toBe('invalidCount');
    const same = await h.call('GET', `/Users?sortBy=userName&count=3&cursor=${cursor}`);
    expect(same.body.Resources.map((u: Body) => u.userName)).toEqual(['delta', 'echo', 'foxtrot']);
  });

  test('section 2.1: a count that is not an integer is 400 invalidCount on a cursor request', async () => {
    const h = await seven();
    const r = await h.call('GET', '/Users?cursor=&count=ten');
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidCount');
    const body = await h.call('POST', '/Users/.search', {
      schemas: [URN.SearchRequest],
      cursor: '',
      count: true,
    });
    expect(body.body.scimType).toBe('invalidCount');
  });

  test('section 2.1: a cursor that is not a string in a .search body is 400 invalidCursor', async () => {
    const h = await seven();
    const r = await h.call('POST', '/Users/.search', { schemas: [URN.SearchRequest], cursor: 42 });
    expect(r.status).toBe(400);
    expect(r.body.scimType).toBe('invalidCursor');
  });

  test('section 4: a cursor stays valid for at least cursorTimeout seconds after the page that gave it', () => {
    const key = Buffer.alloc(32, 1);
    const scope = { tenant: 't', resourceType: 'User' };
    // Made 0.9 s into a second, used 59.5 s later: within a 60 s timeout.
    const made = 1_700_000_000_900;
    const sealed = sealCursor(key, scope, { position: 'p', count: 5 }, made);
    expect(openCursor(key, scope, sealed, 60, made + 59_500).position).toBe('p');
    expect(openCursor(key, scope, sealed, 60, made + 60_000).position).toBe('p');
    expect(() => openCursor(key, scope, sealed, 60, made + 61_100)).toThrow(/older than 60 s/);
  });

  test('sections 2, 3, 4: what the server sends and accepts parses with @scim/schemas, nothing unknown', async () => {
    const h = await seven();
    const spc = serviceProviderConfigParser.parse((await h.call('GET', '/ServiceProviderConfig')).body);
    expect(spc.unknownAttributes).toEqual([]);
    expect(spc.value.pagination?.cursorTimeout).toBe(3600);
    const search = parseSearchRequest({
      schemas: [URN.SearchRequest],
      sortBy: 'userName',
      cursor: '',
      count: 5,
    });
    const page = await h.call('POST', '/Users/.search', search);
    expect(parseListResponse(page.body).nextCursor).toBe(page.body.nextCursor);
  });

  test('section 2.4: with no paging parameter the default method (index) answers, with no nextCursor', async () => {
    const h = await seven();
    const r = await h.call('GET', '/Users?count=2');
    expect(r.body.startIndex).toBe(1);
    expect(r.body.nextCursor).toBeUndefined();
    const spc = await h.call('GET', '/ServiceProviderConfig');
    expect(spc.body.pagination.defaultPaginationMethod).toBe('index');
  });
});

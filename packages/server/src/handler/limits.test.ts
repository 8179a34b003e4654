import { URN } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import type { ScimLimits } from '../options.ts';
import { memoryStore } from '../store/memory.ts';
import { postgresStore } from '../store/postgres.ts';
import { postgresTarget } from '../store/sql/postgres-target.fixture.ts';
import { sqliteStore } from '../store/sqlite.ts';
import type { ScimStore } from '../store/types.ts';
import { harness } from './test-helpers.ts';

// Hostile input through the handler, on every store: each answer is the same 4xx whatever the
// store (never a 500 from one database and a 201 from another).

const target = await postgresTarget();
const { url } = target;

// No query time budget here (`queryTimeoutMs: 0`): these cases test what the limits allow and
// refuse, and a loaded machine must not turn a long allowed filter into a budget refusal. The
// budget has its own tests in the store contract suite.
const stores: [string, () => ScimStore][] = [
  ['memory', () => memoryStore({ queryTimeoutMs: 0 })],
  ['sqlite', () => sqliteStore({ path: ':memory:', queryTimeoutMs: 0 })],
  [
    url === undefined ? 'postgres (PGlite)' : 'postgres',
    () => {
      const schema = target.schema();
      if (url === undefined) return postgresStore({ pglite: target.pglite(), schema, queryTimeoutMs: 0 });
      return postgresStore({ connectionString: url, schema, maxConnections: 4, queryTimeoutMs: 0 });
    },
  ],
];

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [URN.User],
  userName,
  ...extra,
});
const list = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;

describe.each(stores)('input limits on the %s store', (_name, make) => {
  const setup = (limits: ScimLimits = {}) => harness({ limits }, make());

  it('folds case with one rule: Σ, σ and ς collide, ß and ss do not', async () => {
    const h = setup();
    expect((await h.call('POST', '/Users', user('ΝΙΚΟΣ@x.gr'))).status).toBe(201);
    for (const other of ['νικοσ@x.gr', 'νικος@x.gr', 'ΝΙΚΟς@X.GR']) {
      const dup = await h.call('POST', '/Users', user(other));
      expect(dup.status).toBe(409);
      expect(dup.body.scimType).toBe('uniqueness');
    }
    expect((await h.call('POST', '/Users', user('straße'))).status).toBe(201);
    expect((await h.call('POST', '/Users', user('strasse'))).status).toBe(201);
    expect((await h.call('POST', '/Users', user('STRASSE'))).status).toBe(409);
    await h.createUser('kassandra', { displayName: 'ΚΑΣΑΝΔΡΑ' });
    const found = await h.call('GET', list('displayName sw "ΚΑΣ"'));
    expect(found.body.Resources.map((r: { userName: string }) => r.userName)).toEqual(['kassandra']);
    expect((await h.call('GET', list('userName eq "νικοσ@x.gr"'))).body.totalResults).toBe(1);
    await h.handler.close();
  }, 60_000);

  it('refuses U+0000 and unpaired surrogates in bodies, ids and filters with a 4xx', async () => {
    const h = setup();
    const u = await h.createUser('someone');
    const g = await h.createGroup('team');
    const bad = ['a\u0000b', 'a\ud800', 'a\udc00b'];
    for (const text of bad) {
      const post = await h.call('POST', '/Users', user(text));
      expect(post.status).toBe(400);
      expect(post.body.scimType).toBe('invalidValue');
      expect(post.body.detail).toMatch(/userName/);
      const nested = await h.call('POST', '/Users', user('fine', { name: { givenName: text } }));
      expect(nested.status).toBe(400);
      expect(nested.body.detail).toMatch(/name\.givenName/);
      const put = await h.call('PUT', `/Users/${u.id}`, user('someone', { title: text }));
      expect(put.status).toBe(400);
      const patch = await h.call('PATCH', `/Users/${u.id}`, {
        schemas: [URN.PatchOp],
        Operations: [{ op: 'replace', path: 'title', value: text }],
      });
      expect(patch.status).toBe(400);
      expect(patch.body.scimType).toBe('invalidValue');
      const member = await h.call('PATCH', `/Groups/${g.id}`, {
        schemas: [URN.PatchOp],
        Operations: [{ op: 'add', path: 'members', value: [{ value: text }] }],
      });
      expect(member.status).toBe(400);
      const filter = await h.call('GET', list(`userName eq ${JSON.stringify(text)}`));
      expect(filter.status).toBe(400);
      expect(filter.body.scimType).toBe('invalidFilter');
      const search = await h.call('POST', '/Users/.search', {
        filter: `externalId eq ${JSON.stringify(text)}`,
      });
      expect(search.status).toBe(400);
      expect(search.body.scimType).toBe('invalidFilter');
    }
    for (const path of ['/Users/%00', `/Users/${u.id}%00`, '/Groups/%00']) {
      expect((await h.call('GET', path)).status).toBe(404);
      expect((await h.call('DELETE', path)).status).toBe(404);
    }
    expect((await h.call('GET', list('userName eq "a\u0000b"'))).status).toBe(400);
    // A bad Bulk operation fails alone.
    const bulk = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'a', data: user('b\u0000') },
        { method: 'POST', path: '/Users', bulkId: 'b', data: user('bulk-ok') },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.Operations.map((o: { status: string }) => o.status)).toEqual(['400', '201']);
    expect((await h.call('GET', '/Users')).body.totalResults).toBe(2);
    await h.handler.close();
  }, 60_000);

  // Review of issue 11: a Bulk operation's "version" becomes an If-Match header; one a header cannot
  // carry made the sub-request throw outside the handler's error path: a 500, logged nowhere.
  it('answers a Bulk operation whose version a header cannot carry with a 4xx for that operation, never a 500', async () => {
    const h = setup();
    const u = await h.createUser('versioned');
    for (const version of ['W/"\u0000"', 'W/"\ud800"', 'W/"\u20ac"', 'W/"1"\nx: y']) {
      const bulk = await h.call('POST', '/Bulk', {
        schemas: [URN.BulkRequest],
        Operations: [
          {
            method: 'PATCH',
            path: `/Users/${u.id}`,
            version,
            data: { schemas: [URN.PatchOp], Operations: [{ op: 'replace', path: 'title', value: 'x' }] },
          },
          { method: 'DELETE', path: '/Users/nobody', version },
        ],
      });
      expect(bulk.status).toBe(200);
      for (const op of bulk.body.Operations as { status: string }[]) {
        expect(Number(op.status), JSON.stringify(version)).toBeGreaterThanOrEqual(400);
        expect(Number(op.status), JSON.stringify(version)).toBeLessThan(500);
      }
    }
    expect((await h.call('GET', `/Users/${u.id}`)).body.title).toBeUndefined();
    await h.handler.close();
  }, 60_000);

  // Review of issue 11: U+0000 in a Bulk operation's bulkId or path is a body string like any other
  // (docs/server.md "Limits and timeouts"), yet "/Users\u0000" created a user (the URL parser drops
  // trailing control characters) and a bulkId with U+0000 was echoed back.
  it('fails a Bulk operation alone when its path or bulkId holds U+0000', async () => {
    const h = setup();
    const bulk = await h.call('POST', '/Bulk', {
      schemas: [URN.BulkRequest],
      Operations: [
        { method: 'POST', path: '/Users\u0000', bulkId: 'a', data: user('nul-path') },
        { method: 'POST', path: '/Users', bulkId: 'b\u0000', data: user('nul-bulk-id') },
        { method: 'POST', path: '/Users', bulkId: 'c', data: user('fine') },
      ],
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.Operations.map((o: { status: string }) => o.status)).toEqual(['400', '400', '201']);
    expect((await h.call('GET', '/Users')).body.totalResults).toBe(1);
    await h.handler.close();
  }, 60_000);

  // Review of issue 11: in a path segment, bytes that are not UTF-8 are a 404; in the query string
  // URLSearchParams turns them into U+FFFD, so a percent-encoded unpaired surrogate (%ED%A0%80)
  // silently compares as U+FFFD U+FFFD U+FFFD and matches a stored name holding those.
  it('refuses a filter whose percent-encoding is not UTF-8 (an encoded unpaired surrogate) with 400 invalidFilter', async () => {
    const h = setup();
    await h.createUser('fffd', { displayName: '\ufffd\ufffd\ufffdx' });
    await h.createUser('fffd1', { displayName: '\ufffdy' });
    for (const encoded of ['%ED%A0%80x', '%FFy']) {
      const r = await h.call('GET', `/Users?filter=displayName%20eq%20%22${encoded}%22`);
      expect(r.status, encoded).toBe(400);
      expect(r.body.scimType).toBe('invalidFilter');
    }
    // U+FFFD itself, well encoded, is a character like any other.
    const ok = await h.call('GET', '/Users?filter=displayName%20eq%20%22%EF%BF%BDy%22');
    expect(ok.body.totalResults).toBe(1);
    await h.handler.close();
  }, 60_000);

  it('limits indexed attributes to maxIndexedValueLength characters (default 1024), whatever their bytes', async () => {
    const h = setup();
    const cjk = (n: number) =>
      Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 20000))).join('');
    // 1024 characters of three UTF-8 bytes each: past PostgreSQL's B-tree entry size, kept by every store.
    const longest = await h.call(
      'POST',
      '/Users',
      user(cjk(1024), { externalId: cjk(1024), displayName: cjk(1024) }),
    );
    expect(longest.status).toBe(201);
    expect((await h.call('GET', list(`userName eq "${cjk(1024)}"`))).body.totalResults).toBe(1);
    expect((await h.call('POST', '/Users', user(cjk(1024)))).status).toBe(409);
    for (const body of [
      user(cjk(1025)),
      user('x1', { externalId: cjk(1025) }),
      user('x2', { displayName: 'd'.repeat(5000) }),
    ]) {
      const r = await h.call('POST', '/Users', body);
      expect(r.status).toBe(400);
      expect(r.body.scimType).toBe('invalidValue');
      expect(r.body.detail).toMatch(/more than the 1024/);
    }
    const group = await h.call('POST', '/Groups', { schemas: [URN.Group], displayName: cjk(1025) });
    expect(group.status).toBe(400);
    // Emoji count as one character each.
    expect((await h.call('POST', '/Users', user('😀'.repeat(1024)))).status).toBe(201);
    const small = setup({ maxIndexedValueLength: 8 });
    expect((await small.call('POST', '/Users', user('123456789'))).status).toBe(400);
    expect((await small.call('POST', '/Users', user('12345678'))).status).toBe(201);
    await h.handler.close();
    await small.handler.close();
  }, 60_000);

  it('limits multi-valued attributes to maxValuesPerAttribute values, not group members', async () => {
    const h = setup({ maxValuesPerAttribute: 3 });
    const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `e${i}@x.com` }));
    const over = await h.call('POST', '/Users', user('a', { emails: emails(4) }));
    expect(over.status).toBe(400);
    expect(over.body.scimType).toBe('invalidValue');
    expect(over.body.detail).toMatch(/"emails" has 4 values, more than the 3/);
    const u = await h.createUser('b', { emails: emails(3) });
    const patch = await h.call('PATCH', `/Users/${u.id}`, {
      schemas: [URN.PatchOp],
      Operations: [{ op: 'add', path: 'emails', value: [{ value: 'new@x.com' }] }],
    });
    expect(patch.status).toBe(400);
    expect((await h.call('GET', `/Users/${u.id}`)).body.emails).toHaveLength(3);
    const ext = await h.call(
      'POST',
      '/Users',
      user('c', {
        [URN.EnterpriseUser]: { employeeNumber: '1' },
        roles: emails(4).map((e) => ({ value: e.value })),
      }),
    );
    expect(ext.status).toBe(400);
    expect(ext.body.detail).toMatch(/"roles"/);
    const members = [];
    for (let i = 0; i < 5; i++) members.push((await h.createUser(`m${i}`)).id);
    expect(
      (
        await h.call('POST', '/Groups', {
          schemas: [URN.Group],
          displayName: 'g',
          members: members.map((value) => ({ value })),
        })
      ).status,
    ).toBe(201);
    await h.handler.close();
  }, 60_000);

  it('limits filters to maxFilterTerms comparisons (default 200) and answers long or chains', async () => {
    const h = setup();
    for (let i = 0; i < 3; i++) await h.createUser(`user${i}`, { emails: [{ value: `u${i}@x.com` }] });
    const chain = (n: number, term: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => term(i)).join(' or ');
    const ok = await h.call('GET', list(chain(200, (i) => `userName eq "USER${i}"`)));
    expect(ok.status).toBe(200);
    expect(ok.body.totalResults).toBe(3);
    const over = await h.call('GET', list(chain(201, (i) => `userName eq "user${i}"`)));
    expect(over.status).toBe(400);
    expect(over.body.scimType).toBe('invalidFilter');
    expect(over.body.detail).toMatch(/more than 200 comparisons/);
    // Raised to 1,000: a chain of 1,000 terms of any kind is answered (SQLite nests at most 1,000 deep).
    const wide = setup({ maxFilterTerms: 1000 });
    for (let i = 0; i < 3; i++) await wide.createUser(`user${i}`, { emails: [{ value: `u${i}@x.com` }] });
    const co = await wide.call('GET', list(chain(1000, (i) => `emails.value co "${i}@X"`)));
    expect(co.status).toBe(200);
    expect(co.body.totalResults).toBe(3);
    const eq = await wide.call('GET', list(chain(1000, (i) => `emails.value eq "U${i}@x.com"`)));
    expect(eq.body.totalResults).toBe(3);
    const mixed = await wide.call(
      'GET',
      list(`not (${chain(499, (i) => `(userName eq "user${i}" and title pr)`)}) and userName sw "USER"`),
    );
    expect(mixed.body.totalResults).toBe(3);
    await h.handler.close();
    await wide.handler.close();
  }, 60_000);
});

// Review of issue 11: the op cap bounds one PATCH, but a Bulk request carries up to 100 of them. The
// SQLite store answers synchronously, so a Bulk request ran all its operations without giving the
// event loop back: 14 PATCHes of 1,000 value-filtered replaces on a user with 1,000 emails (every
// limit respected, 1 MiB) held /health for 9 s behind `scim-server start`. Another request must be
// able to run between two operations of a Bulk request.
describe('a Bulk request on the SQLite store', () => {
  it('gives the event loop back between its operations, so other requests are not held up', async () => {
    const store = sqliteStore({ path: ':memory:' });
    const h = harness({}, store);
    const u = await h.createUser('bulk-target');
    let updates = 0;
    let seenBetween: number | undefined;
    const update = store.update.bind(store);
    store.update = async (...args) => {
      // When the first operation writes, something else arrives on the event loop.
      if (updates === 0) setImmediate(() => (seenBetween = updates));
      updates++;
      return update(...args);
    };
    const operations = Array.from({ length: 5 }, (_, i) => ({
      method: 'PATCH',
      path: `/Users/${u.id}`,
      data: { schemas: [URN.PatchOp], Operations: [{ op: 'replace', path: 'title', value: `t${i}` }] },
    }));
    const r = await h.call('POST', '/Bulk', { schemas: [URN.BulkRequest], Operations: operations });
    expect(r.body.Operations.map((o: { status: string }) => o.status)).toEqual(Array(5).fill('200'));
    expect(updates).toBe(5);
    await new Promise((resolve) => setImmediate(resolve));
    // 5 when the other request only ran once the whole Bulk request was done.
    expect(seenBetween).toBeLessThan(5);
    await h.handler.close();
  });
});

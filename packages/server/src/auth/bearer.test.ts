import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { TokenRecord, TokenStore } from '../store/types.ts';
import { bearerTokens, readBearerToken, staticToken } from './bearer.ts';
import { recordingTokenStore } from './token-store.fixture.ts';
import { issueToken, revokeToken, rotateToken } from './tokens.ts';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const T0 = Date.parse('2026-11-30T10:00:00.000Z');
const MINUTE = 60_000;

function request(authorization?: string): Request {
  return new Request('https://scim.example.com/scim/v2/Users', {
    headers: authorization === undefined ? {} : { authorization },
  });
}

function fakeClock(start = T0) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

describe('readBearerToken', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['Bearer    abc', 'abc'],
    ['  Bearer abc  ', 'abc'],
    ['Bearer a-b.c_d~e+f/g==', 'a-b.c_d~e+f/g=='],
  ])('reads %j', (header, token) => {
    expect(readBearerToken(request(header))).toBe(token);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['another scheme', 'Basic YWxhZGRpbjpvcGVuc2VzYW1l'],
    ['a scheme glued to the token', 'Bearerabc'],
    ['a token with a space', 'Bearer abc def'],
    ['two credentials', 'Bearer abc, Bearer def'],
    ['a tab instead of a space', 'Bearer\tabc'],
    ['padding in the middle', 'Bearer ab=c'],
    ['a quoted token', 'Bearer "abc"'],
  ])('gives undefined for %s', (_, header) => {
    expect(readBearerToken(request(header))).toBeUndefined();
  });
});

describe('readBearerToken, property-based', () => {
  const b64token = fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...'ABCxyz019-._~+/'), minLength: 1, maxLength: 60 }),
      fc.string({ unit: fc.constant('='), maxLength: 3 }),
    )
    .map(([body, padding]) => body + padding);
  const scheme = fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR');

  it('reads back any RFC 6750 token after any casing of the scheme and any number of spaces', () => {
    fc.assert(
      fc.property(scheme, fc.integer({ min: 1, max: 5 }), b64token, (s, spaces, token) => {
        expect(readBearerToken(request(`${s}${' '.repeat(spaces)}${token}`))).toBe(token);
      }),
    );
  });

  it('never throws, and returns only text the header contained', () => {
    const headerText = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    });
    fc.assert(
      fc.property(headerText, (header) => {
        const token = readBearerToken(request(header));
        if (token !== undefined) {
          expect(header.trim().endsWith(token)).toBe(true);
          expect(token).not.toMatch(/[\s,"]/);
        }
      }),
    );
  });
});

describe('bearerTokens', () => {
  it('accepts a token on its tenant, with its public id', async () => {
    const tokens = recordingTokenStore();
    const { token, record } = await issueToken(tokens, 'contoso');
    const authenticate = bearerTokens({ tokens });
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toEqual({
      tenant: 'contoso',
      kind: 'bearer',
      id: record.id,
    });
    expect(await authenticate(request(`bearer   ${token}`), 'contoso')).toBeDefined();
  });

  it('rejects a token of tenant A on tenant B', async () => {
    const tokens = recordingTokenStore();
    const a = await issueToken(tokens, 'contoso');
    await issueToken(tokens, 'fabrikam');
    const authenticate = bearerTokens({ tokens });
    expect(await authenticate(request(`Bearer ${a.token}`), 'fabrikam')).toBeUndefined();
    expect(await authenticate(request(`Bearer ${a.token}`), 'Contoso')).toBeUndefined();
  });

  it('rejects missing, malformed, unknown and altered tokens', async () => {
    const tokens = recordingTokenStore();
    const { token } = await issueToken(tokens, 'contoso');
    const authenticate = bearerTokens({ tokens });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const header of [undefined, '', 'Bearer', `Basic ${token}`, `Bearer ${token.slice(0, -1)}${last}`]) {
      expect(await authenticate(request(header), 'contoso')).toBeUndefined();
    }
    expect(await authenticate(request(`Bearer ${token}x`), 'contoso')).toBeUndefined();
  });

  it('compares the hashes with crypto.timingSafeEqual', async () => {
    const tokens = recordingTokenStore();
    const { token, record } = await issueToken(tokens, 'contoso');
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    expect(await bearerTokens({ tokens })(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0]!;
    expect(Buffer.from(a as Uint8Array).toString()).toBe(record.hash);
    expect(Buffer.from(b as Uint8Array).toString()).toBe(record.hash);
  });

  it('rejects a record whose hash is not exactly the presented token’s', async () => {
    // A store with a sloppy lookup (say, case-insensitive) must not let a near miss through.
    const tokens = recordingTokenStore();
    const { token, record } = await issueToken(tokens, 'contoso');
    tokens.records[0] = { ...record, hash: record.hash.toUpperCase() };
    const sloppy = { ...tokens, findByHash: async () => tokens.records[0] };
    expect(await bearerTokens({ tokens: sloppy })(request(`Bearer ${token}`), 'contoso')).toBeUndefined();
  });

  it('rejects an expired token from its expiry instant on', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const { token } = await issueToken(tokens, 'contoso', { clock, expiresAt: new Date(T0 + MINUTE) });
    const authenticate = bearerTokens({ tokens, clock });
    advance(MINUTE - 1);
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    advance(1);
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeUndefined();
  });

  it('rejects a revoked token at once', async () => {
    const tokens = recordingTokenStore();
    const { clock } = fakeClock();
    const { token, record } = await issueToken(tokens, 'contoso', { clock });
    const authenticate = bearerTokens({ tokens, clock });
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    await revokeToken(tokens, 'contoso', record.id, { clock });
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeUndefined();
  });

  it('with a cache, reuses a verified record within its TTL and sees a revocation after it', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const { token, record } = await issueToken(tokens, 'contoso', { clock });
    const authenticate = bearerTokens({ tokens, clock, cacheTtlMs: 5_000 });
    const lookups = () => tokens.journal.filter((line) => line.startsWith('["findByHash"')).length;
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    expect(lookups()).toBe(1);
    await revokeToken(tokens, 'contoso', record.id, { clock });
    advance(4_999);
    // Documented: revocation takes effect within the cache's TTL, not at once.
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    advance(1);
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeUndefined();
    expect(lookups()).toBe(2);
  });

  it('with a cache, still checks the tenant, the expiry and the hash on every request', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const { token } = await issueToken(tokens, 'contoso', { clock, expiresAt: new Date(T0 + 1_000) });
    const authenticate = bearerTokens({ tokens, clock, cacheTtlMs: 5_000 });
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    expect(await authenticate(request(`Bearer ${token}`), 'fabrikam')).toBeUndefined();
    expect(await authenticate(request(`Bearer ${token}x`), 'contoso')).toBeUndefined();
    advance(1_000);
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeUndefined();
  });

  it('with a cache, keeps no unknown token and no more than 10,000 records', async () => {
    // A store indexed by hash (the recording store's linear scans would take minutes here).
    const byHash = new Map<string, TokenRecord>();
    let lookups = 0;
    const tokens: TokenStore = {
      insert: async (record) => void byHash.set(record.hash, record),
      findByHash: async (hash) => {
        lookups++;
        return byHash.get(hash);
      },
      list: async () => [...byHash.values()],
      update: async () => true,
    };
    const { clock } = fakeClock();
    const issued = [];
    for (let i = 0; i < 10_001; i++) issued.push(await issueToken(tokens, 'contoso', { clock }));
    const authenticate = bearerTokens({ tokens, clock, cacheTtlMs: 5_000 });
    for (const { token } of issued) await authenticate(request(`Bearer ${token}`), 'contoso');
    const before = lookups;
    // The first record was pushed out by the 10,001st; the last is still cached.
    await authenticate(request(`Bearer ${issued[10_000]!.token}`), 'contoso');
    expect(lookups).toBe(before);
    await authenticate(request(`Bearer ${issued[0]!.token}`), 'contoso');
    expect(lookups).toBe(before + 1);
    const unknown = 'scim_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAA';
    await authenticate(request(`Bearer ${unknown}`), 'contoso');
    await authenticate(request(`Bearer ${unknown}`), 'contoso');
    expect(lookups).toBe(before + 3);
  }, 30_000);

  it('accepts both tokens during a rotation’s overlap, then only the new one', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const old = await issueToken(tokens, 'contoso', { clock });
    const fresh = await rotateToken(tokens, 'contoso', old.record.id, { overlap: 10 * MINUTE, clock });
    const authenticate = bearerTokens({ tokens, clock });
    const who = async (token: string) => (await authenticate(request(`Bearer ${token}`), 'contoso'))?.id;
    expect(await who(old.token)).toBe(old.record.id);
    expect(await who(fresh.token)).toBe(fresh.record.id);
    advance(10 * MINUTE - 1);
    expect(await who(old.token)).toBe(old.record.id);
    advance(1);
    expect(await who(old.token)).toBeUndefined();
    expect(await who(fresh.token)).toBe(fresh.record.id);
  });

  it('records lastUsed at most once a minute', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const { token, record } = await issueToken(tokens, 'contoso', { clock });
    const authenticate = bearerTokens({ tokens, clock });
    const use = () => authenticate(request(`Bearer ${token}`), 'contoso');
    await use();
    advance(30_000);
    await use();
    advance(29_999);
    await use();
    advance(1);
    await use();
    expect(tokens.updates).toEqual([
      { tenant: 'contoso', id: record.id, patch: { lastUsed: '2026-11-30T10:00:00.000Z' } },
      { tenant: 'contoso', id: record.id, patch: { lastUsed: '2026-11-30T10:01:00.000Z' } },
    ]);
  });

  it('with a cache, records lastUsed at most once a minute, across the refreshes of the record', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const { token, record } = await issueToken(tokens, 'contoso', { clock });
    const authenticate = bearerTokens({ tokens, clock, cacheTtlMs: 5_000 });
    const use = () => authenticate(request(`Bearer ${token}`), 'contoso');
    // Every 2.5 s for two minutes: the cached record is read again from the store every 5 s.
    for (let elapsed = 0; elapsed <= 120_000; elapsed += 2_500) {
      expect(await use()).toBeDefined();
      advance(2_500);
    }
    expect(tokens.updates.map((u) => u.patch)).toEqual([
      { lastUsed: '2026-11-30T10:00:00.000Z' },
      { lastUsed: '2026-11-30T10:01:00.000Z' },
      { lastUsed: '2026-11-30T10:02:00.000Z' },
    ]);
    expect(tokens.updates.every((u) => u.id === record.id)).toBe(true);
  });

  it('with a cache, rejects a record whose expiry does not parse, on every request', async () => {
    const tokens = recordingTokenStore();
    const { token, record } = await issueToken(tokens, 'contoso');
    tokens.records[0] = { ...record, expires: 'not a date' };
    const authenticate = bearerTokens({ tokens, cacheTtlMs: 5_000 });
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeUndefined();
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeUndefined();
  });

  // Review of issue 11: the request awaited the lastUsed write (another process's lock held every
  // authenticated request for busyTimeoutMs), and each request tried a failed write again.
  it('never waits for the lastUsed write, and does not try a failed one again within the minute', async () => {
    const tokens = recordingTokenStore();
    const { clock, advance } = fakeClock();
    const { token } = await issueToken(tokens, 'contoso', { clock });
    let calls = 0;
    const stuck = {
      ...tokens,
      update: () => {
        calls++;
        return new Promise<boolean>(() => {});
      },
    };
    const authenticate = bearerTokens({ tokens: stuck, clock });
    expect(await authenticate(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    let failing = 0;
    const failed = {
      ...tokens,
      update: async (): Promise<boolean> => {
        failing++;
        throw new Error('locked');
      },
    };
    const other = bearerTokens({ tokens: failed, clock });
    for (let i = 0; i < 3; i++) expect(await other(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    expect(failing).toBe(1);
    advance(60_000);
    expect(await other(request(`Bearer ${token}`), 'contoso')).toBeDefined();
    expect(failing).toBe(2);
    expect(calls).toBe(1);
  });

  it('still authenticates when writing lastUsed fails, and throws when the lookup fails', async () => {
    const tokens = recordingTokenStore();
    const { token } = await issueToken(tokens, 'contoso');
    const failingUpdate = { ...tokens, update: async () => Promise.reject(new Error('read-only')) };
    expect(
      await bearerTokens({ tokens: failingUpdate })(request(`Bearer ${token}`), 'contoso'),
    ).toBeDefined();
    const down = { ...tokens, findByHash: async () => Promise.reject(new Error('database unreachable')) };
    await expect(bearerTokens({ tokens: down })(request(`Bearer ${token}`), 'contoso')).rejects.toThrow(
      'database unreachable',
    );
  });
});

describe('staticToken', () => {
  const secret = 'correct-horse-battery-staple';

  it('accepts the secret on any tenant, or only on the one configured', async () => {
    expect(await staticToken(secret)(request(`Bearer ${secret}`), 'anything')).toEqual({
      tenant: 'anything',
      kind: 'bearer',
      id: 'static',
    });
    const one = staticToken(secret, { tenant: 'default' });
    expect(await one(request(`Bearer ${secret}`), 'default')).toBeDefined();
    expect(await one(request(`Bearer ${secret}`), 'other')).toBeUndefined();
  });

  it('rejects other values, including prefixes and extensions of the secret', async () => {
    const authenticate = staticToken(secret);
    for (const value of [secret.slice(0, -1), `${secret}x`, secret.toUpperCase(), 'x']) {
      expect(await authenticate(request(`Bearer ${value}`), 'default')).toBeUndefined();
    }
    expect(await authenticate(request(), 'default')).toBeUndefined();
  });

  it('compares in constant time, on hashes of equal length', async () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    await staticToken(secret)(request('Bearer short'), 'default');
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0]!;
    expect((a as Uint8Array).length).toBe(64);
    expect((b as Uint8Array).length).toBe(64);
  });

  it('refuses a short secret', () => {
    expect(() => staticToken('short')).toThrow(/at least 16/);
  });
});

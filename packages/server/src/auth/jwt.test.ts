import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyOf } from './any-of.ts';
import { bearerTokens } from './bearer.ts';
import { jwtAuth } from './jwt.ts';
import { recordingTokenStore } from './token-store.fixture.ts';
import { issueToken } from './tokens.ts';
import type { Authenticator } from './types.ts';

const DIRECTORY = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ISSUER = `https://sts.windows.net/${DIRECTORY}/`;
const AUDIENCE = 'api://scim.example.com';
const NOW = Date.parse('2026-11-30T10:00:00.000Z');
const clock = () => NOW;
const seconds = (ms: number) => Math.floor(ms / 1000);

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let signing: KeyPair;
let stranger: KeyPair;
let jwks: JSONWebKeySet;
let server: Server;
let jwksUrl: URL;
let jwksRequests = 0;

beforeAll(async () => {
  signing = await generateKeyPair('RS256');
  stranger = await generateKeyPair('RS256');
  jwks = { keys: [{ ...(await exportJWK(signing.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' }] };
  server = createServer((_, res) => {
    jwksRequests++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

interface SignOptions {
  key?: KeyPair;
  kid?: string;
  issuer?: string;
  audience?: string;
  issuedAt?: number;
  expiresAt?: number | undefined;
  notBefore?: number;
  claims?: JWTPayload;
}

async function sign(options: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT({ tid: DIRECTORY, oid: 'sp-object-id', ...options.claims })
    .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? 'key-1' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(seconds(options.issuedAt ?? NOW - 60_000))
    .setSubject('sp-object-id');
  if (!('expiresAt' in options)) jwt.setExpirationTime(seconds(NOW + 3_600_000));
  else if (options.expiresAt !== undefined) jwt.setExpirationTime(seconds(options.expiresAt));
  if (options.notBefore !== undefined) jwt.setNotBefore(seconds(options.notBefore));
  return jwt.sign((options.key ?? signing).privateKey);
}

function request(token: string): Request {
  return new Request('https://scim.example.com/scim/v2/Users', {
    headers: { authorization: `Bearer ${token}` },
  });
}

describe('jwtAuth', () => {
  const reasons: string[] = [];
  const local = () =>
    jwtAuth({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks,
      clock,
      tenantFromClaims: (claims) => (claims.tid === DIRECTORY ? 'contoso' : undefined),
      onReject: (error) => reasons.push(`${(error as { code?: string }).code ?? error.message}`),
    });

  it('accepts a valid Entra-style token through a remote JWKS, mapping it to a tenant', async () => {
    const authenticate = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, jwks: jwksUrl, clock });
    const principal = await authenticate(request(await sign()), DIRECTORY);
    expect(principal).toMatchObject({ tenant: DIRECTORY, kind: 'jwt', id: 'sp-object-id' });
    expect(principal?.claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, tid: DIRECTORY });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('accepts a valid token through a local key set', async () => {
    expect(await local()(request(await sign()), 'contoso')).toMatchObject({ tenant: 'contoso', kind: 'jwt' });
  });

  it.each<[string, SignOptions, string]>([
    [
      'a wrong issuer',
      { issuer: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' },
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    ],
    ['a wrong audience', { audience: 'api://someone-else' }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['an expired token', { expiresAt: NOW - 61_000 }, 'ERR_JWT_EXPIRED'],
    ['a token not yet valid', { notBefore: NOW + 61_000 }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
    ['a token without exp', { expiresAt: undefined }, 'ERR_JWT_CLAIM_VALIDATION_FAILED'],
  ])('rejects %s', async (_, options, code) => {
    reasons.length = 0;
    expect(await local()(request(await sign(options)), 'contoso')).toBeUndefined();
    expect(reasons).toEqual([code]);
  });

  it('tolerates a small clock skew on exp and nbf', async () => {
    const authenticate = local();
    expect(await authenticate(request(await sign({ expiresAt: NOW - 30_000 })), 'contoso')).toBeDefined();
    expect(await authenticate(request(await sign({ notBefore: NOW + 30_000 })), 'contoso')).toBeDefined();
  });

  it('rejects a bad signature: another key under the same kid, or a tampered payload', async () => {
    reasons.length = 0;
    const authenticate = local();
    expect(await authenticate(request(await sign({ key: stranger })), 'contoso')).toBeUndefined();
    const [header, , signature] = (await sign()).split('.');
    const forged = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, tid: DIRECTORY, exp: seconds(NOW) + 3600 }),
    ).toString('base64url');
    expect(await authenticate(request(`${header}.${forged}.${signature}`), 'contoso')).toBeUndefined();
    expect(reasons).toEqual([
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
      'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    ]);
  });

  it('rejects an unsigned (alg none) token and a key id the set does not have', async () => {
    const authenticate = local();
    const body = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, tid: DIRECTORY, exp: seconds(NOW) + 3600 }),
    ).toString('base64url');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${body}.`;
    expect(await authenticate(request(none), 'contoso')).toBeUndefined();
    expect(await authenticate(request(await sign({ kid: 'key-2' })), 'contoso')).toBeUndefined();
  });

  it('rejects a valid token of one tenant on another', async () => {
    const token = await sign();
    expect(await local()(request(token), 'fabrikam')).toBeUndefined();
    const byTid = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, jwks, clock });
    expect(await byTid(request(token), DIRECTORY)).toBeDefined();
    expect(await byTid(request(token), 'contoso')).toBeUndefined();
  });

  it('accepts issuers by predicate', async () => {
    const authenticate = jwtAuth({
      issuer: (iss) => /^https:\/\/sts\.windows\.net\/[0-9a-f-]{36}\/$/.test(iss),
      audience: [AUDIENCE, 'other'],
      jwks,
      clock,
    });
    expect(await authenticate(request(await sign()), DIRECTORY)).toBeDefined();
    expect(
      await authenticate(request(await sign({ issuer: 'https://evil.example/' })), DIRECTORY),
    ).toBeUndefined();
  });

  it('leaves non-JWT bearer values alone, and refuses an empty issuer or audience', async () => {
    reasons.length = 0;
    expect(await local()(request('scim_0123456789abcdef_xyz'), 'contoso')).toBeUndefined();
    expect(reasons).toEqual([]);
    expect(() => jwtAuth({ issuer: '', audience: AUDIENCE, jwks })).toThrow(/issuer/);
    expect(() => jwtAuth({ issuer: [], audience: AUDIENCE, jwks })).toThrow(/issuer/);
    expect(() => jwtAuth({ issuer: ISSUER, audience: '', jwks })).toThrow(/audience/);
  });
});

describe('anyOf', () => {
  it('returns the first principal, trying authenticators in order', async () => {
    const tokens = recordingTokenStore();
    const { token, record } = await issueToken(tokens, 'contoso');
    const authenticate = anyOf(
      bearerTokens({ tokens }),
      jwtAuth({ issuer: ISSUER, audience: AUDIENCE, jwks, clock, tenantFromClaims: () => 'contoso' }),
    );
    expect((await authenticate(request(token), 'contoso'))?.id).toBe(record.id);
    expect((await authenticate(request(await sign()), 'contoso'))?.kind).toBe('jwt');
    expect(await authenticate(request('nope'), 'contoso')).toBeUndefined();
    expect(await anyOf()(request(token), 'contoso')).toBeUndefined();
  });

  // Review of issue 11: an unreachable key set answered 401, as a bad token would; the server cannot
  // verify any token then, which is its own problem: 503 with Retry-After, and a reason that says so.
  it('answers 503 (not 401) while the remote key set cannot be fetched, and tells that reason from an issuer mismatch', async () => {
    const reasons: { code: unknown; claim: unknown; message: string }[] = [];
    const down = createServer((_, res) => res.writeHead(500).end('down'));
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const downUrl = new URL(`http://127.0.0.1:${(down.address() as AddressInfo).port}/keys`);
    try {
      const authenticate = (jwks: URL) =>
        jwtAuth({
          issuer: ISSUER,
          audience: AUDIENCE,
          jwks,
          clock,
          tenantFromClaims: () => 'contoso',
          onReject: (error) => {
            const { code, claim } = error as { code?: unknown; claim?: unknown };
            reasons.push({ code, claim, message: error.message });
          },
        });
      const token = await sign();
      const error = await authenticate(downUrl)(request(token), 'contoso').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
      expect(reasons[0]).toMatchObject({ code: 'ERR_JWKS_UNREACHABLE' });
      expect(reasons[0]?.message).toContain(downUrl.href);
      expect(
        await authenticate(jwksUrl)(request(await sign({ issuer: 'https://evil/' })), 'contoso'),
      ).toBeUndefined();
      expect(reasons[1]).toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'iss' });
      // A key set that answers but has no key for the token: the token's fault, 401.
      expect(await authenticate(jwksUrl)(request(await sign({ kid: 'unknown' })), 'contoso')).toBeUndefined();
      expect(reasons[2]).toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    } finally {
      await new Promise((resolve) => down.close(resolve));
    }
  });

  it('stops at an error rather than reading it as bad credentials', async () => {
    const calls: string[] = [];
    const failing: Authenticator = async () => {
      calls.push('failing');
      throw new Error('database unreachable');
    };
    const never: Authenticator = async () => {
      calls.push('never');
      return { tenant: 't', kind: 'bearer', id: 'x' };
    };
    await expect(anyOf(failing, never)(request('x'), 't')).rejects.toThrow('database unreachable');
    expect(calls).toEqual(['failing']);
  });
});

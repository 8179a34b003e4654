import { ScimError } from '@scim/schemas';
import { type HeaderAuthenticator, withHeaderAuth } from '../pipeline.ts';
import type { TokenRecord, TokenStore } from '../store/types.ts';
import { hashesEqual, hashToken, tokenIdOf } from './tokens.ts';
import type { Authenticator, Principal } from './types.ts';

/** RFC 6750 section 2.1: `Bearer 1*SP b64token`, the scheme case-insensitive. */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** How often `lastUsed` is written, at most. */
const LAST_USED_EVERY = 60_000;

/**
 * Reads the token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive;
 * one or more spaces may follow it). Anything else (no header, another scheme, an empty token, a
 * token with spaces or characters outside RFC 6750's `b64token`) gives `undefined`. Tokens in the
 * query string or the body are not accepted.
 *
 * @param request - the request (only its headers are read)
 * @returns the token, or `undefined`
 * @example
 * ```ts
 * readBearerToken(new Request('https://x', { headers: { authorization: 'Bearer abc' } })); // 'abc'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 */
export function readBearerToken(request: Request): string | undefined {
  return bearerOf(request.headers.get('authorization'));
}

/** The token of an `Authorization` header's value (see {@link readBearerToken}). */
function bearerOf(header: string | null): string | undefined {
  if (header === null) return undefined;
  return BEARER.exec(header.trim())?.[1];
}

/**
 * Options of {@link bearerTokens}.
 *
 * @example
 * ```ts
 * import { type BearerTokensOptions, bearerTokens, createScimHandler } from '@scim/server';
 * const options: BearerTokensOptions = { tokens: store.tokens, cacheTtlMs: 30_000 }; // a revocation takes up to 30 s
 * const handler = createScimHandler({ store, authenticate: bearerTokens(options) });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface BearerTokensOptions {
  /** Where the token hashes are (`store.tokens`). */
  readonly tokens: TokenStore;
  /** The current time in milliseconds since the epoch; `Date.now` when absent. */
  readonly clock?: () => number;
  /**
   * How long a verified token's record is reused without asking the store again, in milliseconds
   * (default 0: every request reads the store). With a cache, a revocation or rotation made in the
   * store takes effect within this time; expiry is still checked on every request. At most
   * 10,000 records are kept, by the token's hash (never the token).
   */
  readonly cacheTtlMs?: number;
}

/** The most verified records {@link bearerTokens} keeps in its cache. */
const CACHE_MAX = 10_000;

/**
 * A token record as the requests that present it check it: its hash already compared with the
 * presented one's in constant time, its expiry parsed once, and when `lastUsed` is next worth
 * writing. A cached one serves every request of its `ttlMs`.
 */
interface Verified {
  readonly record: TokenRecord;
  /** The expiry in milliseconds since the epoch; `Infinity` when none, `NaN` when unparsable (fails closed). */
  readonly expires: number;
  /** Before this instant, `lastUsed` need not be written (see `recordUse`). */
  nextUse: number;
}

/**
 * A store lookup by hash, verified: the record whose hash equals `hash` (compared again in constant
 * time, so a store whose lookup is not exact, a prefix index or a collation, cannot let a near miss
 * through), reused for `ttlMs` (0: no cache).
 */
function verifiedLookup(
  tokens: TokenStore,
  ttlMs: number,
  clock: () => number,
): (hash: string) => Promise<Verified | undefined> {
  const verify = async (hash: string): Promise<Verified | undefined> => {
    const record = await tokens.findByHash(hash);
    if (record === undefined || !hashesEqual(record.hash, hash)) return undefined;
    const expires = record.expires === undefined ? Number.POSITIVE_INFINITY : Date.parse(record.expires);
    return { record, expires, nextUse: Number.NEGATIVE_INFINITY };
  };
  if (!(ttlMs > 0)) return verify;
  const cache = new Map<string, { readonly verified: Verified; readonly until: number }>();
  return async (hash) => {
    const now = clock();
    // A hit: the key equals `hash` exactly, and its record's hash was compared when it was stored.
    const hit = cache.get(hash);
    if (hit !== undefined && now < hit.until) return hit.verified;
    const verified = await verify(hash);
    cache.delete(hash);
    if (verified === undefined) return undefined;
    if (cache.size >= CACHE_MAX) {
      for (const [key, entry] of cache) if (now >= entry.until) cache.delete(key);
      // Still full: the oldest entry goes (a Map iterates in insertion order).
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    }
    cache.set(hash, { verified, until: now + ttlMs });
    return verified;
  };
}

/**
 * An {@link Authenticator} for the bearer tokens {@link issueToken} generates: it hashes the
 * presented token, finds its record, compares the hashes in constant time, and accepts it only
 * for the record's own tenant, before its expiry and unless revoked. It records `lastUsed` at most
 * once a minute per token, in the background: a request never waits for that write, and one that
 * failed (a database locked by another process) is not retried before the next minute. An error of the store (a database that cannot be reached) is thrown,
 * not turned into `undefined`, so that an outage answers 503 rather than 401. With `cacheTtlMs`,
 * a verified record is reused for that long (`scim-server start` uses 5 s): a revoked token then
 * stops working within that time rather than at once.
 *
 * @param options - the token store and the clock
 * @returns an authenticator
 * @example
 * ```ts
 * const handler = createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }) });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-2
 */
export function bearerTokens(options: BearerTokensOptions): Authenticator {
  const { tokens } = options;
  const clock = options.clock ?? Date.now;
  const findVerified = verifiedLookup(tokens, options.cacheTtlMs ?? 0, clock);
  /** When this process last tried to write each token's `lastUsed`, by tenant and token id. */
  const tried = new Map<string, number>();
  /**
   * Writes `lastUsed` at most once a minute per token, in the background: the request never waits
   * for it (another process may hold the database's write lock for seconds), and a write that
   * failed is not tried again by the requests of the next minute. `lastUsed` is informative only.
   */
  const recordUse = (verified: Verified, now: number): void => {
    // Not yet due (the usual case: a cached record presented again within the minute).
    if (now < verified.nextUse) return;
    const { tenant, id, lastUsed } = verified.record;
    const key = `${tenant}\u0000${id}`;
    const last = Math.max(
      lastUsed === undefined ? Number.NEGATIVE_INFINITY : Date.parse(lastUsed),
      tried.get(key) ?? Number.NEGATIVE_INFINITY,
    );
    // `last` only grows (this record's lastUsed is fixed, `tried` moves forward): until a minute
    // after it, every request of this record would return here.
    if (now - last < LAST_USED_EVERY) {
      verified.nextUse = last + LAST_USED_EVERY;
      return;
    }
    if (tried.size >= 10_000) {
      for (const [k, at] of tried) if (now - at >= LAST_USED_EVERY) tried.delete(k);
    }
    tried.set(key, now);
    verified.nextUse = now + LAST_USED_EVERY;
    let pending: Promise<unknown>;
    try {
      pending = tokens.update(tenant, id, { lastUsed: new Date(now).toISOString() });
    } catch {
      return;
    }
    pending.catch(() => {
      // Failing to record lastUsed must neither fail nor delay a request.
    });
  };
  const check: HeaderAuthenticator = async (authorization, tenant) => {
    const token = bearerOf(authorization);
    if (token === undefined) return undefined;
    const verified = await findVerified(hashToken(token));
    if (verified === undefined) return undefined;
    const { record } = verified;
    if (record.tenant !== tenant || record.revoked !== undefined) return undefined;
    // Expiry is checked on every request, cached record or not (tokenStatus's rule: an expiry that
    // does not parse, NaN, fails closed).
    const now = clock();
    if (!(verified.expires > now)) return undefined;
    recordUse(verified, now);
    const principal: Principal = { tenant: record.tenant, kind: 'bearer', id: record.id };
    return principal;
  };
  const authenticate: Authenticator = async (request, tenant) =>
    check(request.headers.get('authorization'), tenant);
  return withHeaderAuth(authenticate, check);
}

/**
 * Options of {@link staticToken}.
 *
 * @example
 * ```ts
 * import { createScimHandler, type StaticTokenOptions, staticToken } from '@scim/server';
 * const options: StaticTokenOptions = { tenant: 'contoso' }; // the secret opens this tenant only
 * const handler = createScimHandler({ store, authenticate: staticToken(process.env.SCIM_TOKEN!, options), basePath: '/scim/{tenant}' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface StaticTokenOptions {
  /** The only tenant the secret opens; every tenant when absent (a single-tenant server). */
  readonly tenant?: string;
}

/**
 * An {@link Authenticator} that accepts one shared secret, for a single-tenant or development
 * setup (for example from an environment variable). The comparison is constant-time: both sides
 * are hashed with SHA-256 first, so neither the content nor the length of the secret leaks.
 * Prefer {@link bearerTokens} in production: its tokens are per tenant, revocable and rotatable.
 *
 * @param secret - the shared secret (at least 16 characters)
 * @param options - the tenant it is limited to
 * @returns an authenticator
 * @throws ScimError `invalidValue` when the secret is shorter than 16 characters
 * @example
 * ```ts
 * const handler = createScimHandler({ store, authenticate: staticToken(process.env.SCIM_TOKEN!) });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 */
export function staticToken(secret: string, options: StaticTokenOptions = {}): Authenticator {
  if (secret.length < 16) {
    throw new ScimError(
      'invalidValue',
      `staticToken: the secret has ${secret.length} characters; use at least 16 random characters, for example \`openssl rand -base64 32\`.`,
    );
  }
  const expected = hashToken(secret);
  const check: HeaderAuthenticator = async (authorization, tenant) => {
    const token = bearerOf(authorization);
    if (token === undefined) return undefined;
    if (!hashesEqual(hashToken(token), expected)) return undefined;
    if (options.tenant !== undefined && options.tenant !== tenant) return undefined;
    const principal: Principal = { tenant, kind: 'bearer', id: tokenIdOf(token) ?? 'static' };
    return principal;
  };
  const authenticate: Authenticator = async (request, tenant) =>
    check(request.headers.get('authorization'), tenant);
  return withHeaderAuth(authenticate, check);
}

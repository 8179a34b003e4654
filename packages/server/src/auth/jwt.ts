import { ScimError } from '@scim/schemas';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { RETRY_AFTER_SECONDS } from '../retry-after.ts';
import { readBearerToken } from './bearer.ts';
import type { Authenticator, Principal } from './types.ts';

/** Three base64url segments: a JWS in compact serialization. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The key set could not be fetched (unreachable, a timeout, not a key set): no token can be verified. */
class KeySetUnreachable extends Error {
  readonly code = 'ERR_JWKS_UNREACHABLE';
}

/** jose's errors of a key set that answered but has no (single) key for the token: the token's fault. */
const KEY_MISMATCH = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS']);

/**
 * The remote key set, with its failures to answer told apart from a token it has no key for: the
 * first means the server cannot verify any token right now (503), the second a bad token (401).
 */
function remoteKeys(url: URL): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url);
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && KEY_MISMATCH.has(code)) throw error;
      const why = error instanceof Error ? error.message : String(error);
      throw new KeySetUnreachable(`jwtAuth: the key set at ${url.href} could not be fetched (${why})`, {
        cause: error,
      });
    }
  };
}

/**
 * Options of {@link jwtAuth}.
 *
 * @example
 * ```ts
 * import { createScimHandler, type JwtAuthOptions, jwtAuth } from '@scim/server';
 * const options: JwtAuthOptions = {
 *   issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
 *   audience: 'api://scim.example.com',
 *   jwks: new URL('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
 *   tenantFromClaims: () => 'contoso',
 * };
 * const handler = createScimHandler({ store, authenticate: jwtAuth(options) });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7519#section-4.1
 */
export interface JwtAuthOptions {
  /**
   * The accepted `iss`: one value, a list, or a predicate (for a service with many customers'
   * directories). Microsoft Entra ID issues `https://sts.windows.net/<tenantId>/`.
   */
  readonly issuer: string | readonly string[] | ((issuer: string) => boolean);
  /** The accepted `aud`: the application ID URI or client id the token was issued for. */
  readonly audience: string | readonly string[];
  /**
   * Where the signing keys are: the URL of a JSON Web Key Set (fetched and cached, refetched
   * when a token names an unknown key), or a key set given inline.
   */
  readonly jwks: URL | JSONWebKeySet;
  /**
   * The SCIM tenant a verified token belongs to; `undefined` rejects the token. The request
   * succeeds only when it equals the tenant the URL names. By default the `tid` claim (the Entra
   * directory id), so a tenant must be named by its directory id; map it to your own tenant names
   * here, or return a constant for a single-tenant server.
   */
  readonly tenantFromClaims?: (claims: JWTPayload) => string | undefined | Promise<string | undefined>;
  /** Accepted clock skew for `exp` and `nbf`, in seconds (default 60). */
  readonly clockTolerance?: number;
  /** Accepted signature algorithms (default: the key set's asymmetric algorithms, for example RS256). */
  readonly algorithms?: readonly string[];
  /** The current time in milliseconds since the epoch; `Date.now` when absent. */
  readonly clock?: () => number;
  /**
   * Called with the reason a JWT was rejected (an expired token, a wrong audience or issuer: jose's
   * error, whose `code` tells which, `ERR_JWT_CLAIM_VALIDATION_FAILED` with `claim: 'iss'` for an
   * issuer) or could not be verified (a key set that could not be fetched: `code`
   * `ERR_JWKS_UNREACHABLE`, and the request is answered 503 with `Retry-After`, not 401), with the
   * request it came with, for diagnostics (`scim-server start` logs it at `warn` with the request
   * id). The error never contains the token.
   */
  readonly onReject?: (error: Error, request: Request) => void;
}

/**
 * An {@link Authenticator} for OAuth 2 bearer JWTs, verified with `jose`: the signature against
 * the JSON Web Key Set, `iss`, `aud`, `exp` and `nbf` (with a small clock tolerance), then the
 * tenant from the claims, which must equal the tenant the URL names. A bearer value that is not a
 * JWT is left to the next authenticator of `anyOf`. When the remote key set cannot be fetched, no
 * token can be verified: that is the server's problem, not the client's, and it throws 503
 * `unavailable` with `Retry-After` instead of answering 401.
 *
 * @param options - issuer, audience, key set and tenant mapping
 * @returns an authenticator
 * @throws ScimError `invalidValue` when `issuer` or `audience` is empty; the authenticator it
 *   returns throws `unavailable` (503) while the key set cannot be fetched
 * @example
 * ```ts
 * const authenticate = jwtAuth({
 *   issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
 *   audience: 'api://scim.example.com',
 *   jwks: new URL('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
 *   tenantFromClaims: (claims) => tenantsByDirectory.get(String(claims.tid)),
 * });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7519#section-7.2
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function jwtAuth(options: JwtAuthOptions): Authenticator {
  const { issuer, audience } = options;
  if ((typeof issuer === 'string' || Array.isArray(issuer)) && issuer.length === 0) {
    throw new ScimError(
      'invalidValue',
      'jwtAuth: issuer is empty; pass the iss your identity provider issues.',
    );
  }
  if (audience.length === 0) {
    throw new ScimError(
      'invalidValue',
      'jwtAuth: audience is empty; pass the aud your tokens are issued for.',
    );
  }
  const keys: JWTVerifyGetKey =
    options.jwks instanceof URL ? remoteKeys(options.jwks) : createLocalJWKSet(options.jwks);
  const tenantFromClaims =
    options.tenantFromClaims ??
    ((claims: JWTPayload) => (typeof claims.tid === 'string' ? claims.tid : undefined));
  const clock = options.clock ?? Date.now;
  return async (request, tenant) => {
    const reject = (error: Error): undefined => {
      options.onReject?.(error, request);
      return undefined;
    };
    const token = readBearerToken(request);
    if (token === undefined || !COMPACT_JWS.test(token)) return undefined;
    let claims: JWTPayload;
    try {
      const verified = await jwtVerify(token, keys, {
        ...(typeof issuer === 'function'
          ? {}
          : { issuer: typeof issuer === 'string' ? issuer : [...issuer] }),
        audience: typeof audience === 'string' ? audience : [...audience],
        clockTolerance: options.clockTolerance ?? 60,
        currentDate: new Date(clock()),
        requiredClaims: ['exp'],
        ...(options.algorithms === undefined ? {} : { algorithms: [...options.algorithms] }),
      });
      claims = verified.payload;
    } catch (error) {
      if (error instanceof KeySetUnreachable) {
        // Not the client's fault: no token can be verified until the key set answers again.
        options.onReject?.(error, request);
        throw new ScimError(
          'unavailable',
          `the signing keys of the token's issuer cannot be fetched right now; retry after ${RETRY_AFTER_SECONDS} seconds`,
          { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) }, cause: error },
        );
      }
      return reject(error instanceof Error ? error : new Error('jwtAuth: the JWT could not be verified'));
    }
    if (typeof issuer === 'function' && (typeof claims.iss !== 'string' || !issuer(claims.iss))) {
      return reject(new Error(`jwtAuth: the issuer ${JSON.stringify(claims.iss)} is not accepted`));
    }
    const owner = await tenantFromClaims(claims);
    if (owner === undefined || owner !== tenant) {
      return reject(new Error(`jwtAuth: the token's tenant ${JSON.stringify(owner)} is not "${tenant}"`));
    }
    const subject = [claims.sub, claims.oid, claims.appid, claims.azp].find((v) => typeof v === 'string');
    const principal: Principal = {
      tenant,
      kind: 'jwt',
      id: typeof subject === 'string' ? subject : 'unknown',
      claims,
    };
    return principal;
  };
}

import { ScimError } from '@scim/schemas';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { readBearerToken } from './bearer.ts';
import type { Authenticator, Principal } from './types.ts';

/** Three base64url segments: a JWS in compact serialization. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Options of {@link jwtAuth}.
 *
 * @example
 * ```ts
 * const options: JwtAuthOptions = {
 *   issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
 *   audience: 'api://scim.example.com',
 *   jwks: new URL('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
 *   tenantFromClaims: () => 'contoso',
 * };
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
   * Called with the reason a JWT was rejected (an expired token, a wrong audience, a key set that
   * could not be fetched) and the request it came with, for diagnostics (`scim-server start` logs
   * the reason at `warn` with the request id). The error never contains the token.
   */
  readonly onReject?: (error: Error, request: Request) => void;
}

/**
 * An {@link Authenticator} for OAuth 2 bearer JWTs, verified with `jose`: the signature against
 * the JSON Web Key Set, `iss`, `aud`, `exp` and `nbf` (with a small clock tolerance), then the
 * tenant from the claims, which must equal the tenant the URL names. A bearer value that is not a
 * JWT is left to the next authenticator of `anyOf`.
 *
 * @param options - issuer, audience, key set and tenant mapping
 * @returns an authenticator
 * @throws ScimError `invalidValue` when `issuer` or `audience` is empty
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
    options.jwks instanceof URL ? createRemoteJWKSet(options.jwks) : createLocalJWKSet(options.jwks);
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

import { headerAuthOf, withHeaderAuth } from '../pipeline.ts';
import type { Authenticator } from './types.ts';

/**
 * Combines authenticators: each is tried in order, and the first principal wins; `undefined` when
 * none accepts the request. An error thrown by one (a store that cannot be reached) is thrown.
 *
 * @param authenticators - the authenticators, in the order to try them
 * @returns an authenticator
 * @example
 * ```ts
 * const authenticate = anyOf(
 *   bearerTokens({ tokens: store.tokens }),
 *   jwtAuth({
 *     issuer: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
 *     audience: 'api://scim.example.com',
 *     jwks: new URL('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
 *     tenantFromClaims: () => 'contoso',
 *   }),
 * );
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-2
 */
export function anyOf(...authenticators: readonly Authenticator[]): Authenticator {
  const any: Authenticator = async (request, tenant) => {
    for (const authenticate of authenticators) {
      const principal = await authenticate(request, tenant);
      if (principal !== undefined) return principal;
    }
    return undefined;
  };
  // When every one reads only the Authorization header, so does the combination.
  const checks = authenticators.map(headerAuthOf);
  if (checks.some((check) => check === undefined)) return any;
  return withHeaderAuth(any, async (authorization, tenant) => {
    for (const check of checks) {
      const principal = await check!(authorization, tenant);
      if (principal !== undefined) return principal;
    }
    return undefined;
  });
}

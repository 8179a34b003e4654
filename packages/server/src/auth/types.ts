/**
 * Who a request was authenticated as.
 *
 * @example
 * ```ts
 * import type { Principal } from '@scim/server';
 * const who: Principal | undefined = await authenticate(request, 'contoso');
 * if (who === undefined) return new Response(null, { status: 401 });
 * console.log(who.kind, who.id); // 'bearer' 'tok_01HZX': the token's id, never the secret
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-2
 */
export interface Principal {
  /** The tenant the credentials open. */
  readonly tenant: string;
  /** How the request authenticated: a secret token, or an OAuth 2 JWT. */
  readonly kind: 'bearer' | 'jwt';
  /** The token's public id, or the JWT's subject; never the secret. */
  readonly id: string;
  /** The JWT's claims, for `kind: 'jwt'`. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/**
 * Decides whether a request may act on a tenant. Returns the principal, or `undefined` for
 * missing or bad credentials (the handler then answers 401 with `WWW-Authenticate: Bearer`).
 * Must compare secrets in constant time and never log them.
 *
 * @param request - the incoming request (read headers only; never consume the body)
 * @param tenant - the tenant the URL names
 * @example
 * ```ts
 * import { type Authenticator, bearerTokens } from '@scim/server';
 * const authenticate: Authenticator = bearerTokens({ tokens: store.tokens });
 * const who = await authenticate(request, 'contoso'); // undefined: answer 401
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-3
 */
export type Authenticator = (request: Request, tenant: string) => Promise<Principal | undefined>;

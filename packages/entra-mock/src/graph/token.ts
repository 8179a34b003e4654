// The identity platform's client-credentials token endpoint and the bearer check of Graph calls.
// Internal to the package.
import type { EntraTenant } from '../tenant/tenant.ts';
import { graphError, type RequestContext } from './context.ts';
import type { components } from './openapi.generated.ts';

type Schemas = components['schemas'];

const GRAPH_SCOPE_SUFFIX = '/.default';

/** What the token service needs. @internal */
export interface TokenServiceOptions {
  readonly loginUrl: string;
  readonly clients: readonly { clientId: string; clientSecret: string }[] | undefined;
  readonly lifetimeSeconds: number;
  readonly requireToken: boolean;
}

/** Issues tokens and checks them on Graph calls. @internal */
export interface TokenService {
  /** Answers `POST {loginUrl}/{tenant}/oauth2/v2.0/token`. */
  issue(request: Request, tenantSegment: string): Promise<Response>;
  /** The 401 for a Graph call without a valid bearer token, or `undefined` when it may proceed. */
  check(ctx: RequestContext): Response | undefined;
}

/** The identity platform's error body, with the AADSTS code first in the description. */
function tokenError(
  tenant: EntraTenant,
  loginUrl: string,
  status: number,
  error: string,
  code: number,
  description: string,
): Response {
  const stamp = `${tenant.clock.now().toISOString().slice(0, 19).replace('T', ' ')}Z`;
  const traceId = crypto.randomUUID();
  const correlationId = crypto.randomUUID();
  const body: Schemas['tokenError'] = {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${stamp}`,
    error_codes: [code],
    timestamp: stamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${loginUrl}/error?code=${code}`,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * Creates the token service of a Graph handler: client credentials with a secret, `/.default`
 * scopes, unsigned tokens valid on the tenant's clock.
 *
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
 * @internal
 */
export function createTokenService(tenant: EntraTenant, options: TokenServiceOptions): TokenService {
  const tokens = new Map<string, { expiresAt: number; clientId: string }>();
  const { loginUrl, lifetimeSeconds: lifetime } = options;
  const fail = (status: number, error: string, code: number, description: string): Response =>
    tokenError(tenant, loginUrl, status, error, code, description);

  const clientError = (clientId: string, secret: string, tenantSegment: string): Response | undefined => {
    if (!options.clients) {
      return secret === ''
        ? fail(
            401,
            'invalid_client',
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
          )
        : undefined;
    }
    const client = options.clients.find((c) => c.clientId === clientId);
    if (!client) {
      return fail(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantSegment}'.`,
      );
    }
    if (client.clientSecret !== secret) {
      return fail(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
      );
    }
    return undefined;
  };

  const formError = (
    request: Request,
    form: URLSearchParams,
    tenantSegment: string,
  ): Response | undefined => {
    const known = tenantSegment.toLowerCase();
    if (known !== tenant.id && !tenant.domains.includes(known)) {
      return fail(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (!(request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded')) {
      return fail(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    for (const name of ['grant_type', 'client_id', 'scope'] as const) {
      if (!form.get(name)) {
        return fail(
          400,
          'invalid_request',
          900144,
          `The request body must contain the following parameter: '${name}'.`,
        );
      }
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return fail(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.get('grant_type')}'.`,
      );
    }
    const denied = clientError(form.get('client_id')!, form.get('client_secret') ?? '', tenantSegment);
    if (denied) return denied;
    const scope = form.get('scope')!;
    if (!scope.endsWith(GRAPH_SCOPE_SUFFIX) || scope.trim().includes(' ')) {
      return fail(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    return undefined;
  };

  const accessToken = (clientId: string, scope: string, now: Date): string => {
    const iat = Math.floor(now.getTime() / 1000);
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    return [
      encode({ typ: 'JWT', alg: 'none' }),
      encode({
        aud: scope.slice(0, -GRAPH_SCOPE_SUFFIX.length),
        iss: `https://sts.windows.net/${tenant.id}/`,
        iat,
        nbf: iat,
        exp: iat + lifetime,
        appid: clientId,
        tid: tenant.id,
        jti: crypto.randomUUID(),
      }),
      'entra-mock',
    ].join('.');
  };

  return {
    async issue(request, tenantSegment) {
      // The content type is checked before the body is read, as the identity platform does.
      const text = (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded')
        ? await request.text()
        : '';
      const form = new URLSearchParams(text);
      const denied = formError(request, form, tenantSegment);
      if (denied) return denied;
      const now = tenant.clock.now();
      const clientId = form.get('client_id')!;
      const token = accessToken(clientId, form.get('scope')!, now);
      tokens.set(token, { expiresAt: now.getTime() + lifetime * 1000, clientId });
      const body: Schemas['tokenResponse'] = {
        token_type: 'Bearer',
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: token,
      };
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
    },
    check(ctx) {
      if (!options.requireToken) return undefined;
      const header = ctx.request.headers.get('authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
      const token = tokens.get(match[1]!);
      if (!token) {
        return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token validation failure.');
      }
      if (tenant.clock.now().getTime() >= token.expiresAt) {
        return graphError(
          ctx,
          401,
          'InvalidAuthenticationToken',
          'Lifetime validation failed, the token is expired.',
        );
      }
      return undefined;
    },
  };
}

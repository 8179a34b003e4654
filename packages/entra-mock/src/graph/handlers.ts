import { isScimError } from '@scim/schemas';
import type { HttpHandler } from 'msw';
import { mountFetchHandler } from '../mount.ts';
import type { EntraTenant } from '../tenant/tenant.ts';
import { graphError, type RequestContext, type Route } from './context.ts';
import { GraphQueryError } from './odata.ts';
import { matchRoute } from './router.ts';
import { applicationRoutes } from './routes/applications.ts';
import { directoryRoutes } from './routes/directory.ts';
import { synchronizationRoutes } from './routes/synchronization.ts';
import { createSynchronization, type Synchronization } from './sync.ts';
import { createTokenService } from './token.ts';

/**
 * The versions served: `beta` answers as `v1.0` does, since Microsoft's synchronization samples use
 * both.
 *
 * @see https://learn.microsoft.com/en-us/graph/versioning-and-support
 */
const VERSIONS = ['v1.0', 'beta'];

/** The version base URL a Graph request addresses, `''` for a path outside the served versions. */
function graphBase(url: URL, graphUrl: string, root: string): string {
  if (url.origin !== new URL(graphUrl).origin || !url.pathname.startsWith(`${root}/`)) return '';
  const version = url.pathname.slice(root.length + 1).split('/')[0] ?? '';
  return VERSIONS.includes(version) ? `${graphUrl}/${version}` : '';
}

/**
 * Splits an alternate-key segment, `servicePrincipals(appId='…')` or `applications(appId='…')`, into
 * the collection and the key, so routes see `['servicePrincipals', "(appId='…')"]`; and a key
 * segment, `objectConnections('{objectId}')`, as the object connections page writes it, into
 * `['objectConnections', '{objectId}']`.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/serviceprincipal-get
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/manage-object-connections
 */
function splitAlternateKey(segment: string): string[] {
  const match = /^(servicePrincipals|applications)(\(appId='[^']*'\))$/.exec(segment);
  if (match) return [match[1]!, match[2]!];
  const key = /^(objectConnections)\('((?:[^']|'')*)'\)$/.exec(segment);
  return key ? [key[1]!, key[2]!.replace(/''/g, "'")] : [segment];
}

/**
 * An OAuth client allowed to get tokens from the simulated token endpoint.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createGraphHandlers, type GraphClientCredentials } from '@scim/entra-mock';
 * const client: GraphClientCredentials = { clientId: '11111111-1111-1111-1111-111111111111', clientSecret: 's3cret' };
 * setupServer(...createGraphHandlers(tenant, { clients: [client] })).listen();
 * // only this client gets a token at https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
export interface GraphClientCredentials {
  /** The application (client) id. */
  clientId: string;
  /** The client secret's value. */
  clientSecret: string;
}

/**
 * Options of {@link createGraphHandler} and {@link createGraphHandlers}.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createGraphHandlers, type GraphHandlerOptions } from '@scim/entra-mock';
 * const options: GraphHandlerOptions = { requireToken: false, pageSize: 2 };
 * setupServer(...createGraphHandlers(tenant, options)).listen();
 * const page = await (await fetch('https://graph.microsoft.com/v1.0/users')).json(); // 2 users and an @odata.nextLink
 * ```
 * @see https://learn.microsoft.com/en-us/graph/use-the-api
 */
export interface GraphHandlerOptions {
  /**
   * Graph's origin; defaults to `https://graph.microsoft.com`. Requests go to `{graphUrl}/v1.0/...` or
   * `{graphUrl}/beta/...`, which answer alike.
   */
  graphUrl?: string;
  /** The identity platform's origin; defaults to `https://login.microsoftonline.com`. */
  loginUrl?: string;
  /** The clients that may get tokens; when omitted, any client id with a non-empty secret may. */
  clients?: GraphClientCredentials[];
  /** Whether Graph calls need a bearer token from the token endpoint; defaults to `true`. */
  requireToken?: boolean;
  /** Token lifetime in seconds of the tenant's clock; defaults to 3599, as Entra issues. */
  tokenLifetimeSeconds?: number;
  /** The page size when `$top` is absent; defaults to 100, Graph's for users and groups. */
  pageSize?: number;
  /**
   * The synchronization service behind `servicePrincipals/{id}/synchronization` and
   * `auditLogs/provisioning`; defaults to a new {@link createSynchronization} of the tenant. Pass your
   * own to reach the jobs' engines and run their cycles from the test.
   */
  synchronization?: Synchronization;
}

/**
 * A fetch-standard handler: takes a `Request`, returns a `Response`.
 *
 * @example
 * ```ts
 * const handle: GraphFetchHandler = createGraphHandler(tenant);
 * const res = await handle(new Request('https://graph.microsoft.com/v1.0/users'));
 * ```
 * @see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API
 */
export type GraphFetchHandler = (request: Request) => Promise<Response>;

/**
 * Creates the Microsoft Graph subset over a tenant as one fetch-standard handler, for tests that
 * call it directly or mount it anywhere. It answers Graph (`{graphUrl}/v1.0/...` and
 * `{graphUrl}/beta/...` alike; other paths get Graph's 400) and the
 * client-credentials token endpoint (`{loginUrl}/{tenant}/oauth2/v2.0/token`), with Graph's status
 * codes and error shapes.
 *
 * @param tenant - the tenant to serve
 * @param options - origins, clients, token lifetime, page size
 * @returns the handler
 * @throws never: every failure becomes a Graph or identity-platform error response
 * @example
 * ```ts
 * const graph = createGraphHandler(tenant, { requireToken: false });
 * const res = await graph(new Request("https://graph.microsoft.com/v1.0/users?$filter=department eq 'Sales'"));
 * (await res.json()).value.length;
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/overview?view=graph-rest-1.0
 */
export function createGraphHandler(
  tenant: EntraTenant,
  options: GraphHandlerOptions = {},
): GraphFetchHandler {
  const graphUrl = (options.graphUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  const loginUrl = (options.loginUrl ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  const pageSize = options.pageSize ?? 100;
  const root = new URL(graphUrl).pathname.replace(/\/+$/, '');
  const tokens = createTokenService(tenant, {
    loginUrl,
    clients: options.clients,
    lifetimeSeconds: options.tokenLifetimeSeconds ?? 3599,
    requireToken: options.requireToken ?? true,
  });
  const routes: Route[] = [
    ...directoryRoutes,
    ...applicationRoutes,
    ...synchronizationRoutes(options.synchronization ?? createSynchronization(tenant)),
  ];

  const answer = async (ctx: RequestContext): Promise<Response> => {
    const { request, url } = ctx;
    if (url.origin === new URL(loginUrl).origin) {
      const match = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
      if (match && request.method === 'POST')
        return await tokens.issue(request, decodeURIComponent(match[1]!));
      return new Response(null, { status: 404 });
    }
    if (ctx.base === '') {
      return graphError(ctx, 400, 'BadRequest', `Invalid version: use ${graphUrl}/v1.0 or ${graphUrl}/beta.`);
    }
    const denied = tokens.check(ctx);
    if (denied) return denied;
    const segments = url.pathname
      .slice(root.length + 1)
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s))
      .slice(1)
      .flatMap(splitAlternateKey);
    const found = matchRoute(routes, request.method, segments);
    if (found === undefined) {
      return graphError(
        ctx,
        400,
        'BadRequest',
        `Resource not found for the segment '${segments.at(-1) ?? ''}'.`,
      );
    }
    if (found === 'method') {
      return graphError(
        ctx,
        405,
        'Request_BadRequest',
        `The request method '${request.method}' is not allowed on this resource.`,
      );
    }
    return await found.route.run(ctx, found.params);
  };

  return async (request) => {
    const url = new URL(request.url);
    const ctx: RequestContext = {
      request,
      url,
      requestId: crypto.randomUUID(),
      clientRequestId: request.headers.get('client-request-id') ?? crypto.randomUUID(),
      tenant,
      base: graphBase(url, graphUrl, root),
      pageSize,
    };
    try {
      return await answer(ctx);
    } catch (error) {
      if (error instanceof GraphQueryError) return graphError(ctx, error.status, error.code, error.message);
      if (isScimError(error)) {
        return error.code === 'notFound'
          ? graphError(ctx, 404, 'Request_ResourceNotFound', error.message)
          : graphError(ctx, 400, 'Request_BadRequest', error.message);
      }
      return graphError(ctx, 500, 'generalException', 'An unexpected error occurred in the simulator.');
    }
  };
}

/**
 * Creates MSW request handlers that serve the Microsoft Graph subset and the client-credentials
 * token endpoint from a tenant, for `setupServer` from `msw/node`: code under test calls
 * `https://graph.microsoft.com/v1.0/...` or `.../beta/...` with plain `fetch` and reaches the
 * simulator. The whole Graph origin is served, so no Graph request leaves the process.
 *
 * @param tenant - the tenant to serve
 * @param options - origins, clients, token lifetime, page size
 * @returns the handlers, one for Graph and one for the token endpoint
 * @throws never: failures become Graph or identity-platform error responses
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * const server = setupServer(...createGraphHandlers(tenant, { clients: [{ clientId: 'app', clientSecret: 's3cret' }] }));
 * server.listen({ onUnhandledRequest: 'error' });
 * ```
 * @see https://mswjs.io/docs/api/setup-server
 * @see https://learn.microsoft.com/en-us/graph/api/overview?view=graph-rest-1.0
 */
export function createGraphHandlers(tenant: EntraTenant, options: GraphHandlerOptions = {}): HttpHandler[] {
  const handle = createGraphHandler(tenant, options);
  const graphUrl = (options.graphUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  const loginUrl = (options.loginUrl ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  // Graph's whole origin is served, so that no request a documented sample makes leaves the process:
  // unknown versions and paths get Graph's error from the simulator.
  return [mountFetchHandler(graphUrl, handle), mountFetchHandler(loginUrl, handle)];
}

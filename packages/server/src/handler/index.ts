import { isScimError, ScimError } from '@scim/schemas';
import type { Principal } from '../auth/types.ts';
import { getRequestId } from '../log.ts';
import type { ScimHandler, ScimServerOptions } from '../options.ts';
import {
  errorReply,
  fromFetch,
  headerAuthOf,
  internalRequest,
  type PipelineRequest,
  type PlainReply,
  type Reply,
  replyHeader,
  toResponse,
  withPipeline,
  withReplyHeader,
} from '../pipeline.ts';
import { requestIdFrom } from '../request-id.ts';
import { RETRY_AFTER_SECONDS } from '../retry-after.ts';
import { readJson } from './body.ts';
import { type BulkDispatch, runBulk } from './bulk.ts';
import { resolveConfig, type ServedType, storageOf } from './config.ts';
import type { RequestContext } from './context.ts';
import { type DiscoveryEndpoint, discovery } from './discovery.ts';
import { checkText, unstorable } from './limits.ts';
import { listResources, searchAll } from './list.ts';
import { queryParams, searchParams } from './query.ts';
import { createResource, deleteResource, getResource, patchResource, replaceResource } from './resources.ts';
import { scimJson } from './respond.ts';
import { pause, restartSlice, sliceClock } from './slices.ts';

/** Where a request's path leads. */
type Target =
  | { readonly kind: 'health' }
  | {
      readonly kind: 'discovery';
      readonly base: string;
      readonly endpoint: DiscoveryEndpoint;
      readonly id: string | undefined;
      /** How many segments follow the base: more than 2 is no endpoint. */
      readonly depth: number;
    }
  | { readonly kind: 'scim'; readonly tenant: string; readonly base: string; readonly parts: string[] };
const HEALTH: Target = Object.freeze({ kind: 'health' });

/** The segments of `path` after its first `from` characters, empty ones (from `//`) left out. */
function nonEmptySegments(path: string, from: number): string[] {
  const segments: string[] = [];
  let start = from;
  while (start <= path.length) {
    let end = path.indexOf('/', start);
    if (end === -1) end = path.length;
    if (end > start) segments.push(path.slice(start, end));
    start = end + 1;
  }
  return segments;
}

/** Error codes of Node, `pg` and SQLite that mean the database cannot be reached right now. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'ERR_INVALID_STATE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  '53300',
]);

function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; unavailable?: unknown; message?: unknown };
  if (e.unavailable === true) return true;
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  return (
    typeof e.message === 'string' &&
    /database is not open|connection terminated|client has encountered a connection error|pool (?:is )?(?:closed|ended)|cannot use a pool after calling end/i.test(
      e.message,
    )
  );
}

function methodNotAllowed(allow: string): ScimError {
  return new ScimError('methodNotAllowed', `this endpoint accepts ${allow}`, { headers: { allow } });
}

function decodeSegment(segment: string): string {
  // A path from the URL parser holds no raw U+0000 (it percent-encodes control characters): a
  // segment with no escape is already what it names.
  if (!segment.includes('%')) return segment;
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    throw new ScimError(
      'notFound',
      `no such endpoint: the path segment "${segment}" is not valid percent-encoding`,
    );
  }
  // No tenant, endpoint or id holds U+0000 (which PostgreSQL cannot even compare with).
  if (unstorable(decoded) !== undefined) {
    throw new ScimError('notFound', `nothing is at "${segment}": no name or id holds U+0000`);
  }
  return decoded;
}

/** A fixed-window request counter per tenant. */
class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly requests: number;
  private readonly windowMs: number;
  constructor(requests: number, windowSeconds: number) {
    this.requests = requests;
    this.windowMs = windowSeconds * 1000;
  }
  check(tenant: string): void {
    const now = Date.now();
    let w = this.windows.get(tenant);
    if (w === undefined || now - w.start >= this.windowMs) {
      if (this.windows.size > 10_000) {
        for (const [k, v] of this.windows) if (now - v.start >= this.windowMs) this.windows.delete(k);
      }
      w = { start: now, count: 0 };
      this.windows.set(tenant, w);
    }
    w.count++;
    if (w.count > this.requests) {
      const wait = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
      throw new ScimError(
        'tooManyRequests',
        `tenant ${tenant} sent more than ${this.requests} requests in ${this.windowMs / 1000} s; retry after ${wait} s`,
        { headers: { 'retry-after': String(wait) } },
      );
    }
  }
}

/**
 * Creates a SCIM 2.0 service provider as a fetch-standard handler: `(request: Request) =>
 * Promise<Response>`, for Hono, Next.js route handlers, Bun, Deno, Workers, or Node through
 * {@link toNodeListener}. It serves `/Users`, `/Groups` (and custom resource types), `/.search`,
 * `/Bulk`, `/Me`, `/Schemas`, `/ResourceTypes`, `/ServiceProviderConfig` and `/health`, with
 * ETags, projection, filters, sorting and paging pushed down to the store, per-tenant isolation,
 * vendor policies, lifecycle hooks and a change feed.
 *
 * @param options - the store, the authenticator, and what to serve (see {@link ScimServerOptions})
 * @returns the handler, with `changes(tenant)` to read the change feed, `ready` and `close()`
 * @throws ScimError `invalidValue` / `invalidPath` when the options are inconsistent (a policy or
 *   `required` path the schema lacks, two types on one endpoint, a non-positive limit)
 * @example
 * ```ts
 * import { createScimHandler, memoryStore } from '@scim/server';
 * const store = memoryStore();
 * const handler = createScimHandler({
 *   store,
 *   authenticate: async (request, tenant) =>
 *     request.headers.get('authorization') === `Bearer ${process.env.SCIM_TOKEN}` ? { tenant, kind: 'bearer', id: 'env' } : undefined,
 *   basePath: '/scim/v2',
 * });
 * const res = await handler(new Request('http://localhost/scim/v2/Users?filter=userName eq "bjensen"', {
 *   headers: { authorization: `Bearer ${process.env.SCIM_TOKEN}` },
 * }));
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export function createScimHandler(options: ScimServerOptions): ScimHandler {
  const config = resolveConfig(options);
  const { store } = options;
  const limiter =
    config.rateLimit === undefined
      ? undefined
      : new RateLimiter(config.rateLimit.requests, config.rateLimit.windowSeconds);
  const discoveryCache = new Map<string, PlainReply>();
  let opened: Promise<void> | undefined;
  const open = () => {
    opened ??= store.open(storageOf(config)).catch((error: unknown) => {
      opened = undefined;
      throw error;
    });
    return opened;
  };
  const ready = open();
  ready.catch(() => undefined);

  const errorResponse = (error: unknown, requestId: string): PlainReply => {
    if (isScimError(error)) {
      if (error.status === 503 && error.headers['retry-after'] === undefined) {
        return errorReply(
          new ScimError(error.code, error.message, {
            headers: { ...error.headers, 'retry-after': String(RETRY_AFTER_SECONDS) },
          }),
        );
      }
      return errorReply(error);
    }
    if (isUnavailable(error)) {
      options.logger?.error({ requestId, err: error }, 'the store is unavailable');
      return errorReply(
        new ScimError(
          'unavailable',
          `the service's database is unavailable; retry after ${RETRY_AFTER_SECONDS} seconds`,
          {
            headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
          },
        ),
      );
    }
    options.logger?.error({ requestId, err: error }, 'unexpected error');
    return errorReply(
      new ScimError(
        'internal',
        `the service provider failed to handle the request (request id ${requestId}); retry later, and quote the request id if it persists`,
      ),
    );
  };
  const headerAuth = headerAuthOf(options.authenticate);

  /**
   * Where a path leads: the health endpoint, a discovery document, or a tenant's SCIM endpoints.
   * `pathname` is the URL's path as sent (percent-encoded), `origin` the normalized origin.
   */
  // The texts every request's path is compared with, made once.
  const healthPath = `${config.basePrefix}/health`;
  const underBase = `${config.basePrefix}/`;
  const resolveTarget = (pathname: string, origin: string): Target => {
    const path = pathname.endsWith('/') ? pathname.replace(/\/+$/, '') : pathname;
    if (path === '/health' || (!config.tenantInPath && path === healthPath)) {
      return HEALTH;
    }
    if (path !== config.basePrefix && !path.startsWith(underBase)) {
      throw new ScimError(
        'notFound',
        `no SCIM endpoint at ${pathname}; the base path is ${options.basePath ?? '/'}`,
      );
    }
    const segments = nonEmptySegments(path, config.basePrefix.length);
    let tenant = config.fixedTenant;
    let base = `${origin}${config.basePrefix}`;
    if (config.tenantInPath) {
      const raw = segments.shift();
      if (raw === undefined)
        throw new ScimError('notFound', `name a tenant in the path: the base path is ${options.basePath}`);
      tenant = decodeSegment(raw);
      if (tenant.length > 200) throw new ScimError('notFound', 'tenant names are at most 200 characters');
      const suffix = config.baseSuffix.split('/').filter((s) => s !== '');
      for (const s of suffix) {
        if (segments.shift() !== s) throw new ScimError('notFound', `no SCIM endpoint at ${pathname}`);
      }
      base = `${origin}${config.basePrefix}/${encodeURIComponent(tenant)}${config.baseSuffix}`;
    }
    const parts = segments.map(decodeSegment);
    const first = parts[0]?.toLowerCase();
    if (first === 'serviceproviderconfig' || first === 'schemas' || first === 'resourcetypes') {
      return { kind: 'discovery', base, endpoint: first, id: parts[1], depth: parts.length };
    }
    return { kind: 'scim', tenant, base, parts };
  };

  /**
   * Answers a request: a discovery document at once (no promise of its own: it is made once and
   * kept, and the cost of an asynchronous step is a large part of such a request's), anything else
   * through {@link serve}. Throws what the request's answer is an error of.
   */
  const route = (request: PipelineRequest, requestId: string): Reply | Promise<Reply> => {
    const { url, method } = request;
    const target = resolveTarget(url.pathname, url.origin);
    if (target.kind === 'discovery') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
      if (target.depth > 2) throw new ScimError('notFound', `no SCIM endpoint at ${url.pathname}`);
      return discovery(config, target.base, target.endpoint, target.id, discoveryCache);
    }
    return serve(request, requestId, target);
  };

  /** The health endpoint, and a tenant's SCIM endpoints once the request is authenticated. */
  const serve = async (
    request: PipelineRequest,
    requestId: string,
    target: Exclude<Target, { kind: 'discovery' }>,
  ): Promise<Reply> => {
    const { url, method } = request;
    if (target.kind === 'health') {
      if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed('GET');
      await open();
      await store.ping();
      return scimJson(200, { status: 'ok', store: store.kind });
    }
    const { tenant, base, parts } = target;
    limiter?.check(tenant);
    const principal: Principal | undefined =
      headerAuth === undefined
        ? await options.authenticate(request.fetch(), tenant)
        : await headerAuth(request.header('authorization'), tenant);
    if (principal === undefined || principal.tenant !== tenant) {
      throw new ScimError(
        'unauthorized',
        'missing or invalid credentials for this tenant; send "Authorization: Bearer <token>" with a token issued for it',
        { headers: { 'www-authenticate': 'Bearer realm="SCIM"' } },
      );
    }
    await open();
    const ctx: RequestContext = {
      config,
      store,
      tenant,
      principal,
      base,
      requestId,
      logger: options.logger,
      slice: sliceClock(),
    };
    return dispatch(ctx, request, url, method, parts);
  };

  const dispatch = async (
    ctx: RequestContext,
    request: PipelineRequest,
    url: URL,
    method: string,
    parts: readonly string[],
    bodyOverride?: { readonly value: unknown },
  ): Promise<Reply> => {
    // Once the body has arrived, the request's work on the event loop starts (slices.ts); a
    // resource write's large body makes its steps large (not a Bulk request's: its operations are
    // each their own write).
    const body = async (limit = config.maxBodyBytes, write = false) =>
      bodyOverride !== undefined
        ? bodyOverride.value
        : readJson(request, limit, config.maxDepth, (chars) => restartSlice(ctx, write ? chars : 0));
    // A resource write's body, holding only strings a store keeps (each Bulk operation's is checked
    // when it runs, so that one bad operation fails alone).
    const written = async () => {
      const value = await body(config.maxBodyBytes, true);
      checkText(value);
      await pause(ctx);
      return value;
    };
    const first = parts[0]?.toLowerCase();
    if (first === undefined) throw new ScimError('notFound', 'name an endpoint, such as /Users');
    if (first === 'me') {
      if (options.me === undefined) {
        throw new ScimError(
          'notImplemented',
          '/Me is not supported by this service provider; use /Users/{id}',
        );
      }
      return options.me(request.fetch(), { tenant: ctx.tenant, principal: ctx.principal });
    }
    if (first === '.search' && parts.length === 1) {
      if (method !== 'POST') throw methodNotAllowed('POST');
      return searchAll(ctx, searchParams(await body()));
    }
    if (first === 'bulk' && parts.length === 1) {
      if (config.bulk === undefined)
        throw new ScimError('notImplemented', '/Bulk is turned off on this service provider');
      if (method !== 'POST') throw methodNotAllowed('POST');
      if (bodyOverride !== undefined)
        throw new ScimError('invalidValue', 'a bulk operation cannot itself be a bulk request');
      const bulk = config.bulk;
      return runBulk(await body(bulk.maxPayloadSize), bulk.maxOperations, bulkOperation(ctx));
    }
    const type: ServedType | undefined = config.bySegment.get(first);
    if (type === undefined || parts.length > 2) {
      throw new ScimError('notFound', `no SCIM endpoint at ${url.pathname}; see /ResourceTypes`);
    }
    const params = queryParams(url);
    if (parts.length === 1) {
      if (method === 'GET' || method === 'HEAD') return listResources(ctx, type, params);
      if (method === 'POST') return createResource(ctx, type, await written(), params);
      throw methodNotAllowed('GET, POST');
    }
    const id = parts[1]!;
    if (id === '.search') {
      if (method !== 'POST') throw methodNotAllowed('POST');
      return listResources(ctx, type, searchParams(await body()));
    }
    switch (method) {
      case 'GET':
      case 'HEAD':
        return getResource(ctx, type, id, request, params);
      case 'PUT':
        return replaceResource(ctx, type, id, request, await written(), params);
      case 'PATCH':
        return patchResource(ctx, type, id, request, await written(), params);
      case 'DELETE':
        return deleteResource(ctx, type, id, request);
      default:
        throw methodNotAllowed('GET, PUT, PATCH, DELETE');
    }
  };

  /**
   * Runs one Bulk operation through {@link dispatch}, as a request of its own to `ctx.base` + its
   * path. It never throws: every error becomes the operation's response (a 500 is logged with the
   * request id, as any other), so that one operation fails alone. Responses to PUT, PATCH and
   * DELETE carry the resource's URL in `Location`, the `location` of the operation's result
   * (RFC 7644 section 3.7.3: required except for a failed POST).
   */
  const bulkOperation =
    (ctx: RequestContext): BulkDispatch =>
    async (m, path, data, version) => {
      try {
        const sub = new URL(`${ctx.base}${path}`);
        const root = new URL(ctx.base).pathname;
        if (sub.origin !== new URL(ctx.base).origin || !sub.pathname.startsWith(root)) {
          return errorReply(
            new ScimError(
              'invalidValue',
              `bulk path ${path} leaves the tenant's endpoints; use /Users or /Groups paths`,
            ),
          );
        }
        const subParts = sub.pathname
          .slice(root.length)
          .split('/')
          .filter((s) => s !== '')
          .map(decodeSegment);
        const subRequest = internalRequest(
          m,
          sub,
          version === undefined ? {} : { 'if-match': version },
          ctx.requestId,
        );
        const response = await dispatch(ctx, subRequest, sub, m, subParts, { value: data }).catch(
          (error: unknown): Reply => errorResponse(error, ctx.requestId),
        );
        if (m !== 'POST' && replyHeader(response, 'location') === undefined) {
          // Immutable headers (a /Me handler's proxied response) stay without a location.
          return withReplyHeader(response, 'location', `${sub.origin}${sub.pathname}`);
        }
        return response;
      } catch (error) {
        return errorResponse(error, ctx.requestId);
      }
    };

  /**
   * The pipeline (see pipeline.ts): every request, from the fetch handler or a Node adapter. Not
   * an async function: a discovery reply, ready at once, takes one resolved promise and no more.
   * It never throws; an error it cannot answer (none is known) rejects its promise.
   */
  const pipeline = (request: PipelineRequest): Promise<Reply> => {
    let requestId: string;
    try {
      requestId = request.requestId ?? requestIdFrom(request.header('x-request-id') ?? undefined);
    } catch (error) {
      return Promise.reject(error);
    }
    // A response with immutable headers (from a /Me handler that proxied a fetch) stays as it is.
    const answer = (reply: Reply) => withReplyHeader(reply, 'x-request-id', requestId);
    let reply: Reply | Promise<Reply>;
    try {
      reply = route(request, requestId);
    } catch (error) {
      reply = errorResponse(error, requestId);
    }
    if (!(reply instanceof Promise)) return Promise.resolve(answer(reply));
    return reply.then(answer, (error: unknown) => answer(errorResponse(error, requestId)));
  };
  const handler = async (request: Request): Promise<Response> =>
    toResponse(await pipeline(fromFetch(request, getRequestId(request))));
  withPipeline(handler, pipeline);

  return Object.assign(handler, {
    ready,
    changes: async (
      tenant: string,
      opts?: { readonly after?: string | undefined; readonly limit?: number },
    ) => {
      await open();
      return store.changes(tenant, opts);
    },
    close: async () => {
      await opened?.catch(() => undefined);
      await store.close();
    },
  });
}

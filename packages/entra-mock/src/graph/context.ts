// The context every Graph route shares: the request, the tenant, the version base URL, and the
// response helpers that give Graph's headers, error envelope and paging. Internal to the package.
import type { EntraTenant } from '../tenant/tenant.ts';
import { decodeSkipToken, encodeSkipToken, GraphQueryError, parseTop } from './odata.ts';
import type { components } from './openapi.generated.ts';

type Schemas = components['schemas'];

/** Graph's JSON content type, as Graph sends it. @internal */
export const JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** What a route gets for one request. @internal */
export interface RequestContext {
  readonly request: Request;
  readonly url: URL;
  readonly requestId: string;
  readonly clientRequestId: string;
  /** The tenant served. */
  readonly tenant: EntraTenant;
  /** The version's base URL, `https://graph.microsoft.com/v1.0`: the prefix of `@odata.context` and references. */
  readonly base: string;
  /** The page size when `$top` is absent. */
  readonly pageSize: number;
}

/** A route: a method, a path pattern (`:name` segments are parameters) and what answers it. @internal */
export interface Route {
  readonly method: string;
  readonly pattern: readonly string[];
  run(ctx: RequestContext, params: Record<string, string>): Response | Promise<Response>;
}

/** A JSON response with Graph's content type and request-id headers. @internal */
export function json(ctx: RequestContext, status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': JSON_TYPE,
      'request-id': ctx.requestId,
      'client-request-id': ctx.clientRequestId,
    },
  });
}

/** A `204 No Content` with Graph's request-id headers. @internal */
export function noContent(ctx: RequestContext): Response {
  return new Response(null, {
    status: 204,
    headers: { 'request-id': ctx.requestId, 'client-request-id': ctx.clientRequestId },
  });
}

/**
 * Graph's error envelope: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`.
 *
 * @see https://learn.microsoft.com/en-us/graph/errors
 * @internal
 */
export function graphError(ctx: RequestContext, status: number, code: string, message: string): Response {
  const body: Schemas['odataError'] = {
    error: {
      code,
      message,
      innerError: {
        date: ctx.tenant.clock.now().toISOString().slice(0, 19),
        'request-id': ctx.requestId,
        'client-request-id': ctx.clientRequestId,
      },
    },
  };
  return json(ctx, status, body);
}

/** Graph's 404 for an object that does not exist. @internal */
export function notFound(id: string): GraphQueryError {
  return new GraphQueryError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** A 400 `BadRequest` with a message that says what to fix. @internal */
export function badRequest(message: string): GraphQueryError {
  return new GraphQueryError(400, 'BadRequest', message);
}

/** Reads a JSON object body, or throws Graph's 400. @internal */
export async function readJson(ctx: RequestContext): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(await ctx.request.text());
  } catch {
    throw new GraphQueryError(
      400,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphQueryError(400, 'BadRequest', 'The request payload must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** A collection page as Graph writes it. @internal */
export interface PageBody<T> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: T[];
}

/**
 * One page of a collection: `$top` (1 to 999, default {@link RequestContext.pageSize}) and an opaque
 * `$skiptoken` in `@odata.nextLink`.
 *
 * @see https://learn.microsoft.com/en-us/graph/paging
 * @internal
 */
export function page<T>(ctx: RequestContext, context: string, items: readonly T[]): PageBody<T> {
  const top = parseTop(ctx.url.searchParams.get('$top'), ctx.pageSize);
  const offset = decodeSkipToken(ctx.url.searchParams.get('$skiptoken'));
  const body: PageBody<T> = {
    '@odata.context': `${ctx.base}/$metadata#${context}`,
    value: items.slice(offset, offset + top),
  };
  if (offset + top < items.length) {
    const next = new URL(ctx.url.href);
    next.searchParams.set('$top', String(top));
    next.searchParams.set('$skiptoken', encodeSkipToken(offset + top));
    body['@odata.nextLink'] = next.href;
  }
  return body;
}

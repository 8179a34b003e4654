/**
 * The request pipeline every entry point feeds. Internal: not exported from the package.
 *
 * Building undici's `Request`, `Headers` and `Response` for every request costs more than
 * answering many SCIM requests (see docs/benchmarks.md and docs/decisions/0012-request-pipeline.md).
 * So routing, authentication and the endpoints work on a {@link PipelineRequest} (method, parsed
 * URL, a header accessor, the body stream on demand) and answer a {@link Reply} (status, headers,
 * body text). The fetch handler of `createScimHandler` turns a `Request` into one and the reply
 * into a `Response`; the Node adapters build one straight from the `IncomingMessage` and write the
 * reply to the `ServerResponse`, with no fetch object unless a part that needs one asks for it (a
 * custom authenticator, a `/Me` handler). The pipeline hangs on the handler under {@link PIPELINE};
 * a handler wrapped in a function of the user's own has none and takes the fetch path, so a wrapper
 * never loses a request.
 *
 * Both entries answer byte for byte the same, headers included (pipeline.test.ts compares them).
 */
import { ScimError } from '@scim/schemas';
import type { Principal } from './auth/types.ts';
import { rememberRequestId } from './request-id.ts';

/**
 * The key of the pipeline on a handler: a symbol of this module, not a registered one, so only
 * this copy of the package uses it (a handler of another copy, say the CJS build next to the ESM
 * one, simply takes the fetch path).
 */
export const PIPELINE: unique symbol = Symbol('@scim/server pipeline');

/** A request as the pipeline sees it. */
export interface PipelineRequest {
  /** The method, upper case. */
  readonly method: string;
  /** The request's URL, parsed (the public origin, as `Request.url` would be). */
  readonly url: URL;
  /** A request header by lower-case name, several values joined with `, `; `null` when absent. */
  header(name: string): string | null;
  /** The body as a stream, or `null` (GET, HEAD, no body). Read it once. */
  body(): ReadableStream<Uint8Array> | null;
  /** The request as a fetch `Request`, built on first use (for an authenticator or `/Me` handler of the user's). */
  fetch(): Request;
  /** The request id, once known (set by `withRequestLogging`, or taken from the fetch request). */
  requestId: string | undefined;
}

/**
 * A complete answer: status, headers (lower-case names, no `content-length`) and body: its text, or
 * its UTF-8 bytes when the body is kept encoded (a discovery document: measuring and encoding 24 KB
 * of `/Schemas` text for each request would cost more than the rest of the request).
 */
export interface PlainReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | null;
}

/** What the pipeline answers: a plain reply, or a `Response` a `/Me` handler of the user's made. */
export type Reply = PlainReply | Response;

/** Answers a request through the pipeline. */
export type Pipeline = (request: PipelineRequest) => Promise<Reply>;

/** The pipeline of a handler, if it has one. */
export function pipelineOf(handler: unknown): Pipeline | undefined {
  if (typeof handler !== 'function') return undefined;
  const pipeline = (handler as { [PIPELINE]?: unknown })[PIPELINE];
  return typeof pipeline === 'function' ? (pipeline as Pipeline) : undefined;
}

/** Gives a handler its pipeline (non-enumerable, so spreading or logging the handler ignores it). */
export function withPipeline<T extends object>(handler: T, pipeline: Pipeline): T {
  Object.defineProperty(handler, PIPELINE, { value: pipeline, enumerable: false });
  return handler;
}

/** The pipeline's view of a fetch `Request`. */
export function fromFetch(request: Request, requestId: string | undefined): PipelineRequest {
  return {
    method: request.method.toUpperCase(),
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
    body: () => request.body,
    fetch: () => request,
    requestId,
  };
}

/**
 * A request the pipeline makes itself (a Bulk operation): no body stream (its data is already
 * parsed), the given headers only.
 */
export function internalRequest(
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>,
  requestId: string,
): PipelineRequest {
  let built: Request | undefined;
  return {
    method,
    url,
    header: (name) => headers[name] ?? null,
    body: () => null,
    fetch: () => {
      built ??= new Request(url, { method, headers });
      rememberRequestId(built, requestId);
      return built;
    },
    requestId,
  };
}

/** A JSON reply (the `content-type` of every SCIM body first, then `headers`). */
export function jsonReply(
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): PlainReply {
  return { status, headers: { 'content-type': SCIM_JSON, ...headers }, body: text };
}

/** The media type of every SCIM response body (RFC 7644 section 3.1). */
export const SCIM_JSON = 'application/scim+json; charset=utf-8';

/** The reply of a SCIM error: what `ScimError.toResponse()` answers. */
export function errorReply(error: ScimError): PlainReply {
  return jsonReply(error.status, JSON.stringify(error.toJSON()), error.headers);
}

/** The status of a reply. */
export function statusOf(reply: Reply): number {
  return reply.status;
}

/** A header of a reply, or `undefined`. */
export function replyHeader(reply: Reply, name: string): string | undefined {
  if (reply instanceof Response) return reply.headers.get(name) ?? undefined;
  return reply.headers[name];
}

/**
 * The reply with one more header (`set` when it has it already; the reply itself when it has that
 * value already). A `Response` whose headers are immutable (a `/Me` handler that proxied a fetch)
 * stays as it is, unless `copy`: then a copy.
 */
export function withReplyHeader(reply: Reply, name: string, value: string, copy = false): Reply {
  // Already so (the handler set the id the request logger gave it): the reply as it is, no copy.
  if (replyHeader(reply, name) === value) return reply;
  if (!(reply instanceof Response)) return { ...reply, headers: { ...reply.headers, [name]: value } };
  try {
    reply.headers.set(name, value);
    return reply;
  } catch {
    if (!copy) return reply;
    const headers = new Headers(reply.headers);
    headers.set(name, value);
    return new Response(reply.body, { status: reply.status, statusText: reply.statusText, headers });
  }
}

/** A reply as a fetch `Response`. */
export function toResponse(reply: Reply): Response {
  if (reply instanceof Response) return reply;
  return new Response(reply.body as BodyInit | null, { status: reply.status, headers: reply.headers });
}

const DECODER = new TextDecoder();

/** The JSON body of a reply, or `undefined` when it has none or it is not JSON. */
export async function replyJson(reply: Reply): Promise<unknown> {
  if (reply instanceof Response) return reply.json().catch(() => undefined);
  if (reply.body === null) return undefined;
  try {
    return JSON.parse(typeof reply.body === 'string' ? reply.body : DECODER.decode(reply.body));
  } catch {
    return undefined;
  }
}

/** An error of the pipeline itself as a reply (anything thrown becomes a 500). */
export function replyOfThrown(error: unknown): PlainReply {
  return errorReply(ScimError.from(error));
}

/**
 * The key, on an authenticator of this package, of the same check from the `Authorization` header
 * alone: the pipeline calls it without building a fetch `Request`.
 */
const HEADER_AUTH: unique symbol = Symbol('@scim/server header authenticator');

/** An authenticator's check from the `Authorization` header alone. */
export type HeaderAuthenticator = (
  authorization: string | null,
  tenant: string,
) => Promise<Principal | undefined>;

/** Marks `authenticator` as reading nothing but the `Authorization` header, through `fromHeader`. */
export function withHeaderAuth<T extends object>(authenticator: T, fromHeader: HeaderAuthenticator): T {
  Object.defineProperty(authenticator, HEADER_AUTH, { value: fromHeader, enumerable: false });
  return authenticator;
}

/** The header-only check of an authenticator, when it has one. */
export function headerAuthOf(authenticator: unknown): HeaderAuthenticator | undefined {
  if (typeof authenticator !== 'function') return undefined;
  const check = (authenticator as { [HEADER_AUTH]?: unknown })[HEADER_AUTH];
  return typeof check === 'function' ? (check as HeaderAuthenticator) : undefined;
}

/** Remembers, for `getRequestId`, the request id of the pipeline request a fetch request was built from. */
export function rememberRequestIdOf(built: Request, request: PipelineRequest): void {
  rememberRequestId(built, request.requestId);
}

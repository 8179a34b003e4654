import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import { ScimError } from '@scim/schemas';
import {
  type Pipeline,
  type PipelineRequest,
  pipelineOf,
  type Reply,
  rememberRequestIdOf,
} from './pipeline.ts';

/**
 * Options of {@link toNodeListener} and {@link toNodeMiddleware}.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { type NodeAdapterOptions, toNodeListener } from '@scim/server';
 * const options: NodeAdapterOptions = { trustProxy: true }; // behind a proxy that sets X-Forwarded-Proto and -Host
 * createServer(toNodeListener(handler, options)).listen(3000);
 * ```
 * @see https://nodejs.org/api/http.html
 */
export interface NodeAdapterOptions {
  /**
   * Whether to take the public scheme and host from `X-Forwarded-Proto` / `X-Forwarded-Host`
   * (behind a load balancer that sets them). Default `false`: the socket and `Host` decide.
   */
  readonly trustProxy?: boolean;
}

/**
 * A Connect / Express middleware: `(req, res, next) => void`.
 *
 * @example
 * ```ts
 * const mw: NodeMiddleware = toNodeMiddleware(handler);
 * app.use(mw);
 * ```
 * @see https://expressjs.com/en/guide/writing-middleware.html
 */
export type NodeMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function origin(req: IncomingMessage, options: NodeAdapterOptions): string {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  let proto = encrypted ? 'https' : 'http';
  let host = firstHeader(req.headers.host) ?? 'localhost';
  if (options.trustProxy) {
    proto = firstHeader(req.headers['x-forwarded-proto'])?.split(',')[0]?.trim() || proto;
    host = firstHeader(req.headers['x-forwarded-host'])?.split(',')[0]?.trim() || host;
  }
  if (host.length > 255 || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) host = 'localhost';
  return `${proto === 'https' ? 'https' : 'http'}://${host}`;
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    // HTTP/2 pseudo-headers and hop-by-hop headers are not for the handler.
    if (name.startsWith(':')) continue;
    try {
      headers.append(name, req.rawHeaders[i + 1]!);
    } catch {
      // A header value the fetch Headers class refuses is dropped.
    }
  }
  return headers;
}

/** A body already read by a framework (Express `json()`, `text()`, `raw()`), or undefined. */
function parsedBody(req: IncomingMessage): { readonly body: string | Uint8Array } | undefined {
  const r = req as IncomingMessage & { body?: unknown; _body?: unknown };
  if (r._body !== true && !req.readableEnded) return undefined;
  const body = r.body;
  if (body === undefined || body === null) return { body: '' };
  if (typeof body === 'string') return { body };
  if (body instanceof Uint8Array) return { body };
  try {
    return { body: JSON.stringify(body) };
  } catch {
    throw new ScimError(
      'invalidSyntax',
      'the request body could not be serialized; send a plain JSON object',
    );
  }
}

function toRequest(req: IncomingMessage, url: string, options: NodeAdapterOptions): Request {
  const method = (req.method ?? 'GET').toUpperCase();
  const headers = headersOf(req);
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (method !== 'GET' && method !== 'HEAD') {
    const parsed = parsedBody(req);
    if (parsed !== undefined) {
      // The framework read the stream; the Content-Length it saw may not match our serialization.
      headers.delete('content-length');
      headers.delete('transfer-encoding');
      init.body = parsed.body as BodyInit;
    } else {
      init.body = Readable.toWeb(req) as unknown as ReadableStream<Uint8Array>;
      init.duplex = 'half';
    }
  }
  const path = url.startsWith('/') ? url : `/${url}`;
  return new Request(requestUrl(origin(req, options), path), init);
}

/**
 * The request's URL. A host that passed the character check but that the URL parser refuses
 * (`[::1`, a port that is not a number; Node.js 22 also refuses a punycode label that does not
 * decode, `xn--a`) is answered as from localhost, like any other unusable host.
 */
function requestUrl(base: string, path: string): URL {
  try {
    return new URL(`${base}${path}`);
  } catch (error) {
    const local = base.startsWith('https:') ? 'https://localhost' : 'http://localhost';
    if (base === local) throw error;
    return new URL(`${local}${path}`);
  }
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (response.body === null) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  // SCIM responses are JSON documents bounded by the page size: send each with a Content-Length in
  // one write rather than as a chunked stream (fewer syscalls, no chunk framing).
  const body = new Uint8Array(await response.arrayBuffer());
  headers['content-length'] = String(body.byteLength);
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * The pipeline's view of a Node request: the URL and headers read straight from the
 * `IncomingMessage`, the body streamed on demand, a fetch `Request` only if something asks for one.
 * Throws as {@link toRequest} does, for the same requests (an unparsable URL, a framework's body
 * that cannot be serialized). A class, so a request costs one object, not one closure per method.
 */
class NodeRequest implements PipelineRequest {
  readonly method: string;
  readonly url: URL;
  requestId: string | undefined = undefined;
  readonly #req: IncomingMessage;
  readonly #path: string;
  readonly #options: NodeAdapterOptions;
  readonly #hasBody: boolean;
  readonly #parsed: { readonly body: string | Uint8Array } | undefined;
  #built: Request | undefined = undefined;

  constructor(req: IncomingMessage, path: string, options: NodeAdapterOptions) {
    this.method = (req.method ?? 'GET').toUpperCase();
    this.url = requestUrl(origin(req, options), path.startsWith('/') ? path : `/${path}`);
    this.#req = req;
    this.#path = path;
    this.#options = options;
    this.#hasBody = this.method !== 'GET' && this.method !== 'HEAD';
    this.#parsed = this.#hasBody ? parsedBody(req) : undefined;
  }

  header(name: string): string | null {
    // As toRequest: a body a framework already read has lost its framing headers.
    if (this.#parsed !== undefined && (name === 'content-length' || name === 'transfer-encoding'))
      return null;
    return headerOf(this.#req.rawHeaders, name);
  }

  body(): ReadableStream<Uint8Array> | null {
    if (this.#built !== undefined) return this.#built.body;
    if (!this.#hasBody) return null;
    if (this.#parsed !== undefined) return new Blob([this.#parsed.body as BlobPart]).stream();
    return Readable.toWeb(this.#req) as unknown as ReadableStream<Uint8Array>;
  }

  fetch(): Request {
    if (this.#built === undefined) {
      this.#built = toRequest(this.#req, this.#path, this.#options);
      rememberRequestIdOf(this.#built, this);
    }
    return this.#built;
  }
}

/**
 * Every value of a request header among the raw headers, joined as fetch's Headers joins them
 * (`req.headers` keeps only the first of some, such as User-Agent; `req.headersDistinct` would
 * build a second object of every header for each request); `null` when absent. `name` is lower
 * case; a raw name of another length is skipped without lower-casing it.
 */
function headerOf(raw: readonly string[], name: string): string | null {
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || (key !== name && key.toLowerCase() !== name)) continue;
    value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/**
 * Writes a reply of the pipeline, in one write: its headers in the order a fetch `Response` lists
 * them (by name), then `content-length`, as {@link send} writes a `Response`. A body kept as bytes
 * (a discovery document) is written as it is, with no measuring or encoding. Synchronous for a
 * plain reply (this runs for every request).
 */
function sendReply(reply: Reply, res: ServerResponse): Promise<void> | undefined {
  if (reply instanceof Response) return send(reply, res);
  const { body } = reply;
  const headers = headerList(reply.headers);
  if (body === null) {
    res.writeHead(reply.status, headers);
    res.end();
    return undefined;
  }
  headers.push(
    'content-length',
    String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength),
  );
  res.writeHead(reply.status, headers);
  res.end(body);
  return undefined;
}

/**
 * A reply's headers as the flat `[name, value, ...]` list `writeHead` takes, sorted by name (the
 * order of fetch's `Headers`): by insertion, as a reply has a handful of headers and `Array#sort`
 * allocates several hundred bytes a call, which every request would pay. @internal
 */
export function headerList(headers: Readonly<Record<string, string>>): string[] {
  const list: string[] = [];
  for (const name of Object.keys(headers)) {
    let i = list.length;
    list.push(name, headers[name]!);
    // Shift the larger names one pair to the right, then put this one in the gap.
    while (i > 0 && list[i - 2]! > name) {
      list[i] = list[i - 2]!;
      list[i + 1] = list[i - 1]!;
      i -= 2;
    }
    list[i] = name;
    list[i + 1] = headers[name]!;
  }
  return list;
}

/** Runs a request through the pipeline; `failed` gets what the pipeline threw. */
function runPipeline(
  pipeline: Pipeline,
  req: IncomingMessage,
  url: string,
  res: ServerResponse,
  options: NodeAdapterOptions,
  failed: (error: unknown) => void,
): void {
  let request: PipelineRequest;
  try {
    request = new NodeRequest(req, url, options);
  } catch (error) {
    fail(res, error);
    return;
  }
  pipeline(request)
    .then((reply) => sendReply(reply, res))
    .catch(failed);
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : undefined);
    return;
  }
  const response = ScimError.from(error).toResponse();
  void send(response, res).catch(() => res.destroy());
}

/**
 * Adapts a fetch-standard handler (from {@link createScimHandler}) to a `node:http` request
 * listener. The request body is streamed to the handler (which counts its bytes), the response
 * sent back whole with a `Content-Length`. Given a handler of `createScimHandler` itself (or
 * `withRequestLogging` of one), it feeds the handler's internal pipeline straight from the Node
 * request and writes its answer without building fetch `Request`/`Response` objects: the same
 * status, headers and bytes as the fetch handler, at a fraction of the cost. A handler wrapped in a
 * function of your own always takes the fetch path.
 *
 * @param handler - the fetch handler
 * @param options - proxy trust
 * @returns a listener for `http.createServer`
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createScimHandler, memoryStore, toNodeListener } from '@scim/server';
 * createServer(toNodeListener(createScimHandler({ store: memoryStore(), authenticate }))).listen(3000);
 * ```
 * @see https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
  options: NodeAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const pipeline = pipelineOf(handler);
  return (req, res) => {
    if (pipeline !== undefined) {
      runPipeline(pipeline, req, req.url ?? '/', res, options, (error) => fail(res, error));
      return;
    }
    let request: Request;
    try {
      request = toRequest(req, req.url ?? '/', options);
    } catch (error) {
      fail(res, error);
      return;
    }
    handler(request)
      .then((response) => send(response, res))
      .catch((error: unknown) => fail(res, error));
  };
}

/**
 * Adapts a fetch-standard handler to a Connect / Express middleware. It reads the full URL from
 * `req.originalUrl` (so mount it with `app.use('/scim/v2', ...)` and give the handler the same
 * `basePath`), uses a body a body parser already read (`req.body`) without changing it, and never
 * mutates the framework's request. Errors of the adapter itself go to `next(error)`.
 *
 * @param handler - the fetch handler
 * @param options - proxy trust
 * @returns the middleware
 * @example
 * ```ts
 * import express from 'express';
 * import { createScimHandler, toNodeMiddleware } from '@scim/server';
 * const app = express();
 * app.use('/scim/v2', toNodeMiddleware(createScimHandler({ store, authenticate, basePath: '/scim/v2' })));
 * ```
 * @see https://expressjs.com/en/guide/writing-middleware.html
 */
export function toNodeMiddleware(
  handler: (request: Request) => Promise<Response>,
  options: NodeAdapterOptions = {},
): NodeMiddleware {
  const pipeline = pipelineOf(handler);
  return (req, res, next) => {
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    if (pipeline !== undefined) {
      // As on the fetch path: an error of the handler goes to Express's error handling.
      runPipeline(pipeline, req, url, res, options, (error) =>
        res.headersSent ? res.destroy() : next(error),
      );
      return;
    }
    let request: Request;
    try {
      request = toRequest(req, url, options);
    } catch (error) {
      fail(res, error);
      return;
    }
    handler(request)
      .then((response) => send(response, res))
      .catch((error: unknown) => (res.headersSent ? res.destroy() : next(error)));
  };
}

/**
 * Options of {@link createNodeServer}: the adapter's, and the timeouts and header limit of the
 * `node:http` server.
 *
 * @example
 * ```ts
 * import { createNodeServer, type NodeServerOptions } from '@scim/server';
 * const options: NodeServerOptions = { requestTimeoutMs: 60_000, trustProxy: true };
 * createNodeServer(handler, options).listen(3000);
 * ```
 * @see https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
 */
export interface NodeServerOptions extends NodeAdapterOptions {
  /**
   * How long a client may take to send the request line and headers (default 10,000 ms); then
   * 408 with a SCIM error, and the connection closes. At most `requestTimeoutMs`.
   */
  readonly headersTimeoutMs?: number;
  /**
   * How long a client may take to send the whole request, body included (default 30,000 ms; Node's
   * own default is 300 s, which lets a slow body hold a connection for five minutes); then 408.
   */
  readonly requestTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection stays open (default 5,000 ms, Node's). Behind a load
   * balancer, make it longer than the balancer's idle timeout.
   */
  readonly keepAliveTimeoutMs?: number;
  /**
   * The largest request line and headers together, in bytes (default 16,384, Node's); larger: 431
   * with a SCIM error that says to send long filters with `POST /.search`.
   */
  readonly maxHeaderBytes?: number;
}

/** The defaults of {@link NodeServerOptions}. @internal */
export const NODE_SERVER_DEFAULTS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxHeaderBytes: 16_384,
} as const;

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ScimError(
      'invalidValue',
      `createNodeServer: ${name} must be a positive whole number, not ${value}`,
    );
  }
  return value;
}

/** The raw HTTP/1.1 response of a SCIM error, for a socket the parser gave up on. */
function rawResponse(error: ScimError): string {
  const body = JSON.stringify(error.toJSON());
  const reason = STATUS_CODES[error.status] ?? 'Error';
  return (
    `HTTP/1.1 ${error.status} ${reason}\r\nContent-Type: application/scim+json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * The SCIM error for a request Node's HTTP parser refused before the handler saw it, or
 * `undefined` when the connection just ended (nothing to answer).
 */
function clientErrorOf(
  code: string | undefined,
  limits: { maxHeaderBytes: number; requestTimeoutMs: number; headersTimeoutMs: number },
): ScimError | undefined {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new ScimError(
      'headersTooLarge',
      `the request line and headers are larger than ${limits.maxHeaderBytes} bytes; shorten the URL (send a long filter with POST /.search) and the headers`,
    );
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_HEADERS_TIMEOUT') {
    return new ScimError(
      'requestTimeout',
      `the request was not received in time (headers within ${limits.headersTimeoutMs / 1000} s, the whole request within ${limits.requestTimeoutMs / 1000} s); send it again`,
    );
  }
  if (code === 'ECONNRESET' || code === 'HPE_INVALID_EOF_STATE') return undefined;
  return new ScimError('badRequest', 'the HTTP request is malformed; send a valid HTTP/1.1 request');
}

/**
 * Creates a `node:http` server for a fetch handler (through {@link toNodeListener}) with the
 * timeouts and limits a SCIM endpoint on the internet needs: the headers within 10 s, the whole
 * request within 30 s (Node's default, 300 s, lets a slow body hold a connection for five
 * minutes), keep-alive connections closed after 5 s idle, request line and headers at most
 * 16 KiB. A request refused before it reaches the handler (too large headers: 431; too slow: 408;
 * malformed: 400) is answered with a SCIM error body instead of Node's bare status line. Call
 * `listen` on the result. `scim-server start` uses it.
 *
 * @param handler - the fetch handler, for example from `createScimHandler`
 * @param options - timeouts, header limit, proxy trust (see {@link NodeServerOptions})
 * @returns the server, not yet listening
 * @throws ScimError `invalidValue` when a limit is not a positive whole number, or
 *   `headersTimeoutMs` exceeds `requestTimeoutMs`
 * @example
 * ```ts
 * import { createNodeServer, createScimHandler, sqliteStore, bearerTokens } from '@scim/server';
 * const store = sqliteStore({ path: 'scim.db' });
 * const handler = createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }) });
 * createNodeServer(handler, { requestTimeoutMs: 60_000 }).listen(8080);
 * ```
 * @see https://nodejs.org/api/http.html#serverrequesttimeout
 * @see https://datatracker.ietf.org/doc/html/rfc6585#section-5
 */
export function createNodeServer(
  handler: (request: Request) => Promise<Response>,
  options: NodeServerOptions = {},
): Server {
  const limits = {
    headersTimeoutMs: positive(
      'headersTimeoutMs',
      options.headersTimeoutMs ?? NODE_SERVER_DEFAULTS.headersTimeoutMs,
    ),
    requestTimeoutMs: positive(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? NODE_SERVER_DEFAULTS.requestTimeoutMs,
    ),
    keepAliveTimeoutMs: positive(
      'keepAliveTimeoutMs',
      options.keepAliveTimeoutMs ?? NODE_SERVER_DEFAULTS.keepAliveTimeoutMs,
    ),
    maxHeaderBytes: positive('maxHeaderBytes', options.maxHeaderBytes ?? NODE_SERVER_DEFAULTS.maxHeaderBytes),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ScimError(
      'invalidValue',
      `createNodeServer: headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`,
    );
  }
  const adapter: NodeAdapterOptions =
    options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // Node checks the two timeouts this often (its default, 30 s, would let a 30 s timeout run
      // to a minute).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    toNodeListener(handler, adapter),
  );
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    const scim = clientErrorOf(error.code, limits);
    const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (scim === undefined || !socket.writable || pending?.headersSent === true) {
      socket.destroy();
      return;
    }
    socket.end(rawResponse(scim));
  });
  return server;
}

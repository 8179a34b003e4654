/**
 * The Node adapter's shortcut around fetch objects. Internal: not exported from the package.
 *
 * Building undici's `Request`, `Headers` and `Response` for every request costs more than serving a
 * discovery document that is already serialized (see docs/benchmarks.md). A handler made by
 * `createScimHandler` therefore carries, under {@link FAST_PATH}, a function that answers from
 * plain strings the requests it can answer from memory, and returns `undefined` for every other
 * request, which then takes the fetch path as before. `toNodeListener` and `toNodeMiddleware` use it
 * when they are given such a handler (or `withRequestLogging` of one, which forwards it with its
 * logging); any other function, including a user's own wrapper, takes the fetch path, so a wrapper
 * never loses a request.
 *
 * A reply of the fast path must be byte for byte the response of the fetch path for the same
 * request, headers included (fast-path.test.ts compares the two).
 */

/**
 * The key of the fast path on a handler: a symbol of this module, not a registered one, so only
 * this copy of the package uses it (a handler of another copy, say the CJS build next to the ESM one,
 * simply takes the fetch path).
 */
export const FAST_PATH: unique symbol = Symbol('@scim/server fast path');

/** A request as the Node adapter sees it, without fetch objects. */
export interface FastRequest {
  /** The method, upper case. */
  readonly method: string;
  /** The path and query as sent (`req.url`, or Express's `originalUrl`). */
  readonly url: string;
  /** The public origin the adapter derived (scheme and host, not normalized). */
  readonly origin: string;
  /** A request header by lower-case name; several values joined with `, `. */
  header(name: string): string | undefined;
}

/** A complete response: status, headers (lower-case names, no `content-length`) and body. */
export interface FastReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Answers a request from memory, or returns `undefined` to send it down the fetch path. */
export type FastPath = (request: FastRequest) => FastReply | undefined;

/** The fast path of a handler, if it has one. */
export function fastPathOf(handler: unknown): FastPath | undefined {
  if (typeof handler !== 'function') return undefined;
  const fast = (handler as { [FAST_PATH]?: unknown })[FAST_PATH];
  return typeof fast === 'function' ? (fast as FastPath) : undefined;
}

/** Gives a handler a fast path (non-enumerable, so spreading or logging the handler ignores it). */
export function withFastPath<T extends object>(handler: T, fast: FastPath): T {
  Object.defineProperty(handler, FAST_PATH, { value: fast, enumerable: false });
  return handler;
}

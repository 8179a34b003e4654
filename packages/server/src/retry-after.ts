/**
 * How long a client should wait before retrying a request answered 503 (a database that cannot be
 * reached, a lock held by another process, a write that kept conflicting): the one value behind
 * every `Retry-After` header of a 503.
 *
 * @internal
 * @packageDocumentation
 */

/** Seconds a client should wait before retrying a 503. @internal */
export const RETRY_AFTER_SECONDS = 5;

/**
 * The one rule for a client's `x-request-id`, shared by the handler and the request logger.
 *
 * @internal
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';

/**
 * A request id we accept from a client or a load balancer: 1 to 128 characters of letters, digits
 * and `. _ : @ / + = -` (AWS `Root=1-...`, base64 ids, UUIDs). No space, quote or control
 * character, so it can never forge a log line or a header.
 */
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Whether a presented `x-request-id` is well-formed. @internal */
export function isRequestId(value: string | undefined): value is string {
  return value !== undefined && REQUEST_ID.test(value);
}

/** The presented `x-request-id` when well-formed, else a new id from `generate` (a UUID). @internal */
export function requestIdFrom(presented: string | undefined, generate: () => string = randomUUID): string {
  return isRequestId(presented) ? presented : generate();
}

const requestIds = new WeakMap<Request, string>();

/** Remembers the request id of a fetch request, for `getRequestId`. @internal */
export function rememberRequestId(request: Request, requestId: string | undefined): void {
  if (requestId !== undefined) requestIds.set(request, requestId);
}

/** The request id remembered for a fetch request. @internal */
export function rememberedRequestId(request: Request): string | undefined {
  return requestIds.get(request);
}

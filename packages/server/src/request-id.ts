/**
 * The one rule for a client's `x-request-id`, shared by the handler and the request logger.
 *
 * @internal
 * @packageDocumentation
 */
import { randomFillSync } from 'node:crypto';

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

/** How many ids' random bytes one call to the system's generator fetches. */
const IDS_PER_FILL = 128;
const random = Buffer.alloc(16 * IDS_PER_FILL);
let nextRandom = random.length;
/** The text of the id being made: hexadecimal digits written over a v4 UUID's, then read out whole. */
const text = Buffer.from('00000000-0000-4000-8000-000000000000', 'latin1');
/** Where each of a UUID's 16 bytes goes in its text (two digits each; dashes in between). */
const DIGITS_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * A random UUID (version 4, RFC 9562 section 5.4), as `crypto.randomUUID` makes it: 122 random bits
 * from the same cryptographic generator, fetched for 128 ids at a time, in lower-case hexadecimal.
 * Unlike `crypto.randomUUID`'s, the string is one flat piece (read out of a buffer), not dozens of
 * concatenated ones: a request id is written into the reply's headers and the request's log line,
 * and each would otherwise join the pieces again. @internal
 */
export function randomRequestId(): string {
  if (nextRandom === random.length) {
    randomFillSync(random);
    nextRandom = 0;
  }
  for (let i = 0; i < 16; i++) {
    let byte = random[nextRandom + i]!;
    if (i === 6)
      byte = (byte & 0x0f) | 0x40; // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80; // variant 10
    const at = DIGITS_AT[i]!;
    text[at] = HEX[byte >> 4]!;
    text[at + 1] = HEX[byte & 0x0f]!;
  }
  nextRandom += 16;
  return text.toString('latin1');
}

/** The presented `x-request-id` when well-formed, else a new id from `generate` (a UUID). @internal */
export function requestIdFrom(
  presented: string | undefined,
  generate: () => string = randomRequestId,
): string {
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

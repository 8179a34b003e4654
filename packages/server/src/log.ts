import { writeSync } from 'node:fs';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';
import {
  type PipelineRequest,
  pipelineOf,
  type Reply,
  statusOf,
  withPipeline,
  withReplyHeader,
} from './pipeline.ts';
import { randomRequestId, rememberedRequestId, rememberRequestId, requestIdFrom } from './request-id.ts';

/** Keys whose values are never logged: credentials in headers, bodies and options. */
const SECRET_KEY = /(authorization|cookie|password|passwd|secret|token|api[-_]?key|credentials?)$/i;
/** Query parameters whose values are never logged. */
const SECRET_PARAM =
  /^(access_token|id_token|refresh_token|token|code|client_secret|password|secret|sig|signature|api[-_]?key)$/i;
/**
 * Credentials that may hide in free text: our tokens, JWTs, and `Bearer` / `Basic` values. Each
 * may follow anything but a letter, so a percent-escape in front (`%22scim_...`, `%20Bearer`, as in
 * a logged URL) does not hide it.
 */
const SECRET_TEXT: readonly (readonly [RegExp, string])[] = [
  [/(?<![A-Za-z])scim_([0-9a-f]{16})_[A-Za-z0-9_-]{20,}/g, 'scim_$1_[redacted]'],
  [/(?<![A-Za-z])eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted jwt]'],
  // Also URL-encoded (`Bearer%20...`, `Bearer+...`), as in a logged URL.
  [/(?<![A-Za-z])(bearer|basic)(\s+|%20|\+)[A-Za-z0-9\-._~+/%]+=*/gi, '$1$2[redacted]'],
];
/**
 * A run of URL characters with at least one percent-escape: decoded, it may spell a credential
 * whose letters were escaped (`%73cim_...`, `scim%5F...`, `%2522scim_...` encoded twice).
 */
const ENCODED_RUN =
  /(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9_.~+-])*%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2}|[A-Za-z0-9_.~+-])*/g;
const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

/** Decodes the ASCII percent-escapes of a text (`%41` to `A`), leaving every other escape as it is. */
function decodeAsciiEscapes(text: string): string {
  return text.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** Percent-decodes a run; when it is not valid UTF-8, decodes at least its ASCII escapes. */
function decodeLoosely(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return decodeAsciiEscapes(run);
  }
}

function redactPlain(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

/** Redacts credentials that percent-encoding hides: a run is decoded (twice at most) and, if it held one, re-encoded redacted. */
function redactEncoded(text: string, depth: number): string {
  if (depth > 2 || !text.includes('%')) return text;
  return text.replace(ENCODED_RUN, (run) => {
    const decoded = decodeLoosely(run.replace(/\+/g, ' '));
    const clean = redactEncoded(redactPlain(decoded), depth + 1);
    return clean === decoded ? run : encodeURIComponent(clean);
  });
}

/**
 * Removes credentials from a text: tokens of `issueToken` (their public id is kept), JWTs, and
 * the values of `Bearer` and `Basic` credentials, also when percent-encoded (in a URL, a query
 * parameter, a filter: `filter=userName%20eq%20%22scim_...%22`).
 *
 * @param text - any text bound for a log
 * @returns the text with credentials replaced by `[redacted]`
 * @example
 * ```ts
 * redactSecrets('Authorization: Bearer abc.def'); // 'Authorization: Bearer [redacted]'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-5.3
 */
export function redactSecrets(text: string): string {
  // Each pattern needs a marker, as it is or percent-encoded: most text has neither.
  if (SECRET_MARKER.test(text)) return redactSecretsThoroughly(text);
  // A percent-encoded URL (every filter) has a `%` but seldom a credential: when no decoding that
  // redactEncoded would do spells a marker, nothing can match, and the text is left as it is.
  return text.includes('%') && decodingSpellsMarker(text) ? redactSecretsThoroughly(text) : text;
}

/** What every credential pattern contains, once decoded. */
const SECRET_MARKER = /scim_|eyJ|bearer|basic/i;

/**
 * Whether percent-decoding the text, as many times as {@link redactEncoded} decodes (three), ever
 * spells a marker. Only ASCII escapes are decoded: every marker is ASCII, and a non-ASCII character
 * inside one would break it at every level alike.
 */
function decodingSpellsMarker(text: string): boolean {
  if (escapesAreInert(text)) return false;
  let decoded = text;
  for (let level = 0; level < 3 && decoded.includes('%'); level++) {
    decoded = decodeAsciiEscapes(decoded);
    if (SECRET_MARKER.test(decoded)) return true;
  }
  return false;
}

/**
 * Whether no ASCII percent-escape of the text decodes to a letter, `_` or `%`: then decoding it
 * cannot spell a marker (markers are letters and `_`, and a run of literal letters was already
 * tested as it is), nor leave an escape for a further decoding. What an encoded filter holds
 * (`%20`, `%22`, `%40`) is inert; the escapes are read in place, with no decoded copy.
 */
function escapesAreInert(text: string): boolean {
  for (let at = text.indexOf('%'); at >= 0; at = text.indexOf('%', at + 1)) {
    const high = text.charCodeAt(at + 1) - 48; // '0'
    const low = hexValue(text.charCodeAt(at + 2));
    if (high < 0 || high > 7 || low < 0) continue; // not an escape decodeAsciiEscapes decodes
    const code = high * 16 + low;
    const letter = (code | 32) >= 97 && (code | 32) <= 122;
    if (letter || code === 95 /* _ */ || code === 37 /* % */) return false;
  }
  return true;
}

/** The value of a hexadecimal digit's character code, or -1. */
function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * {@link redactSecrets} without its shortcuts: every pattern, on the text and on each decoding of
 * its percent-encoded runs. The tests hold the two to the same answers.
 * @internal
 */
export function redactSecretsThoroughly(text: string): string {
  return redactEncoded(redactPlain(text), 0);
}

/** A deep copy of a log object with credentials removed (by key and by content). */
function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH || seen.has(value)) return '[...]';
  seen.add(value);
  if (value instanceof Error) {
    const error: Record<string, unknown> = {
      type: value.name,
      message: redactSecrets(value.message),
      ...(value.stack === undefined ? {} : { stack: redactSecrets(value.stack) }),
    };
    for (const [key, inner] of Object.entries(value)) {
      error[key] = SECRET_KEY.test(key) ? REDACTED : scrub(inner, depth + 1, seen);
    }
    if (value.cause !== undefined) error.cause = scrub(value.cause, depth + 1, seen);
    return error;
  }
  if (value instanceof Headers) {
    return scrub(Object.fromEntries(value), depth, seen);
  }
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return scrub((value as { toJSON(): unknown }).toJSON(), depth + 1, seen);
  }
  // Plain objects and class instances alike: their own enumerable properties, as JSON.stringify
  // would write them.
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && inner !== undefined && inner !== null
        ? REDACTED
        : scrub(inner, depth + 1, seen);
  }
  return out;
}

/**
 * Log objects whose every value is redacted already, with a message built from those values: the
 * request lines of {@link writeLine}. The logger writes them as they are instead of copying them
 * through {@link scrub}, which would find nothing to remove.
 */
const scrubbed = new WeakSet<object>();

/** Flush at once when a batch's lines reach this many characters. */
const BATCH_LIMIT = 64 * 1024;
/**
 * How long a line may wait for others: a server answering one request per event-loop tick (each
 * keep-alive connection's request in its own) would otherwise make one write, a system call, per
 * request, which costs more than the line. pino's own asynchronous mode holds 4 KiB the same way.
 * @internal
 */
export const BATCH_DELAY_MS = 10;

/** Runs `flush` after {@link BATCH_DELAY_MS}. */
function afterDelay(flush: () => void): void {
  setTimeout(flush, BATCH_DELAY_MS);
}

/**
 * A sink {@link batchedDestination} may hand bytes: it takes a batch as UTF-8 bytes as well as text,
 * and is done with the bytes when `write` returns (it does not keep them). @internal
 */
export interface ByteSink {
  write(chunk: string | Uint8Array): unknown;
  /** Marks the sink as taking bytes. */
  readonly takesBytes: true;
}

/** Whether a sink takes bytes ({@link ByteSink}). */
function takesBytes(sink: { write(chunk: string): unknown }): sink is ByteSink {
  return (sink as Partial<ByteSink>).takesBytes === true;
}

/**
 * A pino destination that writes the lines logged within {@link BATCH_DELAY_MS} together: one
 * `write` to `sink` per batch (or per 64 KiB) instead of one per line, in order, whole lines only.
 * `flush()` writes what is pending at once. A {@link ByteSink} (standard output's) gets the batch as
 * bytes, each line encoded as it is logged ({@link batchedBytes}).
 * @internal
 */
export function batchedDestination(
  sink: { write(chunk: string): unknown },
  schedule: (flush: () => void) => void = afterDelay,
): DestinationStream & { flush(): void } {
  if (takesBytes(sink)) return batchedBytes(sink, schedule);
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    sink.write(chunk);
  };
  return {
    write(line: string) {
      pending += line;
      if (pending.length >= BATCH_LIMIT) flush();
      else if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

/** The most UTF-8 bytes one UTF-16 code unit of a string takes (a lone one, or half a pair's 4). */
const MAX_UTF8_PER_UNIT = 3;

/**
 * {@link batchedDestination} for a {@link ByteSink}: each line is encoded into one reused buffer as
 * it is logged, and is garbage at once. Kept as text, a batch is a rope of every line's pieces that
 * lives up to {@link BATCH_DELAY_MS}: each young-generation collection in between copies it, and the
 * sink walks it, scattered among the requests' other objects, to measure and to encode it (in a
 * server's heap, about 200 ns a line more; docs/benchmarks.md). A line too long for the buffer is
 * written as it is, after the lines before it.
 */
function batchedBytes(
  sink: ByteSink,
  schedule: (flush: () => void) => void,
): DestinationStream & { flush(): void } {
  // Room for a batch of BATCH_LIMIT bytes and the longest line that may complete it.
  const buffer = Buffer.allocUnsafe(2 * BATCH_LIMIT);
  let used = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (used === 0) return;
    const bytes = used;
    used = 0;
    sink.write(buffer.subarray(0, bytes));
  };
  return {
    write(line: string) {
      const most = line.length * MAX_UTF8_PER_UNIT;
      if (used + most > buffer.length) {
        flush();
        if (most > buffer.length) {
          sink.write(line);
          return;
        }
      }
      used += buffer.write(line, used);
      if (used >= BATCH_LIMIT) flush();
      else if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

/**
 * A line writer for request logs that writes the lines of 10 ms together: one `write` per batch
 * (or per 64 KiB) instead of one per request, whole lines, in order, and what is pending is
 * written when the process exits. Without a sink it writes to standard output, batched
 * with the JSON lines of {@link createLogger}, so the two never interleave within a line.
 *
 * @param sink - where the lines go (default: standard output)
 * @returns a function that takes one line (without its newline), and `flush()` to write now
 * @example
 * ```ts
 * const log = batchedLines();
 * const running = await connector.startServer(process.env, { log }); // one readable line per request
 * ```
 * @see https://nodejs.org/api/stream.html#writablewritechunk-encoding-callback
 */
export function batchedLines(sink?: {
  write(chunk: string): unknown;
}): ((line: string) => void) & { flush(): void } {
  const destination = sink === undefined ? batchedStdout() : batchedDestination(sink);
  const write = (line: string) => {
    destination.write(`${line}\n`);
  };
  return Object.assign(write, { flush: () => destination.flush() });
}

let stdout: (DestinationStream & { flush(): void }) | undefined;

/**
 * Standard output, batched ({@link batchedDestination}): each batch is one synchronous write
 * ({@link fdSink}), so a batch is never half written when the process exits, and what is pending is
 * written on exit. One for the process, shared by every logger that writes there.
 */
function batchedStdout(): DestinationStream & { flush(): void } {
  if (stdout !== undefined) return stdout;
  const batched = batchedDestination(fdSink(1));
  process.once('exit', () => {
    try {
      batched.flush();
    } catch {
      // Standard output is gone: nothing more can be written.
    }
  });
  stdout = batched;
  return batched;
}

/** How long a write to a full pipe waits before it tries again (pino's sonic-boom waits as long). */
export const BUSY_WAIT_MS = 100;

/** `fs.writeSync` of a text or of bytes. */
function writeText(fd: number, data: string | Uint8Array): number {
  return typeof data === 'string' ? writeSync(fd, data) : writeSync(fd, data);
}

/** Blocks the thread for `ms` (a synchronous writer waiting for a full pipe to drain). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * A sink that writes each chunk (text, or the bytes of {@link batchedDestination}'s batch) whole to
 * a file descriptor, synchronously: one system call in the usual case, text encoded by it alone
 * (pino's sonic-boom, used before, measured and encoded each batch up to three times). The rest of a partial write is written next; a full non-blocking
 * pipe (`EAGAIN`, `EBUSY`) is waited out; a closed pipe (`EPIPE`) ends the writing silently, as
 * pino's destination does; any other error is thrown. @internal
 */
export function fdSink(
  fd: number,
  write: (fd: number, data: string | Uint8Array) => number = writeText,
  wait: (ms: number) => void = sleepSync,
): ByteSink & { write(chunk: string | Uint8Array): void } {
  let broken = false;
  return {
    takesBytes: true,
    write(chunk) {
      let rest: string | Uint8Array = chunk;
      while (!broken) {
        let written: number;
        try {
          written = write(fd, rest);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (code === 'EAGAIN' || code === 'EBUSY') wait(BUSY_WAIT_MS);
          else if (code === 'EPIPE') broken = true;
          else throw error;
          continue;
        }
        const bytes = typeof rest === 'string' ? Buffer.byteLength(rest) : rest.byteLength;
        if (written >= bytes) return;
        rest = (typeof rest === 'string' ? Buffer.from(rest) : rest).subarray(written);
      }
    },
  };
}

/**
 * Options of {@link createLogger}.
 *
 * @example
 * ```ts
 * import { type CreateLoggerOptions, createLogger, withRequestLogging } from '@scim/server';
 * const options: CreateLoggerOptions = { level: 'debug', name: 'scim' };
 * const logged = withRequestLogging(handler, createLogger(options)); // one JSON line per request
 * ```
 * @see https://getpino.io/#/docs/api?id=options
 */
export interface CreateLoggerOptions {
  /** The lowest level written (default `info`, or `LOG_LEVEL`'s value when the CLI starts). */
  readonly level?: Level | 'silent';
  /** The logger's name, written in every line. */
  readonly name?: string;
  /**
   * Where the JSON lines go (default standard output, the lines of one event-loop tick written
   * together, and flushed when the process exits).
   */
  readonly destination?: DestinationStream;
}

let stampedAt = Number.NaN;
let stamp = '';
/** The start of the minute of the last stamp, in ms since the epoch, and the stamp's text up to its seconds. */
let minuteStart = Number.NaN;
let minuteText = '';
/** `00` to `59`, and `.000Z"` to `.999Z"`: the rest of a stamp after its minute. */
const SECONDS_TEXT = Array.from({ length: 60 }, (_, second) => String(second).padStart(2, '0'));
const MILLISECONDS_TEXT = Array.from({ length: 1000 }, (_, ms) => `.${String(ms).padStart(3, '0')}Z"`);

/**
 * pino's `isoTime` (`,"time":"2026-12-06T07:00:00.000Z"`), made once per millisecond (a busy server
 * logs many lines in one) from the minute's text, formatted once per minute, and the second and
 * millisecond read from tables: `Date#toISOString` costs about ten times as much, and a server
 * logging a request every few milliseconds would pay it for nearly every line. Dates have no leap
 * seconds, so every minute is 60,000 ms. `now` is for tests. @internal
 */
export function isoTimeOfMillisecond(now = Date.now()): string {
  if (now === stampedAt) return stamp;
  stampedAt = now;
  let sinceMinute = now - minuteStart;
  if (!(sinceMinute >= 0 && sinceMinute < 60_000)) {
    minuteStart = now - (((now % 60_000) + 60_000) % 60_000);
    sinceMinute = now - minuteStart;
    // `2026-12-06T07:00:00.000Z` less its `00.000Z` (any year: `+275760-...` too).
    minuteText = `,"time":"${new Date(minuteStart).toISOString().slice(0, -7)}`;
  }
  stamp = `${minuteText}${SECONDS_TEXT[Math.floor(sinceMinute / 1000)]}${MILLISECONDS_TEXT[sinceMinute % 1000]}`;
  return stamp;
}

/**
 * Creates a structured JSON logger (pino) that never writes credentials: values under keys such
 * as `authorization`, `cookie`, `set-cookie`, `token`, `secret` and `password` become
 * `[redacted]` at any depth, and tokens, JWTs and `Bearer` values are removed from every string,
 * including messages and errors.
 *
 * @param options - level, name and destination
 * @returns a pino logger
 * @example
 * ```ts
 * const logger = createLogger({ level: 'info' });
 * logger.info({ headers: { authorization: 'Bearer x' } }, 'hello'); // {"headers":{"authorization":"[redacted]"},...}
 * ```
 * @see https://getpino.io/#/docs/api
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-5.3
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      ...(options.name === undefined ? {} : { name: options.name }),
      timestamp: isoTimeOfMillisecond,
      formatters: {
        log: (object) =>
          scrubbed.has(object) ? object : (scrub(object, 0, new WeakSet()) as Record<string, unknown>),
      },
      serializers: {
        // `formatters.log` already turned errors into plain objects; keep them as they are.
        err: (value: unknown) => value,
      },
      hooks: {
        logMethod(args, method) {
          // A request line and its message are redacted already (writeLine).
          if (scrubbed.has(args[0] as object)) return method.apply(this, args);
          const safe = args.map((arg) => (typeof arg === 'string' ? redactSecrets(arg) : arg));
          // `logger.error(error)` makes the error's message the line's message: redact it too.
          const [first, second] = args;
          if (first instanceof Error && typeof second !== 'string')
            safe.splice(1, 0, redactSecrets(first.message));
          method.apply(this, safe as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? batchedStdout(),
  );
  // pino writes a child's bindings without the log formatter: scrub them on the way in. Children
  // inherit this method from the root (pino creates them with Object.create), so grandchildren too.
  const child = logger.child;
  logger.child = function scrubbedChild(this: Logger, bindings, childOptions) {
    return child.call(this, scrub(bindings, 0, new WeakSet()) as typeof bindings, childOptions);
  } as typeof logger.child;
  ownLoggers.add(logger);
  return logger;
}

/**
 * What {@link logRequest} needs of a logger: pino's `info`, `warn` and `error`, or anything shaped
 * like them.
 *
 * @example
 * ```ts
 * const logger: RequestLogger = createLogger();
 * ```
 * @see https://getpino.io/#/docs/api?id=logging-method-parameters
 */
export interface RequestLogger {
  /** Logs a successful request. */
  info(object: object, message?: string): void;
  /** Logs a request answered with a 4xx status. */
  warn(object: object, message?: string): void;
  /** Logs a request answered with a 5xx status, or that threw. */
  error(object: object, message?: string): void;
}

/**
 * Details of a request that only the handler knows, added to its log line.
 *
 * @example
 * ```ts
 * import { createLogger, logRequest, type RequestLogDetails } from '@scim/server';
 * const started = performance.now();
 * const response = await handler(request);
 * const details: RequestLogDetails = { tenant: 'contoso', principal: 'tok_0f1e2d3c4b5a6978' };
 * logRequest(createLogger(), request, response, performance.now() - started, crypto.randomUUID(), details);
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc9110.html#section-17.8
 */
export interface RequestLogDetails {
  /** The tenant the request was for. */
  readonly tenant?: string;
  /** The principal's public id (a token id or a JWT subject), never a secret. */
  readonly principal?: string;
  /** The error the request failed with. */
  readonly err?: unknown;
}

/** The path and query of a URL, with credential-like query parameters redacted. */
function safePath(url: string | URL): string {
  let parsed: URL;
  try {
    // A URL of the pipeline is not changed here: a copy only when a parameter must be redacted.
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return '[unparsable url]';
  }
  const search = parsed.search;
  if (search === '' || !hasSecretParam(search)) return redactSecrets(parsed.pathname + search);
  if (parsed === url) parsed = new URL(parsed.href);
  for (const key of new Set(parsed.searchParams.keys())) {
    if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, REDACTED);
  }
  return redactSecrets(parsed.pathname + parsed.search);
}

/**
 * Whether a query (`?a=1&b=2`) has a parameter whose value is never logged. Without `%` or `+`
 * the keys are as written; otherwise they are decoded as `URLSearchParams` decodes them. The keys
 * are read in place (no array of the pairs): this runs for every request with a query.
 */
function hasSecretParam(search: string): boolean {
  for (let start = 1; start <= search.length; ) {
    const amp = search.indexOf('&', start);
    const end = amp < 0 ? search.length : amp;
    const eq = search.indexOf('=', start);
    const key = search.slice(start, eq >= 0 && eq < end ? eq : end);
    if (SECRET_PARAM.test(key.includes('%') || key.includes('+') ? decodeQueryKey(key) : key)) return true;
    start = end + 1;
  }
  return false;
}

/**
 * A query key decoded as `URLSearchParams` decodes it, as far as {@link SECRET_PARAM} can tell:
 * `+` is a space and percent-escapes are decoded; where they are not valid UTF-8 (which
 * `URLSearchParams` turns into U+FFFD), the ASCII escapes are, and the key cannot match anyway.
 */
function decodeQueryKey(key: string): string {
  const spaced = key.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return decodeAsciiEscapes(spaced);
  }
}

/**
 * Writes one structured line for a handled request: request id, method, path (credential-like
 * query parameters redacted), status, duration, user agent, and the tenant and principal when
 * given. It reads no header that carries credentials, so a token can never reach the line. 5xx
 * statuses log at `error`, 4xx at `warn`, the rest at `info`.
 *
 * @param logger - a pino logger (or anything with `info`, `warn`, `error`)
 * @param request - the request
 * @param response - the response, or `undefined` when the handler threw
 * @param durationMs - how long the handler took, in milliseconds
 * @param requestId - the request id (see {@link withRequestLogging})
 * @param details - the tenant, principal and error, when known
 * @example
 * ```ts
 * const started = performance.now();
 * const response = await handler(request);
 * logRequest(logger, request, response, performance.now() - started, 'req-1');
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-7.5.2
 * @see https://www.rfc-editor.org/rfc/rfc9110.html#section-17.8
 */
export function logRequest(
  logger: RequestLogger,
  request: Request,
  response: Response | undefined,
  durationMs: number,
  requestId: string,
  details: RequestLogDetails = {},
): void {
  writeLine(
    logger,
    request.method,
    request.url,
    { header: (name) => request.headers.get(name) },
    response?.status ?? 500,
    durationMs,
    requestId,
    details,
  );
}

/** Where a request line reads the request's headers: a pipeline request, or a fetch one's adapter. */
interface HeaderSource {
  /** A header by lower-case name; `null` when absent. */
  header(name: string): string | null;
}

/** The line of {@link logRequest}, from plain values (the pipeline has no `Request`). */
function writeLine(
  logger: RequestLogger,
  method: string,
  url: string | URL,
  headers: HeaderSource,
  status: number,
  durationMs: number,
  requestId: string,
  details: LineDetails,
): void {
  const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
  const own = ownState(logger);
  // A level the logger does not write (LOG_LEVEL=silent, or warn): no line to build.
  if (own !== undefined && !levelEnabled(own, level)) return;
  const path = safePath(url);
  const duration = Math.round(durationMs * 10) / 10;
  if (own !== undefined && details.err === undefined) {
    const stream = ownStream(own);
    if (stream !== undefined) {
      stream.write(ownLine(own, level, method, path, status, duration, requestId, headers, details));
      return;
    }
  }
  // A logger of createLogger is never one of readableRequestLines: no need to look it up.
  const readable = own === undefined ? readableLoggers.get(logger) : undefined;
  if (readable !== undefined) {
    readable(`${redactSecrets(method)} ${path} ${status} ${duration}ms ${redactSecrets(requestId)}`);
    return;
  }
  const line = structuredLine(method, path, status, duration, requestId, headers, details);
  logger[level](line, `${line.method} ${path} ${status}`);
}

/**
 * The fields of a structured request line, every value redacted: the logger need not copy the line
 * to scrub it, and marks it so ({@link scrubbed}), unless it carries an error (rare: a 500), which
 * the logger scrubs into a plain object while other loggers get the error itself. {@link ownLine}
 * writes the same fields as JSON text.
 */
function structuredLine(
  method: string,
  path: string,
  status: number,
  duration: number,
  requestId: string,
  headers: HeaderSource,
  details: RequestLogDetails,
): Record<string, unknown> {
  const line: Record<string, unknown> = {
    requestId: redactSecrets(requestId),
    method: redactSecrets(method),
    path,
    status,
    durationMs: duration,
  };
  const userAgent = headers.header('user-agent');
  if (userAgent !== null) line.userAgent = redactSecrets(userAgent.slice(0, 256));
  const length = headers.header('content-length');
  if (length !== null && /^\d+$/.test(length)) line.requestBytes = Number(length);
  if (details.tenant !== undefined) line.tenant = redactSecrets(details.tenant);
  if (details.principal !== undefined) line.principal = redactSecrets(details.principal);
  if (details.err !== undefined) line.err = details.err;
  else scrubbed.add(line);
  return line;
}

/**
 * What a request line knows beyond {@link RequestLogDetails}: whether the request id is a UUID
 * made here (`randomRequestId`: hexadecimal digits and dashes), which holds no credential and
 * nothing JSON escapes, so a line writes it as it is.
 */
interface LineDetails extends RequestLogDetails {
  readonly plainId?: boolean;
}

const NO_DETAILS: LineDetails = Object.freeze({});
const PLAIN_ID: LineDetails = Object.freeze({ plainId: true });

/** The loggers of {@link readableRequestLines}, with where their lines go. */
const readableLoggers = new WeakMap<object, (line: string) => void>();

/**
 * A request logger that writes one readable line per request, `GET /scim/v2/Users?... 200 1.2ms
 * <request id>` (what `npm start` of a connector project prints), built straight from the request
 * without the structured line's other fields (user agent, request size). @internal
 */
export function readableRequestLines(write: (line: string) => void): RequestLogger {
  // Reached only by logRequest's callers outside withRequestLogging's line: the same line.
  const line = (record: object) => write(readableLine(record));
  const logger: RequestLogger = { info: line, warn: line, error: line };
  readableLoggers.set(logger, write);
  return logger;
}

function readableLine(record: object): string {
  const r = record as { method: string; path: string; status: number; durationMs: number; requestId: string };
  return `${r.method} ${r.path} ${r.status} ${r.durationMs}ms ${r.requestId}`;
}

/** Loggers made by {@link createLogger} (not their children, which may change the line's format). */
const ownLoggers = new WeakSet<object>();
/** The public symbols under which pino keeps a logger's state (`pino.symbols`). */
const SYMBOLS = pino.symbols as unknown as Readonly<Record<string, symbol>>;
const sym = (name: string): symbol => SYMBOLS[name] ?? Symbol(name);
const CHINDINGS = sym('chindingsSym');
const LEVEL_STRINGS = sym('lsCacheSym');
const MESSAGE_PREFIX = sym('msgPrefixSym');
const NEEDS_METADATA = sym('needsMetadataGsym');
const STREAM = sym('streamSym');
const TIME = sym('timeSym');

/** What a line needs of a pino logger: its level, and its state under {@link SYMBOLS}. */
interface PinoState {
  readonly levelVal: number;
  readonly levels: { readonly values: Readonly<Record<string, number>> };
  readonly [key: symbol]: unknown;
}

/** The pino state of a logger of {@link createLogger}, or `undefined` for any other logger. */
function ownState(logger: RequestLogger): PinoState | undefined {
  return ownLoggers.has(logger) ? (logger as unknown as PinoState) : undefined;
}

/** Whether a logger of {@link createLogger} writes lines of `level` (pino's own test). */
function levelEnabled(state: PinoState, level: 'info' | 'warn' | 'error'): boolean {
  return (state.levels.values[level] ?? 30) >= state.levelVal;
}

/** A stream of pino's a request line may be written to as text, or `undefined` (then pino writes it). */
interface LineStream {
  write(line: string): unknown;
  readonly [key: symbol]: unknown;
}

/**
 * The stream of a logger of {@link createLogger} when {@link ownLine} can write to it as pino would:
 * no stream that asks for metadata (pino.multistream) and no message prefix. Otherwise `undefined`.
 */
function ownStream(state: PinoState): LineStream | undefined {
  const stream = state[STREAM] as LineStream | undefined;
  if (typeof stream?.write !== 'function' || stream[NEEDS_METADATA] || state[MESSAGE_PREFIX])
    return undefined;
  return stream;
}

/** A number as JSON writes it (`null` for what is not finite). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * A request line of {@link writeLine} as a logger of {@link createLogger} writes it (the same level,
 * time and bindings, the fields of {@link structuredLine} in its order, then `msg`), as JSON text
 * built directly: the line holds only strings, already redacted, and numbers, so pino's generic
 * serialization (and an object to serialize) is not needed. Uses the state pino exposes for such
 * integrations (`pino.symbols`).
 *
 * The line is made of few pieces (its head, {@link lineHead}, shared by the lines of a millisecond,
 * and the text around the method and the status, {@link methodParts} and {@link statusParts}): a
 * line is written by walking its pieces, and the fewer the cheaper.
 */
function ownLine(
  state: PinoState,
  level: 'info' | 'warn' | 'error',
  method: string,
  path: string,
  status: number,
  duration: number,
  requestId: string,
  headers: HeaderSource,
  details: LineDetails,
): string {
  const value = state.levels.values[level] ?? 30;
  const levelString =
    (state[LEVEL_STRINGS] as Readonly<Record<number, string>>)[value] ?? `{"level":${value}`;
  const head = lineHead(levelString, (state[TIME] as () => string)(), state[CHINDINGS] as string);
  const id = details.plainId === true ? requestId : jsonInner(redactSecrets(requestId));
  const [afterId, msgMethod] = methodParts(method);
  const pathText = pathJsonInner(path);
  const [afterPath, msgStatus] = statusParts(status);
  let out = `${head}${id}${afterId}${pathText}${afterPath}${jsonNumber(duration)}`;
  const userAgent = headers.header('user-agent');
  if (userAgent !== null) out += `,"userAgent":"${jsonInner(redactSecrets(userAgent.slice(0, 256)))}"`;
  const length = headers.header('content-length');
  if (length !== null && /^\d+$/.test(length)) out += `,"requestBytes":${jsonNumber(Number(length))}`;
  if (details.tenant !== undefined) out += `,"tenant":"${jsonInner(redactSecrets(details.tenant))}"`;
  if (details.principal !== undefined) out += `,"principal":"${jsonInner(redactSecrets(details.principal))}"`;
  // The message is `<method> <path> <status>`: JSON escapes each character on its own, so the
  // escaped method and path are the message's escaped text.
  return `${out}${msgMethod}${pathText}${msgStatus}`;
}

let headLevel = '';
let headTime = '';
let headBindings = '';
let head = '';

/**
 * `{"level":30,"time":"...",<bindings>,"requestId":"`: the same for every line of a millisecond at
 * one level, so made once for them, as one flat string (`join` makes one; a concatenation would be
 * pieces, walked again by each line).
 */
function lineHead(level: string, time: string, bindings: string): string {
  if (time !== headTime || level !== headLevel || bindings !== headBindings) {
    headLevel = level;
    headTime = time;
    headBindings = bindings;
    head = [level, time, bindings, ',"requestId":"'].join('');
  }
  return head;
}

/** The text after the request id up to the path, and the message's start, of each method seen. */
const methodTexts = new Map<string, readonly [string, string]>();

/**
 * `","method":"GET","path":"` and `,"msg":"GET ` for a method: made once for each of the plain
 * methods ({@link PLAIN_METHODS}), whose text needs neither redacting nor escaping; any other method
 * gets both, every time.
 */
function methodParts(method: string): readonly [string, string] {
  const known = methodTexts.get(method);
  if (known !== undefined) return known;
  const text = PLAIN_METHODS.has(method) ? method : jsonInner(redactSecrets(method));
  const parts = [`","method":"${text}","path":"`, `,"msg":"${text} `] as const;
  if (PLAIN_METHODS.has(method)) methodTexts.set(method, parts);
  return parts;
}

/** The text after the path up to the duration, and the message's end, of each status seen. */
const statusTexts = new Map<number, readonly [string, string]>();

/** `","status":200,"durationMs":` and ` 200"}\n` for a status, made once for each of 100 to 599. */
function statusParts(status: number): readonly [string, string] {
  const known = statusTexts.get(status);
  if (known !== undefined) return known;
  const json = jsonNumber(status);
  const parts = [`","status":${json},"durationMs":`, ` ${json}"}\n`] as const;
  if (Number.isInteger(status) && status >= 100 && status <= 599) statusTexts.set(status, parts);
  return parts;
}

/**
 * Methods that hold no credential pattern and no character JSON escapes: a line writes them as they
 * are, without {@link redactSecrets} or escaping (any other method gets both).
 */
const PLAIN_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]);

/**
 * What JSON.stringify writes other than as itself: `"`, `\`, control characters, and surrogates
 * (a lone one is escaped; a pair is not, but is rare enough to take the slow path).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const JSON_ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A path of {@link safePath} as JSON writes it, without the quotes. A URL's path and query are ASCII
 * with no control character (the URL parser percent-encodes those), and what safePath puts in
 * (`[redacted]`, percent-encoded text) is too, so only `"` and `\` may need escaping: two searches
 * for one character cost less than {@link jsonInner}'s pattern.
 */
function pathJsonInner(path: string): string {
  return path.includes('"') || path.includes('\\') ? JSON.stringify(path).slice(1, -1) : path;
}

/**
 * A string as JSON writes it, without the quotes: the text itself when JSON escapes none of its
 * characters (a path, an id, a user agent almost always), `JSON.stringify`'s otherwise.
 */
function jsonInner(text: string): string {
  return JSON_ESCAPED.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

/**
 * The request id {@link withRequestLogging} gave a request, for the handler's own log lines.
 *
 * @param request - a request passed through `withRequestLogging`
 * @returns the id, or `undefined` for a request that did not go through it
 * @example
 * ```ts
 * logger.info({ requestId: getRequestId(request) }, 'user created');
 * ```
 * @see {@link withRequestLogging}
 */
export function getRequestId(request: Request): string | undefined {
  return rememberedRequestId(request);
}

/**
 * Options of {@link withRequestLogging}.
 *
 * @example
 * ```ts
 * import { createLogger, type RequestLoggingOptions, withRequestLogging } from '@scim/server';
 * const options: RequestLoggingOptions = { trustRequestId: false }; // ignore the client's x-request-id
 * const logged = withRequestLogging(handler, createLogger(), options);
 * ```
 * @see {@link withRequestLogging}
 */
export interface RequestLoggingOptions {
  /** Whether to keep a well-formed `x-request-id` the client sent (default true, for tracing through a proxy). */
  readonly trustRequestId?: boolean;
  /** Generates a request id (default a random UUID, version 4, as `crypto.randomUUID` makes). */
  readonly generateId?: () => string;
  /** A monotonic clock in milliseconds for durations (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * Wraps a fetch-standard handler with request logging: each request gets an id (the client's
 * `x-request-id` when well-formed, a random UUID otherwise), returned in the response's
 * `x-request-id` header and readable with {@link getRequestId}; one line is logged per request
 * with {@link logRequest}. A handler that throws is logged (status 500) and the error rethrown.
 *
 * @param handler - the handler, for example from `createScimHandler`
 * @param logger - a pino logger (see {@link createLogger})
 * @param options - request id and clock options
 * @returns the wrapped handler
 * @example
 * ```ts
 * const handler = withRequestLogging(createScimHandler({ store, authenticate }), createLogger());
 * const response = await handler(new Request('https://scim.example.com/scim/v2/Users'));
 * response.headers.get('x-request-id'); // '5f0c...'
 * ```
 * @see {@link logRequest}
 * @see https://www.rfc-editor.org/rfc/rfc9110.html#section-17.8
 */
export function withRequestLogging(
  handler: (request: Request) => Promise<Response>,
  logger: RequestLogger,
  options: RequestLoggingOptions = {},
): (request: Request) => Promise<Response> {
  const now = options.now ?? (() => performance.now());
  const generateId = options.generateId ?? randomRequestId;
  const trust = options.trustRequestId ?? true;
  const idFor = (presented: string | undefined) =>
    trust ? requestIdFrom(presented, generateId) : generateId();
  const logged = async (request: Request): Promise<Response> => {
    const requestId = idFor(request.headers.get('x-request-id') ?? undefined);
    rememberRequestId(request, requestId);
    const started = now();
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      logRequest(logger, request, undefined, now() - started, requestId, { err: error });
      throw error;
    }
    logRequest(logger, request, response, now() - started, requestId);
    return withHeader(response, 'x-request-id', requestId);
  };
  // Forward the handler's pipeline (see pipeline.ts), logged the same way.
  const inner = pipelineOf(handler);
  if (inner === undefined) return logged;
  // One promise reaction per request, no async frame of its own: this runs for every request.
  return withPipeline(logged, (request: PipelineRequest): Promise<Reply> => {
    const presented = request.header('x-request-id') ?? undefined;
    const requestId = idFor(presented);
    request.requestId = requestId;
    // An id made here (not the client's, not a generator of the caller's) is plain.
    const details = generateId === randomRequestId && requestId !== presented ? PLAIN_ID : NO_DETAILS;
    const started = now();
    let pending: Promise<Reply>;
    try {
      pending = inner(request);
    } catch (error) {
      pending = Promise.reject(error);
    }
    const { method, url } = request;
    return pending.then(
      (reply) => {
        const status = statusOf(reply);
        writeLine(logger, method, url, request, status, now() - started, requestId, details);
        return withReplyHeader(reply, 'x-request-id', requestId, true);
      },
      (error: unknown) => {
        writeLine(logger, method, url, request, 500, now() - started, requestId, { err: error });
        throw error;
      },
    );
  });
}

/** The response with one more header; a copy when its headers are immutable. */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

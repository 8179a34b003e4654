import { URN } from './urns.ts';

/**
 * The `scimType` values of RFC 7644 section 3.12, which refine a 400 (or 409 / 413) error, and the
 * three RFC 9865 adds for cursor paging (`invalidCursor`, `expiredCursor`, `invalidCount`).
 *
 * @example
 * ```ts
 * import { isScimError, type ScimType } from '@scim/schemas';
 * import { parseFilter } from '@scim/protocol';
 * try {
 *   parseFilter('userName zz "bjensen"');
 * } catch (error) {
 *   const scimType: ScimType | undefined = isScimError(error) ? error.scimType : undefined; // 'invalidFilter'
 * }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 * @see https://www.rfc-editor.org/rfc/rfc9865.html
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

/**
 * One entry of the SDK's error catalog: the HTTP status, the RFC `scimType` (if any), a title and
 * a hint that says what to do.
 *
 * @example
 * ```ts
 * import { scimErrorCatalog } from '@scim/schemas';
 * scimErrorCatalog.uniqueness.status; // 409
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export interface ScimErrorCatalogEntry {
  /** The HTTP status code. */
  readonly status: number;
  /** The RFC 7644 section 3.12 `scimType`, where the RFC defines one for this case. */
  readonly scimType?: ScimType;
  /** A short title for the kind of error. */
  readonly title: string;
  /** What to do about it, in general; the error's own message says what to do in the case at hand. */
  readonly hint: string;
}

function entry(
  status: number,
  scimType: ScimType | undefined,
  title: string,
  hint: string,
): ScimErrorCatalogEntry {
  return scimType === undefined ? { status, title, hint } : { status, scimType, title, hint };
}

/**
 * Every error the SDK raises, keyed by code. The first thirteen are RFC 7644 section 3.12's (and RFC 9865's) `scimType`
 * values with the status the RFC gives them; the others are plain HTTP errors of the protocol.
 *
 * @example
 * ```ts
 * import { scimErrorCatalog } from '@scim/schemas';
 * scimErrorCatalog.invalidFilter; // { status: 400, scimType: 'invalidFilter', ... }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export const scimErrorCatalog = {
  invalidFilter: entry(
    400,
    'invalidFilter',
    'Invalid filter',
    'Check the filter against RFC 7644 section 3.4.2.2: attribute path, operator (eq ne co sw ew gt lt ge le pr), then a JSON value.',
  ),
  tooMany: entry(
    400,
    'tooMany',
    'Too many results',
    'Narrow the filter or page through the results with startIndex and count.',
  ),
  uniqueness: entry(
    409,
    'uniqueness',
    'Uniqueness conflict',
    'A resource with that value already exists: query for it (for example by userName) and update it instead.',
  ),
  mutability: entry(
    400,
    'mutability',
    'Attribute not modifiable',
    'Leave readOnly attributes out of the request, and do not change immutable attributes once set.',
  ),
  invalidSyntax: entry(
    400,
    'invalidSyntax',
    'Invalid request syntax',
    'Send a JSON body that matches the message schema named in "schemas".',
  ),
  invalidPath: entry(
    400,
    'invalidPath',
    'Invalid attribute path',
    'Use an attribute path of RFC 7644 section 3.5.2, for example name.givenName or emails[type eq "work"].value.',
  ),
  noTarget: entry(
    400,
    'noTarget',
    'No target',
    'The path or its filter matched nothing; check the filter, or add the value first.',
  ),
  invalidValue: entry(
    400,
    'invalidValue',
    'Invalid value',
    "Send a value of the attribute's type, and every required attribute.",
  ),
  invalidVers: entry(
    400,
    'invalidVers',
    'Unsupported version',
    'Use the SCIM 2.0 endpoint of this service provider.',
  ),
  invalidCursor: entry(
    400,
    'invalidCursor',
    'Invalid cursor',
    'Send a nextCursor or previousCursor this server returned, with the same filter, sortBy and sortOrder; or start again with cursor= (empty).',
  ),
  expiredCursor: entry(
    400,
    'expiredCursor',
    'Expired cursor',
    'Start the listing again with cursor= (empty); ServiceProviderConfig pagination.cursorTimeout says how long a cursor lasts.',
  ),
  invalidCount: entry(
    400,
    'invalidCount',
    'Invalid count',
    'Send an integer count, the same on every page of a cursor listing as on its first page (start again with cursor= to change it).',
  ),
  sensitive: entry(
    400,
    'sensitive',
    'Sensitive information in the request URI',
    'Send the query with POST to .search so that it is not in the URI.',
  ),
  badRequest: entry(400, undefined, 'Bad request', 'Fix the request as the message says.'),
  unauthorized: entry(
    401,
    undefined,
    'Unauthorized',
    'Send "Authorization: Bearer <token>" with a token issued for this tenant.',
  ),
  forbidden: entry(403, undefined, 'Forbidden', 'The credentials are valid but may not do this.'),
  notFound: entry(
    404,
    undefined,
    'Not found',
    'Check the id and the endpoint; the resource may have been deleted.',
  ),
  methodNotAllowed: entry(405, undefined, 'Method not allowed', 'Use a method that this endpoint supports.'),
  conflict: entry(409, undefined, 'Conflict', 'Reload the resource and try again.'),
  requestTimeout: entry(
    408,
    undefined,
    'Request timeout',
    'Send the whole request (headers and body) within the server’s timeout, then retry.',
  ),
  preconditionFailed: entry(
    412,
    undefined,
    'Precondition failed',
    'The resource changed since you read it: GET it again for its current ETag and retry.',
  ),
  payloadTooLarge: entry(
    413,
    undefined,
    'Payload too large',
    'Send a smaller body, or split a bulk request (see maxPayloadSize and maxOperations in /ServiceProviderConfig).',
  ),
  unsupportedMediaType: entry(
    415,
    undefined,
    'Unsupported media type',
    'Send the body as application/scim+json or application/json.',
  ),
  headersTooLarge: entry(
    431,
    undefined,
    'Request header fields too large',
    'Shorten the URL and headers: send a long filter with POST to .search instead of in the query string.',
  ),
  tooManyRequests: entry(
    429,
    undefined,
    'Too many requests',
    'Wait for the number of seconds in Retry-After.',
  ),
  internal: entry(
    500,
    undefined,
    'Internal server error',
    'Retry later; if it persists, report it to the service provider.',
  ),
  notImplemented: entry(
    501,
    undefined,
    'Not implemented',
    'This service provider does not support this operation; see /ServiceProviderConfig.',
  ),
  unavailable: entry(
    503,
    undefined,
    'Service unavailable',
    'The service is temporarily unavailable: retry after the number of seconds in Retry-After.',
  ),
} as const satisfies Record<string, ScimErrorCatalogEntry>;

/**
 * A key of {@link scimErrorCatalog}.
 *
 * @example
 * ```ts
 * import { ScimError, type ScimErrorCode } from '@scim/schemas';
 * const code: ScimErrorCode = 'noTarget';
 * throw new ScimError(code, 'members[value eq "2819c223"] matched no member; list the group to see its members');
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export type ScimErrorCode = keyof typeof scimErrorCatalog;

/**
 * Where in a text (a filter, a path, an expression) an error was found.
 *
 * @example
 * ```ts
 * import type { TextPosition } from '@scim/schemas';
 * import { safeParseFilter } from '@scim/protocol';
 * const result = safeParseFilter('userName zz "bjensen"');
 * const at: TextPosition | undefined = result.success ? undefined : result.error.position; // { offset: 9, line: 1, column: 10 }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface TextPosition {
  /** 0-based offset into the text. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/**
 * Options of a {@link ScimError}.
 *
 * @example
 * ```ts
 * new ScimError('tooManyRequests', 'slow down', { headers: { 'retry-after': '30' } });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export interface ScimErrorOptions {
  /** Where in the input the error was found (filters, paths). */
  readonly position?: TextPosition;
  /** The offending token or value, as text. */
  readonly token?: string;
  /** Extra HTTP headers for the response, for example `retry-after` or `www-authenticate`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The underlying error, kept for logs and never put in the response. */
  readonly cause?: unknown;
}

/**
 * The RFC 7644 section 3.12 error response body.
 *
 * @example
 * ```ts
 * import { ScimError, type ScimErrorBody } from '@scim/schemas';
 * const body: ScimErrorBody = new ScimError('notFound', 'User 2819c223 not found').toJSON();
 * // { schemas: [URN.Error], status: '404', detail: 'User 2819c223 not found' }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export interface ScimErrorBody {
  /** Always `["urn:ietf:params:scim:api:messages:2.0:Error"]`. */
  schemas: [typeof URN.Error];
  /** The HTTP status, as a string. */
  status: string;
  /** The RFC `scimType`, where one applies. */
  scimType?: ScimType;
  /** What happened and what to do. */
  detail?: string;
}

const BRAND = Symbol.for('@scim/schemas/ScimError');

/**
 * The one error type of the SDK: every package throws it, every handler turns it into an RFC 7644
 * error response. Build it from a catalog code and a message that says what happened and what to do.
 *
 * @example
 * ```ts
 * import { ScimError } from '@scim/schemas';
 * throw new ScimError('invalidFilter', 'filter: expected a comparison operator after "userName" at column 10; valid operators are eq ne co sw ew gt lt ge le pr', {
 *   position: { offset: 9, line: 1, column: 10 },
 * });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export class ScimError extends Error {
  /** The catalog code. */
  readonly code: ScimErrorCode;
  /** The HTTP status. */
  readonly status: number;
  /** The RFC `scimType`, where one applies. */
  readonly scimType: ScimType | undefined;
  /** The catalog's general advice for this kind of error. */
  readonly hint: string;
  /** Where in the input the error was found. */
  readonly position: TextPosition | undefined;
  /** The offending token or value. */
  readonly token: string | undefined;
  /** Extra response headers. */
  readonly headers: Readonly<Record<string, string>>;

  /**
   * @param code - the catalog entry
   * @param message - what happened and what to do; defaults to the entry's title
   * @param options - position, token, response headers and cause
   */
  constructor(code: ScimErrorCode, message?: string, options: ScimErrorOptions = {}) {
    const found: ScimErrorCatalogEntry = scimErrorCatalog[code];
    super(message ?? found.title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScimError';
    this.code = code;
    this.status = found.status;
    this.scimType = found.scimType;
    this.hint = found.hint;
    this.position = options.position;
    this.token = options.token;
    this.headers = options.headers ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * The RFC 7644 section 3.12 error body (`status` as a string).
   *
   * @returns the error envelope, ready for `JSON.stringify`
   * @example
   * ```ts
   * new ScimError('notFound', 'User 42 not found').toJSON();
   * // { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'User 42 not found' }
   * ```
   */
  toJSON(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [URN.Error], status: String(this.status) };
    if (this.scimType !== undefined) body.scimType = this.scimType;
    body.detail = this.message;
    return body;
  }

  /**
   * The HTTP response for this error: the error body as `application/scim+json`, the status,
   * and the error's headers.
   *
   * @returns a fetch-standard `Response`
   * @example
   * ```ts
   * return new ScimError('unauthorized', 'missing bearer token', { headers: { 'www-authenticate': 'Bearer' } }).toResponse();
   * ```
   */
  toResponse(): Response {
    return new Response(JSON.stringify(this.toJSON()), {
      status: this.status,
      headers: { 'content-type': 'application/scim+json; charset=utf-8', ...this.headers },
    });
  }

  /**
   * Wraps anything thrown into a `ScimError`: a `ScimError` passes through, anything else becomes
   * a 500 whose message reveals nothing of the original (kept as `cause`).
   *
   * @param error - what was thrown
   * @returns a `ScimError`
   * @example
   * ```ts
   * try {
   *   return await handler(request);
   * } catch (e) {
   *   return ScimError.from(e).toResponse(); // anything unknown: a 500 that leaks nothing
   * }
   * ```
   */
  static from(error: unknown): ScimError {
    if (isScimError(error)) return error;
    return new ScimError('internal', 'The service provider failed to handle the request.', { cause: error });
  }
}

/**
 * Whether a value is a {@link ScimError}: a brand check that works across two copies of the package,
 * where `instanceof` does not.
 *
 * @param value - anything
 * @returns `true` for a `ScimError`
 * @throws never
 * @example
 * ```ts
 * import { parseFilter } from '@scim/protocol';
 * try {
 *   parseFilter(text);
 * } catch (e) {
 *   if (isScimError(e) && e.scimType === 'invalidFilter') console.warn(e.message);
 *   else throw e;
 * }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export function isScimError(value: unknown): value is ScimError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * The result of a `safeParseX` function: the value, or the error `parseX` would have thrown (a
 * {@link ScimError} unless `E` says otherwise, as for `safeParseDatabaseUrl` in @scim/server,
 * whose input is not a SCIM request).
 *
 * @typeParam T - the parsed value
 * @typeParam E - the error `parseX` throws (default `ScimError`)
 * @example
 * ```ts
 * import { type PatchOp, type SafeResult, safeParsePatchOp } from '@scim/schemas';
 * const result: SafeResult<PatchOp> = safeParsePatchOp(body);
 * if (!result.success) return result.error.toResponse(); // 400 invalidSyntax, saying what is wrong
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export type SafeResult<T, E = ScimError> = { success: true; value: T } | { success: false; error: E };

import { z } from 'zod';
import type { ScimType } from './errors.ts';
import { isScimError, type SafeResult, ScimError } from './errors.ts';
import { URN } from './urns.ts';

/**
 * A list response (RFC 7644 section 3.4.2): one page of resources of type `T`, with the cursors of
 * RFC 9865 cursor paging when the query paged by `cursor`.
 *
 * @example
 * ```ts
 * import { type ListResponse, parseListResponse, userResponseParser } from '@scim/schemas';
 * const response = await fetch('https://example.com/scim/v2/Users?count=100&cursor=', {
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * const page: ListResponse = parseListResponse(await response.json());
 * const users = (page.Resources ?? []).map((r) => userResponseParser.parse(r).value);
 * page.nextCursor; // send it as `cursor` for the next page; left out on the last one
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2
 * @see https://www.rfc-editor.org/rfc/rfc9865.html#section-2
 */
export interface ListResponse<T = Record<string, unknown>> {
  /** `["urn:ietf:params:scim:api:messages:2.0:ListResponse"]`. */
  schemas: string[];
  /**
   * The number of results the query matched, across all pages. RFC 7644 requires it; a cursor page
   * may leave it out when the service provider cannot estimate it (RFC 9865 section 2).
   */
  totalResults?: number;
  /** The resources of this page; may be left out when there are none. */
  Resources?: T[];
  /** The 1-based index of the first result of this page (index paging). */
  startIndex?: number;
  /** The number of resources on this page. */
  itemsPerPage?: number;
  /** RFC 9865: the `cursor` of the next page; left out on the last page only. */
  nextCursor?: string;
  /** RFC 9865: the `cursor` of the previous page, if the service provider offers it (never on the first). */
  previousCursor?: string;
}

/**
 * A query sent with POST to `.search` (RFC 7644 section 3.4.3).
 *
 * @example
 * ```ts
 * import { parseSearchRequest, type SearchRequest } from '@scim/schemas';
 * // The body of POST /Users/.search
 * const search: SearchRequest = parseSearchRequest(await request.json());
 * search.filter; // 'userName eq "bjensen"'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.3
 * @see https://www.rfc-editor.org/rfc/rfc9865.html#section-3
 */
export interface SearchRequest {
  /** `["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]`. */
  schemas: string[];
  /** The attributes to return. */
  attributes?: string[];
  /** The attributes to leave out. */
  excludedAttributes?: string[];
  /** A filter expression (RFC 7644 section 3.4.2.2). */
  filter?: string;
  /** The attribute to sort by. */
  sortBy?: string;
  /** The sort order. */
  sortOrder?: 'ascending' | 'descending';
  /** The 1-based index of the first result. */
  startIndex?: number;
  /** The maximum number of results per page; a negative value means 0 (RFC 9865 section 2). */
  count?: number;
  /**
   * RFC 9865 cursor paging: `""` for the first page, then the `nextCursor` (or `previousCursor`)
   * of a page the service provider returned.
   */
  cursor?: string;
}

/**
 * One PATCH operation (RFC 7644 section 3.5.2).
 *
 * @example
 * ```ts
 * import { type PatchOperation, parsePatchOp } from '@scim/schemas';
 * const operations: PatchOperation[] = parsePatchOp(await request.json()).Operations;
 * const disables = operations.some((o) => o.op === 'replace' && o.path === 'active');
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface PatchOperation {
  /** The operation: `add`, `remove` or `replace` (lower case once parsed). */
  op: 'add' | 'remove' | 'replace';
  /** The attribute path; required for `remove`. */
  path?: string;
  /** The value; required for `add` and `replace`. */
  value?: unknown;
}

/**
 * A PATCH request body (RFC 7644 section 3.5.2).
 *
 * @example
 * ```ts
 * import { applyPatch } from '@scim/protocol';
 * import { type PatchOp, parsePatchOp, userResourceSchema } from '@scim/schemas';
 * const patch: PatchOp = parsePatchOp(await request.json()); // 'Replace' from Entra becomes 'replace'
 * const { resource, changed } = applyPatch(user, patch, userResourceSchema);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface PatchOp {
  /** `["urn:ietf:params:scim:api:messages:2.0:PatchOp"]`. */
  schemas: string[];
  /** The operations, applied in order. */
  Operations: PatchOperation[];
}

/**
 * One operation of a bulk request (RFC 7644 section 3.7).
 *
 * @example
 * ```ts
 * import { type BulkOperation, parseBulkRequest } from '@scim/schemas';
 * const operations: BulkOperation[] = parseBulkRequest(await request.json()).Operations;
 * const creates = operations.filter((o) => o.method === 'POST').map((o) => o.bulkId); // others refer to them as bulkId:<id>
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export interface BulkOperation {
  /** The HTTP method. */
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A transient id for a new resource, referenced elsewhere as `bulkId:<id>`. */
  bulkId?: string;
  /** The version (ETag) the resource must have. */
  version?: string;
  /** The resource path, relative to the base URL: `/Users` or `/Users/<id>`. */
  path: string;
  /** The body: a resource for POST and PUT, a PatchOp (or, as RFC 7644's own example has it, its operations) for PATCH. */
  data?: unknown;
}

/**
 * A bulk request (RFC 7644 section 3.7).
 *
 * @example
 * ```ts
 * import { type BulkRequest, parseBulkRequest } from '@scim/schemas';
 * const bulk: BulkRequest = parseBulkRequest(await request.json());
 * const errorsAllowed = bulk.failOnErrors ?? Number.POSITIVE_INFINITY;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export interface BulkRequest {
  /** `["urn:ietf:params:scim:api:messages:2.0:BulkRequest"]`. */
  schemas: string[];
  /** Stop after this many errors. */
  failOnErrors?: number;
  /** The operations. */
  Operations: BulkOperation[];
}

/**
 * The error body of RFC 7644 section 3.12, as received (the SDK's own errors are {@link ScimError}).
 *
 * @example
 * ```ts
 * import { type ErrorResponse, parseErrorResponse } from '@scim/schemas';
 * const response = await fetch('https://example.com/scim/v2/Users/2819c223');
 * if (!response.ok) {
 *   const error: ErrorResponse = parseErrorResponse(await response.json());
 *   console.error(error.status, error.scimType, error.detail); // '404' undefined 'Resource 2819c223 not found'
 * }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export interface ErrorResponse {
  /** `["urn:ietf:params:scim:api:messages:2.0:Error"]`. */
  schemas: string[];
  /** The HTTP status, as a string. */
  status: string;
  /** The RFC `scimType`, for 400 errors. */
  scimType?: ScimType;
  /** A human-readable explanation. */
  detail?: string;
}

/**
 * The result of one operation of a bulk request (RFC 7644 section 3.7).
 *
 * @example
 * ```ts
 * import { type BulkOperationResponse, parseBulkResponse } from '@scim/schemas';
 * const response = await fetch('https://example.com/scim/v2/Bulk', { method: 'POST', body: JSON.stringify(bulk) });
 * const results: BulkOperationResponse[] = parseBulkResponse(await response.json()).Operations;
 * const failed = results.filter((r) => !r.status.startsWith('2')); // each with its `response` error body
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export interface BulkOperationResponse {
  /** The HTTP method of the operation. */
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The operation's `bulkId`. */
  bulkId?: string;
  /** The new version of the resource. */
  version?: string;
  /** The resource's URI. */
  location?: string;
  /** The HTTP status of the operation, as a string. */
  status: string;
  /** The response body, for errors. */
  response?: unknown;
}

/**
 * A bulk response (RFC 7644 section 3.7).
 *
 * @example
 * ```ts
 * import { type BulkResponse, parseBulkResponse } from '@scim/schemas';
 * const response = await fetch('https://example.com/scim/v2/Bulk', { method: 'POST', body: JSON.stringify(bulk) });
 * const result: BulkResponse = parseBulkResponse(await response.json());
 * const created = result.Operations.flatMap((o) => (o.status === '201' && o.location ? [o.location] : []));
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export interface BulkResponse {
  /** `["urn:ietf:params:scim:api:messages:2.0:BulkResponse"]`. */
  schemas: string[];
  /** One result per operation processed. */
  Operations: BulkOperationResponse[];
}

const schemasOf = (urn: string) =>
  z
    .array(z.string())
    .refine(
      (list) => list.some((s) => s.toLowerCase() === urn.toLowerCase()),
      `expected "${urn}" in schemas`,
    );

const nonNegative = z.number().int().nonnegative();

/**
 * The zod schema of a list response (canonical member names; resources as plain objects).
 *
 * @example
 * ```ts
 * import { listResponseSchema } from '@scim/schemas';
 * listResponseSchema.parse({ schemas: [URN.ListResponse], totalResults: 0 });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2
 */
export const listResponseSchema: z.ZodType<ListResponse> = z.strictObject({
  schemas: schemasOf(URN.ListResponse),
  totalResults: nonNegative.exactOptional(),
  Resources: z.array(z.record(z.string(), z.unknown())).exactOptional(),
  startIndex: z.number().int().exactOptional(),
  itemsPerPage: nonNegative.exactOptional(),
  nextCursor: z.string().exactOptional(),
  previousCursor: z.string().exactOptional(),
});

/**
 * The zod schema of a `.search` request body.
 *
 * @example
 * ```ts
 * import { searchRequestSchema } from '@scim/schemas';
 * searchRequestSchema.parse({ schemas: [URN.SearchRequest], filter: 'userName sw "b"' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.3
 */
export const searchRequestSchema: z.ZodType<SearchRequest> = z.strictObject({
  schemas: schemasOf(URN.SearchRequest),
  attributes: z.array(z.string()).exactOptional(),
  excludedAttributes: z.array(z.string()).exactOptional(),
  filter: z.string().exactOptional(),
  sortBy: z.string().exactOptional(),
  sortOrder: z.enum(['ascending', 'descending']).exactOptional(),
  startIndex: z.number().int().exactOptional(),
  count: z.number().int().exactOptional(),
  cursor: z.string().exactOptional(),
});

const patchOperationSchema = z
  .strictObject({
    op: z.enum(['add', 'remove', 'replace']),
    path: z.string().exactOptional(),
    value: z.unknown().exactOptional(),
  })
  .refine((o) => o.op !== 'remove' || o.path !== undefined, {
    message: 'a remove operation needs a path',
    path: ['path'],
  })
  .refine((o) => o.op === 'remove' || o.value !== undefined, {
    message: 'an add or replace operation needs a value',
    path: ['value'],
  });

/**
 * The zod schema of a PATCH body, as RFC 7644 writes it (`op` in lower case; {@link parsePatchOp}
 * also accepts Entra's `"Add"` / `"Replace"` / `"Remove"`).
 *
 * @example
 * ```ts
 * import { patchOpSchema } from '@scim/schemas';
 * patchOpSchema.parse({ schemas: [URN.PatchOp], Operations: [{ op: 'remove', path: 'nickName' }] });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export const patchOpSchema: z.ZodType<PatchOp> = z.strictObject({
  schemas: schemasOf(URN.PatchOp),
  Operations: z.array(patchOperationSchema).min(1),
});

const method = z.enum(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The zod schema of a bulk request.
 *
 * @example
 * ```ts
 * import { bulkRequestSchema } from '@scim/schemas';
 * bulkRequestSchema.parse({ schemas: [URN.BulkRequest], Operations: [{ method: 'DELETE', path: '/Users/1' }] });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export const bulkRequestSchema: z.ZodType<BulkRequest> = z.strictObject({
  schemas: schemasOf(URN.BulkRequest),
  failOnErrors: z.number().int().exactOptional(),
  Operations: z.array(
    z.strictObject({
      method,
      bulkId: z.string().exactOptional(),
      version: z.string().exactOptional(),
      path: z.string(),
      data: z.unknown().exactOptional(),
    }),
  ),
});

const scimTypes = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
  'invalidCursor',
  'expiredCursor',
  'invalidCount',
] as const satisfies readonly ScimType[];

/**
 * The zod schema of an error body (RFC 7644 section 3.12).
 *
 * @example
 * ```ts
 * import { errorResponseSchema } from '@scim/schemas';
 * errorResponseSchema.parse({ schemas: [URN.Error], status: '404' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export const errorResponseSchema: z.ZodType<ErrorResponse> = z.strictObject({
  schemas: schemasOf(URN.Error),
  status: z.string().regex(/^\d{3}$/, 'expected an HTTP status code as a string, such as "404"'),
  scimType: z.enum(scimTypes).exactOptional(),
  detail: z.string().exactOptional(),
});

/**
 * The zod schema of a bulk response.
 *
 * @example
 * ```ts
 * import { bulkResponseSchema } from '@scim/schemas';
 * bulkResponseSchema.parse({ schemas: [URN.BulkResponse], Operations: [{ method: 'DELETE', status: '204' }] });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export const bulkResponseSchema: z.ZodType<BulkResponse> = z.strictObject({
  schemas: schemasOf(URN.BulkResponse),
  Operations: z.array(
    z.strictObject({
      method,
      bulkId: z.string().exactOptional(),
      version: z.string().exactOptional(),
      location: z.string().exactOptional(),
      status: z.string().regex(/^\d{3}$/, 'expected an HTTP status code as a string, such as "201"'),
      response: z.unknown().exactOptional(),
    }),
  ),
});

/** Renames the keys of an object to the canonical names in `names`, case-insensitively. @internal */
function canonicalKeys(value: unknown, names: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  // Object.fromEntries defines own properties, so a "__proto__" key stays data (and is rejected as unknown).
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      const lower = key.toLowerCase();
      return [names.find((n) => n.toLowerCase() === lower) ?? key, v];
    }),
  );
}

function mapList(value: unknown, names: readonly string[], key: string, each?: (item: unknown) => unknown) {
  const top = canonicalKeys(value, names) as Record<string, unknown> | unknown;
  if (typeof top !== 'object' || top === null) return top;
  const record = top as Record<string, unknown>;
  const list = record[key];
  if (Array.isArray(list) && each) record[key] = list.map(each);
  return record;
}

function run<T>(schema: z.ZodType<T>, name: string, input: unknown): T {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ScimError('invalidSyntax', `expected a ${name} as a JSON object`);
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const detail = result.error.issues
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
  throw new ScimError('invalidSyntax', `invalid ${name}: ${detail}`);
}

function safe<T>(parse: () => T): SafeResult<T> {
  try {
    return { success: true, value: parse() };
  } catch (error) {
    if (isScimError(error)) return { success: false, error };
    throw error;
  }
}

const PATCH_OP_KEYS = ['op', 'path', 'value'] as const;
const BULK_OP_KEYS = [
  'method',
  'bulkId',
  'version',
  'path',
  'data',
  'location',
  'status',
  'response',
] as const;

/**
 * Options of {@link parsePatchOp}.
 *
 * @example
 * ```ts
 * parsePatchOp(body, { opCase: 'exact' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface ParsePatchOpOptions {
  /**
   * `insensitive` (the default) accepts `"Add"`, `"Replace"`, `"Remove"` in any case, as Microsoft
   * Entra ID sends them, and returns them in lower case; `exact` accepts only RFC 7644's lower case.
   */
  readonly opCase?: 'insensitive' | 'exact';
}

/**
 * Parses a PATCH request body: member names case-insensitively (`operations` is `Operations`),
 * `op` case-insensitively unless `opCase: 'exact'`.
 *
 * @param input - the JSON body
 * @param options - whether `op` is matched case-insensitively
 * @returns the PatchOp with canonical names and lower-case `op`
 * @throws ScimError `invalidSyntax` when the body is not a PatchOp
 * @example
 * ```ts
 * import { parsePatchOp } from '@scim/schemas';
 * parsePatchOp({ schemas: [URN.PatchOp], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] }).Operations[0]?.op; // 'replace'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export function parsePatchOp(input: unknown, options: ParsePatchOpOptions = {}): PatchOp {
  const lenient = (options.opCase ?? 'insensitive') === 'insensitive';
  const value = mapList(input, ['schemas', 'Operations'], 'Operations', (op) => {
    const o = canonicalKeys(op, PATCH_OP_KEYS);
    if (lenient && typeof o === 'object' && o !== null) {
      const record = o as Record<string, unknown>;
      if (typeof record.op === 'string') record.op = record.op.toLowerCase();
    }
    return o;
  });
  return run(patchOpSchema, 'PatchOp', value);
}

/**
 * Like {@link parsePatchOp}, but returns the error instead of throwing it.
 *
 * @param input - the JSON body
 * @param options - whether `op` is matched case-insensitively
 * @returns `{ success: true, value }` or `{ success: false, error }`
 * @throws never
 * @example
 * ```ts
 * const r = safeParsePatchOp(body);
 * if (!r.success) return r.error.toResponse();
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export function safeParsePatchOp(input: unknown, options: ParsePatchOpOptions = {}): SafeResult<PatchOp> {
  return safe(() => parsePatchOp(input, options));
}

/**
 * Parses a list response, member names case-insensitively. The resources stay plain objects: parse
 * each with a resource parser in the `response` context when you know its type.
 *
 * @param input - the JSON body
 * @returns the list response
 * @throws ScimError `invalidSyntax` when the body is not a ListResponse
 * @example
 * ```ts
 * import { parseListResponse, userResponseParser } from '@scim/schemas';
 * const users = parseListResponse(body).Resources?.map((r) => userResponseParser.parse(r).value);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2
 */
export function parseListResponse(input: unknown): ListResponse {
  const value = canonicalKeys(input, [
    'schemas',
    'totalResults',
    'Resources',
    'startIndex',
    'itemsPerPage',
    'nextCursor',
    'previousCursor',
  ]);
  return run(listResponseSchema, 'ListResponse', value);
}

/**
 * Like {@link parseListResponse}, but returns the error instead of throwing it.
 *
 * @param input - the JSON body
 * @returns `{ success: true, value }` or `{ success: false, error }`
 * @throws never
 * @example
 * ```ts
 * const r = safeParseListResponse(body);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2
 */
export function safeParseListResponse(input: unknown): SafeResult<ListResponse> {
  return safe(() => parseListResponse(input));
}

/**
 * Parses a `.search` request body, member names case-insensitively.
 *
 * @param input - the JSON body
 * @returns the search request
 * @throws ScimError `invalidSyntax` when the body is not a SearchRequest
 * @example
 * ```ts
 * import { parseSearchRequest } from '@scim/schemas';
 * parseSearchRequest({ schemas: [URN.SearchRequest], Filter: 'userName eq "bjensen"' }).filter;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.3
 */
export function parseSearchRequest(input: unknown): SearchRequest {
  const value = canonicalKeys(input, [
    'schemas',
    'attributes',
    'excludedAttributes',
    'filter',
    'sortBy',
    'sortOrder',
    'startIndex',
    'count',
    'cursor',
  ]);
  return run(searchRequestSchema, 'SearchRequest', value);
}

/**
 * Like {@link parseSearchRequest}, but returns the error instead of throwing it.
 *
 * @param input - the JSON body
 * @returns `{ success: true, value }` or `{ success: false, error }`
 * @throws never
 * @example
 * ```ts
 * const r = safeParseSearchRequest(body);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.3
 */
export function safeParseSearchRequest(input: unknown): SafeResult<SearchRequest> {
  return safe(() => parseSearchRequest(input));
}

/**
 * Parses a bulk request body, member names case-insensitively. Each operation's `data` stays as
 * sent: parse it with the resource parser of its path and method.
 *
 * @param input - the JSON body
 * @returns the bulk request
 * @throws ScimError `invalidSyntax` when the body is not a BulkRequest
 * @example
 * ```ts
 * import { parseBulkRequest } from '@scim/schemas';
 * parseBulkRequest(body).Operations.length;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export function parseBulkRequest(input: unknown): BulkRequest {
  const value = mapList(input, ['schemas', 'failOnErrors', 'Operations'], 'Operations', (op) =>
    canonicalKeys(op, BULK_OP_KEYS),
  );
  return run(bulkRequestSchema, 'BulkRequest', value);
}

/**
 * Like {@link parseBulkRequest}, but returns the error instead of throwing it.
 *
 * @param input - the JSON body
 * @returns `{ success: true, value }` or `{ success: false, error }`
 * @throws never
 * @example
 * ```ts
 * const r = safeParseBulkRequest(body);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export function safeParseBulkRequest(input: unknown): SafeResult<BulkRequest> {
  return safe(() => parseBulkRequest(input));
}

/**
 * Parses a bulk response body, member names case-insensitively.
 *
 * @param input - the JSON body
 * @returns the bulk response
 * @throws ScimError `invalidSyntax` when the body is not a BulkResponse
 * @example
 * ```ts
 * import { parseBulkResponse } from '@scim/schemas';
 * parseBulkResponse(body).Operations.map((o) => o.status);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export function parseBulkResponse(input: unknown): BulkResponse {
  const value = mapList(input, ['schemas', 'Operations'], 'Operations', (op) =>
    canonicalKeys(op, BULK_OP_KEYS),
  );
  return run(bulkResponseSchema, 'BulkResponse', value);
}

/**
 * Like {@link parseBulkResponse}, but returns the error instead of throwing it.
 *
 * @param input - the JSON body
 * @returns `{ success: true, value }` or `{ success: false, error }`
 * @throws never
 * @example
 * ```ts
 * const r = safeParseBulkResponse(body);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.7
 */
export function safeParseBulkResponse(input: unknown): SafeResult<BulkResponse> {
  return safe(() => parseBulkResponse(input));
}

/**
 * Parses an error response body (RFC 7644 section 3.12), member names case-insensitively.
 *
 * @param input - the JSON body
 * @returns the error response
 * @throws ScimError `invalidSyntax` when the body is not an Error message
 * @example
 * ```ts
 * import { parseErrorResponse } from '@scim/schemas';
 * parseErrorResponse({ schemas: [URN.Error], status: '404' }).status; // '404'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export function parseErrorResponse(input: unknown): ErrorResponse {
  const value = canonicalKeys(input, ['schemas', 'status', 'scimType', 'detail']);
  return run(errorResponseSchema, 'Error', value);
}

/**
 * Like {@link parseErrorResponse}, but returns the error instead of throwing it.
 *
 * @param input - the JSON body
 * @returns `{ success: true, value }` or `{ success: false, error }`
 * @throws never
 * @example
 * ```ts
 * const r = safeParseErrorResponse(body);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.12
 */
export function safeParseErrorResponse(input: unknown): SafeResult<ErrorResponse> {
  return safe(() => parseErrorResponse(input));
}

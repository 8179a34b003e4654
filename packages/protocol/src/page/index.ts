import { type ListResponse, URN } from '@scim/schemas';

/**
 * The paging parameters of a query (RFC 7644 section 3.4.2.4), as numbers or as the strings of
 * a query string.
 *
 * @example
 * ```ts
 * import { type PageParams, pageResources } from '@scim/protocol';
 * const query = new URL(request.url).searchParams;
 * const params: PageParams = { startIndex: query.get('startIndex') ?? undefined, count: query.get('count') ?? undefined };
 * return Response.json(pageResources(users, params));
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.4
 */
export interface PageParams {
  /** The 1-based index of the first result; values below 1 (or not numbers) are 1. */
  readonly startIndex?: number | string | undefined;
  /** The most results per page; negative is 0, above `maxCount` is `maxCount`. */
  readonly count?: number | string | undefined;
}

/**
 * Options of {@link pageResources}.
 *
 * @example
 * ```ts
 * import { type PageOptions, pageResources } from '@scim/protocol';
 * const limits: PageOptions = { maxCount: 200, defaultCount: 100 };
 * pageResources(users, { count: 500 }, limits).itemsPerPage; // at most 200
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.4
 */
export interface PageOptions {
  /** The largest page the server returns (default 1000), advertised as `filter.maxResults`. */
  readonly maxCount?: number;
  /** The page size when `count` is absent (default `maxCount`). */
  readonly defaultCount?: number;
}

/**
 * One page of an index-paged query (RFC 7644 section 3.4.2.4), as {@link pageResources} returns
 * it: the `ListResponse` message of @scim/schemas with `startIndex`, `itemsPerPage` and
 * `Resources` always present. Every field is the message's own, so a field added to
 * `ListResponse` is here too.
 *
 * @example
 * ```ts
 * const page: ListResponsePage<{ id: string }> = pageResources([{ id: 'a' }, { id: 'b' }], { count: 1 });
 * page.Resources; // [{ id: 'a' }]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2
 */
export type ListResponsePage<T> = ListResponse<T> &
  Required<Pick<ListResponse<T>, 'startIndex' | 'itemsPerPage' | 'Resources'>>;

/**
 * Paging parameters with every rule of RFC 7644 section 3.4.2.4 applied.
 *
 * @example
 * ```ts
 * import { type PageWindow, resolvePageWindow } from '@scim/protocol';
 * const window: PageWindow = resolvePageWindow({ startIndex: '21', count: '10' });
 * const sql = 'SELECT * FROM users ORDER BY id LIMIT $1 OFFSET $2';
 * const values = [window.count, window.startIndex - 1]; // [10, 20]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.4
 */
export interface PageWindow {
  /** The 1-based index of the first result, at least 1. */
  readonly startIndex: number;
  /** The page size, from 0 to the maximum. */
  readonly count: number;
}

function toInt(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/**
 * Resolves `startIndex` and `count` per RFC 7644 section 3.4.2.4: `startIndex` below 1 (or not a
 * number) is 1; `count` negative is 0, absent is the default, above the maximum is the maximum.
 * A store can use the window to page in its query (`OFFSET startIndex - 1 LIMIT count`).
 *
 * @param params - `startIndex` and `count`
 * @param options - `maxCount` (default 1000) and `defaultCount` (default `maxCount`)
 * @returns the window
 * @throws never
 * @example
 * ```ts
 * resolvePageWindow({ startIndex: '0', count: '-5' }); // { startIndex: 1, count: 0 }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.4
 */
export function resolvePageWindow(params: PageParams = {}, options: PageOptions = {}): PageWindow {
  const max = Math.max(0, Math.trunc(options.maxCount ?? 1000));
  const start = toInt(params.startIndex);
  const count = toInt(params.count);
  return {
    startIndex: start === undefined || start < 1 ? 1 : start,
    count: Math.min(max, count === undefined ? (options.defaultCount ?? max) : Math.max(0, count)),
  };
}

/**
 * Cuts one page out of all matching resources and wraps it in a ListResponse: `totalResults` is
 * the number of all matches, `itemsPerPage` the number returned (RFC 7644 section 3.4.2.4).
 *
 * @param matches - every resource that matches the query, sorted
 * @param params - `startIndex` and `count`
 * @param options - `maxCount` and `defaultCount`
 * @returns the ListResponse of the page
 * @throws never
 * @example
 * ```ts
 * pageResources(users, { startIndex: 11, count: 10 }); // { totalResults: users.length, startIndex: 11, itemsPerPage: 10, ... }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.4
 */
export function pageResources<T>(
  matches: readonly T[],
  params: PageParams = {},
  options: PageOptions = {},
): ListResponsePage<T> {
  const window = resolvePageWindow(params, options);
  const page = matches.slice(window.startIndex - 1, window.startIndex - 1 + window.count);
  return {
    schemas: [URN.ListResponse],
    totalResults: matches.length,
    startIndex: window.startIndex,
    itemsPerPage: page.length,
    Resources: page,
  };
}

// The parameters of a list query, shared by the query compiler (query.ts), cursor paging
// (cursor.ts) and the routes that read them. A type only; internal to the package.

/** The parameters of a list query, from the URL or a `.search` body. @internal */
export interface QueryParams {
  readonly filter?: string | undefined;
  readonly sortBy?: string | undefined;
  readonly sortOrder?: string | undefined;
  readonly startIndex?: number | string | undefined;
  readonly count?: number | string | undefined;
  /** RFC 9865: empty to start cursor paging, else a `nextCursor` the server gave. */
  readonly cursor?: string | undefined;
  readonly attributes?: string | readonly string[] | undefined;
  readonly excludedAttributes?: string | readonly string[] | undefined;
}

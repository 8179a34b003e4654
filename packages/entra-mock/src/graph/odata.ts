// The OData query options of the Graph subset: `$filter` with `eq` and `startswith` joined by `and`,
// `$select`, and `$top` / `$skiptoken` paging. Internal to the package.

/** An error that becomes a Graph error response. @internal */
export class GraphQueryError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'GraphQueryError';
    this.status = status;
    this.code = code;
  }
}

/** One `path eq value` comparison, or `startswith(path, 'value')` when `op` says so. @internal */
export interface EqClause {
  readonly path: readonly string[];
  readonly value: string | boolean | number | null;
  readonly op?: 'startswith';
}

const PATH = /^[A-Za-z_][\w]*(?:\/[A-Za-z_][\w]*)*$/;

/**
 * Parses a `$filter` of `eq` comparisons and `startswith(path, 'text')` calls joined by `and`:
 * `userName eq 'x' and startswith(displayName, 'Ad')`. String literals use single quotes, doubled
 * to escape; nested properties are written `a/b`.
 *
 * @see https://learn.microsoft.com/en-us/graph/filter-query-parameter
 * @internal
 */
export function parseEqFilter(text: string): EqClause[] {
  const tokens = text.match(/'(?:[^']|'')*'|[^\s(),]+|[(),]/g) ?? [];
  const clauses: EqClause[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new GraphQueryError(400, 'BadRequest', `Invalid filter clause: ${why}`);
  };
  const unsupported = (): never => {
    throw new GraphQueryError(400, 'Request_UnsupportedQuery', 'Unsupported Query.');
  };
  if (tokens.length === 0) fail('the filter is empty.');
  while (i < tokens.length) {
    if (tokens[i] === 'startswith' && tokens[i + 1] === '(') {
      const [path, comma, literal, close] = tokens.slice(i + 2, i + 6);
      if (path === undefined || !PATH.test(path) || comma !== ',' || close !== ')') {
        fail("write startswith(property, 'text').");
      }
      if (literal === undefined || literal.length < 2 || !literal.startsWith("'") || !literal.endsWith("'")) {
        fail("startswith takes a string in single quotes: startswith(property, 'text').");
      }
      clauses.push({
        path: path!.split('/'),
        value: literal!.slice(1, -1).replace(/''/g, "'"),
        op: 'startswith',
      });
      i += 6;
      if (!andFollows()) break;
      continue;
    }
    // Other functions (endswith, any, ...) are not supported on directory objects here.
    if (tokens[i + 1] === '(') unsupported();
    const path = tokens[i++]!;
    if (path === '(' || path === ')' || path === ',' || path.startsWith("'")) unsupported();
    if (!PATH.test(path)) fail(`'${path}' is not a property.`);
    const op = tokens[i++];
    if (op === undefined) fail(`expected an operator after '${path}'.`);
    if (op !== 'eq') {
      if (['ne', 'gt', 'ge', 'lt', 'le', 'in', 'has', 'not'].includes(op!)) unsupported();
      fail(`'${op}' is not an operator.`);
    }
    const literal = tokens[i++];
    if (literal === undefined) fail(`expected a value after '${path} eq'.`);
    let value: EqClause['value'];
    if (literal!.startsWith("'")) {
      if (literal!.length < 2 || !literal!.endsWith("'")) fail(`unterminated string ${literal}.`);
      value = literal!.slice(1, -1).replace(/''/g, "'");
    } else if (literal === 'true' || literal === 'false') value = literal === 'true';
    else if (literal === 'null') value = null;
    else if (/^-?\d+(?:\.\d+)?$/.test(literal!)) value = Number(literal);
    else value = fail(`'${literal}' is not a value; quote strings with single quotes.`);
    clauses.push({ path: path.split('/'), value });
    if (!andFollows()) break;
  }
  return clauses;

  /** Steps over the `and` after a clause; false at the end of the filter. */
  function andFollows(): boolean {
    const next = tokens[i];
    if (next === undefined) return false;
    if (next === 'or') unsupported();
    if (next !== 'and') fail(`expected 'and' before '${next}'.`);
    i++;
    if (i >= tokens.length) fail(`expected a comparison after 'and'.`);
    return true;
  }
}

/** Whether an object matches every clause; string comparison ignores case, as Graph does for directory objects. @internal */
export function matchesFilter(object: Record<string, unknown>, clauses: readonly EqClause[]): boolean {
  return clauses.every((clause) => {
    let value: unknown = object;
    for (const part of clause.path) {
      value =
        value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    }
    value ??= null;
    if (typeof value === 'string' && typeof clause.value === 'string') {
      const [actual, expected] = [value.toLowerCase(), clause.value.toLowerCase()];
      return clause.op === 'startswith' ? actual.startsWith(expected) : actual === expected;
    }
    return clause.op === undefined && value === clause.value;
  });
}

/** Parses `$select` into property names. @internal */
export function parseSelect(text: string): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0)
    throw new GraphQueryError(400, 'BadRequest', 'Invalid $select: give at least one property.');
  return names;
}

/** Parses `$top`: 1 to 999. @internal */
export function parseTop(text: string | null, fallback: number): number {
  if (text === null) return fallback;
  const top = Number(text);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    throw new GraphQueryError(
      400,
      'Request_BadRequest',
      `Invalid page size specified: '${text}'. Must be between 1 and 999 inclusive.`,
    );
  }
  return top;
}

/** Encodes a paging offset as an opaque `$skiptoken`. @internal */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/** Decodes a `$skiptoken`, or throws a 400. @internal */
export function decodeSkipToken(token: string | null): number {
  if (token === null) return 0;
  try {
    const { o } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o: unknown };
    if (typeof o === 'number' && Number.isInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw new GraphQueryError(400, 'Request_BadRequest', `Invalid skip token: '${token}'.`);
}

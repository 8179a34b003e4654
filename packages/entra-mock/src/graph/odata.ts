// The OData query options of the Graph subset: `$filter` with `eq` joined by `and`, `$select`,
// and `$top` / `$skiptoken` paging. Internal to the package.

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

/** One `path eq value` comparison. @internal */
export interface EqClause {
  readonly path: readonly string[];
  readonly value: string | boolean | number | null;
}

/**
 * Parses a `$filter` of `eq` comparisons joined by `and`: `userName eq 'x' and accountEnabled eq true`.
 * String literals use single quotes, doubled to escape; nested properties are written `a/b`.
 *
 * @internal
 */
export function parseEqFilter(text: string): EqClause[] {
  const tokens = text.match(/'(?:[^']|'')*'|[^\s()]+|[()]/g) ?? [];
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
    const path = tokens[i++]!;
    if (path === '(' || path === ')' || path.includes('(') || path.startsWith("'")) unsupported();
    if (!/^[A-Za-z_][\w]*(?:\/[A-Za-z_][\w]*)*$/.test(path)) fail(`'${path}' is not a property.`);
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
    const next = tokens[i];
    if (next === undefined) break;
    if (next === 'or') unsupported();
    if (next !== 'and') fail(`expected 'and' before '${next}'.`);
    i++;
    if (i >= tokens.length) fail(`expected a comparison after 'and'.`);
  }
  return clauses;
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
      return value.toLowerCase() === clause.value.toLowerCase();
    }
    return value === clause.value;
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

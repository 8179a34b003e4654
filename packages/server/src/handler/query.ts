import {
  normalizeFilter,
  parseFilter,
  type QueryFilter,
  type QueryPath,
  resolvePageWindow,
} from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import type { StoreSort } from '../store/types.ts';
import type { ResolvedConfig, ServedType } from './config.ts';
import { checkFilterText } from './limits.ts';
import type { QueryParams } from './query-params.ts';

const PARAMETERS = [
  'filter',
  'sortBy',
  'sortOrder',
  'startIndex',
  'count',
  'cursor',
  'attributes',
  'excludedAttributes',
];
/** Each parameter by its name in lowercase (a name is matched case-insensitively). */
const BY_LOWER_NAME = new Map(PARAMETERS.map((n) => [n.toLowerCase(), n]));

/** A query string component decoded as form data (`+` is a space), or `undefined` when it is not UTF-8. */
function decodeComponent(text: string): string | undefined {
  const plus = text.includes('+');
  // Most names and many values are written as they read: nothing to decode.
  if (!plus && !text.includes('%')) return text;
  try {
    // encodeURIComponent writes a space as `%20`: no copy without the `+`s when there are none.
    return decodeURIComponent(plus ? text.replaceAll('+', ' ') : text);
  } catch {
    return undefined;
  }
}

/**
 * Reads the query parameters of a GET, case-insensitively. Values are decoded strictly: percent-
 * encoded bytes that are not UTF-8 (`%FF`, an encoded surrogate `%ED%A0%80`) are refused, where
 * `URLSearchParams` would turn them into U+FFFD and compare with that.
 *
 * @throws ScimError `invalidFilter` for such a `filter`, `invalidValue` for another parameter
 * @internal
 */
export function queryParams(url: URL): QueryParams {
  const out: Record<string, string> = {};
  const query = url.search.slice(1);
  if (query === '') return out;
  for (const pair of query.split('&')) {
    const at = pair.indexOf('=');
    const key = decodeComponent(at < 0 ? pair : pair.slice(0, at));
    // A name that is not UTF-8 is none of the parameters read here.
    const name = key === undefined ? undefined : BY_LOWER_NAME.get(key.toLowerCase());
    if (name === undefined || out[name] !== undefined) continue;
    const raw = at < 0 ? '' : pair.slice(at + 1);
    const value = decodeComponent(raw);
    if (value === undefined) {
      throw new ScimError(
        name === 'filter' ? 'invalidFilter' : 'invalidValue',
        `the "${name}" parameter is not valid percent-encoded UTF-8 (${raw.length > 60 ? `${raw.slice(0, 57)}...` : raw}); encode its text as UTF-8 (encodeURIComponent)`,
        { token: name },
      );
    }
    out[name] = value;
  }
  return out;
}

/** Reads a `.search` body (RFC 7644 section 3.4.3). @internal */
export function searchParams(body: unknown): QueryParams {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ScimError('invalidSyntax', 'a .search body must be a JSON object (SearchRequest)');
  }
  const out: Record<string, unknown> = {};
  // RFC 9865 section 2.1: on a cursor request an invalid count is `invalidCount`.
  const paged = Object.entries(body).some(([k, v]) => k.toLowerCase() === 'cursor' && v != null);
  for (const [key, value] of Object.entries(body)) {
    const name = BY_LOWER_NAME.get(key.toLowerCase());
    if (name === undefined || value === undefined || value === null) continue;
    if (name === 'attributes' || name === 'excludedAttributes') {
      if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
        out[name] = value;
        continue;
      }
      throw new ScimError('invalidValue', `${name}: expected an array of attribute paths`);
    }
    if (name === 'startIndex' || name === 'count') {
      if (typeof value === 'number' || typeof value === 'string') {
        out[name] = value;
        continue;
      }
      throw new ScimError(
        name === 'count' && paged ? 'invalidCount' : 'invalidValue',
        `${name}: expected an integer`,
      );
    }
    if (typeof value !== 'string') {
      throw new ScimError(
        name === 'cursor' ? 'invalidCursor' : 'invalidValue',
        name === 'cursor'
          ? 'cursor: expected a string, the nextCursor of the previous page ("" to start)'
          : `${name}: expected a string`,
      );
    }
    out[name] = value;
  }
  return out as QueryParams;
}

function walkPaths(
  filter: QueryFilter,
  visit: (path: QueryPath, within: QueryPath | undefined) => void,
  within?: QueryPath,
): void {
  switch (filter.kind) {
    case 'and':
    case 'or':
      for (const f of filter.filters) walkPaths(f, visit, within);
      return;
    case 'not':
      walkPaths(filter.filter, visit, within);
      return;
    case 'valuePath':
      visit(filter.path, within);
      walkPaths(filter.filter, visit, filter.path);
      return;
    default:
      visit(filter.path, within);
  }
}

/** The path a filter names, as written: `emails.value`, `urn:...:User:employeeNumber`. */
function pathText(path: QueryPath, within: QueryPath | undefined): string {
  const head = within ?? path;
  const top = `${head.urn === undefined ? '' : `${head.urn}:`}${head.attribute}`;
  if (within !== undefined) return `${top}.${path.attribute}`;
  return path.subAttribute === undefined ? top : `${top}.${path.subAttribute}`;
}

const ALWAYS_FILTERABLE = /^(id|externalid|meta(\..*)?|schemas)$/;
const ALWAYS_NAMED = ['id', 'externalId', 'meta'];

/** The attributes a filter may name, as the schema spells them, each once: for the error's hint. */
function filterableNames(allowed: ReadonlyMap<string, string>): string {
  const names = [...allowed.values()];
  for (const name of ALWAYS_NAMED) if (!allowed.has(name.toLowerCase())) names.push(name);
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/**
 * Parses and normalizes a filter against a resource type, and checks every attribute it names is
 * filterable.
 * @internal
 */
export function compileQueryFilter(
  text: string | undefined,
  type: ServedType,
  config: ResolvedConfig,
): QueryFilter | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const options = { profile: config.profileName, maxTerms: config.maxFilterTerms };
  const filter = normalizeFilter(parseFilter(text, options), type.schema, options);
  checkFilterText(filter);
  if (type.filterable !== undefined) {
    const allowed = type.filterable;
    walkPaths(filter, (path, within) => {
      const text = pathText(path, within);
      const key = text.toLowerCase();
      if (ALWAYS_FILTERABLE.test(key) || allowed.has(key)) return;
      // A complex attribute compared by its value sub-attribute: `emails eq "x"` -> emails.value.
      const top = key.split('.')[0] ?? key;
      if (allowed.has(top)) return;
      throw new ScimError(
        'invalidFilter',
        `filter: "${text}" is not filterable on ${type.name}; filter on one of ${filterableNames(allowed)}`,
        { token: text },
      );
    });
  }
  return filter;
}

/** Resolves `sortBy` / `sortOrder` to a store sort. @internal */
export function compileSort(params: QueryParams, type: ServedType): StoreSort | undefined {
  const order = params.sortOrder?.toLowerCase() ?? 'ascending';
  if (order !== 'ascending' && order !== 'descending') {
    throw new ScimError(
      'invalidValue',
      `sortOrder: expected "ascending" or "descending", got "${params.sortOrder}"`,
    );
  }
  if (params.sortBy === undefined || params.sortBy.trim() === '') return undefined;
  const found = type.schema.resolvePath(params.sortBy.trim());
  if (found === undefined) {
    throw new ScimError(
      'invalidPath',
      `sortBy: ${type.name} has no attribute "${params.sortBy}"; check it against /Schemas`,
      { token: params.sortBy },
    );
  }
  const top = found.parent ?? found;
  const urn = top.inExtension && top.schemaUrn !== undefined ? { urn: top.schemaUrn } : {};
  const path: QueryPath =
    found.parent === undefined
      ? { ...urn, attribute: found.definition.name, definition: found.definition }
      : {
          ...urn,
          attribute: found.parent.definition.name,
          subAttribute: found.definition.name,
          definition: found.definition,
          parent: found.parent.definition,
        };
  return { path, descending: order === 'descending' };
}

/**
 * The page window, clamped to the server's limits: a negative `count` is 0, one above
 * `maxPageSize` is `maxPageSize` (RFC 7644 section 3.4.2.4; RFC 9865 sections 2 and 4).
 *
 * @throws ScimError `invalidValue` for a `startIndex` or `count` that is not a number;
 *   `invalidCount` for such a `count` on a cursor request (RFC 9865 section 2.1)
 * @internal
 */
export function pageWindow(
  params: QueryParams,
  config: ResolvedConfig,
): { startIndex: number; count: number } {
  for (const name of ['startIndex', 'count'] as const) {
    const v = params[name];
    if (
      v !== undefined &&
      (typeof v === 'number' ? !Number.isFinite(v) : v.trim() === '' || !Number.isFinite(Number(v)))
    ) {
      const cursorCount = name === 'count' && params.cursor !== undefined;
      throw new ScimError(
        cursorCount ? 'invalidCount' : 'invalidValue',
        `${name}: expected an integer, got "${v}"`,
      );
    }
  }
  return resolvePageWindow(
    { startIndex: params.startIndex, count: params.count },
    { maxCount: config.maxPageSize, defaultCount: config.defaultPageSize },
  );
}

/** The attribute lists of a projection, as arrays of trimmed names. @internal */
export function attributeList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? splitTopLevel(value) : value;
  // `emails[type eq "work"]` (which Microsoft's test suite sends) selects the attribute: `emails`.
  return items.map((s) => s.replace(/\[[^\]]*\]/g, '').trim()).filter((s) => s !== '');
}

/** Splits `a,b[x eq "1,2"],c` at the commas outside brackets and quotes. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

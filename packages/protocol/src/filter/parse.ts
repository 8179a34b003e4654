import { isScimError, type SafeResult, ScimError } from '@scim/schemas';
import type { Filter } from './ast.ts';
import { type FilterOptions, resolveFilterOptions } from './options.ts';
import { Parser, type ParseTarget } from './parser.ts';
import { simpleComparison } from './simple.ts';

const FILTER: ParseTarget = { code: 'invalidFilter', label: 'filter' };

/**
 * Parses a SCIM filter (the whole ABNF of RFC 7644 section 3.4.2.2) into a {@link Filter} AST:
 * attribute paths with or without a schema URN prefix and sub-attributes, `eq ne co sw ew gt lt ge
 * le pr`, `and`, `or`, `not (...)`, grouping with precedence `not` > `and` > `or`, value paths with
 * nested logic, and JSON literals with string escapes. Operators, `and` / `or` / `not` and
 * `true` / `false` / `null` are case-insensitive; attribute names are kept as written.
 *
 * @param text - the filter, for example `emails[type eq "work" and value co "@example.com"]`
 * @param options - compatibility switches (default: the `entra` profile, which accepts unquoted values and `+` as a space)
 * @returns the AST
 * @throws ScimError `invalidFilter` (400) with `position` (offset, line, column), the offending
 *   `token`, and a message that says what was expected there
 * @example
 * ```ts
 * import { parseFilter } from '@scim/protocol';
 * parseFilter('userName eq "bjensen"');
 * // { kind: 'compare', path: { attribute: 'userName' }, op: 'eq', value: 'bjensen' }
 * parseFilter('externalId eq jyoung'); // entra profile: value 'jyoung'
 * parseFilter('externalId eq jyoung', { profile: 'strict' }); // throws invalidFilter
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export function parseFilter(text: string, options?: FilterOptions): Filter {
  if (typeof text !== 'string') {
    throw new ScimError(
      'invalidFilter',
      `filter: expected a string, got ${text === null ? 'null' : typeof text}`,
    );
  }
  const resolved = resolveFilterOptions(options);
  // `attr op "text"`, the most frequent filter, without the general parser (the same AST).
  return simpleComparison(text, resolved) ?? new Parser(text, resolved, FILTER).filter();
}

/**
 * Parses a SCIM filter like {@link parseFilter}, returning the error instead of throwing it.
 *
 * @param text - the filter
 * @param options - compatibility switches (default: the `entra` profile)
 * @returns `{ success: true, value }` or `{ success: false, error }` with an `invalidFilter` ScimError
 * @throws never: every failure is in the result (scimType `invalidFilter`)
 * @example
 * ```ts
 * const r = safeParseFilter('userName xx "bjensen"');
 * if (!r.success) r.error.message;
 * // 'filter: expected a comparison operator after "userName" at column 10, found "xx"; ...'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export function safeParseFilter(text: string, options?: FilterOptions): SafeResult<Filter> {
  try {
    return { success: true, value: parseFilter(text, options) };
  } catch (error) {
    if (isScimError(error)) return { success: false, error };
    throw error;
  }
}

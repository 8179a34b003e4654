import { isScimError, type SafeResult, ScimError } from '@scim/schemas';
import type { AttributePath, Filter } from '../filter/ast.ts';
import { type FilterOptions, resolveFilterOptions } from '../filter/options.ts';
import { Parser, type ParseTarget } from '../filter/parser.ts';
import { stringifyFilter, writeAttributePath } from '../filter/stringify.ts';

/**
 * A PATCH operation's `path` (RFC 7644 section 3.5.2, `PATH = attrPath / valuePath [subAttr]`),
 * parsed. Names are kept as written; resolve them with a `ResourceSchema`
 * (`schema.attribute(path.attribute, path.urn)`, then `schema.subAttribute(...)`).
 *
 * - `name.givenName` is `{ attribute: 'name', subAttribute: 'givenName' }`;
 * - `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager` is
 *   `{ urn: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'manager' }`;
 * - `members[value eq "2819c223"]` is `{ attribute: 'members', filter: <value eq "2819c223"> }`;
 * - `emails[type eq "work"].value` is `{ attribute: 'emails', filter: <type eq "work">, subAttribute: 'value' }`.
 *
 * `filter` is relative to the values of the multi-valued attribute (its paths name sub-attributes).
 * A text that is only a schema URN is not an attribute path (ATTRNAME is what follows the URN's
 * last colon); check `schema.schema(text)` before parsing when such paths should be accepted.
 *
 * @example
 * ```ts
 * const p: PatchPath = parsePath('emails[type eq "work"].value');
 * p.attribute; // 'emails'
 * p.subAttribute; // 'value'
 * p.filter; // { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export interface PatchPath extends AttributePath {
  /** The value filter (`[...]`), relative to each value of the multi-valued attribute. */
  readonly filter?: Filter;
}

const PATH: ParseTarget = { code: 'invalidPath', label: 'path' };

/**
 * Parses a PATCH `path` (RFC 7644 section 3.5.2): an attribute path, optionally URN-prefixed, or a
 * value path with an optional sub-attribute. Names and operators are case-insensitive and kept as
 * written. The value filter follows the options exactly as {@link parseFilter} does.
 *
 * @param text - the path, for example `addresses[type eq "work"].locality`
 * @param options - the compatibility switches for the value filter (default: the `entra` profile)
 * @returns the parsed path
 * @throws ScimError `invalidPath` (400), with the position and what was expected there
 * @example
 * ```ts
 * import { parsePath } from '@scim/protocol';
 * parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager');
 * // { urn: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'manager' }
 * parsePath('members[value eq "2819c223"]');
 * // { attribute: 'members', filter: { kind: 'compare', path: { attribute: 'value' }, op: 'eq', value: '2819c223' } }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export function parsePath(text: string, options?: FilterOptions): PatchPath {
  if (typeof text !== 'string') {
    throw new ScimError(
      'invalidPath',
      `path: expected a string, got ${text === null ? 'null' : typeof text}`,
    );
  }
  return new Parser(text, resolveFilterOptions(options), PATH).path();
}

/**
 * Parses a PATCH `path` like {@link parsePath}, returning the error instead of throwing it.
 *
 * @param text - the path
 * @param options - the compatibility switches for the value filter (default: the `entra` profile)
 * @returns `{ success: true, value }` or `{ success: false, error }` with an `invalidPath` ScimError
 * @throws never: every failure is in the result (scimType `invalidPath`)
 * @example
 * ```ts
 * const r = safeParsePath('emails[type eq "work"');
 * if (!r.success) r.error.position?.column; // 22
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export function safeParsePath(text: string, options?: FilterOptions): SafeResult<PatchPath> {
  try {
    return { success: true, value: parsePath(text, options) };
  } catch (error) {
    if (isScimError(error)) return { success: false, error };
    throw error;
  }
}

/**
 * Writes a {@link PatchPath} back as text, so that `parsePath(stringifyPath(p))` equals `p`.
 *
 * @param path - the path
 * @returns the path as RFC 7644 text, for example `emails[type eq "work"].value`
 * @throws ScimError `invalidPath` when a name is not a valid ATTRNAME
 * @example
 * ```ts
 * stringifyPath({ attribute: 'name', subAttribute: 'givenName' }); // 'name.givenName'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export function stringifyPath(path: PatchPath): string {
  const head = writeAttributePath(
    path.urn === undefined ? { attribute: path.attribute } : { urn: path.urn, attribute: path.attribute },
    'invalidPath',
  );
  const sub =
    path.subAttribute === undefined
      ? ''
      : `.${writeAttributePath({ attribute: path.subAttribute }, 'invalidPath')}`;
  return path.filter === undefined ? `${head}${sub}` : `${head}[${stringifyFilter(path.filter)}]${sub}`;
}

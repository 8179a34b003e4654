import type { AttributeDefinition } from '@scim/schemas';

/**
 * An attribute path as written in a filter: an optional schema URN prefix, the attribute name and
 * an optional sub-attribute name (RFC 7644 section 3.4.2.2, `attrPath = [URI ":"] ATTRNAME *1subAttr`).
 *
 * Names are kept as the client wrote them (`EMAILS.Value` stays `EMAILS` / `Value`); use
 * {@link normalizeFilter} to resolve them against a schema to their canonical names.
 *
 * Inside a {@link ValuePathFilter}, paths are relative to the multi-valued attribute: in
 * `emails[type eq "work"]` the inner path is `{ attribute: 'type' }`, meaning `emails[i].type`.
 *
 * @example
 * ```ts
 * import { type AttributePath, parseFilter } from '@scim/protocol';
 * const filter = parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915"');
 * const path: AttributePath | undefined = filter.kind === 'compare' ? filter.path : undefined;
 * // { urn: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'manager', subAttribute: 'value' }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface AttributePath {
  /** The schema URN prefix without the trailing colon, when the path has one. */
  readonly urn?: string;
  /** The attribute name (ATTRNAME), as written. */
  readonly attribute: string;
  /** The sub-attribute name, as written, when the path has one (`name.familyName`). */
  readonly subAttribute?: string;
}

/**
 * A comparison operator of RFC 7644 section 3.4.2.2, lower case (operators are matched
 * case-insensitively when parsed). `pr` is not here: presence is its own node, {@link PresentFilter}.
 *
 * @example
 * ```ts
 * import { type ComparisonOperator, stringifyFilter } from '@scim/protocol';
 * const userNameFilter = (text: string, exact: boolean): string => {
 *   const op: ComparisonOperator = exact ? 'eq' : 'sw';
 *   return stringifyFilter({ kind: 'compare', path: { attribute: 'userName' }, op, value: text });
 * };
 * userNameFilter('bje', false); // 'userName sw "bje"'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export type ComparisonOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';

/**
 * The value of a comparison: a JSON literal (`compValue = false / null / true / number / string`).
 * Unquoted values accepted in the `entra` profile (`externalId eq jyoung`) are strings.
 *
 * @example
 * ```ts
 * import { type FilterValue, parseFilter } from '@scim/protocol';
 * const filter = parseFilter('active eq true');
 * const value: FilterValue | undefined = filter.kind === 'compare' ? filter.value : undefined; // true
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export type FilterValue = string | number | boolean | null;

/**
 * `attrPath compareOp compValue`: compares the value(s) at `path` with `value`.
 *
 * @typeParam P - the path type: {@link AttributePath} as parsed, {@link QueryPath} once normalized
 * @example
 * ```ts
 * import { type ComparisonFilter, stringifyFilter } from '@scim/protocol';
 * const byUserName = (userName: string): ComparisonFilter => ({
 *   kind: 'compare',
 *   path: { attribute: 'userName' },
 *   op: 'eq',
 *   value: userName,
 * });
 * stringifyFilter(byUserName('b"jensen')); // 'userName eq "b\\"jensen"': the quote is escaped
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface ComparisonFilter<P extends AttributePath = AttributePath> {
  /** The node kind. */
  readonly kind: 'compare';
  /** The attribute compared. */
  readonly path: P;
  /** The operator, lower case. */
  readonly op: ComparisonOperator;
  /** The literal compared with. */
  readonly value: FilterValue;
}

/**
 * `attrPath pr`: the attribute has a value. `null`, `""`, `[]` and `{}` (and an object or array
 * made only of such values) are not values.
 *
 * @typeParam P - the path type: {@link AttributePath} as parsed, {@link QueryPath} once normalized
 * @example
 * ```ts
 * import { type Filter, type PresentFilter, parseFilter } from '@scim/protocol';
 * const isPresence = (f: Filter): f is PresentFilter => f.kind === 'present';
 * const filter = parseFilter('title pr');
 * if (isPresence(filter)) filter.path.attribute; // 'title'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface PresentFilter<P extends AttributePath = AttributePath> {
  /** The node kind. */
  readonly kind: 'present';
  /** The attribute tested. */
  readonly path: P;
}

/**
 * A conjunction. The AST is n-ary: `a and b and c` parses to one node with three operands.
 * Parentheses are kept as structure: `a and (b and c)` parses to an `and` whose second operand is
 * an `and`, so that `parseFilter(stringifyFilter(ast))` equals `ast` for every AST. Every `and`
 * made by the parser has at least two operands.
 *
 * @typeParam P - the path type: {@link AttributePath} as parsed, {@link QueryPath} once normalized
 * @example
 * ```ts
 * import { type AndFilter, parseFilter, stringifyFilter } from '@scim/protocol';
 * const activeOnly: AndFilter = {
 *   kind: 'and',
 *   filters: [parseFilter('userName sw "b" or userName sw "c"'), parseFilter('active eq true')],
 * };
 * stringifyFilter(activeOnly); // '(userName sw "b" or userName sw "c") and active eq true'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface AndFilter<P extends AttributePath = AttributePath> {
  /** The node kind. */
  readonly kind: 'and';
  /** The operands, in the order written (at least two). */
  readonly filters: readonly Filter<P>[];
}

/**
 * A disjunction, n-ary in the same way as {@link AndFilter}.
 *
 * @typeParam P - the path type: {@link AttributePath} as parsed, {@link QueryPath} once normalized
 * @example
 * ```ts
 * import { type OrFilter, stringifyFilter } from '@scim/protocol';
 * const anyId = (ids: readonly string[]): OrFilter => ({
 *   kind: 'or',
 *   filters: ids.map((id) => ({ kind: 'compare', path: { attribute: 'id' }, op: 'eq', value: id })),
 * });
 * stringifyFilter(anyId(['2819c223', '902c246b'])); // 'id eq "2819c223" or id eq "902c246b"'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface OrFilter<P extends AttributePath = AttributePath> {
  /** The node kind. */
  readonly kind: 'or';
  /** The operands, in the order written (at least two). */
  readonly filters: readonly Filter<P>[];
}

/**
 * `not (filter)`: the negation of the filter in parentheses.
 *
 * @typeParam P - the path type: {@link AttributePath} as parsed, {@link QueryPath} once normalized
 * @example
 * ```ts
 * import { evaluateFilter, type NotFilter, parseFilter } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * const noTitle: NotFilter = { kind: 'not', filter: parseFilter('title pr') };
 * evaluateFilter(noTitle, { userName: 'bjensen' }, userResourceSchema); // true
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface NotFilter<P extends AttributePath = AttributePath> {
  /** The node kind. */
  readonly kind: 'not';
  /** The negated filter. */
  readonly filter: Filter<P>;
}

/**
 * `attrPath "[" valFilter "]"`: some value of the multi-valued (complex) attribute at `path`
 * matches `filter`, whose paths are relative to that value (`emails[type eq "work" and value co "@x"]`
 * has inner paths `type` and `value`). `path` has no `subAttribute`. Value paths do not nest.
 *
 * A sub-attribute after a value path in a filter (`emails[type eq "work"].value co "@x"`, which
 * some clients send) is parsed to the equivalent value path `emails[type eq "work" and value co "@x"]`.
 *
 * @typeParam P - the path type: {@link AttributePath} as parsed, {@link QueryPath} once normalized
 * @example
 * ```ts
 * import { parseFilter, type ValuePathFilter } from '@scim/protocol';
 * const filter = parseFilter('emails[type eq "work" and value ew "@example.com"]');
 * const workEmail: ValuePathFilter | undefined = filter.kind === 'valuePath' ? filter : undefined;
 * workEmail?.filter; // the `and`, its paths relative to one email: `type` and `value`
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface ValuePathFilter<P extends AttributePath = AttributePath> {
  /** The node kind. */
  readonly kind: 'valuePath';
  /** The multi-valued attribute (no sub-attribute). */
  readonly path: P;
  /** The filter each value is tested with, relative to the value. */
  readonly filter: Filter<P>;
}

/**
 * A SCIM filter (RFC 7644 section 3.4.2.2) as a tree, discriminated by `kind`. Plain data:
 * JSON-serializable, comparable with deep equality, and made to be compiled (to a predicate by
 * {@link compileFilter}, or to parameterized SQL by a store from its {@link QueryFilter} form).
 *
 * @typeParam P - the path type: {@link AttributePath} as parsed, {@link QueryPath} once normalized
 * @example
 * ```ts
 * const f: Filter = parseFilter('userName eq "bjensen" and not (title pr)');
 * f.kind; // 'and'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export type Filter<P extends AttributePath = AttributePath> =
  | ComparisonFilter<P>
  | PresentFilter<P>
  | AndFilter<P>
  | OrFilter<P>
  | NotFilter<P>
  | ValuePathFilter<P>;

/**
 * An attribute path resolved against a `ResourceSchema`: the names are canonical (as the schema
 * spells them), `urn` is set only for attributes of a schema extension (the canonical extension
 * URN; core and common attributes carry none), and the definitions are attached.
 *
 * A comparison on a complex attribute without a sub-attribute (`emails eq "a@x"`) is resolved to
 * its `value` sub-attribute (`emails.value`). Inside a value path, `definition` is the
 * sub-attribute's and `parent` is the multi-valued attribute's.
 *
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * const q = normalizeFilter(parseFilter('EMAILS.VALUE ew "@x.com"'), userResourceSchema);
 * // q.path: { attribute: 'emails', subAttribute: 'value', definition: {...value}, parent: {...emails} }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export interface QueryPath extends AttributePath {
  /** The definition of the attribute the path ends at (the sub-attribute's, when there is one). */
  readonly definition: AttributeDefinition;
  /** The definition of the top-level attribute, when the path ends at a sub-attribute. */
  readonly parent?: AttributeDefinition;
}

/**
 * The query form of a filter: a {@link Filter} whose paths are {@link QueryPath}s, made by
 * {@link normalizeFilter}. This is what a store compiles to parameterized SQL. Besides the
 * canonical paths, the query form guarantees:
 *
 * - every path exists in the schema: an unknown attribute raised `invalidFilter` (`strict`), or (in
 *   the `entra` profile) its comparison or presence test was replaced by the constant false node
 *   `{ kind: 'or', filters: [] }` (an empty `or` is false, as an attribute that is never present);
 * - comparison values have the attribute's type: numbers for `integer` / `decimal`, booleans for
 *   `boolean`, and for `dateTime` an ISO 8601 UTC string (`2015-10-10T21:38:21.861Z`);
 * - operators are valid for the type (no `gt` on a boolean or binary).
 *
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * const q: QueryFilter = normalizeFilter(parseFilter('meta.created gt "2015-10-10T14:38:21-07:00"'), userResourceSchema);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export type QueryFilter = Filter<QueryPath>;

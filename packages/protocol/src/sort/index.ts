import { type ResolvedAttribute, type ResourceSchema, ScimError } from '@scim/schemas';
import { parseInstant } from '../filter/instant.ts';
import { getCi, isObject } from '../patch/values.ts';
import { compareCodePoints, foldCase } from '../text/fold.ts';

/**
 * The `sortBy` / `sortOrder` parameters of a query (RFC 7644 section 3.4.2.3).
 *
 * @example
 * ```ts
 * import { type SortParams, sortResources } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * const query = new URL(request.url).searchParams;
 * const params: SortParams = { sortBy: query.get('sortBy') ?? undefined, sortOrder: query.get('sortOrder') ?? undefined };
 * const sorted = sortResources(users, userResourceSchema, params); // 400 invalidPath for an unknown sortBy
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.3
 */
export interface SortParams {
  /** The attribute path to sort by (`userName`, `name.familyName`, `emails`, `urn:...:employeeNumber`). */
  readonly sortBy?: string | undefined;
  /** `ascending` (default) or `descending`, case-insensitively. */
  readonly sortOrder?: string | undefined;
}

function sortValue(resource: unknown, found: ResolvedAttribute): unknown {
  const top = found.parent ?? found;
  let holder: unknown = resource;
  if (top.inExtension && top.schemaUrn !== undefined)
    holder = isObject(resource) ? getCi(resource, top.schemaUrn) : undefined;
  if (!isObject(holder)) return undefined;
  let value = getCi(holder, top.definition.name);
  if (Array.isArray(value)) {
    // A multi-valued attribute sorts by its primary value, else its first (RFC 7644 section 3.4.2.3).
    value = value.find((v) => isObject(v) && v.primary === true) ?? value[0];
  }
  if (found.parent !== undefined) return isObject(value) ? getCi(value, found.definition.name) : undefined;
  if (isObject(value)) return getCi(value, 'value');
  return value;
}

/**
 * Sorts resources per RFC 7644 section 3.4.2.3: by the `sortBy` attribute with its type's order
 * (strings by code point, case-folded unless `caseExact`, dateTimes as instants, numbers, booleans),
 * a multi-valued attribute by its primary value (else its first), a complex one by its `value`.
 * Resources without a value sort last in ascending order and first in descending order. The sort
 * is stable; without `sortBy` the input order is kept.
 *
 * @param resources - the resources; not mutated
 * @param schema - the resource type's schema
 * @param params - `sortBy` and `sortOrder`
 * @returns a new, sorted array
 * @throws ScimError `invalidPath` when `sortBy` names an attribute the schema lacks; `invalidValue`
 *   when `sortOrder` is neither `ascending` nor `descending`
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * sortResources(users, userResourceSchema, { sortBy: 'userName', sortOrder: 'descending' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.3
 */
export function sortResources<T>(
  resources: readonly T[],
  schema: ResourceSchema,
  params: SortParams = {},
): T[] {
  const order = params.sortOrder?.toLowerCase() ?? 'ascending';
  if (order !== 'ascending' && order !== 'descending') {
    throw new ScimError(
      'invalidValue',
      `sortOrder: expected "ascending" or "descending", got "${params.sortOrder}"`,
      {
        token: String(params.sortOrder),
      },
    );
  }
  if (params.sortBy === undefined || params.sortBy === '') return [...resources];
  const found = schema.resolvePath(params.sortBy);
  if (found === undefined) {
    throw new ScimError(
      'invalidPath',
      `sortBy: the ${schema.resourceType.name} schema has no attribute "${params.sortBy}"`,
      {
        token: params.sortBy,
      },
    );
  }
  const key = sortKeyOf(found);
  const keyed = resources.map((r, i) => ({ r, i, k: key(r) }));
  keyed.sort((a, b) => {
    const c = compareSortKeys(a.k, b.k, order === 'descending');
    return c === 0 ? a.i - b.i : c;
  });
  return keyed.map((x) => x.r);
}

/**
 * A resource's sort key for one attribute: what {@link sortResources} orders by (`undefined` when
 * the resource has no value).
 *
 * @example
 * ```ts
 * import { compareSortKeys, type SortKey, sortKeyOf } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * const keyOf = sortKeyOf(userResourceSchema.resolvePath('emails')!);
 * const keys: SortKey[] = users.map(keyOf); // each user's primary (else first) email, case-folded
 * keys.sort((a, b) => compareSortKeys(a, b, false)); // users without an email last
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.3
 */
export type SortKey = string | number | boolean | undefined;

/**
 * The function that reads a resource's {@link SortKey} for a resolved `sortBy` attribute: strings
 * case-folded unless `caseExact`, dateTimes as epoch milliseconds, a multi-valued attribute by its
 * primary value (else its first), a complex one by its `value`.
 *
 * @param found - the `sortBy` attribute, resolved against the schema (`schema.resolvePath`)
 * @returns the key reader
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * const key = sortKeyOf(userResourceSchema.resolvePath('userName')!);
 * key({ userName: 'BJensen' }); // 'bjensen'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.3
 */
export function sortKeyOf(found: ResolvedAttribute): (resource: unknown) => SortKey {
  const def = found.definition;
  return (resource) => {
    const v = sortValue(resource, found);
    if (v === undefined || v === null) return undefined;
    if (def.type === 'dateTime' && typeof v === 'string') {
      const t = parseInstant(v);
      return Number.isNaN(t) ? v : t;
    }
    if (typeof v === 'string') return def.caseExact ? v : foldCase(v);
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    return JSON.stringify(v);
  };
}

/**
 * Compares two {@link SortKey}s in a sort's order: strings by code point, missing keys last
 * ascending and first descending (RFC 7644 section 3.4.2.3); 0 for equal keys (the caller breaks
 * ties).
 *
 * @param a - a key
 * @param b - another key
 * @param descending - the sort is descending
 * @returns negative when `a` comes first, positive when `b` does, 0 when tied
 * @example
 * ```ts
 * compareSortKeys('a', undefined, false); // -1: a missing value sorts last
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.3
 */
export function compareSortKeys(a: SortKey, b: SortKey, descending: boolean): number {
  const sign = descending ? -1 : 1;
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    return (a === undefined ? 1 : -1) * sign;
  }
  const c =
    typeof a === 'string' && typeof b === 'string'
      ? Math.sign(compareCodePoints(a, b))
      : a < b
        ? -1
        : a > b
          ? 1
          : 0;
  return c * sign;
}

import { type ResolvedAttribute, type ResourceSchema, ScimError } from '@scim/schemas';
import { parseInstant } from '../filter/instant.ts';
import { getCi, isObject } from '../patch/values.ts';
import { compareCodePoints, foldCase } from '../text/fold.ts';

/**
 * The `sortBy` / `sortOrder` parameters of a query (RFC 7644 section 3.4.2.3).
 *
 * @example
 * ```ts
 * const s: SortParams = { sortBy: 'name.familyName', sortOrder: 'descending' };
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
  const def = found.definition;
  const key = (v: unknown): string | number | boolean | undefined => {
    if (v === undefined || v === null) return undefined;
    if (def.type === 'dateTime' && typeof v === 'string') {
      const t = parseInstant(v);
      return Number.isNaN(t) ? v : t;
    }
    if (typeof v === 'string') return def.caseExact ? v : foldCase(v);
    if (typeof v === 'number' || typeof v === 'boolean') return v;
    return JSON.stringify(v);
  };
  const keyed = resources.map((r, i) => ({ r, i, k: key(sortValue(r, found)) }));
  const sign = order === 'ascending' ? 1 : -1;
  keyed.sort((a, b) => {
    if (a.k === undefined || b.k === undefined) {
      if (a.k === b.k) return a.i - b.i;
      return (a.k === undefined ? 1 : -1) * sign;
    }
    const c =
      typeof a.k === 'string' && typeof b.k === 'string'
        ? Math.sign(compareCodePoints(a.k, b.k))
        : a.k < b.k
          ? -1
          : a.k > b.k
            ? 1
            : 0;
    return c === 0 ? a.i - b.i : c * sign;
  });
  return keyed.map((x) => x.r);
}

// Resolved paths and value filter plans of the PATCH engine, cached: Entra sends the same few
// paths again and again.
import type { ResolvedAttribute, ResourceSchema } from '@scim/schemas';
import type { Filter } from '../filter/ast.ts';
import { compileNormalizedValueFilter, type FilterPredicate } from '../filter/evaluate.ts';
import { normalizeValueFilter } from '../filter/normalize.ts';
import { type FilterOptions, resolveFilterOptions } from '../filter/options.ts';
import { type PatchPath, parsePath } from '../path/index.ts';
import { type Lookup, lookupsOf } from './working-list.ts';

/** @internal How a value filter finds the values it matches. */
export interface FilterPlan {
  /** Whether one value matches. */
  readonly predicate: FilterPredicate;
  /** The index lookups that yield every match (a superset), or `undefined` to test every value. */
  readonly lookups: readonly Lookup[] | undefined;
}

/**
 * Resolved paths by schema, filter options and text. Plain maps under two weak levels that hold
 * only a few keys (schemas, option objects): a PATCH of many distinct paths makes no weak entries
 * per path, which the garbage collector would trace again and again (ephemerons).
 */
const targetCache = new WeakMap<ResourceSchema, WeakMap<FilterOptions, Map<string, unknown>>>();

/** How many path texts one schema and options keep (then the cache starts again). */
const CACHED_PATHS = 512;

let caching = true;

/**
 * @internal Turns the target cache off (every path parsed and resolved anew) or on, for tests that
 * compare the two.
 */
export function useTargetCache(on: boolean): void {
  caching = on;
}

/** @internal How many path texts the cache holds for `schema` under `options` (for tests). */
export function cachedTargets(schema: ResourceSchema, options: FilterOptions): number {
  return targetCache.get(schema)?.get(options)?.size ?? 0;
}

/**
 * New path texts one PATCH may add to the cache. A large PATCH names many paths once each (1,000
 * value-filtered replaces): cached, each would outlive its request and be promoted to the old
 * generation for nothing; left out, it dies young. The first ones of every PATCH still go in, so
 * the few paths a client sends again and again stay cached.
 * @internal
 */
export const ADMISSIONS_PER_PATCH = 16;

/**
 * @internal The target of a path text in `schema` under `options`: parsed and resolved (by
 * `resolve`) once, then cached (Entra sends the same few paths again and again) while
 * `admissions` (the PATCH's count, from {@link ADMISSIONS_PER_PATCH}) lasts.
 */
export function cachedTarget<T>(
  text: string,
  schema: ResourceSchema,
  options: FilterOptions,
  admissions: { left: number },
  resolve: (parsed: PatchPath) => T,
): T {
  if (!caching) return resolve(parsePath(text, options));
  let byOptions = targetCache.get(schema);
  if (byOptions === undefined) {
    byOptions = new WeakMap();
    targetCache.set(schema, byOptions);
  }
  let byText = byOptions.get(options);
  if (byText === undefined) {
    byText = new Map();
    byOptions.set(options, byText);
  }
  let found = byText.get(text) as T | undefined;
  if (found === undefined) {
    found = resolve(parsePath(text, options));
    if (admissions.left <= 0) return found;
    admissions.left--;
    if (byText.size >= CACHED_PATHS) byText.clear();
    byText.set(text, found);
  }
  return found;
}

/**
 * @internal The plan of the value filter of `attr[filter]`. On a reference list, ids compare
 * exactly with every operator (the query form makes its `value` caseExact, see `normalizeFilter`).
 */
export function filterPlan(
  attr: ResolvedAttribute,
  filter: Filter,
  schema: ResourceSchema,
  options: FilterOptions,
): FilterPlan {
  const at =
    attr.inExtension && attr.schemaUrn !== undefined
      ? { urn: attr.schemaUrn, attribute: attr.definition.name }
      : { attribute: attr.definition.name };
  const normalized = normalizeValueFilter(at, filter, schema, resolveFilterOptions(options));
  if (normalized === undefined) return { predicate: () => false, lookups: undefined };
  return {
    predicate: compileNormalizedValueFilter(normalized.filter),
    lookups: lookupsOf(normalized.filter),
  };
}

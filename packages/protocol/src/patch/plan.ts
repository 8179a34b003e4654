// Parsed paths and compiled value filters of the PATCH engine, cached: Entra sends the same few
// paths again and again.
import type { ResolvedAttribute, ResourceSchema } from '@scim/schemas';
import type { Filter } from '../filter/ast.ts';
import { compileValueFilter, type FilterPredicate } from '../filter/evaluate.ts';
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

const pathCache = new WeakMap<FilterOptions, Map<string, PatchPath>>();

/** @internal The parsed path of a text, by filter options and text. */
export function cachedPath(text: string, options: FilterOptions): PatchPath {
  let byText = pathCache.get(options);
  if (byText === undefined) {
    byText = new Map();
    pathCache.set(options, byText);
  }
  let parsed = byText.get(text);
  if (parsed === undefined) {
    parsed = parsePath(text, options);
    if (byText.size >= 512) byText.clear();
    byText.set(text, parsed);
  }
  return parsed;
}

/** Plans by filter object and schema (with the options they were made with). */
const planCache = new WeakMap<
  Filter,
  WeakMap<ResourceSchema, { readonly options: FilterOptions; readonly plan: FilterPlan }>
>();

/**
 * @internal The plan of the value filter of `attr[filter]`, made once per filter object and schema
 * (parsed paths are cached, so the same filter object comes back for the same path text). On a
 * reference list, ids compare exactly with every operator (the query form makes its `value`
 * caseExact, see `normalizeFilter`).
 */
export function filterPlan(
  attr: ResolvedAttribute,
  filter: Filter,
  schema: ResourceSchema,
  options: FilterOptions,
): FilterPlan {
  let bySchema = planCache.get(filter);
  const cached = bySchema?.get(schema);
  if (cached !== undefined && cached.options === options) return cached.plan;
  const at =
    attr.inExtension && attr.schemaUrn !== undefined
      ? { urn: attr.schemaUrn, attribute: attr.definition.name }
      : { attribute: attr.definition.name };
  const compiled = compileValueFilter(at, filter, schema, options);
  const normalized = normalizeValueFilter(at, filter, schema, resolveFilterOptions(options));
  const plan: FilterPlan = {
    predicate: compiled,
    lookups: normalized === undefined ? undefined : lookupsOf(normalized.filter),
  };
  if (bySchema === undefined) {
    bySchema = new WeakMap();
    planCache.set(filter, bySchema);
  }
  bySchema.set(schema, { options, plan });
  return plan;
}

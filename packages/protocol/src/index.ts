/**
 * The SCIM 2.0 protocol engine (RFC 7644): filters, attribute paths, PATCH, projection, sorting,
 * paging and versions.
 *
 * @packageDocumentation
 */
export {
  type AndFilter,
  type AttributePath,
  type ComparisonFilter,
  type ComparisonOperator,
  compileFilter,
  compileValueFilter,
  evaluateFilter,
  type Filter,
  type FilterOptions,
  type FilterPredicate,
  type FilterValue,
  type NotFilter,
  normalizeFilter,
  type OrFilter,
  type PresentFilter,
  parseFilter,
  type QueryFilter,
  type QueryPath,
  safeParseFilter,
  stringifyFilter,
  type ValuePathFilter,
} from './filter/index.ts';
export {
  type ListResponsePage,
  type PageOptions,
  type PageParams,
  type PageWindow,
  pageResources,
  resolvePageWindow,
} from './page/index.ts';
export {
  type ApplyPatchOptions,
  type AttributeChange,
  applyPatch,
  decodeEntraRole,
  jsonEqual,
  type PatchResult,
  type ReferenceChange,
} from './patch/index.ts';
export { type PatchPath, parsePath, safeParsePath, stringifyPath } from './path/index.ts';
export { type CompatibilityProfile, entraProfile, resolveProfile, strictProfile } from './profile.ts';
export { type ProjectionParams, projectResource, projectResources } from './projection/index.ts';
export {
  compareSortKeys,
  type SortKey,
  type SortParams,
  sortKeyOf,
  sortResources,
} from './sort/index.ts';
export { compareCodePoints, foldCase } from './text/index.ts';
export { checkIfMatch, computeVersion, isNotModified, weakETag } from './version/index.ts';

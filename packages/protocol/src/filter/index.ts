export type * from './ast.ts';
export { compileFilter, compileValueFilter, evaluateFilter, type FilterPredicate } from './evaluate.ts';
export { normalizeFilter } from './normalize.ts';
export type { FilterOptions } from './options.ts';
export { parseFilter, safeParseFilter } from './parse.ts';
export { stringifyFilter } from './stringify.ts';

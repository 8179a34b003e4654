import type { ResourceSchema } from '@scim/schemas';
import { compareCodePoints, foldCase } from '../text/fold.ts';
import type { AttributePath, ComparisonOperator, Filter, QueryFilter, QueryPath } from './ast.ts';
import { parseInstant } from './instant.ts';
import { normalizeFilter, normalizeValueFilter } from './normalize.ts';
import { type FilterOptions, resolveFilterOptions } from './options.ts';

/**
 * A compiled filter: tells whether a resource (or, for a value filter, one value of a
 * multi-valued attribute) matches.
 *
 * @param value - the resource, as JSON (or one value of the multi-valued attribute)
 * @returns whether it matches
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * const isWork: FilterPredicate = compileFilter(parseFilter('emails.type eq "work"'), userResourceSchema);
 * users.filter(isWork);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export type FilterPredicate = (value: unknown) => boolean;

type Test = (v: unknown) => boolean;

/** `obj[key]`, with a case-insensitive fallback for resources not written with canonical names. */
function get(obj: unknown, key: string): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const record = obj as Record<string, unknown>;
  if (Object.hasOwn(record, key)) return record[key];
  const lower = key.toLowerCase();
  for (const k in record) {
    if (k.length === key.length && k.toLowerCase() === lower && Object.hasOwn(record, k)) return record[k];
  }
  return undefined;
}

/** Calls `test` on each non-null value (each element of an array) until one passes. */
function some(v: unknown, test: Test): boolean {
  if (v === undefined || v === null) return false;
  if (Array.isArray(v)) {
    for (const x of v) if (x !== undefined && x !== null && test(x)) return true;
    return false;
  }
  return test(v);
}

/** Whether a value is present in the sense of `pr`. */
function present(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.some(present);
  if (typeof v === 'object') {
    for (const k in v) if (present((v as Record<string, unknown>)[k])) return true;
    return false;
  }
  return true;
}

/**
 * A predicate that holds when `test` holds for some value at a path: read from the resource, or
 * (relative) from one value of a multi-valued attribute.
 */
function anyValue(path: QueryPath, relative: boolean, test: Test): FilterPredicate {
  const { urn, attribute, subAttribute } = path;
  if (relative) return (root) => some(get(root, attribute), test);
  if (subAttribute === undefined) {
    return urn === undefined
      ? (root) => some(get(root, attribute), test)
      : (root) => some(get(get(root, urn), attribute), test);
  }
  const inElement: Test = (element) => some(get(element, subAttribute), test);
  return urn === undefined
    ? (root) => some(get(root, attribute), inElement)
    : (root) => some(get(get(root, urn), attribute), inElement);
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function stringTest(op: ComparisonOperator, value: string, caseExact: boolean): Test {
  // One folding rule for every case-insensitive comparison: Unicode simple case folding.
  const fv = caseExact ? value : foldCase(value);
  const norm = caseExact
    ? textOf
    : (v: unknown) => {
        const t = textOf(v);
        return t === undefined ? undefined : foldCase(t);
      };
  switch (op) {
    case 'eq':
      return caseExact ? (v) => v === fv || norm(v) === fv : (v) => norm(v) === fv;
    case 'ne':
      return (v) => {
        const x = norm(v);
        return x !== undefined && x !== fv;
      };
    case 'co':
      return (v) => norm(v)?.includes(fv) === true;
    case 'sw':
      return (v) => norm(v)?.startsWith(fv) === true;
    case 'ew':
      return (v) => norm(v)?.endsWith(fv) === true;
    default: {
      // Strings order by code point (as SQLite and PostgreSQL "C" order UTF-8), not by UTF-16 unit.
      const byCodePoint = (v: unknown): number | undefined => {
        const x = norm(v);
        return x === undefined ? undefined : compareCodePoints(x, fv);
      };
      return ordered(op, 0, byCodePoint);
    }
  }
}

function ordered<T extends string | number | boolean>(
  op: ComparisonOperator,
  fv: T,
  norm: (v: unknown) => T | undefined,
): Test {
  switch (op) {
    case 'gt':
      return (v) => {
        const x = norm(v);
        return x !== undefined && x > fv;
      };
    case 'ge':
      return (v) => {
        const x = norm(v);
        return x !== undefined && x >= fv;
      };
    case 'lt':
      return (v) => {
        const x = norm(v);
        return x !== undefined && x < fv;
      };
    case 'le':
      return (v) => {
        const x = norm(v);
        return x !== undefined && x <= fv;
      };
    case 'eq':
      return (v) => {
        const x = norm(v);
        return x !== undefined && x === fv;
      };
    case 'ne':
      return (v) => {
        const x = norm(v);
        return x !== undefined && x !== fv;
      };
    default:
      return () => false;
  }
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
  if (typeof v === 'string' && v.trim() !== '') {
    const x = Number(v);
    return Number.isNaN(x) ? undefined : x;
  }
  return undefined;
}

function booleanOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

function instantOf(v: unknown): number | undefined {
  if (typeof v !== 'string') return v instanceof Date ? v.getTime() : undefined;
  const x = parseInstant(v);
  return Number.isNaN(x) ? undefined : x;
}

/** Whether a value is a dateTime exactly as `Date.prototype.toISOString` writes it. */
function isUtcIso(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    v.length === 24 &&
    v.charCodeAt(23) === 90 &&
    v.charCodeAt(19) === 46 &&
    v.charCodeAt(10) === 84 &&
    v.charCodeAt(4) === 45
  );
}

function comparison(path: QueryPath, op: ComparisonOperator, value: unknown): Test {
  const d = path.definition;
  switch (d.type) {
    case 'integer':
    case 'decimal':
      return typeof value === 'number' ? ordered(op, value, numberOf) : () => false;
    case 'boolean':
      return typeof value === 'boolean' ? ordered(op, value, booleanOf) : () => false;
    case 'dateTime': {
      const at = typeof value === 'string' ? parseInstant(value) : Number.NaN;
      if (Number.isNaN(at)) return () => false;
      // Values in the form toISOString writes (`2015-10-10T21:38:21.861Z`, as the query form's)
      // order as text exactly as they do as instants: compare those without parsing them.
      const iso = new Date(at).toISOString();
      const byText = ordered(op, iso, (v) => (isUtcIso(v) ? v : undefined));
      const byInstant = ordered(op, at, instantOf);
      return (v) => (isUtcIso(v) ? byText(v) : byInstant(v));
    }
    default:
      return typeof value === 'string' ? stringTest(op, value, d.caseExact) : () => false;
  }
}

function compile(f: QueryFilter, relative: boolean): FilterPredicate {
  switch (f.kind) {
    case 'compare':
      return anyValue(f.path, relative, comparison(f.path, f.op, f.value));
    case 'present':
      return anyValue(f.path, relative, present);
    case 'not': {
      const inner = compile(f.filter, relative);
      return (root) => !inner(root);
    }
    case 'and': {
      const parts = f.filters.map((c) => compile(c, relative));
      if (parts.length === 2) {
        const [a, b] = parts as [FilterPredicate, FilterPredicate];
        return (root) => a(root) && b(root);
      }
      return (root) => {
        for (const p of parts) if (!p(root)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = f.filters.map((c) => compile(c, relative));
      if (parts.length === 2) {
        const [a, b] = parts as [FilterPredicate, FilterPredicate];
        return (root) => a(root) || b(root);
      }
      return (root) => {
        for (const p of parts) if (p(root)) return true;
        return false;
      };
    }
    case 'valuePath': {
      const inner = compile(f.filter, true);
      return anyValue(f.path, false, (element) => typeof element === 'object' && inner(element));
    }
  }
}

/**
 * Compiles a filter into a predicate over resources, for evaluating one filter against many
 * resources. The filter is first normalized against the schema ({@link normalizeFilter}, which
 * documents the semantics: caseExact, types, any-match on multi-valued attributes, `pr`, complex
 * attributes compared by their `value`, unknown attributes).
 *
 * Resources are read as JSON: attribute names are found with their canonical spelling first, and
 * case-insensitively otherwise; extension attributes under their schema URN
 * (`resource["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].manager`).
 *
 * @param filter - a parsed filter (from {@link parseFilter}) or its query form
 * @param schema - the resource type's schema, for example `userResourceSchema`
 * @param options - compatibility switches (default: the `entra` profile)
 * @returns a predicate: `(resource) => boolean`
 * @throws ScimError `invalidFilter` when the filter does not fit the schema (see {@link normalizeFilter})
 * @example
 * ```ts
 * import { compileFilter, parseFilter } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * const matches = compileFilter(parseFilter('userName eq "ALICE@X.COM"'), userResourceSchema);
 * matches({ userName: 'alice@x.com' }); // true: userName is not caseExact
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export function compileFilter(
  filter: Filter,
  schema: ResourceSchema,
  options?: FilterOptions,
): FilterPredicate {
  return compile(normalizeFilter(filter, schema, options), false);
}

/**
 * Evaluates a filter against one resource. To test many resources with the same filter, compile
 * it once with {@link compileFilter}.
 *
 * @param filter - a parsed filter (from {@link parseFilter}) or its query form
 * @param resource - the resource, as JSON
 * @param schema - the resource type's schema, for example `userResourceSchema`
 * @param options - compatibility switches (default: the `entra` profile)
 * @returns whether the resource matches
 * @throws ScimError `invalidFilter` when the filter does not fit the schema (see {@link normalizeFilter})
 * @example
 * ```ts
 * import { evaluateFilter, parseFilter } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * evaluateFilter(parseFilter('emails[type eq "work" and value co "@example.com"]'), user, userResourceSchema); // true
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export function evaluateFilter(
  filter: Filter,
  resource: unknown,
  schema: ResourceSchema,
  options?: FilterOptions,
): boolean {
  return compileFilter(filter, schema, options)(resource);
}

/**
 * Compiles the filter of a value path (`emails[type eq "work"]`, the `filter` of a {@link PatchPath})
 * into a predicate over one value of the multi-valued attribute, as PATCH needs to find its targets.
 * An attribute the schema lacks gives a predicate that matches nothing (`entra`) or throws (`strict`).
 *
 * @param attribute - the multi-valued attribute the filter applies to (its `urn` and `attribute`)
 * @param filter - the value filter, relative to one value (`type eq "work"`)
 * @param schema - the resource type's schema
 * @param options - compatibility switches (default: the `entra` profile)
 * @returns a predicate: `(value) => boolean`
 * @throws ScimError `invalidFilter` when the filter does not fit the schema (see {@link normalizeFilter})
 * @example
 * ```ts
 * import { compileValueFilter, parsePath } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * const path = parsePath('emails[type eq "work"].value');
 * const isTarget = compileValueFilter(path, path.filter!, userResourceSchema);
 * user.emails?.filter(isTarget);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export function compileValueFilter(
  attribute: AttributePath,
  filter: Filter,
  schema: ResourceSchema,
  options?: FilterOptions,
): FilterPredicate {
  const resolved = normalizeValueFilter(attribute, filter, schema, resolveFilterOptions(options));
  return resolved === undefined ? () => false : compileNormalizedValueFilter(resolved.filter);
}

/** @internal {@link compileValueFilter} of a value filter already normalized (`normalizeValueFilter`). */
export function compileNormalizedValueFilter(normalized: QueryFilter): FilterPredicate {
  const inner = compile(normalized, true);
  return (value) => typeof value === 'object' && value !== null && inner(value);
}

import {
  type AttributeDefinition,
  type ResolvedAttribute,
  type ResourceSchema,
  ScimError,
} from '@scim/schemas';
import { isReferenceList } from '../patch/references.ts';
import type {
  AttributePath,
  ComparisonOperator,
  Filter,
  FilterValue,
  QueryFilter,
  QueryPath,
} from './ast.ts';
import { parseInstant } from './instant.ts';
import { type FilterOptions, type ResolvedFilterOptions, resolveFilterOptions } from './options.ts';

/** The false constant of the query form: an `or` of nothing. */
const FALSE: QueryFilter = { kind: 'or', filters: [] };

/**
 * `schemas` is an attribute of every resource (RFC 7643 section 3) that no schema lists: a
 * multi-valued list of URIs, compared case-insensitively.
 */
const SCHEMAS: AttributeDefinition = {
  name: 'schemas',
  type: 'reference',
  multiValued: true,
  required: true,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'always',
  uniqueness: 'none',
  referenceTypes: ['uri'],
};

const ORDERING: ReadonlySet<ComparisonOperator> = new Set(['gt', 'lt', 'ge', 'le']);
const SUBSTRING: ReadonlySet<ComparisonOperator> = new Set(['co', 'sw', 'ew']);

function written(path: AttributePath, parent: ResolvedAttribute | undefined): string {
  const own = `${path.urn === undefined ? '' : `${path.urn}:`}${path.attribute}${
    path.subAttribute === undefined ? '' : `.${path.subAttribute}`
  }`;
  return parent === undefined ? own : `${parent.path}[${own}]`;
}

const exactIds = new WeakMap<AttributeDefinition, AttributeDefinition>();

/**
 * The definition a filter compares a sub-attribute by: as the schema says, except the `value` of a
 * reference list (a group's `members`, a user's `groups`), which holds resource ids and compares
 * exactly, as ids do (RFC 7643 section 3.1), whatever the schema says, as PATCH matches them.
 */
function compared(parent: AttributeDefinition, sub: AttributeDefinition): AttributeDefinition {
  if (sub.caseExact || sub.name !== 'value' || !isReferenceList(parent)) return sub;
  let exact = exactIds.get(sub);
  if (exact === undefined) {
    exact = { ...sub, caseExact: true };
    exactIds.set(sub, exact);
  }
  return exact;
}

class Normalizer {
  private readonly schema: ResourceSchema;
  private readonly options: ResolvedFilterOptions;

  constructor(schema: ResourceSchema, options: ResolvedFilterOptions) {
    this.schema = schema;
    this.options = options;
  }

  /** An attribute the schema lacks: `undefined` (no match), or `invalidFilter` when so configured. */
  private unknown(token: string, message: string): undefined {
    if (this.options.unknownAttributes === 'error') {
      throw new ScimError('invalidFilter', `filter: ${message}`, { token });
    }
    return undefined;
  }

  private noAttribute(path: AttributePath, parent: ResolvedAttribute | undefined, what: string): undefined {
    const text = written(path, parent);
    return this.unknown(
      text,
      `the ${this.schema.resourceType.name} resource type has no ${what} "${text}"; check the spelling, or see /Schemas for the attributes this service provider knows`,
    );
  }

  /** The top-level attribute of a path, or undefined (after deciding per options) when unknown. */
  top(path: AttributePath): ResolvedAttribute | undefined {
    let found = this.schema.attribute(path.attribute, path.urn);
    if (found === undefined && path.urn === undefined && path.attribute.toLowerCase() === 'schemas') {
      found = {
        definition: SCHEMAS,
        schemaUrn: undefined,
        inExtension: false,
        parent: undefined,
        path: 'schemas',
      };
    }
    if (found === undefined && path.urn !== undefined && this.schema.schema(path.urn) === this.schema.core) {
      // `urn:...:core:2.0:User:id` names a common attribute through the core schema's URN.
      found = this.schema.attribute(path.attribute);
    }
    if (found !== undefined) return found;
    if (path.urn !== undefined && this.schema.schema(path.urn) === undefined) {
      return this.unknown(
        written(path, undefined),
        `"${path.urn}" is not a schema URN of the ${this.schema.resourceType.name} resource type, whose schemas are ${this.schema.schemaUrns.join(', ')}`,
      );
    }
    return this.noAttribute(path, undefined, 'attribute');
  }

  /** Resolves a path to a {@link QueryPath} (absolute, or relative to `parent` in a value path). */
  path(path: AttributePath, parent: ResolvedAttribute | undefined): QueryPath | undefined {
    if (parent !== undefined) {
      // Inside a value path: one sub-attribute name of the multi-valued attribute.
      if (path.urn !== undefined || path.subAttribute !== undefined) {
        const text = written(path, parent);
        return this.unknown(
          text,
          `inside ${parent.path}[...], name sub-attributes only (as ${parent.path}[value eq "x"]), not "${written(path, undefined)}"`,
        );
      }
      const sub = this.schema.subAttribute(parent, path.attribute);
      if (sub === undefined) return this.noAttribute(path, parent, 'sub-attribute');
      const definition = compared(parent.definition, sub.definition);
      return { attribute: sub.definition.name, definition, parent: parent.definition };
    }
    const top = this.top(path);
    if (top === undefined) return undefined;
    const base: { urn?: string; attribute: string } = { attribute: top.definition.name };
    if (top.inExtension && top.schemaUrn !== undefined) base.urn = top.schemaUrn;
    if (path.subAttribute === undefined) return { ...base, definition: top.definition };
    const sub = this.schema.subAttribute(top, path.subAttribute);
    if (sub === undefined) return this.noAttribute(path, undefined, 'sub-attribute');
    const definition = compared(top.definition, sub.definition);
    return { ...base, subAttribute: sub.definition.name, definition, parent: top.definition };
  }

  /** A comparison on a complex attribute compares its `value` sub-attribute. */
  private valueOf(
    path: QueryPath,
    original: AttributePath,
    parent: ResolvedAttribute | undefined,
  ): QueryPath | undefined {
    if (path.definition.type !== 'complex') return path;
    const value = path.definition.subAttributes?.find((s) => s.name.toLowerCase() === 'value');
    if (value === undefined || parent !== undefined || path.subAttribute !== undefined) {
      const text = written(original, parent);
      return this.unknown(
        text,
        `"${text}" is a complex attribute without a "value" sub-attribute, so it cannot be compared; compare one of its sub-attributes (${text}.<name>)`,
      );
    }
    return {
      ...path,
      subAttribute: value.name,
      definition: compared(path.definition, value),
      parent: path.definition,
    };
  }

  private invalid(message: string, path: QueryPath): never {
    throw new ScimError('invalidFilter', `filter: ${message}`, { token: path.attribute });
  }

  /** The comparison value, of the attribute's type. */
  private coerce(path: QueryPath, op: ComparisonOperator, value: FilterValue, text: string): FilterValue {
    const { type } = path.definition;
    const lenient = this.options.coerceValues;
    if (type === 'boolean' || type === 'binary') {
      if (ORDERING.has(op))
        this.invalid(`"${op}" does not apply to ${text}, a ${type} attribute; use eq or ne`, path);
    }
    if (type === 'boolean' || type === 'integer' || type === 'decimal' || type === 'dateTime') {
      if (SUBSTRING.has(op)) {
        this.invalid(
          `"${op}" does not apply to ${text}, a ${type} attribute; use eq, ne, gt, ge, lt or le`,
          path,
        );
      }
    }
    switch (type) {
      case 'boolean': {
        if (typeof value === 'boolean') return value;
        if (lenient && typeof value === 'string') {
          const lower = value.toLowerCase();
          if (lower === 'true' || lower === 'false') return lower === 'true';
        }
        return this.invalid(
          `${text} is a boolean: compare it with true or false, not ${JSON.stringify(value)}`,
          path,
        );
      }
      case 'integer':
      case 'decimal': {
        if (typeof value === 'number') return value;
        if (lenient && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
          return Number(value);
        }
        return this.invalid(
          `${text} is a number (${type}): compare it with a number, not ${JSON.stringify(value)}`,
          path,
        );
      }
      case 'dateTime': {
        const instant = typeof value === 'string' ? parseInstant(value) : Number.NaN;
        if (Number.isNaN(instant)) {
          return this.invalid(
            `${text} is a dateTime: compare it with a date and time such as "2015-10-10T14:38:21Z", not ${JSON.stringify(value)}`,
            path,
          );
        }
        return new Date(instant).toISOString();
      }
      default: {
        if (typeof value === 'string') return value;
        if (lenient) return String(value);
        return this.invalid(
          `${text} is a ${type === 'complex' ? 'string' : type} attribute: compare it with a quoted string, not ${JSON.stringify(value)}`,
          path,
        );
      }
    }
  }

  filter(f: Filter, parent: ResolvedAttribute | undefined): QueryFilter {
    switch (f.kind) {
      case 'and':
      case 'or':
        return { kind: f.kind, filters: f.filters.map((c) => this.filter(c, parent)) };
      case 'not':
        return { kind: 'not', filter: this.filter(f.filter, parent) };
      case 'present': {
        const path = this.path(f.path, parent);
        return path === undefined ? FALSE : { kind: 'present', path };
      }
      case 'compare': {
        const resolved = this.path(f.path, parent);
        if (resolved === undefined) return FALSE;
        const path = this.valueOf(resolved, f.path, parent);
        if (path === undefined) return FALSE;
        const text = written(f.path, parent);
        if (f.value === null) {
          // `eq null` tests absence and `ne null` presence; no other operator takes null.
          if (f.op === 'eq') return { kind: 'not', filter: { kind: 'present', path } };
          if (f.op === 'ne') return { kind: 'present', path };
          return this.invalid(`"${f.op}" cannot compare ${text} with null; use "pr" or "eq null"`, path);
        }
        return { kind: 'compare', path, op: f.op, value: this.coerce(path, f.op, f.value, text) };
      }
      case 'valuePath': {
        const top = f.path.subAttribute === undefined ? this.top(f.path) : undefined;
        if (f.path.subAttribute !== undefined) {
          // Only an AST built by hand has this: the parser refuses `a.b[...]`.
          const text = written(f.path, undefined);
          this.unknown(text, `a value filter "[...]" follows an attribute, not the sub-attribute "${text}"`);
          return FALSE;
        }
        if (top === undefined) return FALSE;
        if (top.definition.type !== 'complex') {
          if (this.options.unknownAttributes === 'error') {
            throw new ScimError(
              'invalidFilter',
              `filter: "${top.path}" is not a complex attribute, so it cannot take a value filter "[...]"; compare it directly`,
              { token: top.path },
            );
          }
          return FALSE;
        }
        const path: QueryPath =
          top.inExtension && top.schemaUrn !== undefined
            ? { urn: top.schemaUrn, attribute: top.definition.name, definition: top.definition }
            : { attribute: top.definition.name, definition: top.definition };
        return { kind: 'valuePath', path, filter: this.filter(f.filter, top) };
      }
    }
  }
}

/**
 * Resolves a filter against a resource type's schema into its query form ({@link QueryFilter}),
 * the form the in-memory evaluator and the SQL stores compile. In the query form:
 *
 * - names are canonical (`USERNAME` becomes `userName`); `urn` is kept only for extension
 *   attributes (as the schema spells the URN), and each path carries its attribute definitions;
 * - a comparison on a complex attribute without a sub-attribute compares its `value`
 *   (`emails co "@x"` is `emails.value co "@x"`);
 * - values have the attribute's type: `integer` / `decimal` are numbers, `boolean` booleans,
 *   `dateTime` an ISO 8601 UTC string with milliseconds (so instants compare as strings);
 *   `string`, `reference` and `binary` values are strings, compared ignoring case (Unicode simple
 *   case folding, `foldCase`) unless the definition is `caseExact`, and ordered by code point
 *   (`compareCodePoints`); the `value` of a reference list (`members.value`, `groups.value`) holds
 *   resource ids and its definition in the query form is `caseExact`, whatever the schema says;
 * - `eq null` is `not (path pr)` and `ne null` is `path pr`;
 * - an attribute the schema lacks is, under `unknownAttributes: 'noMatch'` (the `entra` profile),
 *   the false constant `{ kind: 'or', filters: [] }` (an attribute that is never present), and
 *   under `'error'` (`strict`) an `invalidFilter` error.
 *
 * A comparison holds when any value at the path (any element of a multi-valued attribute) compares
 * true; an absent or null attribute compares false with every operator, `ne` included, so
 * `not (title eq "x")` matches a resource without a title while `title ne "x"` does not.
 *
 * @param filter - a parsed filter
 * @param schema - the resource type's schema, for example `userResourceSchema`
 * @param options - compatibility switches (default: the `entra` profile)
 * @returns the query form of the filter
 * @throws ScimError `invalidFilter` when an operator does not apply to the attribute's type (`gt`
 *   on a boolean, `co` on a number), a value has the wrong type, or (strict) an attribute is unknown
 * @example
 * ```ts
 * import { normalizeFilter, parseFilter } from '@scim/protocol';
 * import { userResourceSchema } from '@scim/schemas';
 * normalizeFilter(parseFilter('EMAILS co "@example.com"'), userResourceSchema);
 * // { kind: 'compare', op: 'co', value: '@example.com',
 * //   path: { attribute: 'emails', subAttribute: 'value', definition: {...}, parent: {...} } }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.2.2
 */
export function normalizeFilter(
  filter: Filter,
  schema: ResourceSchema,
  options?: FilterOptions,
): QueryFilter {
  return new Normalizer(schema, resolveFilterOptions(options)).filter(filter, undefined);
}

/** @internal Normalizes the filter of a value path (`attribute[filter]`), relative to the attribute. */
export function normalizeValueFilter(
  attribute: AttributePath,
  filter: Filter,
  schema: ResourceSchema,
  options: ResolvedFilterOptions,
): { readonly top: ResolvedAttribute; readonly filter: QueryFilter } | undefined {
  const n = new Normalizer(schema, options);
  const top = n.top(attribute);
  if (top === undefined) return undefined;
  return { top, filter: n.filter(filter, top) };
}

import { z } from 'zod';
import { commonAttributes } from './definitions/common.ts';
import type { AttributeDefinition } from './definitions/types.ts';
import { isScimError, type SafeResult, ScimError } from './errors.ts';
import type { Group, User } from './model.ts';
import {
  groupResourceSchema,
  type ResolvedAttribute,
  type ResourceSchema,
  userResourceSchema,
} from './resource-schema.ts';

/**
 * Where a resource body is parsed, which decides what RFC 7643 section 7's characteristics mean:
 * - `create`: a POST body. readOnly attributes are ignored, required attributes enforced.
 * - `replace`: a PUT body. Same rules as `create`.
 * - `response`: a resource a service provider returns. Everything is kept but `returned: "never"`
 *   attributes (`password`); required attributes are not enforced, since `attributes` and
 *   `excludedAttributes` may have left them out.
 * - `patch`: the `value` of a PATCH operation, for a path or for the whole resource. readOnly
 *   attributes are ignored, nothing is required.
 *
 * @example
 * ```ts
 * import { createResourceParser, type ParseContext, userResourceSchema } from '@scim/schemas';
 * const context: ParseContext = request.method === 'PUT' ? 'replace' : 'create';
 * const parser = createResourceParser(userResourceSchema, { context });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export type ParseContext = 'create' | 'replace' | 'response' | 'patch';

/**
 * Options of {@link createResourceParser}.
 *
 * @example
 * ```ts
 * import { createResourceParser, type ResourceParserOptions, userResourceSchema } from '@scim/schemas';
 * const strict: ResourceParserOptions = { context: 'create', unknownAttributes: 'reject' };
 * const parser = createResourceParser(userResourceSchema, strict); // a misspelt attribute is a 400 invalidSyntax
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.1
 */
export interface ResourceParserOptions {
  /** Where the body comes from. */
  readonly context: ParseContext;
  /**
   * What to do with attributes the schemas do not define: `ignore` (the default, what Microsoft
   * Entra ID needs) leaves them out of the value and lists them in `unknownAttributes`; `reject`
   * throws a `ScimError` (`invalidSyntax`) naming them.
   */
  readonly unknownAttributes?: 'ignore' | 'reject';
  /**
   * Whether boolean attributes accept the strings `"True"` and `"False"` (any case), as Entra sends
   * them. Defaults to `true` when `unknownAttributes` is `ignore`, `false` when it is `reject`.
   */
  readonly coerceBooleans?: boolean;
}

/**
 * What a resource parser returns: the value with canonical attribute names, and what it left out.
 *
 * @example
 * ```ts
 * const { value, unknownAttributes } = userCreateParser.parse({ schemas: [URN.User], UserName: 'bjensen', foo: 1 });
 * value.userName; // 'bjensen'
 * unknownAttributes; // ['foo']
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.1
 */
export interface ResourceParseResult<T> {
  /** The parsed value: canonical attribute names, booleans coerced, unknown and ignored attributes left out. */
  readonly value: T;
  /** The paths of attributes the schemas do not define (for example `foo` or `emails.foo`), without duplicates. */
  readonly unknownAttributes: readonly string[];
  /**
   * The paths of known attributes left out because the context ignores them: readOnly attributes
   * in requests (`id`, `meta`, `groups`), `returned: "never"` attributes in responses (`password`).
   */
  readonly ignoredAttributes: readonly string[];
}

/**
 * A parser of resource bodies for one resource type and one context, made by
 * {@link createResourceParser}.
 *
 * @example
 * ```ts
 * const result = userCreateParser.safeParse(body);
 * if (!result.success) return result.error.toResponse();
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3
 */
export interface ResourceParser<T> {
  /** The resource schema the parser checks against. */
  readonly resourceSchema: ResourceSchema;
  /** The parser's options, with defaults filled in. */
  readonly options: Required<ResourceParserOptions>;
  /**
   * The zod schema of a canonical body in this context (canonical attribute names, real booleans),
   * derived from the schema definitions. It checks types and required attributes; {@link ResourceParser.parse}
   * runs it after it has canonicalized names and sorted out unknown attributes.
   */
  readonly zod: z.ZodType<T>;
  /**
   * Parses a body; throws on a body that does not match.
   * @param input - the JSON body (already `JSON.parse`d)
   * @returns the value and the lists of unknown and ignored attributes
   * @throws ScimError `invalidSyntax` when the body is not an object or (strict) has unknown attributes; `invalidValue` when a value has the wrong type or a required attribute is missing; `invalidPath` when `path` names no attribute
   */
  parse(input: unknown): ResourceParseResult<T>;
  /**
   * Parses the `value` of a PATCH operation with a `path` (context `patch`): the value of the
   * attribute the path names, one element when the path ends in a filter.
   * @param input - the operation's value
   * @param path - the operation's `path`, for example `emails[type eq "work"].value`
   * @returns the value and the lists of unknown and ignored attributes
   * @throws ScimError `invalidPath` when `path` names no attribute; `invalidValue` when the value has the wrong type
   */
  parse(input: unknown, path: string): ResourceParseResult<unknown>;
  /**
   * Like {@link ResourceParser.parse}, but returns the error instead of throwing it.
   * @param input - the JSON body
   * @returns `{ success: true, value }` or `{ success: false, error }`
   */
  safeParse(input: unknown): SafeResult<ResourceParseResult<T>>;
  /**
   * Like {@link ResourceParser.parse} with a path, but returns the error instead of throwing it.
   * @param input - the operation's value
   * @param path - the operation's `path`
   * @returns `{ success: true, value }` or `{ success: false, error }`
   */
  safeParse(input: unknown, path: string): SafeResult<ResourceParseResult<unknown>>;
}

const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

const isRequest = (context: ParseContext) => context !== 'response';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`}`;
}

/** Whether the attribute is left out in this context, as RFC 7643 section 7 says. @internal */
function ignoredIn(definition: AttributeDefinition, context: ParseContext): boolean {
  return isRequest(context) ? definition.mutability === 'readOnly' : definition.returned === 'never';
}

/**
 * The zod schema of one value of a scalar or complex attribute, in a context.
 * @internal
 */
function zodForSingle(definition: AttributeDefinition, context: ParseContext): z.ZodType {
  switch (definition.type) {
    case 'boolean':
      return z.boolean();
    case 'integer':
      return z.number().int();
    case 'decimal':
      return z.number();
    case 'dateTime':
      return z.string().regex(DATE_TIME, 'expected an xsd:dateTime such as 2010-01-23T04:56:22Z');
    case 'complex':
      return zodForAttributes(definition.subAttributes ?? [], context, true);
    default:
      return z.string();
  }
}

/**
 * The zod schema of an attribute's value (an array when multi-valued), in a context.
 * @internal
 */
function zodForAttribute(definition: AttributeDefinition, context: ParseContext): z.ZodType {
  const single = zodForSingle(definition, context);
  const schema = definition.multiValued ? z.array(single) : single;
  return definition.description === undefined ? schema : schema.describe(definition.description);
}

function zodForAttributes(
  attributes: readonly AttributeDefinition[],
  context: ParseContext,
  enforceRequired: boolean,
): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const a of attributes) {
    if (ignoredIn(a, context)) continue;
    const schema = zodForAttribute(a, context);
    const required = enforceRequired && a.required && (context === 'create' || context === 'replace');
    shape[a.name] = required ? schema : schema.exactOptional();
  }
  return z.strictObject(shape);
}

/**
 * The zod schema of a whole resource body in a context: `schemas`, the common attributes, the core
 * schema's attributes and each extension object under its URN, with canonical names.
 *
 * @param resourceSchema - the resource type's schema
 * @param context - where the body comes from
 * @returns a zod object schema
 * @throws never
 * @example
 * ```ts
 * import { resourceZodSchema, userResourceSchema } from '@scim/schemas';
 * resourceZodSchema(userResourceSchema, 'create').parse({ schemas: [URN.User], userName: 'bjensen' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3
 */
export function resourceZodSchema(resourceSchema: ResourceSchema, context: ParseContext): z.ZodObject {
  const enforce = context === 'create' || context === 'replace';
  const top = zodForAttributes([...commonAttributes, ...resourceSchema.core.attributes], context, true);
  const shape: Record<string, z.ZodType> = {
    schemas: enforce ? z.array(z.string()).min(1) : z.array(z.string()).optional(),
    ...top.shape,
  };
  for (const { schema, required } of resourceSchema.extensions) {
    const ext = zodForAttributes(schema.attributes, context, true);
    shape[schema.id] = enforce && required ? ext : ext.exactOptional();
  }
  return z.strictObject(shape);
}

interface Walk {
  readonly context: ParseContext;
  readonly coerceBooleans: boolean;
  readonly unknown: Set<string>;
  readonly ignored: Set<string>;
  readonly problems: string[];
}

function walkSingle(definition: AttributeDefinition, value: unknown, path: string, w: Walk): unknown {
  if (definition.type === 'complex') {
    if (!isPlainObject(value)) {
      w.problems.push(`${path}: expected an object, got ${describe(value)}`);
      return value;
    }
    return walkObject(definition.subAttributes ?? [], value, path, w);
  }
  if (definition.type === 'boolean' && typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      if (w.coerceBooleans) return lower === 'true';
      w.problems.push(
        `${path}: expected a boolean, got ${describe(value)}; send true or false without quotes (or enable coerceBooleans)`,
      );
    }
  }
  return value;
}

function walkValue(definition: AttributeDefinition, value: unknown, path: string, w: Walk): unknown {
  if (definition.multiValued) {
    if (!Array.isArray(value)) {
      w.problems.push(
        `${path}: expected an array of values (the attribute is multi-valued), got ${describe(value)}`,
      );
      return value;
    }
    return value.map((item) => walkSingle(definition, item, path, w));
  }
  return walkSingle(definition, value, path, w);
}

function walkObject(
  attributes: readonly AttributeDefinition[],
  input: Record<string, unknown> | readonly [string, unknown][],
  prefix: string,
  w: Walk,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [key, value] of Array.isArray(input) ? input : Object.entries(input)) {
    const lower = key.toLowerCase();
    const definition = attributes.find((a) => a.name.toLowerCase() === lower);
    const path = prefix ? `${prefix}.${definition?.name ?? key}` : (definition?.name ?? key);
    if (!definition) {
      w.unknown.add(path);
      continue;
    }
    if (seen.has(definition.name)) {
      w.problems.push(`${path}: given twice (attribute names are case-insensitive); send it once`);
      continue;
    }
    seen.add(definition.name);
    if (value === null || value === undefined) continue; // RFC 7643 section 2.5: null is unassigned
    if (ignoredIn(definition, w.context)) {
      w.ignored.add(path);
      continue;
    }
    out[definition.name] = walkValue(definition, value, path, w);
  }
  return out;
}

function walkResource(resourceSchema: ResourceSchema, input: unknown, w: Walk): Record<string, unknown> {
  if (!isPlainObject(input)) {
    throw new ScimError(
      'invalidSyntax',
      `expected a ${resourceSchema.resourceType.name} resource as a JSON object, got ${describe(input)}`,
    );
  }
  const topAttributes = [...commonAttributes, ...resourceSchema.core.attributes];
  const out: Record<string, unknown> = {};
  const extensionsFound: string[] = [];
  let schemas: unknown;
  const rest: [string, unknown][] = [];
  for (const [key, value] of Object.entries(input)) {
    const lower = key.toLowerCase();
    if (lower === 'schemas') {
      schemas = value;
      continue;
    }
    const ext = lower.startsWith('urn:')
      ? resourceSchema.extensions.find((e) => e.schema.id.toLowerCase() === lower)
      : undefined;
    if (ext) {
      if (value === null || value === undefined) continue;
      if (!isPlainObject(value)) {
        w.problems.push(
          `${ext.schema.id}: expected the extension's attributes as an object, got ${describe(value)}`,
        );
        continue;
      }
      out[ext.schema.id] = walkObject(ext.schema.attributes, value, ext.schema.id, w);
      extensionsFound.push(ext.schema.id);
      continue;
    }
    rest.push([key, value]);
  }
  Object.assign(out, walkObject(topAttributes, rest, '', w));
  if (schemas !== undefined) {
    if (!Array.isArray(schemas) || schemas.some((s) => typeof s !== 'string')) {
      w.problems.push(`schemas: expected an array of schema URNs, got ${describe(schemas)}`);
      out.schemas = schemas;
    } else {
      const list = [...(schemas as string[])];
      const has = (urn: string) => list.some((s) => s.toLowerCase() === urn.toLowerCase());
      for (const urn of extensionsFound) {
        // Entra sends extension objects without their URN in `schemas` (RFC 7643 section 3 wants it there).
        if (!has(urn)) list.push(urn);
      }
      out.schemas = list;
    }
  }
  if (out.schemas === undefined) return out;
  const { schemas: list, ...attributes } = out;
  return { schemas: list, ...attributes };
}

function formatIssues(error: z.ZodError, base: string): string[] {
  return error.issues.map((issue) => {
    const path = [base, ...issue.path.map(String)].filter((p) => p !== '').join('.') || '(body)';
    if (issue.code === 'invalid_type') {
      const received = /received (\w+)$/.exec(issue.message)?.[1] ?? 'something else';
      if (received === 'undefined') return `${path}: required attribute is missing; add it`;
      return `${path}: expected ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}, got ${received}; send a value of the attribute's type (see /Schemas)`;
    }
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown attribute${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'}`;
    }
    return `${path}: ${issue.message}`;
  });
}

/** Strips filters from a PATCH path: `emails[type eq "work"].value` -> `emails.value`. @internal */
function stripFilters(path: string): { readonly bare: string; readonly filteredLast: boolean } {
  let bare = '';
  let depth = 0;
  let inString = false;
  let filteredLast = false;
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth > 0) {
      if (c === '"') inString = true;
      else if (c === '[') depth++;
      else if (c === ']') depth--;
      continue;
    }
    if (c === '[') {
      depth = 1;
      filteredLast = true;
      continue;
    }
    if (c === '.') filteredLast = false;
    bare += c;
  }
  return { bare, filteredLast };
}

/**
 * Builds a parser of resource bodies for a resource type in a context: it matches attribute names
 * case-insensitively (RFC 7643 section 2.1) and returns canonical names, leaves out what the
 * context ignores (RFC 7643 section 7), lists unknown attributes (or rejects them), coerces Entra's
 * string booleans when asked, then checks types and required attributes with the zod schema derived
 * from the definitions.
 *
 * @param resourceSchema - the resource type's schema, for example {@link userResourceSchema}
 * @param options - the context, what to do with unknown attributes, and boolean coercion
 * @returns a parser with `parse`, `safeParse` and the context's `zod` schema
 * @throws never; the parser's `parse` throws ScimError `invalidSyntax` / `invalidValue` / `invalidPath`
 * @example
 * ```ts
 * import { createResourceParser, userResourceSchema } from '@scim/schemas';
 * import type { User } from '@scim/schemas';
 * const strictCreate = createResourceParser<User>(userResourceSchema, { context: 'create', unknownAttributes: 'reject' });
 * const { value } = strictCreate.parse({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], UserName: 'bjensen' });
 * value.userName; // 'bjensen'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.1
 */
export function createResourceParser<T = Record<string, unknown>>(
  resourceSchema: ResourceSchema,
  options: ResourceParserOptions,
): ResourceParser<T> {
  const unknownAttributes = options.unknownAttributes ?? 'ignore';
  const resolved: Required<ResourceParserOptions> = {
    context: options.context,
    unknownAttributes,
    coerceBooleans: options.coerceBooleans ?? unknownAttributes === 'ignore',
  };
  const zod = resourceZodSchema(resourceSchema, options.context);
  const pathSchemas = new Map<string, z.ZodType>();

  const parse = (input: unknown, path?: string): ResourceParseResult<never> => {
    const w: Walk = {
      context: resolved.context,
      coerceBooleans: resolved.coerceBooleans,
      unknown: new Set(),
      ignored: new Set(),
      problems: [],
    };
    let value: unknown;
    let schema: z.ZodType = zod;
    let base = '';
    if (path !== undefined && path !== '') {
      const { bare, filteredLast } = stripFilters(path);
      const target = resourceSchema.resolvePath(bare);
      if (!target) {
        throw new ScimError(
          'invalidPath',
          `path "${path}" names no attribute of ${resourceSchema.resourceType.name}; check the attribute name against /Schemas`,
        );
      }
      value = walkAt(target, input, filteredLast, w);
      base = target.path;
      const key = `${target.path}|${filteredLast}|${Array.isArray(input)}`;
      let found = pathSchemas.get(key);
      if (!found) {
        const single = zodForSingle(target.definition, resolved.context);
        found =
          target.definition.multiValued && !filteredLast && Array.isArray(input) ? z.array(single) : single;
        pathSchemas.set(key, found);
      }
      schema = found;
    } else {
      value = walkResource(resourceSchema, input, w);
    }
    const record = value as Record<string, unknown>;
    if (
      path === undefined &&
      resolved.unknownAttributes === 'reject' &&
      (resolved.context === 'create' || resolved.context === 'replace') &&
      Array.isArray(record.schemas) &&
      !record.schemas.some(
        (s) => typeof s === 'string' && s.toLowerCase() === resourceSchema.core.id.toLowerCase(),
      )
    ) {
      w.problems.push(`schemas: must list ${resourceSchema.core.id} (RFC 7643 section 3); add it`);
    }
    const unknown = [...w.unknown];
    if (unknown.length > 0 && resolved.unknownAttributes === 'reject') {
      throw new ScimError(
        'invalidSyntax',
        `unknown attribute${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for ${resourceSchema.resourceType.name}: remove ${unknown.length > 1 ? 'them' : 'it'}, or define ${unknown.length > 1 ? 'them' : 'it'} in an extension schema`,
      );
    }
    const checked = schema.safeParse(value);
    if (!checked.success) {
      // The walk already reported some paths in its own words; add what only zod found.
      const seen = w.problems.map((p) => p.slice(0, p.indexOf(':')));
      for (const issue of formatIssues(checked.error, base)) {
        const at = issue.slice(0, issue.indexOf(':'));
        if (!seen.some((p) => at === p || at.startsWith(`${p}.`))) w.problems.push(issue);
      }
    }
    if (w.problems.length > 0) {
      throw new ScimError(
        'invalidValue',
        `invalid ${resourceSchema.resourceType.name}: ${w.problems.join('; ')}`,
      );
    }
    return { value: value as never, unknownAttributes: unknown, ignoredAttributes: [...w.ignored] };
  };

  return {
    resourceSchema,
    options: resolved,
    zod: zod as unknown as z.ZodType<T>,
    parse,
    safeParse(input: unknown, path?: string) {
      try {
        return { success: true as const, value: parse(input, path) };
      } catch (error) {
        if (isScimError(error)) return { success: false as const, error };
        throw error;
      }
    },
  };
}

function walkAt(target: ResolvedAttribute, input: unknown, filteredLast: boolean, w: Walk): unknown {
  const d = target.definition;
  if (input === null || input === undefined) return input;
  if (ignoredIn(d, w.context)) {
    w.ignored.add(target.path);
    return undefined;
  }
  // A multi-valued attribute without a filter takes an array (RFC 7644 section 3.5.2.1); a single
  // value is accepted too, as clients send one.
  if (d.multiValued && !filteredLast) {
    return Array.isArray(input)
      ? input.map((item) => walkSingle(d, item, target.path, w))
      : walkSingle(d, input, target.path, w);
  }
  return walkSingle(d, input, target.path, w);
}

/**
 * Parses User POST bodies leniently (unknown attributes ignored and listed, Entra's `"True"` /
 * `"False"` accepted).
 *
 * @example
 * ```ts
 * import { userCreateParser } from '@scim/schemas';
 * const { value, unknownAttributes } = userCreateParser.parse(await request.json());
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.3
 */
export const userCreateParser: ResourceParser<User> = createResourceParser<User>(userResourceSchema, {
  context: 'create',
});

/**
 * Parses User PUT bodies leniently.
 *
 * @example
 * ```ts
 * import { userReplaceParser } from '@scim/schemas';
 * const { value } = userReplaceParser.parse(await request.json());
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.1
 */
export const userReplaceParser: ResourceParser<User> = createResourceParser<User>(userResourceSchema, {
  context: 'replace',
});

/**
 * Parses Users returned by a service provider.
 *
 * @example
 * ```ts
 * import { userResponseParser } from '@scim/schemas';
 * const { value } = userResponseParser.parse(await response.json());
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.1
 */
export const userResponseParser: ResourceParser<User> = createResourceParser<User>(userResourceSchema, {
  context: 'response',
});

/**
 * Parses the `value` of PATCH operations on Users leniently (pass the operation's `path`).
 *
 * @example
 * ```ts
 * import { userPatchValueParser } from '@scim/schemas';
 * userPatchValueParser.parse('False', 'active').value; // false
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export const userPatchValueParser: ResourceParser<User> = createResourceParser<User>(userResourceSchema, {
  context: 'patch',
});

/**
 * Parses Group POST bodies leniently.
 *
 * @example
 * ```ts
 * import { groupCreateParser } from '@scim/schemas';
 * const { value } = groupCreateParser.parse(await request.json());
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.3
 */
export const groupCreateParser: ResourceParser<Group> = createResourceParser<Group>(groupResourceSchema, {
  context: 'create',
});

/**
 * Parses Group PUT bodies leniently.
 *
 * @example
 * ```ts
 * import { groupReplaceParser } from '@scim/schemas';
 * const { value } = groupReplaceParser.parse(await request.json());
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.1
 */
export const groupReplaceParser: ResourceParser<Group> = createResourceParser<Group>(groupResourceSchema, {
  context: 'replace',
});

/**
 * Parses Groups returned by a service provider.
 *
 * @example
 * ```ts
 * import { groupResponseParser } from '@scim/schemas';
 * const { value } = groupResponseParser.parse(await response.json());
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.4.1
 */
export const groupResponseParser: ResourceParser<Group> = createResourceParser<Group>(groupResourceSchema, {
  context: 'response',
});

/**
 * Parses the `value` of PATCH operations on Groups leniently (pass the operation's `path`).
 *
 * @example
 * ```ts
 * import { groupPatchValueParser } from '@scim/schemas';
 * groupPatchValueParser.parse([{ value: '2819c223' }], 'members').value;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.5.2
 */
export const groupPatchValueParser: ResourceParser<Group> = createResourceParser<Group>(groupResourceSchema, {
  context: 'patch',
});

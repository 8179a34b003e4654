import type {
  AttributeDefinition,
  AttributeType,
  Mutability,
  ResourceTypeDefinition,
  Returned,
  SchemaDefinition,
  Uniqueness,
} from './definitions/types.ts';
import { ScimError } from './errors.ts';
import type { SchemaAttributes, Simplify } from './model.ts';
import { createResourceSchema, type ResourceSchema } from './resource-schema.ts';

/**
 * The characteristics an attribute builder takes; whatever is left out gets RFC 7643 section 2.2's
 * default (single-valued, optional, case-insensitive, readWrite, returned by default, not unique).
 *
 * @example
 * ```ts
 * import { type AttributeOptions, attr } from '@scim/schemas';
 * const unique: AttributeOptions = { required: true, uniqueness: 'server' };
 * attr.string('badgeId', unique);
 * attr.string('employeeId', { ...unique, mutability: 'immutable' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.2
 */
export interface AttributeOptions {
  /** Whether the attribute holds a list of values (default `false`). */
  readonly multiValued?: boolean;
  /** Whether the attribute is required (default `false`). */
  readonly required?: boolean;
  /** A human-readable description. */
  readonly description?: string;
  /** Whether string values compare case-sensitively (default `false`). */
  readonly caseExact?: boolean;
  /** When the attribute may be written (default `readWrite`). */
  readonly mutability?: Mutability;
  /** When the attribute is returned (default `default`). */
  readonly returned?: Returned;
  /** How unique values must be (default `none`). */
  readonly uniqueness?: Uniqueness;
  /** Suggested values. */
  readonly canonicalValues?: readonly string[];
  /** For `reference` attributes: what it may reference (default `["external"]`). */
  readonly referenceTypes?: readonly string[];
}

/**
 * The attribute definition an attribute builder returns: the name, type, `multiValued`, `required`
 * and sub-attributes kept as literal types (so that static types can be inferred), every other
 * characteristic filled in.
 *
 * @example
 * ```ts
 * const badge: BuiltAttribute<'badgeId', 'string', { required: true }> = attr.string('badgeId', { required: true });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.2
 */
export type BuiltAttribute<
  N extends string,
  T extends AttributeType,
  O extends AttributeOptions,
  S extends readonly AttributeDefinition[] | undefined = undefined,
> = Simplify<
  Omit<AttributeDefinition, 'name' | 'type' | 'multiValued' | 'required' | 'subAttributes'> & {
    /** The attribute's name, as a literal type. */
    readonly name: N;
    /** The attribute's data type, as a literal type. */
    readonly type: T;
    /** `true` when the options say so, else `false`. */
    readonly multiValued: O['multiValued'] extends true ? true : false;
    /** `true` when the options say so, else `false`. */
    readonly required: O['required'] extends true ? true : false;
  } & (S extends readonly AttributeDefinition[]
      ? {
          /** The sub-attributes of a complex attribute, as a literal tuple type. */
          readonly subAttributes: S;
        }
      : unknown)
>;

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$|^\$ref$/;

function build(
  name: string,
  type: AttributeType,
  options: AttributeOptions,
  subAttributes?: readonly AttributeDefinition[],
): AttributeDefinition {
  if (!NAME.test(name)) {
    throw new ScimError(
      'invalidValue',
      `attribute name "${name}" is not valid: start with a letter, then letters, digits, "-" or "_" (RFC 7643 section 2.1)`,
    );
  }
  const definition: AttributeDefinition = {
    name,
    type,
    multiValued: options.multiValued ?? false,
    ...(options.description === undefined ? {} : { description: options.description }),
    required: options.required ?? false,
    caseExact: options.caseExact ?? false,
    mutability: options.mutability ?? 'readWrite',
    returned: options.returned ?? 'default',
    uniqueness: options.uniqueness ?? 'none',
    ...(options.canonicalValues === undefined ? {} : { canonicalValues: options.canonicalValues }),
    ...(type === 'reference' ? { referenceTypes: options.referenceTypes ?? ['external'] } : {}),
    ...(subAttributes === undefined ? {} : { subAttributes }),
  };
  return definition;
}

function scalar<T extends Exclude<AttributeType, 'complex'>>(type: T) {
  return <const N extends string, const O extends AttributeOptions = Record<never, never>>(
    name: N,
    options?: O,
  ): BuiltAttribute<N, T, O> => build(name, type, options ?? {}) as BuiltAttribute<N, T, O>;
}

/**
 * Builders of attribute definitions for custom schemas, one per RFC 7643 section 2.3 data type,
 * filling in section 2.2's defaults.
 *
 * @example
 * ```ts
 * import { attr } from '@scim/schemas';
 * attr.string('badgeId', { required: true, caseExact: true });
 * attr.complex('office', [attr.string('building'), attr.integer('floor')], { multiValued: true });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.2
 */
export const attr = {
  /** A string attribute. */
  string: scalar('string'),
  /** A boolean attribute. */
  boolean: scalar('boolean'),
  /** A decimal attribute. */
  decimal: scalar('decimal'),
  /** An integer attribute. */
  integer: scalar('integer'),
  /** A dateTime attribute (xsd:dateTime). */
  dateTime: scalar('dateTime'),
  /** A reference attribute (a URI); `referenceTypes` defaults to `["external"]`. */
  reference: scalar('reference'),
  /** A binary attribute (base64). */
  binary: scalar('binary'),
  /** A complex attribute with its sub-attributes (which may not be complex themselves, RFC 7643 section 2.3.8). */
  complex: <
    const N extends string,
    const S extends readonly AttributeDefinition[],
    const O extends AttributeOptions = Record<never, never>,
  >(
    name: N,
    subAttributes: S,
    options?: O,
  ): BuiltAttribute<N, 'complex', O, S> => {
    for (const sub of subAttributes) {
      if (sub.type === 'complex') {
        throw new ScimError(
          'invalidValue',
          `sub-attribute ${name}.${sub.name} is complex, which RFC 7643 section 2.3.8 forbids; flatten it into ${name}`,
        );
      }
    }
    return build(name, 'complex', options ?? {}, subAttributes) as BuiltAttribute<N, 'complex', O, S>;
  },
};

/**
 * Checks and returns a custom (extension) schema definition: a URN id, a name and the attributes,
 * usually built with {@link attr}. The literal types are kept, so `SchemaAttributes<typeof schema>`
 * gives its static type.
 *
 * @param schema - the schema: `id` (a URN), `name`, optional `description`, `attributes`
 * @returns the same schema, typed precisely
 * @throws ScimError `invalidValue` when the id is not a URN or two attributes share a name (case-insensitively)
 * @example
 * ```ts
 * import { attr, defineSchema } from '@scim/schemas';
 * export const hoxhuntUser = defineSchema({
 *   id: 'urn:ietf:params:scim:schemas:extension:Hoxhunt:1.0:User',
 *   name: 'HoxhuntUser',
 *   attributes: [attr.string('badgeId', { required: true }), attr.boolean('trainingEnabled')],
 * });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3.3
 */
export function defineSchema<const S extends SchemaDefinition>(schema: S): S {
  if (!/^urn:[a-z0-9][a-z0-9-]{0,31}:\S+$/i.test(schema.id)) {
    throw new ScimError(
      'invalidValue',
      `schema id "${schema.id}" is not a URN; use one such as urn:ietf:params:scim:schemas:extension:<vendor>:1.0:User`,
    );
  }
  const check = (list: readonly AttributeDefinition[], where: string) => {
    const seen = new Set<string>();
    for (const a of list) {
      const key = a.name.toLowerCase();
      if (seen.has(key)) {
        throw new ScimError(
          'invalidValue',
          `${where} defines "${a.name}" twice (names are case-insensitive, RFC 7643 section 2.1); rename one`,
        );
      }
      seen.add(key);
      if (a.subAttributes) check(a.subAttributes, `${where}.${a.name}`);
    }
  };
  check(schema.attributes, schema.id);
  return schema;
}

/**
 * The static type an extension adds to a resource: its attributes under its URN, required when the
 * extension is.
 *
 * @example
 * ```ts
 * type HoxhuntUser = User & ExtensionOf<typeof hoxhuntUser>;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3.3
 */
export type ExtensionOf<S extends SchemaDefinition, Required extends boolean = false> = Required extends true
  ? { [K in S['id']]: SchemaAttributes<S> }
  : { [K in S['id']]?: SchemaAttributes<S> };

/**
 * Adds an extension schema to a resource type definition (RFC 7643 section 6, `schemaExtensions`).
 *
 * @param resourceType - the resource type, for example `userResourceType`
 * @param extension - the extension schema, from {@link defineSchema}
 * @param options - whether every resource of the type must carry the extension (default `false`)
 * @returns a new resource type definition
 * @throws ScimError `invalidValue` when the resource type already has that extension
 * @example
 * ```ts
 * import { extendResourceType, userResourceType } from '@scim/schemas';
 * const hoxhuntUserType = extendResourceType(userResourceType, hoxhuntUser, { required: true });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export function extendResourceType(
  resourceType: ResourceTypeDefinition,
  extension: SchemaDefinition,
  options: { readonly required?: boolean } = {},
): ResourceTypeDefinition {
  if (resourceType.schemaExtensions.some((e) => e.schema.toLowerCase() === extension.id.toLowerCase())) {
    throw new ScimError(
      'invalidValue',
      `resource type ${resourceType.name} already has the extension ${extension.id}; add it once`,
    );
  }
  return {
    ...resourceType,
    schemaExtensions: [
      ...resourceType.schemaExtensions,
      { schema: extension.id, required: options.required ?? false },
    ],
  };
}

/**
 * Adds an extension schema to a {@link ResourceSchema}: the runtime side of
 * {@link extendResourceType}, ready for {@link createResourceParser}.
 *
 * @param base - the resource schema, for example `userResourceSchema`
 * @param extension - the extension schema, from {@link defineSchema}
 * @param options - whether every resource of the type must carry the extension (default `false`)
 * @returns a new resource schema with the extension
 * @throws ScimError `invalidValue` when the resource type already has that extension
 * @example
 * ```ts
 * import { createResourceParser, extendResourceSchema, userResourceSchema } from '@scim/schemas';
 * import type { ExtensionOf, User } from '@scim/schemas';
 * const schema = extendResourceSchema(userResourceSchema, hoxhuntUser, { required: true });
 * const parser = createResourceParser<User & ExtensionOf<typeof hoxhuntUser, true>>(schema, { context: 'create' });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export function extendResourceSchema(
  base: ResourceSchema,
  extension: SchemaDefinition,
  options: { readonly required?: boolean } = {},
): ResourceSchema {
  const resourceType = extendResourceType(base.resourceType, extension, options);
  return createResourceSchema(resourceType, [base.core, ...base.extensions.map((e) => e.schema), extension]);
}

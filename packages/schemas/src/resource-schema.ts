import { commonAttributes, groupResourceType, userResourceType } from './definitions/common.ts';
import { enterpriseUserSchema, groupSchema, userSchema } from './definitions/rfc7643.ts';
import type { AttributeDefinition, ResourceTypeDefinition, SchemaDefinition } from './definitions/types.ts';
import { ScimError } from './errors.ts';

/**
 * An attribute found in a {@link ResourceSchema}, with where it lives.
 *
 * @example
 * ```ts
 * const found = userResourceSchema.resolvePath('name.givenName');
 * found?.definition.type; // 'string'
 * found?.path; // 'name.givenName'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.10
 */
export interface ResolvedAttribute {
  /** The attribute's definition. */
  readonly definition: AttributeDefinition;
  /**
   * The URN of the schema the attribute belongs to: the core schema's, an extension's, or
   * `undefined` for the common attributes `id`, `externalId` and `meta` (RFC 7643 section 3.1).
   */
  readonly schemaUrn: string | undefined;
  /** Whether the attribute lives in an extension object (`resource[schemaUrn][name]`). */
  readonly inExtension: boolean;
  /** The parent complex attribute, for a sub-attribute. */
  readonly parent: ResolvedAttribute | undefined;
  /** The canonical path: `userName`, `name.givenName`, `urn:...:enterprise:2.0:User:manager.value`. */
  readonly path: string;
}

/**
 * The schema of one resource type (its core schema, its extensions and the common attributes)
 * with case-insensitive attribute lookup, as filters, PATCH paths, projection and validation need.
 *
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * userResourceSchema.resolvePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value');
 * userResourceSchema.resolvePath('EMAILS.Value')?.path; // 'emails.value'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.1
 */
export interface ResourceSchema {
  /** The resource type. */
  readonly resourceType: ResourceTypeDefinition;
  /** The core schema. */
  readonly core: SchemaDefinition;
  /** The extension schemas, with whether each is required. */
  readonly extensions: readonly {
    /** The extension schema. */
    readonly schema: SchemaDefinition;
    /** Whether every resource of the type must carry it. */
    readonly required: boolean;
  }[];
  /** Every schema URN of the resource type: the core one first. */
  readonly schemaUrns: readonly string[];
  /**
   * Finds a schema of this resource type by URN, case-insensitively.
   * @param urn - a schema URN
   */
  schema(urn: string): SchemaDefinition | undefined;
  /**
   * Finds a top-level attribute by name, case-insensitively: in the schema `urn` when given,
   * else among the common attributes and the core schema's.
   * @param name - the attribute name
   * @param urn - the schema URN, for extension attributes
   */
  attribute(name: string, urn?: string): ResolvedAttribute | undefined;
  /**
   * Finds a sub-attribute of a complex attribute by name, case-insensitively.
   * @param parent - the complex attribute
   * @param name - the sub-attribute's name
   */
  subAttribute(parent: ResolvedAttribute, name: string): ResolvedAttribute | undefined;
  /**
   * Splits a URN-prefixed attribute path (`urn:...:User:manager.value`) into its schema URN and
   * the rest, when it starts with one of this resource type's schema URNs.
   * @param path - an attribute path
   * @returns the canonical URN and the rest of the path, or `undefined` when there is no known URN prefix
   */
  splitUrn(path: string):
    | {
        /** The schema URN, canonical. */
        readonly urn: string;
        /** The rest of the path, after the URN and its colon. */
        readonly rest: string;
      }
    | undefined;
  /**
   * Resolves a dotted attribute path (`name.givenName`, `emails.value`, `urn:...:User:manager.value`),
   * without filters, case-insensitively.
   * @param path - the attribute path
   * @returns the attribute, or `undefined` when the schema lacks it
   */
  resolvePath(path: string): ResolvedAttribute | undefined;
}

function byName(list: readonly AttributeDefinition[]): Map<string, AttributeDefinition> {
  return new Map(list.map((a) => [a.name.toLowerCase(), a]));
}

/**
 * Builds the {@link ResourceSchema} of a resource type from its schema definitions.
 *
 * @param resourceType - the resource type definition
 * @param schemas - the schema definitions: the core schema and every extension it names
 * @returns the resource schema
 * @throws ScimError (`invalidValue`) when a schema the resource type names is missing
 * @example
 * ```ts
 * import { createResourceSchema, userResourceType, userSchema, enterpriseUserSchema } from '@scim/schemas';
 * const users = createResourceSchema(userResourceType, [userSchema, enterpriseUserSchema]);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export function createResourceSchema(
  resourceType: ResourceTypeDefinition,
  schemas: readonly SchemaDefinition[],
): ResourceSchema {
  const byUrn = new Map(schemas.map((s) => [s.id.toLowerCase(), s]));
  const need = (urn: string): SchemaDefinition => {
    const found = byUrn.get(urn.toLowerCase());
    if (!found) {
      throw new ScimError(
        'invalidValue',
        `resource type ${resourceType.name} names schema ${urn}, but no definition of it was given; pass it in the schemas list`,
      );
    }
    return found;
  };
  const core = need(resourceType.schema);
  const extensions = resourceType.schemaExtensions.map((e) => ({
    schema: need(e.schema),
    required: e.required,
  }));
  const coreAttrs = byName(core.attributes);
  const common = byName(commonAttributes);
  const extAttrs = new Map(extensions.map((e) => [e.schema.id.toLowerCase(), byName(e.schema.attributes)]));
  // Longest URN first, so that a URN that prefixes another never shadows it.
  const urns = [core.id, ...extensions.map((e) => e.schema.id)].sort((a, b) => b.length - a.length);
  // Resolved paths only: there are as many as the schemas have attributes (names are lower-cased),
  // while the paths that resolve to nothing are as many as clients care to send.
  const cache = new Map<string, ResolvedAttribute>();

  const top = (definition: AttributeDefinition, schemaUrn: string | undefined, inExtension: boolean) => ({
    definition,
    schemaUrn,
    inExtension,
    parent: undefined,
    path: inExtension ? `${schemaUrn}:${definition.name}` : definition.name,
  });

  const schema: ResourceSchema = {
    resourceType,
    core,
    extensions,
    schemaUrns: [core.id, ...extensions.map((e) => e.schema.id)],
    schema: (urn) => byUrn.get(urn.toLowerCase()),
    attribute(name, urn) {
      const key = name.toLowerCase();
      if (urn !== undefined) {
        const lower = urn.toLowerCase();
        if (lower === core.id.toLowerCase()) {
          const d = coreAttrs.get(key);
          return d ? top(d, core.id, false) : undefined;
        }
        const attrs = extAttrs.get(lower);
        const d = attrs?.get(key);
        return d ? top(d, byUrn.get(lower)!.id, true) : undefined;
      }
      const c = common.get(key);
      if (c) return top(c, undefined, false);
      const d = coreAttrs.get(key);
      return d ? top(d, core.id, false) : undefined;
    },
    subAttribute(parent, name) {
      const subs = parent.definition.subAttributes;
      if (!subs) return undefined;
      const key = name.toLowerCase();
      const d = subs.find((s) => s.name.toLowerCase() === key);
      if (!d) return undefined;
      return {
        definition: d,
        schemaUrn: parent.schemaUrn,
        inExtension: parent.inExtension,
        parent,
        path: `${parent.path}.${d.name}`,
      };
    },
    splitUrn(path) {
      const lower = path.toLowerCase();
      for (const urn of urns) {
        const u = urn.toLowerCase();
        if (lower.startsWith(u) && (lower.length === u.length || lower[u.length] === ':')) {
          return { urn, rest: path.slice(urn.length + 1) };
        }
      }
      return undefined;
    },
    resolvePath(path) {
      const key = path.toLowerCase();
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      let found: ResolvedAttribute | undefined;
      const split = schema.splitUrn(path);
      const rest = split ? split.rest : path;
      const [name, sub, ...more] = rest.split('.');
      if (name && more.length === 0) {
        const attr = schema.attribute(name, split?.urn);
        found = attr && sub !== undefined ? schema.subAttribute(attr, sub) : attr;
      }
      if (found !== undefined) cache.set(key, found);
      return found;
    },
  };
  return schema;
}

/**
 * The User resource type's schema: core User, the Enterprise User extension, and the common
 * attributes.
 *
 * @example
 * ```ts
 * import { userResourceSchema } from '@scim/schemas';
 * userResourceSchema.resolvePath('userName')?.definition.caseExact; // false
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.1
 */
export const userResourceSchema: ResourceSchema = createResourceSchema(userResourceType, [
  userSchema,
  enterpriseUserSchema,
]);

/**
 * The Group resource type's schema: core Group and the common attributes.
 *
 * @example
 * ```ts
 * import { groupResourceSchema } from '@scim/schemas';
 * groupResourceSchema.resolvePath('members.value')?.definition.mutability; // 'immutable'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.2
 */
export const groupResourceSchema: ResourceSchema = createResourceSchema(groupResourceType, [groupSchema]);

import type { AttributeDefinition, SchemaDefinition } from './definitions/types.ts';
import { ScimError } from './errors.ts';
import { createResourceSchema, type ResourceSchema } from './resource-schema.ts';

/** What to keep of one schema: whole top-level attributes, or some sub-attributes of one. */
type Kept = Map<string, true | Set<string>>;

function keep(kept: Kept, name: string, sub: string | undefined): void {
  const key = name.toLowerCase();
  const already = kept.get(key);
  if (already === true) return;
  if (sub === undefined) {
    kept.set(key, true);
    return;
  }
  const subs = already ?? new Set<string>();
  subs.add(sub.toLowerCase());
  kept.set(key, subs);
}

function pickSchema(schema: SchemaDefinition, kept: Kept | undefined): SchemaDefinition | undefined {
  const attributes: AttributeDefinition[] = [];
  for (const attribute of schema.attributes) {
    const wanted = kept?.get(attribute.name.toLowerCase());
    // A schema's own required attributes (`userName`) stay: a resource without them is invalid.
    if (wanted === true || attribute.required) {
      attributes.push(attribute);
    } else if (wanted !== undefined) {
      const subAttributes = (attribute.subAttributes ?? []).filter(
        (s) => s.required || wanted.has(s.name.toLowerCase()),
      );
      attributes.push({ ...attribute, subAttributes });
    }
  }
  return attributes.length === 0 ? undefined : { ...schema, attributes };
}

/**
 * Narrows a resource type's schema to the attributes an application keeps, so that `/Schemas`
 * advertises exactly those (RFC 7644 section 4): a top-level name keeps the attribute whole
 * (`name`, `emails`), a `parent.sub` path keeps only that sub-attribute (`name.givenName`), and
 * an extension attribute is named with its URN
 * (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`). The schemas' own
 * required attributes (`userName`, a group's `displayName`) and the common attributes (`id`,
 * `externalId`, `meta`) always stay; an extension none of whose attributes is kept is dropped from
 * the resource type. Pass the same list as `policies.allowedAttributes` to `createScimHandler`,
 * so that what is advertised and what is stored agree.
 *
 * @param schema - the resource schema, for example `userResourceSchema`
 * @param paths - the attribute paths to keep, matched case-insensitively
 * @returns a new resource schema with only those attributes
 * @throws ScimError `invalidValue` for a path that names no attribute of the schema, or a
 * `parent.sub` path whose parent has no such sub-attribute
 * @example
 * ```ts
 * import { pickAttributes, userResourceSchema } from '@scim/schemas';
 * const kept = ['userName', 'active', 'displayName', 'name.givenName', 'name.familyName', 'emails'];
 * const users = pickAttributes(userResourceSchema, kept);
 * users.resolvePath('title'); // undefined: /Schemas no longer lists it
 * users.schemaUrns; // ['urn:ietf:params:scim:schemas:core:2.0:User']
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-4
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export function pickAttributes(schema: ResourceSchema, paths: readonly string[]): ResourceSchema {
  const kept = new Map<string, Kept>();
  for (const path of paths) {
    const found = schema.resolvePath(path);
    if (found === undefined) {
      throw new ScimError(
        'invalidValue',
        `pickAttributes: "${path}" names no attribute of ${schema.resourceType.name}; use a name from its schemas, such as ${schema.core.attributes[0]?.name ?? 'userName'}`,
      );
    }
    if (found.schemaUrn === undefined) continue; // id, externalId, meta: always there
    const top = found.parent ?? found;
    const urn = found.schemaUrn.toLowerCase();
    const forSchema = kept.get(urn) ?? new Map();
    keep(forSchema, top.definition.name, found.parent ? found.definition.name : undefined);
    kept.set(urn, forSchema);
  }
  const core = pickSchema(schema.core, kept.get(schema.core.id.toLowerCase())) ?? {
    ...schema.core,
    attributes: [],
  };
  const extensions = schema.extensions.flatMap((e) => {
    const picked = pickSchema(e.schema, kept.get(e.schema.id.toLowerCase()));
    return picked === undefined ? [] : [{ schema: picked, required: e.required }];
  });
  const resourceType = {
    ...schema.resourceType,
    schemaExtensions: schema.resourceType.schemaExtensions.filter((e) =>
      extensions.some((x) => x.schema.id.toLowerCase() === e.schema.toLowerCase()),
    ),
  };
  return createResourceSchema(resourceType, [core, ...extensions.map((e) => e.schema)]);
}

import type { commonAttributes } from './definitions/common.ts';
import type {
  enterpriseUserSchema,
  groupSchema,
  resourceTypeSchema,
  schemaSchema,
  serviceProviderConfigSchema,
  userSchema,
} from './definitions/rfc7643.ts';
import type { AttributeDefinition, AttributeType, SchemaDefinition } from './definitions/types.ts';
import type { URN } from './urns.ts';

/**
 * Flattens an intersection into one object type, so that editor hovers show plain properties.
 *
 * @example
 * ```ts
 * type AB = Simplify<{ a: 1 } & { b: 2 }>; // { a: 1; b: 2 }
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2
 */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The TypeScript type of a single value of a SCIM data type (RFC 7643 section 2.3): `string` for
 * string, reference, binary and dateTime, `number` for integer and decimal, `boolean` for boolean.
 *
 * @example
 * ```ts
 * import type { ScalarValue } from '@scim/schemas';
 * type Active = ScalarValue<'boolean'>; // boolean
 * type Created = ScalarValue<'dateTime'>; // string, ISO 8601
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.3
 */
export type ScalarValue<T extends AttributeType> = T extends 'boolean'
  ? boolean
  : T extends 'integer' | 'decimal'
    ? number
    : T extends 'complex'
      ? Record<string, unknown>
      : string;

/**
 * The value type of one attribute definition: a scalar, a complex object built from its
 * sub-attributes, or an array of either when `multiValued`.
 *
 * @example
 * ```ts
 * type Emails = AttributeValue<(typeof userSchema)['attributes'][number] & { name: 'emails' }>;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.4
 */
export type AttributeValue<A extends AttributeDefinition> = A['multiValued'] extends true
  ? SingleValue<A>[]
  : SingleValue<A>;

/**
 * One value of an attribute, ignoring `multiValued`.
 *
 * @example
 * ```ts
 * type Email = SingleValue<(typeof userSchema)['attributes'][number] & { name: 'emails' }>;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.3
 */
export type SingleValue<A extends AttributeDefinition> = A extends {
  /** A complex attribute... */
  readonly type: 'complex';
  /** ...with its sub-attributes. */
  readonly subAttributes: infer S extends readonly AttributeDefinition[];
}
  ? AttributesObject<S>
  : ScalarValue<A['type']>;

/**
 * The object type of a list of attribute definitions: one property per attribute, required where
 * the definition says `required: true`, optional otherwise.
 *
 * @example
 * ```ts
 * type Name = AttributesObject<(typeof userSchema)['attributes'][1]['subAttributes']>;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export type AttributesObject<S extends readonly AttributeDefinition[]> = Simplify<
  {
    [A in S[number] as A['required'] extends true ? A['name'] : never]: AttributeValue<A>;
  } & {
    [A in S[number] as A['required'] extends true ? never : A['name']]?: AttributeValue<A>;
  }
>;

/**
 * The object type of a schema definition's attributes (without `schemas` and the common
 * attributes): what an extension object under its URN holds.
 *
 * @example
 * ```ts
 * import { enterpriseUserSchema } from '@scim/schemas';
 * type Enterprise = SchemaAttributes<typeof enterpriseUserSchema>;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export type SchemaAttributes<S extends SchemaDefinition> = AttributesObject<S['attributes']>;

/**
 * The resource metadata of RFC 7643 section 3.1 (`meta`): resource type, created, lastModified,
 * location and version.
 *
 * @example
 * ```ts
 * import { type Meta, userResponseParser } from '@scim/schemas';
 * const meta: Meta | undefined = userResponseParser.parse(body).value.meta;
 * meta?.version; // 'W/"3694e05e9dff591"': send it back in If-Match to update only that version
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3.1
 */
export type Meta = SingleValue<(typeof commonAttributes)[2]>;

/**
 * The common attributes every resource has (RFC 7643 section 3.1) plus `schemas`: `id`,
 * `externalId` and `meta`, all optional (they are readOnly or set by the client at will).
 *
 * @example
 * ```ts
 * import { type CommonAttributes, groupResponseParser, userResponseParser } from '@scim/schemas';
 * const where = (resource: CommonAttributes) => resource.meta?.location ?? resource.id;
 * where(userResponseParser.parse(body).value);
 * where(groupResponseParser.parse(body).value);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3.1
 */
export type CommonAttributes = Simplify<
  {
    /** The schema URNs the resource uses: the core schema's and its extensions'. */
    schemas: string[];
  } & AttributesObject<typeof commonAttributes>
>;

/**
 * A resource of a core schema with optional extensions: `schemas`, the common attributes, the core
 * schema's attributes, and each extension's attributes under its URN.
 *
 * @example
 * ```ts
 * type MyUser = ScimResource<typeof userSchema, { [URN.EnterpriseUser]: EnterpriseUser }>;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3
 */
export type ScimResource<
  Core extends SchemaDefinition,
  Extensions extends object = Record<never, never>,
> = Simplify<CommonAttributes & SchemaAttributes<Core> & Partial<Extensions>>;

/**
 * The Enterprise User extension's attributes (RFC 7643 section 4.3), as they appear under
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User` in a User.
 *
 * @example
 * ```ts
 * import { type EnterpriseUser, URN, userCreateParser } from '@scim/schemas';
 * const { value: user } = userCreateParser.parse(body);
 * const enterprise: EnterpriseUser | undefined = user[URN.EnterpriseUser];
 * enterprise?.manager?.value; // the manager's id
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.3
 */
export type EnterpriseUser = SchemaAttributes<typeof enterpriseUserSchema>;

/**
 * A User resource (RFC 7643 section 4.1), with the Enterprise User extension under its URN.
 *
 * @example
 * ```ts
 * import { type User, userCreateParser } from '@scim/schemas';
 * const user: User = userCreateParser.parse(body).value;
 * user.emails?.find((e) => e.primary)?.value;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.1
 */
export type User = ScimResource<
  typeof userSchema,
  {
    /** The Enterprise User extension's attributes. */
    [URN.EnterpriseUser]: EnterpriseUser;
  }
>;

/**
 * A Group resource (RFC 7643 section 4.2).
 *
 * @example
 * ```ts
 * import { type Group, groupCreateParser } from '@scim/schemas';
 * const group: Group = groupCreateParser.parse(body).value;
 * const memberIds = group.members?.map((m) => m.value) ?? [];
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.2
 */
export type Group = ScimResource<typeof groupSchema>;

/**
 * The service provider configuration served at `/ServiceProviderConfig` (RFC 7643 section 5).
 *
 * @example
 * ```ts
 * import { type ServiceProviderConfig, serviceProviderConfigParser } from '@scim/schemas';
 * const response = await fetch('https://example.com/scim/v2/ServiceProviderConfig');
 * const config: ServiceProviderConfig = serviceProviderConfigParser.parse(await response.json()).value;
 * if (!config.patch.supported) throw new Error('this client needs PATCH');
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-5
 */
export type ServiceProviderConfig = ScimResource<typeof serviceProviderConfigSchema>;

/**
 * A resource type as served at `/ResourceTypes` (RFC 7643 section 6).
 *
 * @example
 * ```ts
 * import { parseListResponse, type ResourceType, resourceTypeParser } from '@scim/schemas';
 * const response = await fetch('https://example.com/scim/v2/ResourceTypes');
 * const types: ResourceType[] = (parseListResponse(await response.json()).Resources ?? []).map(
 *   (r) => resourceTypeParser.parse(r).value,
 * );
 * types.map((t) => t.endpoint); // ['/Users', '/Groups']
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export type ResourceType = ScimResource<typeof resourceTypeSchema>;

/**
 * A schema as served at `/Schemas` (RFC 7643 section 7).
 *
 * @example
 * ```ts
 * import { type Schema, schemaParser } from '@scim/schemas';
 * const response = await fetch('https://example.com/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
 * const schema: Schema = schemaParser.parse(await response.json()).value;
 * schema.attributes.map((a) => a.name); // ['userName', 'name', ...]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export type Schema = ScimResource<typeof schemaSchema>;

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
 * const n: ScalarValue<'integer'> = 42;
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
 * const meta: Meta = { resourceType: 'User', created: '2010-01-23T04:56:22Z', location: 'https://example.com/v2/Users/1' };
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
 * const common: CommonAttributes = { schemas: [URN.User], id: '2819c223', meta: { resourceType: 'User' } };
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
 * const enterprise: EnterpriseUser = { employeeNumber: '701984', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.3
 */
export type EnterpriseUser = SchemaAttributes<typeof enterpriseUserSchema>;

/**
 * A User resource (RFC 7643 section 4.1), with the Enterprise User extension under its URN.
 *
 * @example
 * ```ts
 * const user: User = { schemas: [URN.User], userName: 'bjensen', name: { givenName: 'Barbara' } };
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
 * const group: Group = { schemas: [URN.Group], displayName: 'Tour Guides', members: [{ value: '2819c223' }] };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.2
 */
export type Group = ScimResource<typeof groupSchema>;

/**
 * The service provider configuration served at `/ServiceProviderConfig` (RFC 7643 section 5).
 *
 * @example
 * ```ts
 * const spc: ServiceProviderConfig = { schemas: [URN.ServiceProviderConfig], patch: { supported: true }, ... };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-5
 */
export type ServiceProviderConfig = ScimResource<typeof serviceProviderConfigSchema>;

/**
 * A resource type as served at `/ResourceTypes` (RFC 7643 section 6).
 *
 * @example
 * ```ts
 * const rt: ResourceType = { schemas: [URN.ResourceType], name: 'User', endpoint: '/Users', schema: URN.User, schemaExtensions: [] };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export type ResourceType = ScimResource<typeof resourceTypeSchema>;

/**
 * A schema as served at `/Schemas` (RFC 7643 section 7).
 *
 * @example
 * ```ts
 * const s: Schema = { schemas: [URN.Schema], id: URN.Group, name: 'Group', attributes: [] };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export type Schema = ScimResource<typeof schemaSchema>;

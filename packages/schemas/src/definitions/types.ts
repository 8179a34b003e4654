/**
 * The data types a SCIM attribute can have (RFC 7643 section 2.3).
 *
 * @example
 * ```ts
 * import { type AttributeType, userResourceSchema } from '@scim/schemas';
 * const type: AttributeType | undefined = userResourceSchema.resolvePath('active')?.definition.type; // 'boolean'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.3
 */
export type AttributeType =
  | 'string'
  | 'boolean'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'reference'
  | 'binary'
  | 'complex';

/**
 * Whether and when an attribute may be written (RFC 7643 section 7, `mutability`).
 *
 * @example
 * ```ts
 * import { attr, type Mutability, userResourceSchema } from '@scim/schemas';
 * const mutability: Mutability | undefined = userResourceSchema.resolvePath('id')?.definition.mutability; // 'readOnly'
 * attr.string('employeeId', { mutability: 'immutable' }); // set once, on create
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';

/**
 * When an attribute is returned in a response (RFC 7643 section 7, `returned`).
 *
 * @example
 * ```ts
 * import { attr, type Returned, userResourceSchema } from '@scim/schemas';
 * const returned: Returned | undefined = userResourceSchema.resolvePath('password')?.definition.returned; // 'never'
 * attr.string('badgeId', { returned: 'request' }); // only when ?attributes=badgeId asks for it
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export type Returned = 'always' | 'never' | 'default' | 'request';

/**
 * How unique an attribute's value must be (RFC 7643 section 7, `uniqueness`).
 *
 * @example
 * ```ts
 * import { attr, type Uniqueness, userResourceSchema } from '@scim/schemas';
 * const uniqueness: Uniqueness | undefined = userResourceSchema.resolvePath('userName')?.definition.uniqueness; // 'server'
 * attr.string('badgeId', { uniqueness: 'server' }); // a duplicate gets 409 uniqueness
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export type Uniqueness = 'none' | 'server' | 'global';

/**
 * An attribute definition with every characteristic of RFC 7643 section 7 spelled out
 * (defaults from section 2.2 filled in). Sub-attributes are present only on `complex` attributes.
 *
 * @example
 * ```ts
 * import { type AttributeDefinition, userResourceSchema } from '@scim/schemas';
 * const definition: AttributeDefinition | undefined = userResourceSchema.resolvePath('emails.type')?.definition;
 * definition?.canonicalValues; // ['work', 'home', 'other']
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export interface AttributeDefinition {
  /** The attribute's canonical name (RFC 7643 section 2.1: matched case-insensitively). */
  readonly name: string;
  /** The attribute's data type. */
  readonly type: AttributeType;
  /** Whether the attribute holds a list of values. */
  readonly multiValued: boolean;
  /** A human-readable description. */
  readonly description?: string;
  /** Whether the attribute is required. */
  readonly required: boolean;
  /** Whether string values are compared case-sensitively. */
  readonly caseExact: boolean;
  /** When the attribute may be written. */
  readonly mutability: Mutability;
  /** When the attribute is returned. */
  readonly returned: Returned;
  /** How unique values must be. */
  readonly uniqueness: Uniqueness;
  /** Suggested values, for example `["work", "home", "other"]`. */
  readonly canonicalValues?: readonly string[];
  /** For `reference` attributes: the resource types or `external` / `uri` it may reference. */
  readonly referenceTypes?: readonly string[];
  /** For `complex` attributes: the sub-attributes. */
  readonly subAttributes?: readonly AttributeDefinition[];
}

/**
 * A schema definition as RFC 7643 section 7 represents it: an id (URN), a name, a description
 * and the top-level attribute definitions.
 *
 * @example
 * ```ts
 * import { userSchema } from '@scim/schemas';
 * userSchema.attributes.map((a) => a.name); // ['userName', 'name', ...]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export interface SchemaDefinition {
  /** The schema URN, for example `urn:ietf:params:scim:schemas:core:2.0:User`. */
  readonly id: string;
  /** A human-readable name, for example `User`. */
  readonly name: string;
  /** A human-readable description. */
  readonly description?: string;
  /** The schema's top-level attributes. */
  readonly attributes: readonly AttributeDefinition[];
}

/**
 * A schema extension of a resource type (RFC 7643 section 6, `schemaExtensions`).
 *
 * @example
 * ```ts
 * import { extendResourceType, type SchemaExtensionReference, userResourceType } from '@scim/schemas';
 * const hoxhuntUserType = extendResourceType(userResourceType, hoxhuntUser, { required: true });
 * const extensions: readonly SchemaExtensionReference[] = hoxhuntUserType.schemaExtensions;
 * // [{ schema: URN.EnterpriseUser, required: false }, { schema: hoxhuntUser.id, required: true }]
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export interface SchemaExtensionReference {
  /** The extension schema's URN. */
  readonly schema: string;
  /** Whether every resource of the type must carry the extension. */
  readonly required: boolean;
}

/**
 * A resource type definition (RFC 7643 section 6): the endpoint, the core schema and extensions.
 *
 * @example
 * ```ts
 * import { userResourceType } from '@scim/schemas';
 * userResourceType.endpoint; // '/Users'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export interface ResourceTypeDefinition {
  /** The resource type's id, usually equal to its name. */
  readonly id: string;
  /** The resource type's name, used in `meta.resourceType`, for example `User`. */
  readonly name: string;
  /** The endpoint path relative to the base URL, for example `/Users`. */
  readonly endpoint: string;
  /** A human-readable description. */
  readonly description?: string;
  /** The core schema's URN. */
  readonly schema: string;
  /** The schema extensions that apply to this resource type. */
  readonly schemaExtensions: readonly SchemaExtensionReference[];
}

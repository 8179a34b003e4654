import { URN } from '../urns.ts';
import type { AttributeDefinition, ResourceTypeDefinition } from './types.ts';

const commonAttributesData = [
  {
    name: 'id',
    type: 'string',
    multiValued: false,
    description: 'A unique identifier for a SCIM resource as defined by the service provider.',
    required: false,
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  },
  {
    name: 'externalId',
    type: 'string',
    multiValued: false,
    description: 'A String that is an identifier for the resource as defined by the provisioning client.',
    required: false,
    caseExact: true,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
  },
  {
    name: 'meta',
    type: 'complex',
    multiValued: false,
    description: 'A complex attribute containing resource metadata.',
    required: false,
    caseExact: false,
    mutability: 'readOnly',
    returned: 'default',
    uniqueness: 'none',
    subAttributes: [
      {
        name: 'resourceType',
        type: 'string',
        multiValued: false,
        description: 'The name of the resource type of the resource.',
        required: false,
        caseExact: true,
        mutability: 'readOnly',
        returned: 'default',
        uniqueness: 'none',
      },
      {
        name: 'created',
        type: 'dateTime',
        multiValued: false,
        description: 'The "DateTime" that the resource was added to the service provider.',
        required: false,
        caseExact: false,
        mutability: 'readOnly',
        returned: 'default',
        uniqueness: 'none',
      },
      {
        name: 'lastModified',
        type: 'dateTime',
        multiValued: false,
        description:
          'The most recent DateTime that the details of this resource were updated at the service provider.',
        required: false,
        caseExact: false,
        mutability: 'readOnly',
        returned: 'default',
        uniqueness: 'none',
      },
      {
        name: 'location',
        type: 'reference',
        multiValued: false,
        description: 'The URI of the resource being returned.',
        required: false,
        caseExact: true,
        mutability: 'readOnly',
        returned: 'default',
        uniqueness: 'none',
        referenceTypes: ['uri'],
      },
      {
        name: 'version',
        type: 'string',
        multiValued: false,
        description: 'The version of the resource being returned.',
        required: false,
        caseExact: true,
        mutability: 'readOnly',
        returned: 'default',
        uniqueness: 'none',
      },
    ],
  },
] as const satisfies readonly AttributeDefinition[];

const userResourceTypeData = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: URN.User,
  schemaExtensions: [{ schema: URN.EnterpriseUser, required: false }],
} as const satisfies ResourceTypeDefinition;

/**
 * The literal type of {@link userResourceType}, the type that constant is declared with:
 * it stays in the published declarations, and typedoc hides it.
 * @hidden
 */
export type UserResourceTypeLiteral = typeof userResourceTypeData;

/**
 * The User resource type (RFC 7643 section 6 and 8.6), extended by the Enterprise User schema.
 *
 * @example
 * ```ts
 * import { userResourceType } from '@scim/schemas';
 * userResourceType.schemaExtensions[0]?.schema; // URN.EnterpriseUser
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-8.6
 */
export const userResourceType: UserResourceTypeLiteral = userResourceTypeData;

/**
 * The literal type of {@link commonAttributes}, the type that constant is declared with:
 * it stays in the published declarations, and typedoc hides it.
 * @hidden
 */
export type CommonAttributesLiteral = typeof commonAttributesData;

/**
 * The attributes every resource has, whatever its schema (RFC 7643 section 3.1): `id`,
 * `externalId` and `meta`. They belong to no schema URN and are never listed in a schema's
 * `attributes`.
 *
 * @example
 * ```ts
 * import { commonAttributes } from '@scim/schemas';
 * commonAttributes.find((a) => a.name === 'id')?.returned; // 'always'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-3.1
 */
export const commonAttributes: CommonAttributesLiteral = commonAttributesData;

const groupResourceTypeData = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: URN.Group,
  schemaExtensions: [],
} as const satisfies ResourceTypeDefinition;

/**
 * The literal type of {@link groupResourceType}, the type that constant is declared with:
 * it stays in the published declarations, and typedoc hides it.
 * @hidden
 */
export type GroupResourceTypeLiteral = typeof groupResourceTypeData;

/**
 * The Group resource type (RFC 7643 section 6 and 8.6).
 *
 * @example
 * ```ts
 * import { groupResourceType } from '@scim/schemas';
 * groupResourceType.endpoint; // '/Groups'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-8.6
 */
export const groupResourceType: GroupResourceTypeLiteral = groupResourceTypeData;

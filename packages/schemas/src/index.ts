/**
 * Typed SCIM 2.0 schemas: the RFC 7643 schema definitions as data, zod schemas derived from them
 * for every request and response context, TypeScript types, protocol messages, and the SDK's one
 * error type, {@link ScimError}.
 *
 * @example
 * ```ts
 * import { URN, userSchema, ScimError } from '@scim/schemas';
 * import type { User, Group, EnterpriseUser, ListResponse, PatchOp } from '@scim/schemas';
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643
 * @packageDocumentation
 */
export {
  type CommonAttributesLiteral,
  commonAttributes,
  type GroupResourceTypeLiteral,
  groupResourceType,
  type UserResourceTypeLiteral,
  userResourceType,
} from './definitions/common.ts';
export {
  type EnterpriseUserSchemaLiteral,
  enterpriseUserSchema,
  type GroupSchemaLiteral,
  groupSchema,
  type ResourceTypeSchemaLiteral,
  resourceTypeSchema,
  type SchemaSchemaLiteral,
  type ServiceProviderConfigSchemaLiteral,
  schemaSchema,
  serviceProviderConfigSchema,
  type UserSchemaLiteral,
  userSchema,
} from './definitions/rfc7643.ts';
export type {
  AttributeDefinition,
  AttributeType,
  Mutability,
  ResourceTypeDefinition,
  Returned,
  SchemaDefinition,
  SchemaExtensionReference,
  Uniqueness,
} from './definitions/types.ts';
export { resourceTypeParser, schemaParser, serviceProviderConfigParser } from './discovery.ts';
export {
  isScimError,
  type SafeResult,
  ScimError,
  type ScimErrorBody,
  type ScimErrorCatalogEntry,
  type ScimErrorCode,
  type ScimErrorOptions,
  type ScimType,
  scimErrorCatalog,
  type TextPosition,
} from './errors.ts';
export {
  type AttributeOptions,
  attr,
  type BuiltAttribute,
  defineSchema,
  type ExtensionOf,
  extendResourceSchema,
  extendResourceType,
} from './extensions.ts';
export {
  type BulkOperation,
  type BulkOperationResponse,
  type BulkRequest,
  type BulkResponse,
  bulkRequestSchema,
  bulkResponseSchema,
  type ErrorResponse,
  errorResponseSchema,
  type ListResponse,
  listResponseSchema,
  type ParsePatchOpOptions,
  type PatchOp,
  type PatchOperation,
  parseBulkRequest,
  parseBulkResponse,
  parseErrorResponse,
  parseListResponse,
  parsePatchOp,
  parseSearchRequest,
  patchOpSchema,
  type SearchRequest,
  safeParseBulkRequest,
  safeParseBulkResponse,
  safeParseErrorResponse,
  safeParseListResponse,
  safeParsePatchOp,
  safeParseSearchRequest,
  searchRequestSchema,
} from './messages.ts';
export type {
  AttributesObject,
  AttributeValue,
  CommonAttributes,
  EnterpriseUser,
  Group,
  Meta,
  ResourceType,
  ScalarValue,
  Schema,
  SchemaAttributes,
  ScimResource,
  ServiceProviderConfig,
  Simplify,
  SingleValue,
  User,
} from './model.ts';
export type {
  GeneratedScimComponents,
  GeneratedScimOperations,
  GeneratedScimPaths,
  ScimComponents,
  ScimOperations,
  ScimPaths,
} from './openapi.ts';
export {
  createResourceParser,
  groupCreateParser,
  groupPatchValueParser,
  groupReplaceParser,
  groupResponseParser,
  type ParseContext,
  type ResourceParseResult,
  type ResourceParser,
  type ResourceParserOptions,
  resourceZodSchema,
  userCreateParser,
  userPatchValueParser,
  userReplaceParser,
  userResponseParser,
} from './parser.ts';
export { pickAttributes } from './pick.ts';
export {
  createResourceSchema,
  groupResourceSchema,
  type ResolvedAttribute,
  type ResourceSchema,
  userResourceSchema,
} from './resource-schema.ts';
export { type KnownUrn, MICROSOFT_GROUP_URN, URN } from './urns.ts';

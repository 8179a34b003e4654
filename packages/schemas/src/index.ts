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
export * from './definitions/common.ts';
export * from './definitions/rfc7643.ts';
export type * from './definitions/types.ts';
export * from './discovery.ts';
export * from './errors.ts';
export * from './extensions.ts';
export * from './messages.ts';
export type * from './model.ts';
export type * from './openapi.ts';
export * from './parser.ts';
export { pickAttributes } from './pick.ts';
export * from './resource-schema.ts';
export * from './urns.ts';

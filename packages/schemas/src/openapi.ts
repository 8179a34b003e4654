import type { components, operations, paths } from './openapi.generated.ts';

// The generated interfaces themselves, exported (and `@hidden` from typedoc) only so that the
// documented aliases below reference exported types; use the aliases.
export type {
  components as GeneratedScimComponents,
  operations as GeneratedScimOperations,
  paths as GeneratedScimPaths,
} from './openapi.generated.ts';

/**
 * The paths of the SCIM 2.0 HTTP API, as openapi-typescript generates them from this package's
 * `openapi.json` (itself generated from the schema definitions): use them with a typed fetch client
 * such as openapi-fetch.
 *
 * @example
 * ```ts
 * import createClient from 'openapi-fetch';
 * import type { ScimPaths } from '@scim/schemas';
 * const scim = createClient<ScimPaths>({ baseUrl: 'https://example.com/scim/v2' });
 * const { data } = await scim.GET('/Users/{id}', { params: { path: { id: '2819c223' } } });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3.2
 */
export type ScimPaths = paths;

/**
 * The components (schemas, responses) of the generated SCIM 2.0 OpenAPI description.
 *
 * @example
 * ```ts
 * import type { ScimComponents } from '@scim/schemas';
 * type UserBody = ScimComponents['schemas']['UserCreateRequest'];
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-4.1
 */
export type ScimComponents = components;

/**
 * The operations of the generated SCIM 2.0 OpenAPI description, by operationId (`createUser`,
 * `patchGroup`, ...).
 *
 * @example
 * ```ts
 * import type { ScimOperations } from '@scim/schemas';
 * type CreateUser = ScimOperations['createUser'];
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 */
export type ScimOperations = operations;

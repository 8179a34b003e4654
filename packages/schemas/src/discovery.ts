import { resourceTypeSchema, schemaSchema, serviceProviderConfigSchema } from './definitions/rfc7643.ts';
import type { ResourceType, Schema, ServiceProviderConfig } from './model.ts';
import { createResourceParser, type ResourceParser } from './parser.ts';
import { createResourceSchema } from './resource-schema.ts';

const discovery = (
  name: string,
  endpoint: string,
  schema: typeof schemaSchema | typeof resourceTypeSchema | typeof serviceProviderConfigSchema,
) => createResourceSchema({ id: name, name, endpoint, schema: schema.id, schemaExtensions: [] }, [schema]);

/**
 * Parses the service provider configuration a server returns at `/ServiceProviderConfig`.
 *
 * @example
 * ```ts
 * import { serviceProviderConfigParser } from '@scim/schemas';
 * serviceProviderConfigParser.parse(await (await fetch('https://example.com/scim/v2/ServiceProviderConfig')).json()).value.patch.supported;
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-5
 */
export const serviceProviderConfigParser: ResourceParser<ServiceProviderConfig> =
  createResourceParser<ServiceProviderConfig>(
    discovery('ServiceProviderConfig', '/ServiceProviderConfig', serviceProviderConfigSchema),
    { context: 'response' },
  );

/**
 * Parses a resource type a server returns at `/ResourceTypes`.
 *
 * @example
 * ```ts
 * import { resourceTypeParser } from '@scim/schemas';
 * resourceTypeParser.parse(body).value.endpoint; // '/Users'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export const resourceTypeParser: ResourceParser<ResourceType> = createResourceParser<ResourceType>(
  discovery('ResourceType', '/ResourceTypes', resourceTypeSchema),
  { context: 'response' },
);

/**
 * Parses a schema a server returns at `/Schemas`.
 *
 * @example
 * ```ts
 * import { schemaParser } from '@scim/schemas';
 * schemaParser.parse(body).value.attributes.map((a) => a.name);
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-7
 */
export const schemaParser: ResourceParser<Schema> = createResourceParser<Schema>(
  discovery('Schema', '/Schemas', schemaSchema),
  { context: 'response' },
);

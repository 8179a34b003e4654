import { type SchemaDefinition, ScimError, URN } from '@scim/schemas';
import { jsonReply, type PlainReply } from '../pipeline.ts';
import type { ResolvedConfig } from './config.ts';

type Json = Record<string, unknown>;

function list(resources: readonly Json[]): Json {
  return {
    schemas: [URN.ListResponse],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** `/ServiceProviderConfig`: what this server really supports (RFC 7643 section 5). @internal */
export function serviceProviderConfig(config: ResolvedConfig, base: string): Json {
  return {
    schemas: [URN.ServiceProviderConfig],
    ...(config.options.documentationUri === undefined
      ? {}
      : { documentationUri: config.options.documentationUri }),
    patch: { supported: true },
    bulk:
      config.bulk === undefined
        ? { supported: false, maxOperations: 0, maxPayloadSize: 0 }
        : {
            supported: true,
            maxOperations: config.bulk.maxOperations,
            maxPayloadSize: config.bulk.maxPayloadSize,
          },
    filter: { supported: true, maxResults: config.maxPageSize },
    changePassword: { supported: false },
    sort: { supported: true },
    // RFC 9865: cursor paging beside index paging (index stays the default).
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: config.defaultPageSize,
      maxPageSize: config.maxPageSize,
      cursorTimeout: config.cursorTimeout,
    },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication with a bearer token issued for the tenant (RFC 6750).',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${base}/ServiceProviderConfig`,
    },
  };
}

function schemas(config: ResolvedConfig): SchemaDefinition[] {
  const seen = new Map<string, SchemaDefinition>();
  for (const t of config.types) {
    for (const s of [t.schema.core, ...t.schema.extensions.map((e) => e.schema)]) {
      if (!seen.has(s.id)) seen.set(s.id, s);
    }
  }
  return [...seen.values()];
}

function schemaJson(s: SchemaDefinition, base: string): Json {
  return {
    schemas: [URN.Schema],
    id: s.id,
    name: s.name,
    ...(s.description === undefined ? {} : { description: s.description }),
    attributes: s.attributes,
    meta: { resourceType: 'Schema', location: `${base}/Schemas/${s.id}` },
  };
}

function resourceTypeJson(config: ResolvedConfig, index: number, base: string): Json {
  const t = config.types[index]!;
  const rt = t.schema.resourceType;
  return {
    schemas: [URN.ResourceType],
    id: rt.id,
    name: rt.name,
    endpoint: `/${t.segment}`,
    ...(rt.description === undefined ? {} : { description: rt.description }),
    schema: rt.schema,
    schemaExtensions: rt.schemaExtensions.map((e) => ({ schema: e.schema, required: e.required })),
    meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/${rt.id}` },
  };
}

/** A discovery endpoint (the first path segment, lower case). @internal */
export type DiscoveryEndpoint = 'serviceproviderconfig' | 'schemas' | 'resourcetypes';

/** The key of a document in the cache of {@link discovery}. @internal */
export function discoveryKey(base: string, endpoint: DiscoveryEndpoint, id: string | undefined): string {
  return `${endpoint}\u0000${id?.toLowerCase() ?? ''}\u0000${base}`;
}

/**
 * The serialized document of `/ServiceProviderConfig`, `/Schemas[/{id}]` or `/ResourceTypes[/{id}]`.
 * Throws `notFound` for an unknown id. @internal
 */
export function discoveryText(
  config: ResolvedConfig,
  base: string,
  endpoint: DiscoveryEndpoint,
  id: string | undefined,
): string {
  return JSON.stringify(build(config, base, endpoint, id));
}

/** The most documents {@link discovery} keeps (one per base URL and document): the cache of a server reached under many hosts stays bounded. @internal */
export const DISCOVERY_CACHE_LIMIT = 1000;

/**
 * Serves a discovery endpoint (GET only). The documents depend only on the configuration and the
 * base URL, so each reply is made once and kept in `cache` (up to {@link DISCOVERY_CACHE_LIMIT}),
 * its body as UTF-8 bytes: the Node adapter then writes them as they are, with no per-request
 * measuring (`Content-Length`) or encoding of the text, which for `/Schemas` (24 KB) cost more
 * than the rest of the request. The reply is frozen; the pipeline copies it to add a header.
 * @internal
 */
export function discovery(
  config: ResolvedConfig,
  base: string,
  endpoint: DiscoveryEndpoint,
  id: string | undefined,
  cache?: Map<string, PlainReply>,
): PlainReply {
  const key = discoveryKey(base, endpoint, id);
  const hit = cache?.get(key);
  if (hit !== undefined) return hit;
  const text = discoveryText(config, base, endpoint, id);
  const reply = jsonReply(200, text);
  const kept: PlainReply = Object.freeze({
    status: reply.status,
    headers: Object.freeze(reply.headers),
    body: ENCODER.encode(text),
  });
  if (cache !== undefined) {
    if (cache.size >= DISCOVERY_CACHE_LIMIT) cache.clear();
    cache.set(key, kept);
  }
  return kept;
}

const ENCODER = new TextEncoder();

function build(
  config: ResolvedConfig,
  base: string,
  endpoint: DiscoveryEndpoint,
  id: string | undefined,
): Json {
  if (endpoint === 'serviceproviderconfig') {
    if (id !== undefined) throw new ScimError('notFound', `/ServiceProviderConfig has no sub-resources`);
    return serviceProviderConfig(config, base);
  }
  if (endpoint === 'schemas') {
    const all = schemas(config);
    if (id === undefined) return list(all.map((s) => schemaJson(s, base)));
    const found = all.find((s) => s.id.toLowerCase() === id.toLowerCase());
    if (found === undefined)
      throw new ScimError('notFound', `schema ${id} not found; GET /Schemas lists them`);
    return schemaJson(found, base);
  }
  const all = config.types.map((_, i) => resourceTypeJson(config, i, base));
  if (id === undefined) return list(all);
  const found = all.find((r) => String(r.id).toLowerCase() === id.toLowerCase());
  if (found === undefined)
    throw new ScimError('notFound', `resource type ${id} not found; GET /ResourceTypes lists them`);
  return found;
}

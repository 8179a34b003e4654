// Builds the OpenAPI 3.1 description of the SCIM 2.0 HTTP API (RFC 7644) from the schema
// definitions, and the `paths` types openapi-typescript generates from it. Used by
// generate-openapi.ts (writes the files) and test/openapi.test.ts (checks they are up to date).
import { z } from 'zod';
import {
  bulkRequestSchema,
  bulkResponseSchema,
  errorResponseSchema,
  groupResourceSchema,
  listResponseSchema,
  patchOpSchema,
  type ResourceSchema,
  resourceTypeParser,
  resourceZodSchema,
  schemaParser,
  searchRequestSchema,
  serviceProviderConfigParser,
  userResourceSchema,
} from '../src/index.ts';

type Json = Record<string, unknown>;

const MEDIA = 'application/scim+json';
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

function listOf(name: string): Json {
  return {
    allOf: [
      ref('ListResponse'),
      { type: 'object', properties: { Resources: { type: 'array', items: ref(name) } } },
    ],
  };
}

const body = (name: string, description: string) => ({
  required: true,
  description,
  content: { [MEDIA]: { schema: ref(name) } },
});
const ok = (name: string, description: string) => ({
  description,
  content: { [MEDIA]: { schema: ref(name) } },
});
const errors = (...codes: string[]) =>
  Object.fromEntries(codes.map((c) => [c, { $ref: `#/components/responses/${c}` }]));
const common = ['400', '401', '403', '500'];

const queryParameters = [
  {
    name: 'filter',
    description: 'A filter expression (RFC 7644 section 3.4.2.2), e.g. userName eq "bjensen".',
  },
  {
    name: 'attributes',
    description: 'Comma-separated attribute paths to return (RFC 7644 section 3.4.2.5).',
  },
  { name: 'excludedAttributes', description: 'Comma-separated attribute paths to leave out.' },
  { name: 'sortBy', description: 'The attribute to sort by (RFC 7644 section 3.4.2.3).' },
  {
    name: 'sortOrder',
    description: 'ascending or descending.',
    schema: { enum: ['ascending', 'descending'] },
  },
  {
    name: 'startIndex',
    description: 'The 1-based index of the first result.',
    schema: { type: 'integer', minimum: 1 },
  },
  {
    name: 'count',
    description: 'The maximum number of results per page (a negative value means 0).',
    schema: { type: 'integer' },
  },
  {
    name: 'cursor',
    description:
      'Cursor paging (RFC 9865 section 2): empty for the first page, then the nextCursor of the previous page.',
    allowEmptyValue: true,
  },
].map(({ schema, ...p }) => ({ ...p, in: 'query', required: false, schema: schema ?? { type: 'string' } }));

const projection = queryParameters.filter((p) => p.name === 'attributes' || p.name === 'excludedAttributes');

function resourcePaths(resource: ResourceSchema): [string, Json][] {
  const { name, endpoint } = resource.resourceType;
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  return [
    [
      endpoint,
      {
        get: {
          operationId: `list${name}s`,
          summary: `Query ${name}s (RFC 7644 section 3.4.2)`,
          tags: [name],
          parameters: queryParameters,
          responses: { 200: ok(`${name}ListResponse`, `A page of ${name}s`), ...errors(...common) },
        },
        post: {
          operationId: `create${name}`,
          summary: `Create a ${name} (RFC 7644 section 3.3)`,
          tags: [name],
          requestBody: body(`${name}CreateRequest`, `The new ${name}`),
          responses: { 201: ok(name, `The ${name} as created`), ...errors(...common, '409') },
        },
      },
    ],
    [
      `${endpoint}/.search`,
      {
        post: {
          operationId: `search${name}s`,
          summary: `Query ${name}s with POST (RFC 7644 section 3.4.3)`,
          tags: [name],
          requestBody: body('SearchRequest', 'The query'),
          responses: { 200: ok(`${name}ListResponse`, `A page of ${name}s`), ...errors(...common) },
        },
      },
    ],
    [
      `${endpoint}/{id}`,
      {
        parameters: [idParam],
        get: {
          operationId: `get${name}`,
          summary: `Retrieve a ${name} (RFC 7644 section 3.4.1)`,
          tags: [name],
          parameters: projection,
          responses: { 200: ok(name, `The ${name}`), ...errors(...common, '404') },
        },
        put: {
          operationId: `replace${name}`,
          summary: `Replace a ${name} (RFC 7644 section 3.5.1)`,
          tags: [name],
          requestBody: body(`${name}ReplaceRequest`, `The ${name}'s new state`),
          responses: { 200: ok(name, `The ${name} as replaced`), ...errors(...common, '404', '409', '412') },
        },
        patch: {
          operationId: `patch${name}`,
          summary: `Modify a ${name} (RFC 7644 section 3.5.2)`,
          tags: [name],
          requestBody: body('PatchOp', 'The operations'),
          responses: {
            200: ok(name, `The ${name} as modified`),
            204: { description: 'Modified; no body' },
            ...errors(...common, '404', '409', '412'),
          },
        },
        delete: {
          operationId: `delete${name}`,
          summary: `Delete a ${name} (RFC 7644 section 3.6)`,
          tags: [name],
          responses: { 204: { description: 'Deleted' }, ...errors(...common, '404', '412') },
        },
      },
    ],
  ];
}

/**
 * The OpenAPI 3.1 document of the SCIM 2.0 API, generated from the schema definitions.
 * @internal
 */
export function buildOpenApiDocument(): Json {
  const resources = [userResourceSchema, groupResourceSchema];
  const schemas: Json = {};
  for (const r of resources) {
    const name = r.resourceType.name;
    schemas[name] = jsonSchema(resourceZodSchema(r, 'response'));
    schemas[`${name}CreateRequest`] = jsonSchema(resourceZodSchema(r, 'create'));
    schemas[`${name}ReplaceRequest`] = jsonSchema(resourceZodSchema(r, 'replace'));
    schemas[`${name}ListResponse`] = listOf(name);
  }
  schemas.ServiceProviderConfig = jsonSchema(serviceProviderConfigParser.zod);
  schemas.ResourceType = jsonSchema(resourceTypeParser.zod);
  schemas.Schema = jsonSchema(schemaParser.zod);
  schemas.ResourceTypeListResponse = listOf('ResourceType');
  schemas.SchemaListResponse = listOf('Schema');
  schemas.ListResponse = jsonSchema(listResponseSchema);
  schemas.SearchRequest = jsonSchema(searchRequestSchema);
  schemas.PatchOp = jsonSchema(patchOpSchema);
  schemas.BulkRequest = jsonSchema(bulkRequestSchema);
  schemas.BulkResponse = jsonSchema(bulkResponseSchema);
  schemas.Error = jsonSchema(errorResponseSchema);

  const errorText: Record<string, string> = {
    400: 'Bad request; scimType says why (RFC 7644 section 3.12)',
    401: 'Missing or invalid bearer token',
    403: 'Not allowed',
    404: 'No such resource',
    409: 'Uniqueness conflict',
    412: 'The resource changed (ETag mismatch)',
    413: 'Payload too large',
    500: 'Internal error',
  };
  const responses = Object.fromEntries(
    Object.entries(errorText).map(([code, description]) => [code, ok('Error', description)]),
  );

  const user = resourcePaths(userResourceSchema);
  const me: Json = {};
  for (const [method, op] of Object.entries(user[2]![1])) {
    if (method === 'parameters') continue;
    const o = op as Json;
    me[method] = {
      ...o,
      operationId: `${method}Me`,
      summary: `${String(o.summary).replace(/ \(RFC.*$/, '')} for the authenticated subject (RFC 7644 section 3.11)`,
      tags: ['Me'],
    };
  }

  const paths: Json = Object.fromEntries([
    ...user,
    ...resourcePaths(groupResourceSchema),
    [
      '/.search',
      {
        post: {
          operationId: 'searchAll',
          summary: 'Query every resource type (RFC 7644 section 3.4.3)',
          tags: ['Search'],
          requestBody: body('SearchRequest', 'The query'),
          responses: { 200: ok('ListResponse', 'A page of resources'), ...errors(...common) },
        },
      },
    ],
    [
      '/Bulk',
      {
        post: {
          operationId: 'bulk',
          summary: 'Run several operations in one request (RFC 7644 section 3.7)',
          tags: ['Bulk'],
          requestBody: body('BulkRequest', 'The operations'),
          responses: { 200: ok('BulkResponse', 'The result of each operation'), ...errors(...common, '413') },
        },
      },
    ],
    ['/Me', me],
    [
      '/ServiceProviderConfig',
      {
        get: {
          operationId: 'getServiceProviderConfig',
          summary: "The service provider's configuration (RFC 7644 section 4)",
          tags: ['Discovery'],
          security: [],
          responses: { 200: ok('ServiceProviderConfig', 'The configuration'), ...errors('500') },
        },
      },
    ],
    [
      '/ResourceTypes',
      {
        get: {
          operationId: 'listResourceTypes',
          summary: 'The resource types (RFC 7644 section 4)',
          tags: ['Discovery'],
          security: [],
          responses: { 200: ok('ResourceTypeListResponse', 'Every resource type'), ...errors('500') },
        },
      },
    ],
    [
      '/ResourceTypes/{name}',
      {
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getResourceType',
          summary: 'One resource type (RFC 7644 section 4)',
          tags: ['Discovery'],
          security: [],
          responses: { 200: ok('ResourceType', 'The resource type'), ...errors('404', '500') },
        },
      },
    ],
    [
      '/Schemas',
      {
        get: {
          operationId: 'listSchemas',
          summary: 'The schemas (RFC 7644 section 4)',
          tags: ['Discovery'],
          security: [],
          responses: { 200: ok('SchemaListResponse', 'Every schema'), ...errors('500') },
        },
      },
    ],
    [
      '/Schemas/{id}',
      {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getSchema',
          summary: 'One schema, by URN (RFC 7644 section 4)',
          tags: ['Discovery'],
          security: [],
          responses: { 200: ok('Schema', 'The schema'), ...errors('404', '500') },
        },
      },
    ],
  ]);

  return {
    openapi: '3.1.0',
    info: {
      title: 'SCIM 2.0',
      version: '2.0',
      description:
        'The SCIM 2.0 protocol (RFC 7644) with the core schemas of RFC 7643, generated by @scim/schemas from its schema definitions. Servers may serve it under any base URL.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    externalDocs: { url: 'https://datatracker.ietf.org/doc/html/rfc7644' },
    servers: [{ url: '/scim/v2' }],
    security: [{ bearer: [] }],
    tags: ['User', 'Group', 'Me', 'Search', 'Bulk', 'Discovery'].map((name) => ({ name })),
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

/** The document as written to openapi.json. @internal */
export function openApiJson(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

/** The TypeScript types openapi-typescript generates from the document. @internal */
export async function openApiTypes(): Promise<string> {
  const { astToString, default: openapiTS } = await import('openapi-typescript');
  const ast = await openapiTS(buildOpenApiDocument() as never);
  return [
    '// Generated by scripts/generate-openapi.ts from openapi.json with openapi-typescript: do not edit.',
    '// Run `pnpm --filter @scim/schemas generate` to regenerate.',
    // @hidden, not @internal: the published declarations keep them (the aliases name them), and
    // typedoc documents them through the ScimPaths / ScimComponents / ScimOperations aliases.
    astToString(ast).replace(
      /^export (interface|type) (paths|webhooks|components|\$defs|operations)\b/gm,
      '/** @hidden */\nexport $1 $2',
    ),
  ].join('\n');
}

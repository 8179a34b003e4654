import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, openApiJson, openApiTypes } from '../scripts/openapi.ts';

const root = new URL('..', import.meta.url);
const stale = 'is stale: run `pnpm --filter @scim/schemas generate` and commit the result';

describe('the generated OpenAPI description', () => {
  it('openapi.json is up to date with the definitions', () => {
    // Compared as data: the committed file is formatted by biome.
    const committed = JSON.parse(readFileSync(new URL('openapi.json', root), 'utf8'));
    expect(committed, `openapi.json ${stale}`).toEqual(JSON.parse(openApiJson()));
  });

  it('src/openapi.generated.ts is up to date with openapi.json', async () => {
    const committed = readFileSync(new URL('src/openapi.generated.ts', root), 'utf8');
    expect(committed, `src/openapi.generated.ts ${stale}`).toBe(await openApiTypes());
    // Generating the types (openapi-typescript, then biome) takes a few seconds on an idle machine
    // and more on a loaded one: the 5 s default made this a timing test.
  }, 60_000);

  it('describes every endpoint of RFC 7644 with bearer auth and Error responses', () => {
    const doc = buildOpenApiDocument() as {
      openapi: string;
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
      security: unknown;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/Users',
        '/Users/{id}',
        '/Users/.search',
        '/Groups',
        '/Groups/{id}',
        '/Groups/.search',
        '/.search',
        '/Bulk',
        '/Me',
        '/ServiceProviderConfig',
        '/ResourceTypes',
        '/Schemas',
      ]),
    );
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/Users/{id}']?.get?.responses?.['404']).toEqual({ $ref: '#/components/responses/404' });
    // Derived from the definitions: userName is required on create, readOnly id is not accepted.
    expect(doc.components.schemas.UserCreateRequest?.required).toContain('userName');
    expect(doc.components.schemas.UserCreateRequest?.properties).not.toHaveProperty('id');
    expect(doc.components.schemas.User?.properties).toHaveProperty('id');
    expect(doc.components.schemas.User?.properties).toHaveProperty([
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ]);
  });
});

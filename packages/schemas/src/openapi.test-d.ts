import { describe, expectTypeOf, it } from 'vitest';
import type { ScimComponents, ScimOperations, ScimPaths } from './openapi.ts';

describe('generated OpenAPI types', () => {
  it('type the SCIM endpoints from the definitions', () => {
    type CreateUserBody = ScimComponents['schemas']['UserCreateRequest'];
    expectTypeOf<CreateUserBody['userName']>().toEqualTypeOf<string>();
    expectTypeOf<CreateUserBody>().not.toHaveProperty('id');
    expectTypeOf<ScimComponents['schemas']['User']>().toHaveProperty('id');
    expectTypeOf<ScimPaths['/Users/{id}']['parameters']['path']>().toEqualTypeOf<{ id: string }>();
    type PatchBody = ScimOperations['patchGroup']['requestBody'];
    expectTypeOf<NonNullable<PatchBody>['content']['application/scim+json']>().toEqualTypeOf<
      ScimComponents['schemas']['PatchOp']
    >();
    expectTypeOf<ScimComponents['schemas']['Error']['status']>().toEqualTypeOf<string>();
  });
});

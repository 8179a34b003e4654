import { describe, expectTypeOf, it } from 'vitest';
import type { ListResponse, PatchOp } from './messages.ts';
import type { EnterpriseUser, Group, Meta, ServiceProviderConfig, User } from './model.ts';
import { URN } from './urns.ts';

describe('inferred resource types', () => {
  it('infers User from the definitions', () => {
    expectTypeOf<User['userName']>().toEqualTypeOf<string>();
    expectTypeOf<User['active']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<NonNullable<User['emails']>[number]['value']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<NonNullable<User['name']>>().toHaveProperty('givenName');
    expectTypeOf<User[typeof URN.EnterpriseUser]>().toEqualTypeOf<EnterpriseUser | undefined>();
    expectTypeOf<Meta['created']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Group['displayName']>().toEqualTypeOf<string>();
    expectTypeOf<{ schemas: string[]; userName: string }>().toExtend<User>();
    expectTypeOf<{ schemas: string[] }>().not.toExtend<User>();
  });
});

describe('message types', () => {
  it('accept what consumers write', () => {
    const user: User = { schemas: [URN.User], userName: 'bjensen' };
    const list: ListResponse<User> = { schemas: [URN.ListResponse], totalResults: 1, Resources: [user] };
    const patch: PatchOp = {
      schemas: [URN.PatchOp],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    };
    expectTypeOf(list.Resources).toEqualTypeOf<User[] | undefined>();
    expectTypeOf(patch.Operations[0]!.op).toEqualTypeOf<'add' | 'remove' | 'replace'>();
    // @ts-expect-error: op is lower case in the type; parsePatchOp normalizes Entra's "Replace"
    const entra: PatchOp = { schemas: [URN.PatchOp], Operations: [{ op: 'Replace', path: 'active' }] };
    void entra;
    const spc: ServiceProviderConfig['bulk'] = {
      supported: true,
      maxOperations: 1000,
      maxPayloadSize: 1048576,
    };
    expectTypeOf(spc.maxOperations).toEqualTypeOf<number>();
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildAddMembersPatch,
  buildRemoveMembersPatch,
  buildUserPatch,
  dialectOf,
  PATCH_OP,
} from './dialect.ts';

// The expected bodies are Microsoft's examples in "Known issues and resolutions with SCIM 2.0
// protocol compliance" (without and with the aadOptscim062020 flag) and "Develop and plan
// provisioning for a SCIM endpoint".
const EMPLOYEE_NUMBER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber';

describe('dialectOf', () => {
  it('selects the compliant dialect from the aadOptscim062020 flag', () => {
    expect(dialectOf('https://app.example.com/scim?aadOptscim062020')).toBe('compliant');
    expect(dialectOf('https://app.example.com/scim?tenant=1&aadOptscim062020')).toBe('compliant');
    expect(dialectOf('https://app.example.com/scim')).toBe('legacy');
    expect(dialectOf('https://app.example.com/aadOptscim062020')).toBe('legacy');
  });
});

describe('user PATCH bodies', () => {
  it('disables a user', () => {
    const change = [{ op: 'replace' as const, path: 'active', value: false }];
    expect(buildUserPatch('legacy', change)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(buildUserPatch('compliant', change)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
  });

  it('adds a single-value string attribute', () => {
    const change = [{ op: 'add' as const, path: 'nickName', value: 'Babs' }];
    expect(buildUserPatch('legacy', change).Operations).toEqual([
      { op: 'Add', path: 'nickName', value: 'Babs' },
    ]);
    expect(buildUserPatch('compliant', change).Operations).toEqual([
      { op: 'add', path: 'nickName', value: 'Babs' },
    ]);
  });

  it('replaces multiple attributes', () => {
    const changes = [
      { op: 'replace' as const, path: 'displayName', value: 'Pvlo' },
      {
        op: 'replace' as const,
        path: 'emails[type eq "work"].value',
        value: 'TestBcwqnm@test.microsoft.com',
      },
      { op: 'replace' as const, path: 'name.givenName', value: 'Gtfd' },
      { op: 'replace' as const, path: 'name.familyName', value: 'Pkqf' },
      { op: 'replace' as const, path: EMPLOYEE_NUMBER, value: 'Eqpj' },
    ];
    expect(buildUserPatch('legacy', changes).Operations).toEqual([
      { op: 'Replace', path: 'displayName', value: 'Pvlo' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
      { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
      { op: 'Replace', path: EMPLOYEE_NUMBER, value: 'Eqpj' },
    ]);
    expect(buildUserPatch('compliant', changes).Operations).toEqual([
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
      {
        op: 'replace',
        value: {
          displayName: 'Pvlo',
          'name.givenName': 'Gtfd',
          'name.familyName': 'Pkqf',
          [EMPLOYEE_NUMBER]: 'Eqpj',
        },
      },
    ]);
  });

  it('removes an attribute without a value', () => {
    expect(buildUserPatch('legacy', [{ op: 'remove', path: 'title' }]).Operations).toEqual([
      { op: 'Remove', path: 'title' },
    ]);
    expect(buildUserPatch('compliant', [{ op: 'remove', path: 'title' }]).Operations).toEqual([
      { op: 'remove', path: 'title' },
    ]);
  });
});

describe('group member PATCH bodies', () => {
  it('adds members', () => {
    expect(buildAddMembersPatch('legacy', ['f648f8d5ea4e4cd38e9c'])).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }],
    });
    expect(buildAddMembersPatch('compliant', ['a', 'b']).Operations).toEqual([
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
    ]);
  });

  it('removes members', () => {
    expect(buildRemoveMembersPatch('legacy', ['u1091'])).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u1091' }] }],
    });
    expect(buildRemoveMembersPatch('compliant', ['7f4bc1a3-285e-48ae-8202-5accb43efb0e', 'x"y'])).toEqual({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' },
        { op: 'remove', path: 'members[value eq "x\\"y"]' },
      ],
    });
  });
});

// The manager reference's $ref: the user's URL under the Tenant URL, without the feature flags.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { managerChange } from './references.ts';

const ENTERPRISE_MANAGER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager';

/** The $ref as the WHATWG URL API spells it, one URL per call. */
function expectedRef(tenantUrl: string, id: string): string {
  const url = new URL(tenantUrl);
  url.search = '';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/Users/${encodeURIComponent(id)}`;
  return url.toString();
}

describe('managerChange', () => {
  it('refers to the manager at {Tenant URL}/Users/{id}, without the query, for any id and Tenant URL', () => {
    const tenantUrls = [
      'https://scim.example.test/scim/v2',
      'https://scim.example.test/scim/v2/?aadOptscim062020',
      'https://scim.example.test',
      'http://localhost:8080/a%20b/scim//?x=1#part',
      'https://scim.example.test/sc im/ü/',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...tenantUrls), fc.string({ unit: 'grapheme' }), (tenantUrl, id) => {
        const change = managerChange(ENTERPRISE_MANAGER, id, tenantUrl);
        expect(change).toEqual({
          op: 'add',
          path: 'manager',
          value: [{ $ref: expectedRef(tenantUrl, id), value: id }],
        });
      }),
      {
        numRuns: 200,
        examples: [
          ['https://scim.example.test/scim/v2', '.'],
          ['https://scim.example.test/a/b/', '..'],
        ],
      },
    );
  });

  it('sends the bare id to a target that ends in .value', () => {
    expect(managerChange('manager.value', 'u1', 'https://scim.example.test/scim')).toEqual({
      op: 'add',
      path: 'manager.value',
      value: 'u1',
    });
  });
});

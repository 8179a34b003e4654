import { describe, expect, it } from 'vitest';
import {
  evaluateScopingClause,
  isInScope,
  SCOPING_OPERATORS,
  type ScopingClause,
  validateScopingFilters,
} from './scoping.ts';

const user = {
  department: 'Sales',
  employeeId: '1500000',
  accountEnabled: true,
  userType: 'Member',
  jobTitle: null,
  city: '',
  userPrincipalName: 'adele@contoso.com',
  proxyAddresses: ['SMTP:a@contoso.com'],
};
const holds = (clause: ScopingClause, object: Record<string, unknown> = user) =>
  evaluateScopingClause(clause, object);

describe('scoping clauses (every documented operator)', () => {
  it.each<[ScopingClause, boolean]>([
    [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }, true],
    [{ attribute: 'department', operator: 'EQUALS', value: 'sales' }, false], // case sensitive
    [{ attribute: 'department', operator: 'NOT EQUALS', value: 'sales' }, true],
    [{ attribute: 'department', operator: 'NOT EQUALS', value: 'Sales' }, false],
    [{ attribute: 'accountEnabled', operator: 'IS TRUE' }, true],
    [{ attribute: 'accountEnabled', operator: 'IS FALSE' }, false],
    [{ attribute: 'jobTitle', operator: 'IS NULL' }, true],
    [{ attribute: 'city', operator: 'IS NULL' }, true],
    [{ attribute: 'department', operator: 'IS NULL' }, false],
    [{ attribute: 'department', operator: 'IS NOT NULL' }, true],
    [{ attribute: 'jobTitle', operator: 'IS NOT NULL' }, false],
    [{ attribute: 'userPrincipalName', operator: 'REGEX MATCH', value: '.*\\@contoso.com' }, true],
    [{ attribute: 'userPrincipalName', operator: 'NOT REGEX MATCH', value: '.*\\@contoso.com' }, false],
    [{ attribute: 'jobTitle', operator: 'NOT REGEX MATCH', value: 'x' }, false], // null is false
    [{ attribute: 'employeeId', operator: 'Greater_Than', value: '1000000' }, true],
    [{ attribute: 'employeeId', operator: 'Greater_Than', value: '1500000' }, false],
    [{ attribute: 'employeeId', operator: 'Greater_Than_OR_EQUALS', value: '1500000' }, true],
    [{ attribute: 'department', operator: 'Greater_Than', value: '1' }, false], // not an integer
    [{ attribute: 'userPrincipalName', operator: 'ENDS_WITH', value: '@contoso.com' }, true],
    [{ attribute: 'userPrincipalName', operator: 'ENDS_WITH', value: '@CONTOSO.com' }, false],
    [{ attribute: 'userPrincipalName', operator: 'Includes', value: 'adele' }, true],
    [{ attribute: 'userPrincipalName', operator: 'Includes', value: 'Adele' }, false],
    [{ attribute: 'userType', operator: '&', value: 'Member,Guest' }, true],
    [{ attribute: 'userType', operator: '!&', value: 'Member,Guest' }, false],
    [{ attribute: 'userType', operator: '!&', value: 'Guest' }, true],
    [{ attribute: 'proxyAddresses', operator: 'IS NOT NULL' }, false], // multi-valued attributes are not filterable
    [{ attribute: 'DEPARTMENT', operator: 'EQUALS', value: 'Sales' }, true], // attribute names are case-insensitive
  ])('%j -> %s', (clause, expected) => {
    expect(holds(clause)).toBe(expected);
  });

  it('covers every operator in SCOPING_OPERATORS', () => {
    for (const operator of SCOPING_OPERATORS) {
      expect(typeof holds({ attribute: 'department', operator, value: 'Sales' })).toBe('boolean');
    }
    expect(SCOPING_OPERATORS).toHaveLength(14);
  });
});

describe('isInScope', () => {
  const sales = { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' } as const] };
  const seattle = {
    clauses: [
      { attribute: 'city', operator: 'EQUALS', value: 'Seattle' } as const,
      { attribute: 'accountEnabled', operator: 'IS TRUE' } as const,
    ],
  };
  it('passes everyone with no filters', () => expect(isInScope([], user)).toBe(true));
  it('ANDs clauses within a filter', () => {
    expect(isInScope([seattle], { ...user, city: 'Seattle' })).toBe(true);
    expect(isInScope([seattle], { ...user, city: 'Seattle', accountEnabled: false })).toBe(false);
  });
  it('ORs filters', () => {
    expect(isInScope([seattle, sales], user)).toBe(true);
    expect(isInScope([seattle, sales], { ...user, department: 'Retail' })).toBe(false);
  });
});

describe('validateScopingFilters', () => {
  it('rejects Greater_Than with a noninteger value as an invalid scoping rule', () => {
    // Provision on demand, step 3: "avoid using the Greater_Than operator with a noninteger value".
    const filter = (operator: 'Greater_Than' | 'Greater_Than_OR_EQUALS', value: string) => [
      { clauses: [{ attribute: 'employeeId', operator, value }] },
    ];
    expect(() => validateScopingFilters(filter('Greater_Than', 'abc'))).toThrow(/is not an integer/);
    expect(() => validateScopingFilters(filter('Greater_Than_OR_EQUALS', '1.5'))).toThrow(
      /is not an integer/,
    );
    expect(validateScopingFilters(filter('Greater_Than', '1000'))).toHaveLength(1);
  });
});

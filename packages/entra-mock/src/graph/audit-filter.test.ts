import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProvisioningObjectSummary } from '../logs/types.ts';
import { matchesAuditFilter, parseAuditFilter } from './audit-filter.ts';
import { GraphQueryError } from './odata.ts';

function entry(overrides: Partial<ProvisioningObjectSummary> = {}): ProvisioningObjectSummary {
  return {
    id: 'id-1',
    activityDateTime: '2026-03-02T08:00:00.000Z',
    tenantId: 'tenant',
    jobId: 'scim.tenant.app',
    cycleId: 'cycle-1',
    changeId: 'change-1',
    provisioningAction: 'create',
    durationInMilliseconds: 120,
    provisioningStatusInfo: { status: 'success', errorInformation: null },
    provisioningSteps: [],
    modifiedProperties: [],
    initiatedBy: { id: '', displayName: 'Azure AD Provisioning Service', initiatorType: 'system' },
    servicePrincipal: { id: 'app', displayName: 'Contoso' },
    sourceSystem: { id: '', displayName: 'Azure Active Directory', details: {} },
    targetSystem: { id: '', displayName: 'Contoso', details: {} },
    sourceIdentity: { id: 'user-1', displayName: 'Adele Vance', identityType: 'User', details: {} },
    targetIdentity: { id: 'scim-1', displayName: 'Adele Vance', identityType: 'User', details: {} },
    ...overrides,
  };
}

const matches = (filter: string, e = entry()) => matchesAuditFilter(e, parseAuditFilter(filter));

describe('provisioning-log $filter', () => {
  it('supports eq, contains, gt and lt joined by and, as Microsoft documents for provisioning logs', () => {
    expect(matches("provisioningAction eq 'create' and provisioningStatusInfo/status eq 'success'")).toBe(
      true,
    );
    expect(matches("contains(sourceIdentity/displayName, 'Vance')")).toBe(true);
    expect(
      matches('activityDateTime gt 2026-03-02T07:00:00Z and activityDateTime lt 2026-03-02T09:00:00Z'),
    ).toBe(true);
    expect(matches('activityDateTime gt 2026-03-02T08:00:00Z')).toBe(false);
    expect(matches('activityDateTime eq 2026-03-02T08:00:00Z')).toBe(true);
    expect(matches('durationInMilliseconds gt 100 and durationInMilliseconds lt 200')).toBe(true);
    expect(matches("servicePrincipal/id eq 'app' and jobId eq 'scim.tenant.app'")).toBe(true);
    expect(
      matches(
        "sourceIdentity/displayName eq 'O''Brien'",
        entry({
          sourceIdentity: { id: 'u', displayName: "O'Brien", identityType: 'User', details: {} },
        }),
      ),
    ).toBe(true);
  });

  it('compares case-sensitively, as documented ("The filters are all case sensitive")', () => {
    expect(matches("provisioningAction eq 'Create'")).toBe(false);
    expect(matches("contains(sourceIdentity/displayName, 'vance')")).toBe(false);
  });

  it('rejects undocumented operators and properties with 400 BadRequest "Invalid filter clause"', () => {
    for (const filter of [
      "provisioningAction ne 'create'",
      "startswith(jobId, 'scim')",
      "provisioningAction eq 'create' or jobId eq 'x'",
      "tenantId eq 'tenant'",
      "contains(servicePrincipal/displayName, 'Con')",
      'activityDateTime ge 2026-03-02T08:00:00Z',
      "activityDateTime gt '2026-03-02'",
      "(provisioningAction eq 'create')",
      'provisioningAction eq create',
      "ProvisioningAction eq 'create'",
      'durationInMilliseconds gt fast',
      '',
    ]) {
      let error: unknown;
      try {
        parseAuditFilter(filter);
      } catch (e) {
        error = e;
      }
      expect(error, filter).toBeInstanceOf(GraphQueryError);
      expect((error as GraphQueryError).status).toBe(400);
      expect((error as GraphQueryError).code).toBe('BadRequest');
      expect((error as GraphQueryError).message).toMatch(/^Invalid filter clause: /);
    }
  });

  it('never fails with anything but a 400 Graph error, whatever the text (property)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          parseAuditFilter(text);
        } catch (error) {
          return error instanceof GraphQueryError && error.status === 400;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('matches an entry against eq and contains clauses built from its own values (property)', () => {
    const value = fc.string({ minLength: 1 });
    fc.assert(
      fc.property(value, value, (jobId, name) => {
        const e = entry({
          jobId,
          sourceIdentity: { id: 'u', displayName: name, identityType: 'User', details: {} },
        });
        const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
        const middle = name.slice(Math.floor(name.length / 3), Math.ceil((2 * name.length) / 3));
        return (
          matches(`jobId eq ${quote(jobId)} and contains(sourceIdentity/displayName, ${quote(middle)})`, e) &&
          !matches(`jobId eq ${quote(`${jobId}x`)}`, e)
        );
      }),
      { numRuns: 300 },
    );
  });
});

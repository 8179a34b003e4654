import { describe, expect, it } from 'vitest';
import { formatProvisioningSummary, summarizeProvisioningLogs } from './summary-table.ts';
import type { ProvisioningObjectSummary } from './types.ts';

const entry = (action: string, type: 'User' | 'Group', status: string) =>
  ({
    provisioningAction: action,
    sourceIdentity: { identityType: type },
    provisioningStatusInfo: { status },
  }) as unknown as ProvisioningObjectSummary;

describe('the provisioning summary table', () => {
  it('counts entries by action, object type and status, with staged deletes only when there are some', () => {
    const rows = summarizeProvisioningLogs([
      entry('create', 'User', 'success'),
      entry('create', 'User', 'failure'),
      entry('create', 'Group', 'success'),
      entry('disable', 'User', 'success'),
      entry('other', 'User', 'skipped'),
    ]);
    expect(rows.map((r) => r.label)).toEqual(['Create', 'Update', 'Disable', 'Delete', 'Skip']);
    expect(rows[0]).toEqual({
      label: 'Create',
      action: 'create',
      users: 2,
      groups: 1,
      success: 2,
      failure: 1,
      skipped: 0,
    });
    expect(rows[4]).toMatchObject({ users: 1, skipped: 1 });
    const staged = summarizeProvisioningLogs([entry('stagedDelete', 'User', 'success')]);
    expect(staged.map((r) => r.label)).toEqual([
      'Create',
      'Update',
      'Disable',
      'Delete',
      'Staged delete',
      'Skip',
    ]);
  });

  it('lays the rows out under a header, numbers right-aligned', () => {
    const lines = formatProvisioningSummary(
      summarizeProvisioningLogs([
        entry('create', 'User', 'success'),
        entry('stagedDelete', 'Group', 'failure'),
      ]),
    );
    expect(lines).toEqual([
      'Action            Users   Groups  Success  Failure  Skipped',
      'Create                1        0        1        0        0',
      'Update                0        0        0        0        0',
      'Disable               0        0        0        0        0',
      'Delete                0        0        0        0        0',
      'Staged delete         0        1        0        1        0',
      'Skip                  0        0        0        0        0',
    ]);
  });
});

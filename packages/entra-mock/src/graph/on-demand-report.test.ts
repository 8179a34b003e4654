import { describe, expect, it } from 'vitest';
import type { ProvisioningObjectSummary } from '../logs/types.ts';
import { onDemandAnswer, onDemandReport } from './on-demand-report.ts';

// A log entry like the engine writes for a user already in sync (action other, skipped, RedundantExport).
function redundantEntry(): ProvisioningObjectSummary {
  return {
    id: 'log-1',
    activityDateTime: '2020-06-26T13:58:24.768Z',
    tenantId: 'tenant',
    jobId: 'scim.tenant.app',
    cycleId: 'cycle-1',
    changeId: 'g8ba3be8-1d7f-4a60-ae31-a8980da0a389',
    provisioningAction: 'other',
    durationInMilliseconds: 219,
    provisioningStatusInfo: {
      status: 'skipped',
      errorInformation: {
        errorCode: 'RedundantExport',
        errorCategory: 'success',
        reason: 'The state of the user in both the source and target systems already match.',
        additionalDetails: null,
        recommendedAction: null,
      },
    },
    provisioningSteps: [
      {
        name: 'EntryImport',
        provisioningStepType: 'import',
        status: 'success',
        description: "Retrieved User 'BillBob@contoso.com' from Azure Active Directory",
        details: { accountEnabled: 'True' },
      },
      {
        name: 'EntrySynchronizationScoping',
        provisioningStepType: 'scoping',
        status: 'success',
        description: 'Determine if User in scope by evaluating against each scoping filter',
        details: {},
      },
      {
        name: 'EntrySynchronizationSkip',
        provisioningStepType: 'export',
        status: 'skipped',
        description: "No change to the User 'BillBob@contoso.com' currently needs to be made.",
        details: { SkipReason: 'RedundantExport', ReportableIdentifier: 'BillBob@contoso.com' },
      },
    ],
    modifiedProperties: [{ displayName: 'accountEnabled', oldValue: null, newValue: 'True' }],
    initiatedBy: { id: 'admin', displayName: 'Admin', initiatorType: 'user' },
    servicePrincipal: { id: 'app', displayName: 'Contoso' },
    sourceSystem: { id: '', displayName: 'Azure Active Directory', details: {} },
    targetSystem: { id: '', displayName: 'Contoso', details: {} },
    sourceIdentity: { id: 'user-1', displayName: 'Bill Bob', identityType: 'User', details: {} },
    targetIdentity: {
      id: 'scim-1',
      displayName: 'Bill Bob',
      identityType: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      details: {},
    },
  };
}

describe('onDemandReport', () => {
  it('writes the steps as the Graph API reference shows them: PascalCase type and status, timestamp, details', () => {
    const report = onDemandReport(redundantEntry());
    expect(report.action).toBe('Other');
    expect(report.startTime).toBe('2020-06-26T13:58:24.549Z');
    expect(report.endTime).toBe('2020-06-26T13:58:24.768Z');
    expect(report.provisioningSteps.map((s) => [s.name, s.type, s.status])).toEqual([
      ['EntryImport', 'Import', 'Success'],
      ['EntrySynchronizationScoping', 'Scoping', 'Success'],
      ['EntrySynchronizationSkip', 'Export', 'Skipped'],
    ]);
    // No per-step time in the log: the steps carry the start, the last one the end.
    expect(report.provisioningSteps.map((s) => s.timestamp)).toEqual([
      report.startTime,
      report.startTime,
      report.endTime,
    ]);
    expect(report.provisioningSteps[2]!.details).toEqual({
      SkipReason: 'RedundantExport',
      ReportableIdentifier: 'BillBob@contoso.com',
    });
    expect(report.reportableIdentifier).toBe('BillBob@contoso.com');
    expect(report.statusInfo).toEqual({
      status: 'Skipped',
      errorCode: 'RedundantExport',
      reason: 'The state of the user in both the source and target systems already match.',
      additionalDetails: null,
      errorCategory: 'success',
      recommendedAction: null,
    });
    expect(report.sourceSystem).toEqual({ id: null, name: 'Azure Active Directory', details: {} });
    expect(report.targetIdentity).toMatchObject({
      id: 'scim-1',
      type: expect.stringContaining('enterprise'),
    });
  });

  it('names the object by its display name when no step reports an identifier', () => {
    const entry = redundantEntry();
    for (const step of entry.provisioningSteps) delete step.details.ReportableIdentifier;
    expect(onDemandReport(entry).reportableIdentifier).toBe('Bill Bob');
  });
});

describe('onDemandAnswer', () => {
  it('answers a stringKeyStringValuePair: the result JSON as key, the step report JSON as value', () => {
    const answer = onDemandAnswer([redundantEntry()], 'user-1');
    expect(JSON.parse(answer.key)).toEqual({
      result: 'Skipped',
      details: {
        errorCode: 'RedundantExport',
        errorMessage: 'The state of the user in both the source and target systems already match.',
      },
    });
    const value = JSON.parse(answer.value);
    expect(Object.keys(value)).toEqual([
      'action',
      'changeId',
      'endTime',
      'modifiedProperties',
      'provisioningSteps',
      'reportableIdentifier',
      'startTime',
      'statusInfo',
      'sourceIdentity',
      'sourceSystem',
      'targetIdentity',
      'targetSystem',
    ]);
    expect(value.sourceIdentity).toEqual({
      id: 'user-1',
      type: 'User',
      displayName: 'Bill Bob',
      details: {},
    });
  });

  it('answers Success with empty details for a successful export, and {} when nothing was written', () => {
    const entry = redundantEntry();
    entry.provisioningAction = 'create';
    entry.provisioningStatusInfo = { status: 'success', errorInformation: null };
    expect(JSON.parse(onDemandAnswer([entry], 'user-1').key)).toEqual({ result: 'Success', details: {} });
    expect(onDemandAnswer([entry], 'someone-else')).toEqual({
      key: JSON.stringify({ result: 'Success', details: {} }),
      value: '{}',
    });
  });

  it("reports the subject's entry, not its members'", () => {
    const member = redundantEntry();
    const group = {
      ...redundantEntry(),
      sourceIdentity: { ...member.sourceIdentity, id: 'group-1', identityType: 'Group' },
    };
    const answer = JSON.parse(onDemandAnswer([member, group], 'group-1').value);
    expect(answer.sourceIdentity).toMatchObject({ id: 'group-1', type: 'Group' });
  });
});

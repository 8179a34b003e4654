import { describe, expect, it } from 'vitest';
import type { ProvisionOnDemandReport } from '../engine/engine.ts';
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
    sourceSystem: { id: 'tenant', displayName: 'Azure Active Directory', details: {} },
    targetSystem: { id: 'app', displayName: 'Contoso', details: {} },
    sourceIdentity: { id: 'user-1', displayName: 'Bill Bob', identityType: 'User', details: {} },
    targetIdentity: { id: 'scim-1', displayName: 'Bill Bob', identityType: 'User', details: {} },
  };
}

// The engine's report of that entry: each step with the instant it ended.
const STEP_TIMES = ['2020-06-26T13:58:24.549Z', '2020-06-26T13:58:24.721Z', '2020-06-26T13:58:24.768Z'];
function redundantReport(entry = redundantEntry()): ProvisionOnDemandReport {
  return {
    entry,
    steps: entry.provisioningSteps.map((step, i) => ({ ...step, timestamp: STEP_TIMES[i]! })),
    startTime: '2020-06-26T13:58:24.500Z',
    endTime: '2020-06-26T13:58:24.768Z',
    reportableIdentifier: 'BillBob@contoso.com',
  };
}

describe('onDemandReport', () => {
  it('writes the steps as the Graph API reference shows them: PascalCase type and status, each with its own timestamp, details', () => {
    const report = onDemandReport(redundantReport());
    expect(report.action).toBe('Other');
    expect(report.startTime).toBe('2020-06-26T13:58:24.500Z');
    expect(report.endTime).toBe('2020-06-26T13:58:24.768Z');
    expect(report.provisioningSteps.map((s) => [s.name, s.type, s.status, s.timestamp])).toEqual([
      ['EntryImport', 'Import', 'Success', STEP_TIMES[0]],
      ['EntrySynchronizationScoping', 'Scoping', 'Success', STEP_TIMES[1]],
      ['EntrySynchronizationSkip', 'Export', 'Skipped', STEP_TIMES[2]],
    ]);
    expect(report.provisioningSteps[2]!.details).toEqual({
      SkipReason: 'RedundantExport',
      ReportableIdentifier: 'BillBob@contoso.com',
    });
    expect(report.reportableIdentifier).toBe('BillBob@contoso.com');
    // The sample's statusInfo of a user already in sync: Skipped, the reason in the answer's key.
    expect(report.statusInfo).toEqual({
      status: 'Skipped',
      errorCode: null,
      reason: null,
      additionalDetails: null,
      errorCategory: null,
      recommendedAction: null,
    });
  });

  it('writes the identities and systems as the Graph API reference sample does', () => {
    const report = onDemandReport(redundantReport());
    expect(report.sourceIdentity).toEqual({ id: 'user-1', type: 'User', displayName: null, details: null });
    expect(report.sourceSystem).toEqual({ id: null, name: 'Azure Active Directory', details: null });
    expect(report.targetIdentity).toEqual({
      id: 'scim-1',
      type: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      displayName: null,
      details: null,
    });
    expect(report.targetSystem).toEqual({ id: null, name: 'customappsso', details: null });
  });

  it("reports a failure's error in statusInfo", () => {
    const entry = redundantEntry();
    entry.provisioningAction = 'create';
    entry.provisioningStatusInfo = {
      status: 'failure',
      errorInformation: {
        errorCode: 'ContosoEntryConflict',
        errorCategory: 'nonServiceFailure',
        reason: 'Contoso returned 409.',
        additionalDetails: null,
        recommendedAction: null,
      },
    };
    expect(onDemandReport(redundantReport(entry)).statusInfo).toMatchObject({
      status: 'Failure',
      errorCode: 'ContosoEntryConflict',
      reason: 'Contoso returned 409.',
      errorCategory: 'nonServiceFailure',
    });
  });
});

describe('onDemandAnswer', () => {
  it('answers a stringKeyStringValuePair: the result JSON as key, the step report JSON as value', () => {
    const answer = onDemandAnswer([redundantReport()], 'user-1');
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
  });

  it('answers Success with empty details for a successful export, and {} when nothing was written', () => {
    const entry = redundantEntry();
    entry.provisioningAction = 'create';
    entry.provisioningStatusInfo = { status: 'success', errorInformation: null };
    const report = redundantReport(entry);
    expect(JSON.parse(onDemandAnswer([report], 'user-1').key)).toEqual({ result: 'Success', details: {} });
    expect(onDemandAnswer([report], 'someone-else')).toEqual({
      key: JSON.stringify({ result: 'Success', details: {} }),
      value: '{}',
    });
  });

  it("reports the subject's entry, not its members'", () => {
    const member = redundantEntry();
    const group = {
      ...redundantEntry(),
      sourceIdentity: { ...member.sourceIdentity, id: 'group-1', identityType: 'Group' },
      targetIdentity: { ...member.targetIdentity, identityType: 'Group' },
    };
    const answer = JSON.parse(
      onDemandAnswer([redundantReport(member), redundantReport(group)], 'group-1').value,
    );
    expect(answer.sourceIdentity).toMatchObject({ id: 'group-1', type: 'Group' });
    expect(answer.targetIdentity.type).toBe('urn:ietf:params:scim:schemas:core:2.0:Group');
  });
});

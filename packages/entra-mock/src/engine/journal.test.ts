// The provisioning log entry as Microsoft's samples write it: who it is about, in which systems.
import { describe, expect, it } from 'vitest';
import { setup } from '../../test/engine-fixture.ts';

describe('the provisioning log entry', () => {
  it("names the identity by the user's displayName and the export step's ReportableIdentifier by its userPrincipalName", async () => {
    // Provisioning logs: the Identity column shows "the display name and source ID"; the
    // provisionOnDemand sample reports the user by its userPrincipalName.
    const { job, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    const created = job.logs.find((l) => l.sourceIdentity.id === adele.id)!;
    expect(created.sourceIdentity).toMatchObject({ displayName: 'Adele Vance', identityType: 'User' });
    expect(created.targetIdentity).toMatchObject({ id: 'u0001', displayName: 'Adele Vance' });
    expect(created.provisioningSteps.at(-1)!.details.ReportableIdentifier).toBe(
      'adele@contoso.onmicrosoft.com',
    );
    expect(created.provisioningSteps[0]!.description).toContain("'adele@contoso.onmicrosoft.com'");
  });

  it('leaves the target identity empty when the object was never created in the target', async () => {
    // List provisioningObjectSummary, example 2: a failed create has targetIdentity id "" and displayName "".
    const { job, scim, adele } = setup('legacy', { provisionGroups: false });
    scim.failNext(1, 409, {}, 'POST');
    await job.runCycle();
    const failed = job.logs.find(
      (l) => l.sourceIdentity.id === adele.id && l.provisioningStatusInfo.status === 'failure',
    )!;
    expect(failed.targetIdentity).toMatchObject({ id: '', displayName: '' });
    expect(failed.sourceIdentity.displayName).toBe('Adele Vance');
  });

  it("writes the source system as Azure Active Directory with the tenant's id, the target system with the application's details", async () => {
    // List provisioningObjectSummary, example 2: sourceSystem has an id, "Azure Active Directory"
    // and empty details; targetSystem has the app's name and ApplicationId / ServicePrincipalId.
    const { job, tenant, app } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    const entry = job.logs[0]!;
    expect(entry.sourceSystem).toEqual({
      id: tenant.id,
      displayName: 'Azure Active Directory',
      details: {},
    });
    expect(entry.targetSystem).toEqual({
      id: app.id,
      displayName: 'Contoso SCIM app',
      details: {
        ApplicationId: app.appId,
        ServicePrincipalId: app.id,
        ServicePrincipalDisplayName: 'Contoso SCIM app',
      },
    });
  });

  it("keeps one read-only copy of what a run's entries say alike, so a change to one entry cannot show in another", async () => {
    // Issue 14: 100,000 users write 200,000 entries; the systems, the service principal and the
    // initiator are built once per run and shared, frozen.
    const { job } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    const [first, second] = job.logs;
    expect(second!.targetSystem).toBe(first!.targetSystem);
    expect(second!.initiatedBy).toBe(first!.initiatedBy);
    // The status of an entry without an error: one frozen object per status.
    expect(first!.provisioningStatusInfo).toEqual({ status: 'success', errorInformation: null });
    expect(second!.provisioningStatusInfo).toBe(first!.provisioningStatusInfo);
    expect(Object.isFrozen(first!.provisioningStatusInfo)).toBe(true);
    for (const shared of [
      first!.initiatedBy,
      first!.servicePrincipal,
      first!.sourceSystem,
      first!.targetSystem,
    ]) {
      expect(Object.isFrozen(shared)).toBe(true);
    }
    expect(() => {
      (first!.targetSystem as { displayName: string }).displayName = 'changed';
    }).toThrow(TypeError);
    expect(second!.targetSystem.displayName).toBe('Contoso SCIM app');
    expect(() => {
      (first!.sourceIdentity.details as Record<string, string>).x = 'y';
    }).toThrow(TypeError);
    expect(second!.sourceIdentity.details).toEqual({});
  });
});

describe('the entry being written (a class instance, issue 14)', () => {
  it("reads back as plain step objects, in the log and in provision on demand's report, with Graph's keys in order", async () => {
    // The journal builds steps as `Step` instances, so that V8 does not allocate them in the old
    // space: what a caller reads (the log entry's steps, the report's timed steps) stays plain data.
    const { job, adele } = setup('legacy', { provisionGroups: false });
    const { logs, reports } = await job.provisionOnDemand({ objectId: adele.id });
    const steps = logs[0]!.provisioningSteps;
    const timed = reports[0]!.steps;
    expect(timed.length).toBe(steps.length);
    expect(steps.length).toBeGreaterThan(1);
    for (const [i, s] of timed.entries()) {
      expect(Object.getPrototypeOf(s)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(steps[i])).toBe(Object.prototype);
      expect(Object.keys(s)).toEqual([
        'name',
        'provisioningStepType',
        'status',
        'description',
        'details',
        'timestamp',
      ]);
      const { timestamp, ...step } = s;
      expect(JSON.stringify(step)).toBe(JSON.stringify(steps[i]));
    }
  });
});

// Entra's documented behaviours, one test each, named after the behaviour: the rows of the
// fidelity table in docs/entra-mock.md point here.
import { describe, expect, it, vi } from 'vitest';
import {
  BASE,
  ENTERPRISE,
  firstPatch,
  GROUP,
  line,
  server,
  setup,
  USER,
  writes,
} from '../../test/engine-fixture.ts';
import { mountFetchHandler } from '../mount.ts';
import { PATCH_OP } from './dialect.ts';

const HOUR = 60 * 60 * 1000;
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

describe('the SCIM requests Entra sends', () => {
  it('reads a linked user back with GET /Users/{id} and sends what differs from what the app returns', async () => {
    const { job, scim, tenant, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    // Someone changed the display name in the app; Entra's next update of Adele puts it back.
    scim.users.get('u0001')!.displayName = 'Changed in the app';
    scim.clear();
    tenant.updateUser(adele.id, { city: 'Seattle' });
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual(['GET /Users/u0001', 'PATCH /Users/u0001']);
    expect(scim.requests[1]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Adele Vance' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Seattle' },
      ],
    });
  });

  it('reads a linked group back with GET /Groups/{id}?excludedAttributes=members before updating it', async () => {
    const { job, scim, tenant, sales } = setup('legacy');
    await job.runCycle();
    scim.clear();
    tenant.updateGroup(sales.id, { displayName: 'Sales EMEA' });
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual([
      'GET /Groups/g0003?excludedAttributes=members',
      'PATCH /Groups/g0003',
    ]);
  });

  it('logs a user already in sync as Other / Skipped / RedundantExport with an EntrySynchronizationSkip export step', async () => {
    const { job, scim, tenant, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    scim.clear();
    tenant.updateUser(adele.id, { usageLocation: 'NO' });
    await job.runCycle();
    expect(writes(scim)).toEqual([]);
    const entry = job.logs.at(-1)!;
    expect(entry).toMatchObject({
      provisioningAction: 'other',
      provisioningStatusInfo: {
        status: 'skipped',
        errorInformation: {
          errorCode: 'RedundantExport',
          reason: 'The state of the user in both the source and target systems already match.',
        },
      },
    });
    expect(entry.provisioningSteps.at(-1)).toMatchObject({
      name: 'EntrySynchronizationSkip',
      provisioningStepType: 'export',
      status: 'skipped',
      details: { SkipReason: 'RedundantExport', ReportableIdentifier: 'adele@contoso.onmicrosoft.com' },
    });
  });

  it('sends the update again each time the user is processed while the app keeps returning a different value (observed, MicrosoftDocs/azure-docs#11784)', async () => {
    const { job, scim, tenant, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    // An app that does not keep what it is sent: it drops the title every time.
    const drop = () => delete scim.users.get('u0001')!.title;
    drop();
    for (const city of ['Oslo', 'Bergen']) {
      scim.clear();
      tenant.updateUser(adele.id, { city });
      await job.runCycle();
      drop();
      expect(firstPatch(scim)).toEqual({
        schemas: [PATCH_OP],
        Operations: [
          { op: 'Add', path: 'title', value: 'Retail Manager' },
          {
            op: city === 'Oslo' ? 'Add' : 'Replace',
            path: 'addresses[type eq "work"].locality',
            value: city,
          },
        ],
      });
    }
  });

  it('sends no Remove when a mapped source attribute becomes null (null attributes are not provisioned)', async () => {
    const { job, scim, tenant, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    scim.clear();
    tenant.updateUser(adele.id, { jobTitle: null });
    await job.runCycle();
    expect(writes(scim)).toEqual([]);
    expect(scim.users.get('u0001')!.title).toBe('Retail Manager');
  });

  it('creates users with the enterprise extension URN in schemas, even with no enterprise attribute', async () => {
    const { job, scim } = setup('legacy', {
      provisionGroups: false,
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
        ],
      },
    });
    await job.runCycle();
    const post = scim.requests.find((r) => r.method === 'POST')!.body as { schemas: string[] };
    expect(post.schemas).toEqual([USER, ENTERPRISE]);
  });

  it('creates users with roles as Entra sends them: primary, type WindowsAzureActiveDirectoryRole and value', async () => {
    const { job, scim } = setup('legacy', {
      provisionGroups: false,
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
          {
            target: 'roles[primary eq "True"].value',
            type: 'Expression',
            source: 'SingleAppRoleAssignment([appRoleAssignments])',
          },
        ],
      },
    });
    await job.runCycle();
    const adele = scim.requests.find((r) => r.method === 'POST')!.body as { roles: unknown };
    expect(adele.roles).toEqual([{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'User' }]);
  });

  describe('a roles update of AppRoleAssignmentsComplex (customize-application-attributes)', () => {
    const USER_ROLE = '18d14569-c3bd-439b-9a66-3a2aee01d14f';
    const MSIAM = 'b9632174-c057-4f7e-951b-be3adc52bfe6';
    const complexRoles = {
      provisionGroups: false,
      userMappings: {
        objectType: 'User' as const,
        mappings: [
          { target: 'userName', type: 'Direct' as const, source: 'userPrincipalName', matchingPrecedence: 1 },
          {
            target: 'roles',
            type: 'Expression' as const,
            source: 'AppRoleAssignmentsComplex([appRoleAssignments])',
          },
        ],
      },
    };
    const role = (name: string) => ({
      primary: false,
      type: 'WindowsAzureActiveDirectoryRole',
      display: name,
      value: name,
    });

    /** Creates Adele with the User role, then assigns her msiam_access and runs the next cycle. */
    async function addRole(dialect: 'legacy' | 'compliant') {
      const fixture = setup(dialect, complexRoles);
      const { job, scim, tenant, app, adele } = fixture;
      await job.runCycle();
      const post = scim.requests.find(
        (r) =>
          r.method === 'POST' &&
          r.body &&
          (r.body as { userName?: string }).userName === adele.userPrincipalName,
      )!;
      // The app returns every mapped role: nothing to send (roles compare without their ids).
      scim.clear();
      tenant.updateUser(adele.id, { usageLocation: 'NO' });
      await job.runCycle();
      const redundant = writes(scim);
      scim.clear();
      const second = tenant.assign(app.id, adele.id, MSIAM);
      await job.runCycle();
      return { ...fixture, post: post.body as { roles: unknown }, redundant, second };
    }

    it('without the flag sends Add with each role as a JSON string of id, value and displayName; a create sends them without ids', async () => {
      const { scim, post, redundant } = await addRole('legacy');
      expect(post.roles).toEqual([role('User')]);
      expect(redundant).toEqual([]);
      expect(writes(scim).map(line)).toEqual(['PATCH /Users/u0001']);
      expect(firstPatch(scim)).toEqual({
        schemas: [PATCH_OP],
        Operations: [
          {
            op: 'Add',
            path: 'roles',
            value: [
              { value: `{"id":"${USER_ROLE}","value":"User","displayName":"User"}` },
              { value: `{"id":"${MSIAM}","value":"msiam_access","displayName":"msiam_access"}` },
            ],
          },
        ],
      });
    });

    it("with aadOptscim062020 sends add with the roles in the create's shape", async () => {
      const { scim, post, redundant } = await addRole('compliant');
      expect(post.roles).toEqual([role('User')]);
      expect(redundant).toEqual([]);
      expect(firstPatch(scim)).toEqual({
        schemas: [PATCH_OP],
        Operations: [{ op: 'add', path: 'roles', value: [role('User'), role('msiam_access')] }],
      });
    });

    it("sends a SingleAppRoleAssignment update as the same Add of roles: a JSON string without the flag, the create's shape with it", async () => {
      const single = {
        provisionGroups: false,
        userMappings: {
          objectType: 'User' as const,
          mappings: [
            {
              target: 'userName',
              type: 'Direct' as const,
              source: 'userPrincipalName',
              matchingPrecedence: 1,
            },
            {
              target: 'roles[primary eq "True"].value',
              type: 'Expression' as const,
              source: 'SingleAppRoleAssignment([appRoleAssignments])',
            },
          ],
        },
      };
      const sent: unknown[] = [];
      for (const dialect of ['legacy', 'compliant'] as const) {
        const { job, scim, tenant, app, adele, adeleAssignment } = setup(dialect, single);
        await job.runCycle();
        scim.clear();
        tenant.assign(app.id, adele.id, MSIAM);
        tenant.unassign(adeleAssignment.id);
        await job.runCycle();
        sent.push(firstPatch(scim));
      }
      expect(sent).toEqual([
        {
          schemas: [PATCH_OP],
          Operations: [
            {
              op: 'Add',
              path: 'roles',
              value: [{ value: `{"id":"${MSIAM}","value":"msiam_access","displayName":"msiam_access"}` }],
            },
          ],
        },
        {
          schemas: [PATCH_OP],
          Operations: [
            {
              op: 'add',
              path: 'roles',
              value: [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'msiam_access' }],
            },
          ],
        },
      ]);
    });

    it('removes no role: a role unassigned in Entra stays in the app and nothing is sent (PATCH add only)', async () => {
      const { job, scim, tenant, second } = await addRole('compliant');
      scim.clear();
      tenant.unassign(second.id);
      await job.runCycle();
      expect(scim.requests.map(line)).toEqual(['GET /Users/u0001?aadOptscim062020']);
      expect(scim.users.get('u0001')!.roles).toEqual([role('User'), role('msiam_access')]);
    });
  });

  it('Test Connection queries a random user and, when groups are provisioned, a random group', async () => {
    const withGroups = setup('legacy');
    expect(await withGroups.job.testConnection()).toMatchObject({ success: true });
    expect(withGroups.scim.requests.map(line)).toEqual([
      expect.stringMatching(/^GET \/Users\?filter=userName eq "[0-9a-f-]{36}"$/),
      expect.stringMatching(
        /^GET \/Groups\?excludedAttributes=members&filter=displayName eq "[0-9a-f-]{36}"$/,
      ),
    ]);
    const usersOnly = setup('legacy', { provisionGroups: false });
    await usersOnly.job.testConnection();
    expect(usersOnly.scim.requests.map((r) => r.path)).toEqual(['/Users']);
  });
});

describe('documented limits', () => {
  it('does not create a user that is disabled in Entra before it was ever provisioned', async () => {
    const { job, scim, tenant, adele } = setup('legacy', { provisionGroups: false });
    tenant.disableUser(adele.id);
    await job.runCycle();
    expect(
      scim.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { userName: string }).userName),
    ).toEqual(['megan@contoso.onmicrosoft.com']);
    expect(job.logs.find((l) => l.sourceIdentity.id === adele.id)).toMatchObject({
      provisioningAction: 'other',
      provisioningStatusInfo: { status: 'skipped' },
    });
  });

  it('sends no DELETE for a user that was unassigned (so disabled and no longer managed) and later deleted', async () => {
    const { job, scim, tenant, adele, adeleAssignment } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    tenant.unassign(adeleAssignment.id);
    await job.runCycle();
    expect(scim.users.get('u0001')!.active).toBe(false);
    scim.clear();
    tenant.deleteUser(adele.id, { permanently: true });
    await job.runCycle();
    expect(scim.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(scim.users.has('u0001')).toBe(true);
  });

  it('does not fix a manager that was out of scope when the user was created until provisioning restarts', async () => {
    const { job, scim, tenant, app, megan, bob, userRole } = setup('legacy', { provisionGroups: false });
    tenant.setManager(megan.id, bob.id);
    // Megan is in scope through Sales, but groups are not provisioned here; assign her directly.
    tenant.assign(app.id, megan.id, userRole);
    await job.runCycle();
    expect(scim.users.get('u0002')![ENTERPRISE]).toEqual({ department: 'Sales' });
    tenant.assign(app.id, bob.id, userRole); // the manager comes into scope and is created
    await job.runCycle();
    expect(scim.users.get('u0002')![ENTERPRISE]).toEqual({ department: 'Sales' });
    job.restart();
    await job.runCycle();
    expect(scim.users.get('u0002')![ENTERPRISE]).toEqual({
      department: 'Sales',
      manager: { value: 'u0003' },
    });
  });

  it('leaves an out-of-scope member out of a group and adds it when it comes into scope only after a restart', async () => {
    const { job, scim, tenant, app, sales, bob, userRole } = setup('legacy', {
      userScopingFilters: [{ clauses: [{ attribute: 'department', operator: 'IS NOT NULL' }] }],
    });
    tenant.addMember(sales.id, bob.id); // Bob has no department: out of scope
    tenant.assign(app.id, bob.id, userRole);
    await job.runCycle();
    const members = () => (scim.groups.get('g0003')!.members as { value: string }[]).map((m) => m.value);
    expect(members()).toEqual(['u0002']);
    tenant.updateUser(bob.id, { department: 'Sales' }); // Bob comes into scope and is created
    await job.runCycle();
    expect([...scim.users.values()].some((u) => u.userName === 'bob@contoso.onmicrosoft.com')).toBe(true);
    expect(members()).toEqual(['u0002']);
    job.restart();
    await job.runCycle();
    expect(members()).toEqual(['u0002', 'u0004']);
  });

  it('re-enables a soft-deleted then restored user without restoring its group memberships', async () => {
    const { job, scim, tenant, megan } = setup('legacy');
    await job.runCycle();
    expect(scim.groups.get('g0003')!.members).toEqual([{ value: 'u0002' }]);
    tenant.deleteUser(megan.id);
    await job.runCycle();
    expect(scim.groups.get('g0003')!.members).toEqual([]);
    tenant.restoreDeletedItem(megan.id);
    await job.runCycle();
    expect(scim.users.get('u0002')!.active).toBe(true);
    expect(scim.groups.get('g0003')!.members).toEqual([]);
  });

  it('answers a 404 for a linked user with InvalidAnchor: no PATCH, escrowed, and matched again after a restart', async () => {
    const { job, scim, tenant, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    scim.users.delete('u0001'); // someone deleted Adele in the app
    scim.clear();
    tenant.updateUser(adele.id, { jobTitle: 'Head of Retail' });
    const summary = await job.runCycle();
    expect(scim.requests.map(line)).toEqual(['GET /Users/u0001']);
    expect(summary.failed).toBe(1);
    expect(job.status().escrowsCount).toBe(1);
    expect(job.logs.at(-1)!.provisioningStatusInfo.errorInformation?.errorCode).toBe('InvalidAnchor');
    job.restart();
    scim.clear();
    await job.runCycle();
    // Matched again (no match in the app), created anew, and Megan's manager follows the new id.
    expect(scim.requests[0]!.query).toEqual([['filter', 'userName eq "adele@contoso.onmicrosoft.com"']]);
    expect(writes(scim).map(line)).toEqual(['POST /Users', 'PATCH /Users/u0002']);
    expect(scim.users.get('u0002')![ENTERPRISE]).toMatchObject({ manager: { value: 'u0003' } });
  });

  it('counts InvalidAnchor failures toward the escrow proportion that quarantines the job', async () => {
    const { job, scim, tenant, adele, megan } = setup('legacy', {
      provisionGroups: false,
      quarantine: { minimumFailures: 2 },
    });
    await job.runCycle();
    scim.users.clear();
    tenant.updateUser(adele.id, { jobTitle: 'x' });
    tenant.updateUser(megan.id, { jobTitle: 'y' });
    const summary = await job.runCycle();
    expect(summary).toMatchObject({ failed: 2, status: 'Quarantine' });
    expect(job.status().quarantine?.reason).toBe('EncounteredEscrowProportionThreshold');
    expect(
      job.logs
        .filter((l) => l.provisioningStatusInfo.status === 'failure')
        .map((l) => l.provisioningStatusInfo.errorInformation?.errorCode),
    ).toEqual(['InvalidAnchor', 'InvalidAnchor']);
  });

  it('retries escrowed failures 6, 12 and 24 hours after the first failure, then every 24 hours, not every cycle', async () => {
    const { job, scim, clock } = setup('legacy', {
      provisionGroups: false,
      retry: { maxAttempts: 1 },
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
        ],
      },
    });
    scim.failNext(1, 500);
    await job.runCycle(); // Adele's query fails; Megan is created
    const attempts = () => scim.requests.filter((r) => r.query[0]?.[1]?.includes('adele')).length;
    const at = (hours: number) => clock.set(Date.parse('2026-03-02T08:00:00Z') + hours * HOUR);
    const seen: [number, number][] = [];
    for (const hours of [1, 5.9, 6, 11.9, 12, 23.9, 24, 47.9, 48]) {
      at(hours);
      // Fail the retries at 6, 12 and 24 hours, so the back-off keeps growing; the one at 48 succeeds.
      if ([6, 12, 24].includes(hours)) scim.failNext(1, 500, {}, 'GET');
      await job.runCycle();
      seen.push([hours, attempts()]);
    }
    expect(seen).toEqual([
      [1, 1],
      [5.9, 1],
      [6, 2],
      [11.9, 2],
      [12, 3],
      [23.9, 3],
      [24, 4],
      [47.9, 4],
      [48, 5],
    ]);
    expect(job.status().escrowsCount).toBe(0);
  });

  it('quarantines the job when a query answers 404 instead of 200 (a SCIM compliance issue)', async () => {
    const { job, scim } = setup('legacy', { provisionGroups: false });
    scim.failNext(1, 404);
    const summary = await job.runCycle();
    expect(summary.status).toBe('Quarantine');
    expect(job.status().quarantine).toMatchObject({
      reason: 'EncounteredQuarantineException',
      error: { code: 'SystemForCrossDomainIdentityManagementServiceIncompatible' },
    });
  });

  it('counts reference failures toward the absolute failure threshold but not the proportion', async () => {
    const proportionOnly = setup('legacy', {
      provisionGroups: false,
      retry: { maxAttempts: 1 },
      quarantine: { minimumFailures: 1 },
    });
    proportionOnly.scim.failNext(1, 500, {}, 'PATCH'); // Megan's manager PATCH
    expect(await proportionOnly.job.runCycle()).toMatchObject({ failed: 1, status: 'Active' });
    const absolute = setup('legacy', {
      provisionGroups: false,
      retry: { maxAttempts: 1 },
      quarantine: { absoluteFailures: 0 },
    });
    absolute.scim.failNext(1, 500, {}, 'PATCH');
    expect(await absolute.job.runCycle()).toMatchObject({ failed: 1, status: 'Quarantine' });
  });
});

describe('provision on demand', () => {
  it('rejects a user disabled in Entra as not supported on demand', async () => {
    const { job, tenant, adele } = setup('legacy');
    tenant.disableUser(adele.id);
    await expect(job.provisionOnDemand({ objectId: adele.id })).rejects.toThrow(
      /doesn't support users that are disabled/,
    );
  });

  it('reports a user already in sync on demand as Other / Skipped / RedundantExport with timed steps', async () => {
    const { job, adele, clock } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    clock.advance(HOUR);
    const { logs, reports } = await job.provisionOnDemand({ objectId: adele.id });
    expect(logs).toHaveLength(1);
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report!.entry).toBe(logs[0]);
    expect(report!.entry).toMatchObject({
      provisioningAction: 'other',
      provisioningStatusInfo: { status: 'skipped', errorInformation: { errorCode: 'RedundantExport' } },
    });
    expect(report!.reportableIdentifier).toBe('adele@contoso.onmicrosoft.com');
    expect(report!.startTime).toBe('2026-03-02T09:00:00.000Z');
    expect(report!.steps.map((s) => [s.name, s.provisioningStepType, s.status, s.timestamp])).toEqual([
      ['EntryImport', 'import', 'success', '2026-03-02T09:00:00.000Z'],
      ['EntrySynchronizationScoping', 'scoping', 'success', '2026-03-02T09:00:00.000Z'],
      ['EntrySynchronizationUpdate', 'matching', 'success', '2026-03-02T09:00:00.000Z'],
      ['EntrySynchronizationSkip', 'export', 'skipped', '2026-03-02T09:00:00.000Z'],
    ]);
    expect(report!.steps[0]!.details).toMatchObject({
      objectId: adele.id,
      userPrincipalName: 'adele@contoso.onmicrosoft.com',
      IsSoftDeleted: 'False',
    });
    expect(report!.steps[1]!.details).toEqual({
      IsActive: 'True',
      Assigned: 'True',
      IsEffectivelyEntitledForProvisioning: 'True',
      IsInProvisioningScopeDisplayName: 'True',
      ScopeEvaluationResult: '{}',
    });
  });
});

describe('provisioning logs as Entra writes them', () => {
  it('writes modifiedProperties in Entra terms: source attribute names and True/False values', async () => {
    const { job, tenant, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    const created = job.logs.find((l) => l.sourceIdentity.id === adele.id)!;
    expect(created.modifiedProperties).toEqual(
      expect.arrayContaining([
        { displayName: 'objectId', oldValue: null, newValue: adele.id },
        { displayName: 'userPrincipalName', oldValue: null, newValue: 'adele@contoso.onmicrosoft.com' },
        { displayName: 'IsSoftDeleted', oldValue: null, newValue: 'False' },
      ]),
    );
    tenant.disableUser(adele.id);
    await job.runCycle();
    expect(job.logs.at(-1)!.modifiedProperties).toEqual([
      { displayName: 'IsSoftDeleted', oldValue: 'False', newValue: 'True' },
    ]);
  });

  it('names error codes as Microsoft documents: TooManyRequests, InternalServerError, <AppName>EntryConflict', async () => {
    const { job, scim } = setup('legacy', { provisionGroups: false, retry: { maxAttempts: 1 } });
    scim.failNext(1, 429);
    scim.failNext(1, 500);
    await job.runCycle();
    const codes = job.logs
      .filter((l) => l.provisioningStatusInfo.status === 'failure')
      .map((l) => l.provisioningStatusInfo.errorInformation?.errorCode);
    expect(codes).toEqual(['TooManyRequests', 'InternalServerError']);
    const conflict = setup('legacy', { provisionGroups: false });
    conflict.scim.failNext(1, 409, {}, 'POST');
    await conflict.job.runCycle();
    expect(conflict.job.logs[0]!.provisioningStatusInfo.errorInformation?.errorCode).toBe(
      'ContosoSCIMappEntryConflict',
    );
  });

  it('measures durationInMilliseconds of an entry: the time it took, retry waits on the simulated clock included', async () => {
    const { job, scim } = setup('legacy', { provisionGroups: false });
    scim.failNext(2, 429, { 'Retry-After': '30' });
    await job.runCycle();
    expect(job.logs[0]!.durationInMilliseconds).toBeGreaterThanOrEqual(60_000);
    // The processing time itself counts, though the simulated clock stands still: a stand-in for
    // performance.now() makes every reading 25 ms later than the one before.
    let now = 0;
    const spy = vi.spyOn(performance, 'now').mockImplementation(() => (now += 25));
    try {
      const fresh = setup('legacy', { provisionGroups: false });
      await fresh.job.runCycle();
      for (const entry of fresh.job.logs) {
        expect(entry.durationInMilliseconds).toBeGreaterThanOrEqual(25);
        expect(Number.isInteger(entry.durationInMilliseconds)).toBe(true);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('puts the ReportableIdentifier in the details of every export step', async () => {
    const { job, sales } = setup('legacy');
    await job.runCycle();
    const exports = job.logs.flatMap((l) =>
      l.provisioningSteps.filter((s) => s.provisioningStepType === 'export'),
    );
    expect(exports.length).toBeGreaterThan(0);
    for (const s of exports) expect(s.details.ReportableIdentifier).toBeTruthy();
    const group = job.logs.find((l) => l.sourceIdentity.id === sales.id)!;
    expect(group.provisioningSteps.at(-1)!.details.ReportableIdentifier).toBe('Sales');
  });

  it("writes Microsoft's matching step for a create: will be created … but no matching object was found", async () => {
    const { job, sales } = setup('legacy');
    await job.runCycle();
    const group = job.logs.find((l) => l.sourceIdentity.id === sales.id)!;
    expect(group.provisioningSteps.find((s) => s.provisioningStepType === 'matching')!.description).toBe(
      "Group 'Sales' will be created in Contoso SCIM app (Group is active and assigned in Azure Active Directory, but no matching Group was found in Contoso SCIM app)",
    );
  });
});

describe('scoping filters', () => {
  it('rejects an operator Entra does not have instead of evaluating it to false', () => {
    const { job } = setup('legacy');
    expect(() =>
      job.setUserScopingFilters([
        { clauses: [{ attribute: 'department', operator: 'STARTS_WITH' as 'EQUALS', value: 'S' }] },
      ]),
    ).toThrow(/"STARTS_WITH" is not an operator Entra has/);
  });

  it('rejects the attributes Microsoft documents as unsupported in scoping filters', () => {
    expect(() =>
      setup('legacy', {
        userScopingFilters: [{ clauses: [{ attribute: 'manager', operator: 'IS NOT NULL' }] }],
      }),
    ).toThrow(/does not support manager in scoping filters/);
  });
});

describe('more of what Entra documents', () => {
  it('does not provision the members of a nested group', async () => {
    const { job, scim, tenant, sales } = setup('legacy', { provisionGroups: false });
    const nested = tenant.createGroup({ displayName: 'Sales Nordics', mailNickname: 'sales-nordics' });
    const nils = tenant.createUser({
      userPrincipalName: 'nils@contoso.onmicrosoft.com',
      displayName: 'Nils',
      mailNickname: 'nils',
    });
    tenant.addMember(nested.id, nils.id);
    tenant.addMember(sales.id, nested.id);
    await job.runCycle();
    expect([...scim.users.values()].map((u) => u.userName)).not.toContain('nils@contoso.onmicrosoft.com');
  });

  it('fails a create whose response has no id (every resource has an id)', async () => {
    const { job } = setup('legacy', { provisionGroups: false });
    server.use(
      mountFetchHandler(BASE, async (request) =>
        request.method === 'POST'
          ? new Response(JSON.stringify({ schemas: [USER], userName: 'x' }), { status: 201 })
          : new Response(JSON.stringify({ schemas: [LIST], totalResults: 0, Resources: [] }), {
              status: 200,
            }),
      ),
    );
    await job.runCycle();
    const failed = job.logs.filter((l) => l.provisioningStatusInfo.status === 'failure');
    expect(failed.map((l) => l.provisioningStatusInfo.errorInformation?.errorCode)).toEqual([
      'SystemForCrossDomainIdentityManagementServiceIncompatible',
      'SystemForCrossDomainIdentityManagementServiceIncompatible',
    ]);
  });

  it('finishes the cycle under way when the job is paused (stopping takes effect on the next cycle)', async () => {
    const { job, scim } = setup('legacy', {
      provisionGroups: false,
      onProgress: (e) => {
        if (e.type === 'entry') job.pause();
      },
    });
    const cycles = await job.runDueCycles();
    expect(cycles).toHaveLength(1);
    expect(scim.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(job.status().code).toBe('Paused');
  });

  it('skips a user with no value for the matching attribute (ImportSkipped)', async () => {
    const { job, scim, adele } = setup('legacy', {
      provisionGroups: false,
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName' },
          { target: 'title', type: 'Direct', source: 'jobTitle', matchingPrecedence: 1 },
        ],
      },
    });
    await job.runCycle(); // Adele has a title; Megan has none
    expect(scim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const megan = job.logs.find((l) => l.sourceIdentity.displayName === 'Megan Bowen')!;
    expect(megan.provisioningStatusInfo.errorInformation?.errorCode).toBe('ImportSkipped');
    expect(job.logs.find((l) => l.sourceIdentity.id === adele.id)!.provisioningAction).toBe('create');
  });

  it('fails a group read that answers members despite excludedAttributes=members (MultipleEntriesInResponse)', async () => {
    const { job, scim, tenant, sales } = setup('legacy');
    await job.runCycle();
    const members = scim.groups.get('g0003')!.members;
    const inner = scim.fetch;
    job.restart();
    tenant.updateGroup(sales.id, { displayName: 'Sales EMEA' });
    // An app that ignores excludedAttributes=members on GET /Groups/{id}.
    server.use(
      mountFetchHandler(BASE, async (request) => {
        const url = new URL(request.url);
        if (request.method === 'GET' && url.pathname.endsWith('/Groups/g0003'))
          return new Response(
            JSON.stringify({ schemas: [GROUP], id: 'g0003', displayName: 'Sales', members }),
            {
              status: 200,
            },
          );
        return inner(request);
      }),
    );
    await job.runCycle();
    expect(job.logs.at(-1)!.provisioningStatusInfo.errorInformation?.errorCode).toBe(
      'SystemForCrossDomainIdentityManagementMultipleEntriesInResponse',
    );
  });
});

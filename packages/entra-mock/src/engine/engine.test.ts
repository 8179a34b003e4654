import { describe, expect, it } from 'vitest';
import {
  ADSCIM,
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
import { createStrictScimApp } from '../../test/strict-scim-app.ts';
import { mountFetchHandler } from '../mount.ts';
import { SOFT_DELETE_RETENTION_MS } from '../tenant/tenant.ts';
import { DEFAULT_ACCESS_APP_ROLE_ID } from '../tenant/types.ts';
import { PATCH_OP } from './dialect.ts';
import { PROVISIONING_INTERVAL_MS } from './engine.ts';

const adelePost = {
  schemas: [USER, ENTERPRISE],
  userName: 'adele@contoso.onmicrosoft.com',
  active: true,
  displayName: 'Adele Vance',
  title: 'Retail Manager',
  emails: [{ primary: true, type: 'work', value: 'adele@contoso.com' }],
  name: { givenName: 'Adele', familyName: 'Vance', formatted: 'Adele Vance' },
  externalId: 'adele',
  [ENTERPRISE]: { department: 'Retail' },
  meta: { resourceType: 'User' },
};

describe('initial cycle', () => {
  it('queries, creates users, sets managers, then creates groups and adds members (legacy dialect)', async () => {
    const { job, scim, sales } = setup('legacy');
    const summary = await job.runCycle();
    expect(scim.violations).toEqual([]);
    expect(scim.requests.map(line)).toEqual([
      'GET /Users?filter=userName eq "adele@contoso.onmicrosoft.com"',
      'POST /Users',
      'GET /Users?filter=userName eq "megan@contoso.onmicrosoft.com"',
      'POST /Users',
      'PATCH /Users/u0002',
      'GET /Groups?excludedAttributes=members&filter=displayName eq "Sales"',
      'POST /Groups',
      'PATCH /Groups/g0003',
    ]);
    expect(scim.requests[1]!.body).toEqual(adelePost);
    expect(scim.requests[1]!.authorization).toBe('Bearer secret-token');
    expect(scim.requests[1]!.contentType).toBe('application/scim+json');
    expect(scim.requests[3]!.body).toEqual({
      schemas: [USER, ENTERPRISE],
      userName: 'megan@contoso.onmicrosoft.com',
      active: true,
      displayName: 'Megan Bowen',
      name: { givenName: 'Megan', familyName: 'Bowen', formatted: 'Megan Bowen' },
      externalId: 'megan',
      [ENTERPRISE]: { department: 'Sales' },
      meta: { resourceType: 'User' },
    });
    expect(scim.requests[4]!.body).toEqual({
      schemas: [PATCH_OP],
      // The SCIM tutorial's "Example 5".
      Operations: [{ op: 'Add', path: 'manager', value: [{ $ref: `${BASE}/Users/u0001`, value: 'u0001' }] }],
    });
    expect(scim.users.get('u0002')![ENTERPRISE]).toMatchObject({ manager: { value: 'u0001' } });
    expect(scim.requests[6]!.body).toEqual({
      schemas: [GROUP, ADSCIM],
      displayName: 'Sales',
      externalId: sales.id,
      meta: { resourceType: 'Group' },
    });
    expect(scim.requests[7]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u0002' }] }],
    });
    expect(scim.groups.get('g0003')!.members).toEqual([{ value: 'u0002' }]);
    expect(summary).toMatchObject({
      initial: true,
      created: 3,
      updated: 1,
      skipped: 1,
      failed: 0,
      status: 'Active',
    });
  });

  it('sends the same creates in the compliant dialect, with lower-case ops', async () => {
    const { job, scim } = setup('compliant');
    await job.runCycle();
    expect(scim.violations).toEqual([]);
    // The same requests as the legacy cycle's, in the same order, each with the flag: an initial
    // cycle costs the app the same work in both dialects (issue 14's large cycle relies on it).
    const legacy = setup('legacy');
    await legacy.job.runCycle();
    const flagged = (l: string) =>
      l.includes('?') ? l.replace('?', '?aadOptscim062020&') : `${l}?aadOptscim062020`;
    expect(scim.requests.map(line)).toEqual(legacy.scim.requests.map(line).map(flagged));
    expect(scim.requests.map(line)[0]).toBe(
      'GET /Users?aadOptscim062020&filter=userName eq "adele@contoso.onmicrosoft.com"',
    );
    expect(scim.requests[1]!.body).toEqual(adelePost);
    expect(scim.requests[4]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'manager', value: [{ $ref: `${BASE}/Users/u0001`, value: 'u0001' }] }],
    });
    expect(scim.requests[7]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: 'u0002' }] }],
    });
  });

  it('logs one provisioningObjectSummary per action with Entra steps', async () => {
    const { job, adele, bob, tenant, app } = setup('legacy');
    const { cycleId } = await job.runCycle();
    const created = job.logs.find((l) => l.sourceIdentity.id === adele.id)!;
    expect(created).toMatchObject({
      cycleId,
      tenantId: tenant.id,
      jobId: `scim.${tenant.id.replace(/-/g, '')}.${app.id}`,
      provisioningAction: 'create',
      provisioningStatusInfo: { status: 'success', errorInformation: null },
      sourceIdentity: { id: adele.id, displayName: 'Adele Vance', identityType: 'User' },
      targetIdentity: { id: 'u0001', identityType: 'User' },
      servicePrincipal: { id: app.id, displayName: 'Contoso SCIM app' },
    });
    expect(created.provisioningSteps.map((s) => [s.provisioningStepType, s.name])).toEqual([
      ['import', 'EntryImportAdd'],
      ['scoping', 'EntrySynchronizationScoping'],
      ['matching', 'EntrySynchronizationAdd'],
      ['export', 'EntryExportAdd'],
    ]);
    expect(created.modifiedProperties).toContainEqual({
      displayName: 'userPrincipalName',
      oldValue: null,
      newValue: 'adele@contoso.onmicrosoft.com',
    });
    const skipped = job.logs.find((l) => l.sourceIdentity.id === bob.id)!;
    expect(skipped.provisioningAction).toBe('other');
    expect(skipped.provisioningStatusInfo.status).toBe('skipped');
    expect(skipped.provisioningStatusInfo.errorInformation?.errorCode).toBe('NotEffectivelyEntitled');
    expect(new Set(job.logs.map((l) => l.cycleId))).toEqual(new Set([cycleId]));
    expect(job.logs.map((l) => l.provisioningAction)).toEqual([
      'create',
      'create',
      'other',
      'update',
      'create',
    ]);
  });

  it('matches an existing user and PATCHes only what differs', async () => {
    const { job, scim } = setup('legacy', { provisionGroups: false });
    scim.seedUser({
      userName: 'adele@contoso.onmicrosoft.com',
      active: true,
      displayName: 'A. Vance',
      externalId: 'adele',
    });
    await job.runCycle();
    expect(scim.requests.slice(0, 2).map(line)).toEqual([
      'GET /Users?filter=userName eq "adele@contoso.onmicrosoft.com"',
      'PATCH /Users/u0001',
    ]);
    expect(scim.requests[1]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'displayName', value: 'Adele Vance' },
        { op: 'Add', path: 'title', value: 'Retail Manager' },
        { op: 'Add', path: 'emails[type eq "work"].value', value: 'adele@contoso.com' },
        { op: 'Add', path: 'name.givenName', value: 'Adele' },
        { op: 'Add', path: 'name.familyName', value: 'Vance' },
        { op: 'Add', path: 'name.formatted', value: 'Adele Vance' },
        { op: 'Add', path: `${ENTERPRISE}:department`, value: 'Retail' },
      ],
    });
    expect(scim.violations).toEqual([]);
  });
});

describe('incremental cycles', () => {
  it('PATCHes only changed attributes, one op per attribute (legacy)', async () => {
    const { job, scim, tenant, adele } = setup('legacy');
    await job.runCycle();
    scim.clear();
    tenant.updateUser(adele.id, { jobTitle: 'Head of Retail', city: 'Seattle' });
    const summary = await job.runCycle();
    expect(summary.initial).toBe(false);
    expect(scim.requests.map(line)).toEqual(['GET /Users/u0001', 'PATCH /Users/u0001']);
    expect(scim.requests[1]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'title', value: 'Head of Retail' },
        { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'Seattle' },
      ],
    });
    const entry = job.logs.at(-1)!;
    expect(entry.provisioningAction).toBe('update');
    // Modified properties in Entra's terms: source attributes, old and new values.
    expect(entry.modifiedProperties).toEqual([
      { displayName: 'jobTitle', oldValue: 'Retail Manager', newValue: 'Head of Retail' },
      { displayName: 'city', oldValue: null, newValue: 'Seattle' },
    ]);
    expect(scim.users.get('u0001')!.title).toBe('Head of Retail');
  });

  it('merges replaced attributes into one path-less replace in the compliant dialect', async () => {
    const { job, scim, tenant, adele } = setup('compliant');
    await job.runCycle();
    scim.clear();
    tenant.updateUser(adele.id, { displayName: 'Adele V.', surname: 'Vance-Smith', mail: 'av@contoso.com' });
    await job.runCycle();
    expect(scim.violations).toEqual([]);
    expect(firstPatch(scim)).toEqual({
      schemas: [PATCH_OP],
      Operations: [
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'av@contoso.com' },
        {
          op: 'replace',
          value: {
            displayName: 'Adele V.',
            'name.familyName': 'Vance-Smith',
            'name.formatted': 'Adele Vance-Smith',
          },
        },
      ],
    });
    expect(scim.users.get('u0001')!.name).toEqual({
      givenName: 'Adele',
      familyName: 'Vance-Smith',
      formatted: 'Adele Vance-Smith',
    });
  });

  it('reads the user back and writes nothing when nothing the mappings read changed (RedundantExport)', async () => {
    const { job, scim, tenant, adele } = setup('legacy');
    await job.runCycle();
    scim.clear();
    tenant.updateUser(adele.id, { usageLocation: 'US' });
    const summary = await job.runCycle();
    expect(scim.requests.map(line)).toEqual(['GET /Users/u0001']);
    expect(summary).toMatchObject({ created: 0, updated: 0, disabled: 0, skipped: 1 });
    expect(job.logs.at(-1)).toMatchObject({
      provisioningAction: 'other',
      provisioningStatusInfo: { status: 'skipped', errorInformation: { errorCode: 'RedundantExport' } },
    });
  });

  it('applies creation-only mappings and default values on create, and leaves them on update', async () => {
    const { job, scim, tenant, adele } = setup('legacy', {
      provisionGroups: false,
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
          { target: 'nickName', type: 'Direct', source: 'mailNickname', apply: 'OnObjectCreationOnly' },
          { target: 'title', type: 'Direct', source: 'jobTitle', defaultValue: 'Staff' },
        ],
      },
    });
    await job.runCycle();
    expect(
      scim.requests
        .filter((r) => r.method === 'POST')
        .map((r) => r.body as { nickName: string; title: string }),
    ).toMatchObject([
      { nickName: 'adele', title: 'Retail Manager' },
      { nickName: 'megan', title: 'Staff' },
    ]);
    scim.clear();
    tenant.updateUser(adele.id, { mailNickname: 'adele2', jobTitle: 'Head of Retail' });
    await job.runCycle();
    expect(writes(scim).map((r) => r.body)).toEqual([
      { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'title', value: 'Head of Retail' }] },
    ]);
    scim.clear();
    tenant.updateUser(adele.id, { jobTitle: null });
    await job.runCycle();
    expect(writes(scim)).toEqual([]);
  });

  it('renames userName with a Replace', async () => {
    const { job, scim, tenant, adele } = setup('legacy');
    await job.runCycle();
    scim.clear();
    tenant.updateUser(adele.id, { userPrincipalName: 'adele.vance@contoso.onmicrosoft.com' });
    await job.runCycle();
    expect(firstPatch(scim)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'userName', value: 'adele.vance@contoso.onmicrosoft.com' }],
    });
  });

  it('changes and removes the manager in follow-up updates', async () => {
    const { job, scim, tenant, megan, bob, userRole, app } = setup('legacy');
    tenant.assign(app.id, bob.id, userRole);
    await job.runCycle();
    scim.clear();
    tenant.setManager(megan.id, bob.id);
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual(['GET /Users/u0002', 'PATCH /Users/u0002']);
    expect(scim.requests[1]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'manager', value: [{ $ref: `${BASE}/Users/u0003`, value: 'u0003' }] }],
    });
    scim.clear();
    tenant.setManager(megan.id, null);
    await job.runCycle();
    expect(firstPatch(scim)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: `${ENTERPRISE}:manager` }],
    });
    expect(scim.users.get('u0002')![ENTERPRISE]).toEqual({ department: 'Sales' });
  });
});

describe('disable, re-enable and delete', () => {
  it.each([
    ['legacy', 'Replace', 'False', 'True'],
    ['compliant', 'replace', false, true],
  ] as const)(
    'disables a user whose account is disabled and re-enables it (%s)',
    async (dialect, op, off, on) => {
      const { job, scim, tenant, megan } = setup(dialect);
      await job.runCycle();
      scim.clear();
      tenant.disableUser(megan.id);
      const summary = await job.runCycle();
      expect(scim.requests.map(line)[0]).toMatch(/^GET \/Users\/u0002/);
      expect(scim.requests.map(line)[1]).toMatch(/^PATCH \/Users\/u0002/);
      expect(scim.requests[1]!.body).toEqual({
        schemas: [PATCH_OP],
        Operations: [{ op, path: 'active', value: off }],
      });
      expect(summary.disabled).toBe(1);
      expect(job.logs.at(-1)!.provisioningAction).toBe('disable');
      expect(scim.users.get('u0002')!.active).toBe(false);
      scim.clear();
      tenant.enableUser(megan.id);
      await job.runCycle();
      expect(firstPatch(scim)).toEqual({
        schemas: [PATCH_OP],
        Operations: [{ op, path: 'active', value: on }],
      });
      expect(scim.users.get('u0002')!.active).toBe(true);
      expect(scim.violations).toEqual([]);
    },
  );

  it('disables an unassigned user, and updates it back on reassignment', async () => {
    const { job, scim, tenant, app, adele, userRole, adeleAssignment } = setup('legacy');
    await job.runCycle();
    scim.clear();
    tenant.unassign(adeleAssignment.id);
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual(['GET /Users/u0001', 'PATCH /Users/u0001']);
    expect(scim.requests[1]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    const entry = job.logs.at(-1)!;
    expect(entry.provisioningAction).toBe('disable');
    expect(entry.provisioningSteps.find((s) => s.provisioningStepType === 'scoping')!.description).toBe(
      'The User is no longer assigned',
    );
    scim.clear();
    tenant.assign(app.id, adele.id, userRole);
    await job.runCycle();
    expect(firstPatch(scim)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'True' }],
    });
  });

  it('disables a soft-deleted user and DELETEs it 30 days later', async () => {
    const { job, scim, tenant, clock, megan } = setup('legacy');
    await job.runCycle();
    scim.clear();
    tenant.deleteUser(megan.id);
    await job.runCycle();
    // Megan is disabled, and leaves Sales: a soft-deleted user is no longer a member in Entra.
    expect(scim.requests.map(line)).toEqual([
      'GET /Users/u0002',
      'PATCH /Users/u0002',
      'GET /Groups/g0003?excludedAttributes=members',
      'PATCH /Groups/g0003',
    ]);
    expect(
      job.logs.find((l) => l.sourceIdentity.id === megan.id && l.provisioningAction === 'disable')!
        .provisioningSteps[0]!.name,
    ).toBe('EntryImportDelete');
    scim.clear();
    clock.advance(SOFT_DELETE_RETENTION_MS + 1);
    const summary = await job.runCycle();
    expect(writes(scim).map(line)).toEqual(['DELETE /Users/u0002']);
    expect(summary.deleted).toBe(1);
    expect(scim.users.has('u0002')).toBe(false);
    expect(job.logs.some((l) => l.sourceIdentity.id === megan.id && l.provisioningAction === 'delete')).toBe(
      true,
    );
  });

  it('does not DELETE when the delete action is off', async () => {
    const { job, scim, tenant, megan } = setup('legacy', { actions: { delete: false } });
    await job.runCycle();
    scim.clear();
    tenant.deleteUser(megan.id, { permanently: true });
    await job.runCycle();
    expect(scim.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('does not disable when the Update action is off (a disable is an update)', async () => {
    const { job, scim, tenant, adeleAssignment, megan } = setup('legacy', { actions: { update: false } });
    await job.runCycle();
    scim.clear();
    tenant.unassign(adeleAssignment.id);
    tenant.disableUser(megan.id);
    await job.runCycle();
    expect(writes(scim)).toEqual([]);
  });

  it('sends nothing when a user leaves the scope and IsSoftDeleted is not mapped (Microsoft: nothing is done)', async () => {
    const { job, scim, tenant, app, adele, userRole, adeleAssignment } = setup('legacy', {
      provisionGroups: false,
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
          { target: 'displayName', type: 'Direct', source: 'displayName' },
        ],
      },
    });
    await job.runCycle();
    expect(scim.requests[1]!.body).toEqual({
      schemas: [USER, ENTERPRISE],
      userName: 'adele@contoso.onmicrosoft.com',
      displayName: 'Adele Vance',
      meta: { resourceType: 'User' },
    });
    scim.clear();
    tenant.unassign(adeleAssignment.id);
    await job.runCycle();
    expect(job.logs.at(-1)).toMatchObject({
      provisioningAction: 'other',
      provisioningStatusInfo: {
        status: 'skipped',
        errorInformation: { errorCode: 'EntrySynchronizationSkipped' },
      },
    });
    tenant.assign(app.id, adele.id, userRole);
    await job.runCycle();
    expect(writes(scim)).toEqual([]);
  });

  it('disables with whatever IsSoftDeleted is mapped to', async () => {
    const { job, scim, tenant, adeleAssignment } = setup('legacy', {
      provisionGroups: false,
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
          { target: 'nickName', type: 'Expression', source: 'Switch([IsSoftDeleted], , "True", "gone")' },
        ],
      },
    });
    await job.runCycle();
    scim.clear();
    tenant.unassign(adeleAssignment.id);
    await job.runCycle();
    expect(firstPatch(scim)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'nickName', value: 'gone' }],
    });
  });

  it('skips instead of disabling with SkipOutOfScopeDeletions', async () => {
    const { job, scim, tenant, adeleAssignment, adele } = setup('legacy', { skipOutOfScopeDeletions: true });
    await job.runCycle();
    scim.clear();
    tenant.unassign(adeleAssignment.id);
    await job.runCycle();
    expect(scim.requests).toEqual([]);
    const entry = job.logs.at(-1)!;
    expect(entry.sourceIdentity.id).toBe(adele.id);
    expect(entry.provisioningStatusInfo.status).toBe('skipped');
  });
});

describe('groups', () => {
  it('adds and removes members, and renames (legacy)', async () => {
    const { job, scim, tenant, sales, bob } = setup('legacy');
    await job.runCycle();
    scim.clear();
    tenant.addMember(sales.id, bob.id);
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual([
      'GET /Users?filter=userName eq "bob@contoso.onmicrosoft.com"',
      'POST /Users',
      'GET /Groups/g0003?excludedAttributes=members',
      'PATCH /Groups/g0003',
    ]);
    expect(scim.requests[3]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u0004' }] }],
    });
    scim.clear();
    tenant.removeMember(sales.id, bob.id);
    tenant.updateGroup(sales.id, { displayName: 'Sales EMEA' });
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual([
      'GET /Users/u0004',
      'PATCH /Users/u0004',
      'GET /Groups/g0003?excludedAttributes=members',
      'PATCH /Groups/g0003',
      'PATCH /Groups/g0003',
    ]);
    expect(scim.requests[3]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }],
    });
    expect(scim.requests[4]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ value: 'u0004' }] }],
    });
    expect(scim.groups.get('g0003')).toMatchObject({
      displayName: 'Sales EMEA',
      members: [{ value: 'u0002' }],
    });
    expect(scim.violations).toEqual([]);
  });

  it('removes members with a value-filter path in the compliant dialect', async () => {
    const { job, scim, tenant, sales, megan } = setup('compliant');
    await job.runCycle();
    scim.clear();
    tenant.removeMember(sales.id, megan.id);
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual([
      'GET /Users/u0002?aadOptscim062020',
      'PATCH /Users/u0002?aadOptscim062020',
      'GET /Groups/g0003?aadOptscim062020&excludedAttributes=members',
      'PATCH /Groups/g0003?aadOptscim062020',
    ]);
    expect(scim.requests[3]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: 'members[value eq "u0002"]' }],
    });
    expect(scim.groups.get('g0003')!.members).toEqual([]);
    expect(scim.violations).toEqual([]);
  });

  it('matches an existing group by displayName, updates it and adds every member', async () => {
    const { job, scim, sales } = setup('legacy');
    const existing = scim.seedGroup({ displayName: 'Sales', externalId: 'legacy-id', description: 'kept' });
    await job.runCycle();
    expect(scim.requests.slice(-3).map(line)).toEqual([
      'GET /Groups?excludedAttributes=members&filter=displayName eq "Sales"',
      `PATCH /Groups/${existing}`,
      `PATCH /Groups/${existing}`,
    ]);
    expect(scim.requests.at(-2)!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'externalId', value: sales.id }],
    });
    expect(scim.groups.get(existing)).toMatchObject({
      externalId: sales.id,
      description: 'kept',
      members: [{ value: 'u0003' }],
    });
    expect(scim.violations).toEqual([]);
  });

  it('adds members in batches', async () => {
    const { job, scim, tenant, sales } = setup('legacy', { memberBatchSize: 2 });
    for (let i = 0; i < 3; i++) {
      const u = tenant.createUser({
        userPrincipalName: `p${i}@contoso.onmicrosoft.com`,
        displayName: `P ${i}`,
        mailNickname: `p${i}`,
      });
      tenant.addMember(sales.id, u.id);
    }
    await job.runCycle();
    const groupPatches = scim.requests.filter((r) => r.method === 'PATCH' && r.path.startsWith('/Groups'));
    expect(
      groupPatches.map((r) => (r.body as { Operations: { value: unknown[] }[] }).Operations[0]!.value.length),
    ).toEqual([2, 2]);
    expect((scim.groups.get([...scim.groups.keys()][0]!)!.members as unknown[]).length).toBe(4);
  });

  it('deletes a group that is unassigned', async () => {
    const { job, scim, tenant, salesAssignment } = setup('legacy');
    await job.runCycle();
    scim.clear();
    tenant.unassign(salesAssignment.id);
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual([
      'GET /Users/u0002',
      'PATCH /Users/u0002',
      'DELETE /Groups/g0003',
    ]);
  });

  it('does not provision groups when group provisioning is off', async () => {
    const { job, scim } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    expect(scim.requests.some((r) => r.path.startsWith('/Groups'))).toBe(false);
  });
});

describe('scope', () => {
  it('re-evaluates everyone when scoping filters change, disabling users that fall out', async () => {
    const { job, scim } = setup('legacy');
    await job.runCycle();
    scim.clear();
    job.setUserScopingFilters([
      { title: 'Retail', clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Retail' }] },
    ]);
    const summary = await job.runCycle();
    expect(summary.initial).toBe(true);
    expect(writes(scim).map(line)).toEqual(['PATCH /Users/u0002']);
    expect(firstPatch(scim)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
  });

  it('deletes groups that fall out of the group scoping filters', async () => {
    const { job, scim } = setup('legacy');
    await job.runCycle();
    scim.clear();
    job.setGroupScopingFilters([
      { clauses: [{ attribute: 'displayName', operator: 'ENDS_WITH', value: 'EMEA' }] },
    ]);
    await job.runCycle();
    expect(writes(scim).map(line)).toEqual(['DELETE /Groups/g0003']);
  });

  it('provisions every user with scope all', async () => {
    const { job, scim } = setup('legacy', { scope: 'all', provisionGroups: false });
    await job.runCycle();
    expect(
      scim.requests.filter((r) => r.method === 'POST').map((r) => (r.body as { userName: string }).userName),
    ).toEqual([
      'adele@contoso.onmicrosoft.com',
      'megan@contoso.onmicrosoft.com',
      'bob@contoso.onmicrosoft.com',
    ]);
  });

  it('provisions Default Access assignments unless skipDefaultAccessRole', async () => {
    for (const skip of [false, true]) {
      const { job, scim, tenant, app, bob } = setup('legacy', {
        provisionGroups: false,
        skipDefaultAccessRole: skip,
      });
      tenant.assign(app.id, bob.id, DEFAULT_ACCESS_APP_ROLE_ID);
      await job.runCycle();
      const posted = scim.requests.some(
        (r) => r.method === 'POST' && (r.body as { userName: string }).userName.startsWith('bob'),
      );
      expect(posted).toBe(!skip);
    }
  });
});

describe('failures', () => {
  it('retries 429 honouring Retry-After on the simulated clock', async () => {
    const { job, scim, clock } = setup('legacy', { provisionGroups: false });
    scim.failNext(2, 429, { 'Retry-After': '30' });
    const before = clock.now().getTime();
    const summary = await job.runCycle();
    expect(clock.now().getTime() - before).toBe(60_000);
    expect(scim.requests.slice(0, 4).map(line)).toEqual([
      'GET /Users?filter=userName eq "adele@contoso.onmicrosoft.com"',
      'GET /Users?filter=userName eq "adele@contoso.onmicrosoft.com"',
      'GET /Users?filter=userName eq "adele@contoso.onmicrosoft.com"',
      'POST /Users',
    ]);
    expect(summary.failed).toBe(0);
  });

  it('escrows failures and quarantines when the failure proportion is too high', async () => {
    const { job, scim, clock } = setup('legacy', {
      provisionGroups: false,
      retry: { maxAttempts: 2, baseDelayMs: 1000 },
      quarantine: { minimumFailures: 2 },
    });
    scim.failNext(4, 503);
    const first = await job.runCycle();
    expect(first).toMatchObject({ failed: 2, created: 0, status: 'Quarantine' });
    expect(job.status().quarantine?.reason).toBe('EncounteredEscrowProportionThreshold');
    expect(job.status().escrowsCount).toBe(2);
    const failed = job.logs.filter((l) => l.provisioningStatusInfo.status === 'failure');
    expect(failed.map((l) => l.provisioningStatusInfo.errorInformation?.errorCode)).toEqual([
      'InternalServerError',
      'InternalServerError',
    ]);
    // Escrowed changes are retried on Microsoft's back-off: the first retry 6 hours later.
    clock.advance(6 * 60 * 60 * 1000);
    const second = await job.runCycle();
    expect(second).toMatchObject({ failed: 0, created: 2, status: 'Active' });
    expect(job.status().escrowsCount).toBe(0);
    // A retried change keeps its changeId.
    const created = job.logs.filter(
      (l) => l.provisioningAction === 'create' && l.provisioningStatusInfo.status === 'success',
    );
    expect(created.map((l) => l.changeId)).toEqual(failed.map((l) => l.changeId));
    expect(created[0]!.cycleId).not.toBe(failed[0]!.cycleId);
  });

  it('quarantines on a rejected token, retries after 6, 12 and 24 hours, and recovers when the token is fixed', async () => {
    const { job, scim, clock } = setup('legacy');
    scim.setToken('rotated');
    const first = await job.runCycle();
    expect(first.status).toBe('Quarantine');
    expect(scim.requests).toHaveLength(1);
    expect(job.status()).toMatchObject({
      code: 'Quarantine',
      watermark: null,
      quarantine: {
        reason: 'EncounteredQuarantineException',
        seriesCount: 1,
        currentBegan: '2026-03-02T08:00:00.000Z',
        nextAttempt: '2026-03-02T14:00:00.000Z',
      },
    });
    clock.advance(PROVISIONING_INTERVAL_MS);
    expect(await job.runDueCycles()).toEqual([]);
    clock.set('2026-03-02T14:00:00Z');
    expect(await job.runDueCycles()).toHaveLength(1);
    expect(job.status().quarantine).toMatchObject({
      seriesCount: 2,
      nextAttempt: '2026-03-02T20:00:00.000Z',
    });
    clock.set('2026-03-02T20:00:00Z');
    await job.runDueCycles();
    expect(job.status().quarantine?.nextAttempt).toBe('2026-03-03T08:00:00.000Z');
    scim.setToken('secret-token');
    clock.set('2026-03-03T08:00:00Z');
    const [next] = await job.runDueCycles();
    expect(next).toMatchObject({ initial: true, created: 3, status: 'Active' });
    expect(job.status().quarantine).toBeNull();
  });

  it('disables a job that stays in quarantine for four weeks', async () => {
    const { job, scim, clock } = setup('legacy');
    scim.setToken('rotated');
    await job.runCycle();
    for (let day = 0; day < 30; day++) {
      clock.advance(24 * 60 * 60 * 1000);
      await job.runDueCycles();
    }
    expect(job.status().code).toBe('Paused');
    const attempts = scim.requests.length;
    clock.advance(24 * 60 * 60 * 1000);
    expect(await job.runDueCycles()).toEqual([]);
    expect(scim.requests).toHaveLength(attempts);
  });

  it('logs <AppName>EntryConflict on 409 and DuplicateTargetEntries on two matches', async () => {
    const { job, scim } = setup('legacy', { provisionGroups: false });
    scim.seedUser({ userName: 'megan@contoso.onmicrosoft.com', active: true });
    scim.seedUser({ userName: 'megan@contoso.onmicrosoft.com', active: true });
    scim.failNext(1, 409, {}, 'POST');
    await job.runCycle();
    const codes = job.logs
      .filter((l) => l.provisioningStatusInfo.status === 'failure')
      .map((l) => [l.sourceIdentity.displayName, l.provisioningStatusInfo.errorInformation?.errorCode]);
    expect(codes).toEqual([
      ['Adele Vance', 'ContosoSCIMappEntryConflict'],
      ['Megan Bowen', 'DuplicateTargetEntries'],
    ]);
    expect(scim.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('holds back deletions over the accidental deletion threshold until they are allowed', async () => {
    const { job, scim, tenant, adeleAssignment, salesAssignment } = setup('legacy', {
      accidentalDeletionThreshold: 1,
    });
    await job.runCycle();
    scim.clear();
    tenant.unassign(adeleAssignment.id);
    tenant.unassign(salesAssignment.id);
    const staged = await job.runCycle();
    expect(scim.requests).toEqual([]);
    expect(staged).toMatchObject({ staged: 3, status: 'Quarantine' });
    expect(job.status().quarantine?.reason).toBe('TooManyDeletes');
    expect(job.logs.filter((l) => l.provisioningAction === 'stagedDelete')).toHaveLength(3);
    const again = await job.runCycle();
    expect(again.staged).toBe(3);
    expect(scim.requests).toEqual([]);
    job.allowDeletes();
    const [allowed] = await job.runDueCycles();
    expect(allowed).toMatchObject({ disabled: 2, deleted: 1, status: 'Active' });
    expect(scim.requests.map(line)).toEqual([
      'GET /Users/u0001',
      'PATCH /Users/u0001',
      'GET /Users/u0002',
      'PATCH /Users/u0002',
      'DELETE /Groups/g0003',
    ]);
  });

  it('restart with resetScope clears state so the next cycle is initial', async () => {
    const { job, scim } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    job.restart({ resetScope: true });
    scim.clear();
    const summary = await job.runCycle();
    expect(summary.initial).toBe(true);
    expect(scim.requests.map(line)).toEqual([
      'GET /Users?filter=userName eq "adele@contoso.onmicrosoft.com"',
      'GET /Users?filter=userName eq "megan@contoso.onmicrosoft.com"',
    ]);
  });
});

describe('Test Connection', () => {
  it('queries a random GUID on the matching attribute and expects an empty ListResponse', async () => {
    const { job, scim } = setup('legacy');
    expect(await job.testConnection()).toMatchObject({ success: true, errorCode: null });
    expect(line(scim.requests[0]!)).toMatch(/^GET \/Users\?filter=userName eq "[0-9a-f-]{36}"$/);
    scim.setToken('other');
    expect(await job.testConnection()).toMatchObject({
      success: false,
      errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
    });
  });

  it('fails when the endpoint does not answer a ListResponse', async () => {
    const { job } = setup('legacy');
    server.use(mountFetchHandler(BASE, () => new Response('{}', { status: 200 })));
    expect(await job.testConnection()).toMatchObject({
      success: false,
      errorCode: 'SystemForCrossDomainIdentityManagementServiceIncompatible',
    });
  });
});

describe('overlapping runs', () => {
  it('runs overlapping calls one after the other, provisioning each change once', async () => {
    const { job, scim } = setup('legacy');
    const [a, b] = await Promise.all([job.runDueCycles(), job.runDueCycles()]);
    expect(a).toHaveLength(1);
    expect(b).toEqual([]);
    expect(scim.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
  });

  it('re-enables a restored user', async () => {
    const { job, scim, tenant, megan } = setup('compliant');
    await job.runCycle();
    tenant.deleteUser(megan.id);
    await job.runCycle();
    scim.clear();
    tenant.restoreDeletedItem(megan.id);
    await job.runCycle();
    expect(firstPatch(scim)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: 'active', value: true }],
    });
    expect(scim.users.get('u0002')!.active).toBe(true);
  });
});

describe('progress events', () => {
  it('reports the start, each log entry and the summary of a cycle', async () => {
    const events: string[] = [];
    const { job } = setup('legacy', {
      onProgress: (e) =>
        events.push(
          e.type === 'cycleStarted'
            ? `started ${e.total}`
            : e.type === 'entry'
              ? `${e.entry.provisioningAction} ${e.entry.sourceIdentity.displayName}`
              : `completed ${e.summary.created}`,
        ),
    });
    await job.runCycle();
    expect(events).toEqual([
      'started 4',
      'create Adele Vance',
      'create Megan Bowen',
      'other Bob Kelly',
      'update Megan Bowen',
      'create Sales',
      'completed 3',
    ]);
  });
});

describe('schedule', () => {
  it('runs a cycle every 40 minutes of simulated time', async () => {
    const { job, clock, tenant, adele, scim } = setup('legacy');
    expect(await job.runDueCycles()).toHaveLength(1);
    expect(await job.runDueCycles()).toEqual([]);
    tenant.updateUser(adele.id, { jobTitle: 'Lead' });
    clock.advance(PROVISIONING_INTERVAL_MS - 1);
    expect(await job.runDueCycles()).toEqual([]);
    scim.clear();
    clock.advance(1);
    const cycles = await job.runDueCycles();
    expect(cycles).toHaveLength(1);
    expect(scim.requests.map(line)).toEqual(['GET /Users/u0001', 'PATCH /Users/u0001']);
    job.pause();
    clock.advance(PROVISIONING_INTERVAL_MS * 3);
    expect(await job.runDueCycles()).toEqual([]);
    expect(job.status().code).toBe('Paused');
  });
});

describe('more deprovisioning paths', () => {
  it('disables users in scope only through a group when the group is soft-deleted', async () => {
    const { job, scim, tenant, sales } = setup('legacy', { actions: { delete: false } });
    await job.runCycle();
    scim.clear();
    tenant.deleteGroup(sales.id);
    await job.runCycle();
    expect(scim.requests.map(line)).toEqual(['GET /Users/u0002', 'PATCH /Users/u0002']);
    expect(scim.requests[1]!.body).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
  });

  it('disables users in scope through a deleted group even when groups are not provisioned', async () => {
    const { job, scim, tenant, sales } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    scim.clear();
    tenant.deleteGroup(sales.id);
    await job.runCycle();
    expect(writes(scim).map(line)).toEqual(['PATCH /Users/u0002']);
  });

  it('counts blocked sign-ins toward the accidental deletion threshold', async () => {
    const { job, scim, tenant, megan } = setup('legacy', { accidentalDeletionThreshold: 0 });
    await job.runCycle();
    scim.clear();
    tenant.disableUser(megan.id);
    const summary = await job.runCycle();
    expect(summary).toMatchObject({ staged: 1, disabled: 0, status: 'Quarantine' });
    expect(scim.requests).toEqual([]);
    job.allowDeletes();
    expect(await job.runCycle()).toMatchObject({ staged: 0, disabled: 1, status: 'Active' });
    expect(firstPatch(scim)).toEqual({
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
  });
});

describe('provision on demand', () => {
  it('provisions one user now without moving the watermark', async () => {
    const { job, scim, adele } = setup('legacy');
    const { summary, logs } = await job.provisionOnDemand({ objectId: adele.id });
    expect(summary.created).toBe(1);
    expect(scim.requests.map(line)).toEqual([
      'GET /Users?filter=userName eq "adele@contoso.onmicrosoft.com"',
      'POST /Users',
    ]);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.initiatedBy.initiatorType).toBe('user');
    expect(job.status()).toMatchObject({ watermark: null, cycles: 0 });
    scim.clear();
    await job.runCycle();
    expect(scim.requests.filter((r) => r.method === 'POST')).toHaveLength(2); // Megan and the group; Adele exists
  });

  it('provisions a group with up to 5 members, in the legacy dialect even with the flag', async () => {
    const { job, tenant, sales } = setup('compliant');
    // On-demand requests use the legacy shapes: a connector that accepts only the compliant ones rejects them.
    const scim = createStrictScimApp({ baseUrl: BASE, token: 'secret-token', dialect: 'legacy' });
    server.use(mountFetchHandler(BASE, scim.fetch));
    const more = [0, 1, 2, 3, 4].map((i) =>
      tenant.createUser({
        userPrincipalName: `m${i}@contoso.onmicrosoft.com`,
        displayName: `M ${i}`,
        mailNickname: `m${i}`,
      }),
    );
    for (const u of more) tenant.addMember(sales.id, u.id);
    const { summary } = await job.provisionOnDemand({ objectId: sales.id });
    expect(summary.created).toBe(6); // five users and the group
    expect(scim.violations).toEqual([]);
    expect(scim.requests[0]!.query[0]).toEqual(['aadOptscim062020', '']);
    const groupPatch = scim.requests.find((r) => r.method === 'PATCH' && r.path.startsWith('/Groups'))!;
    expect(
      (groupPatch.body as { Operations: { op: string; value: unknown[] }[] }).Operations[0],
    ).toMatchObject({ op: 'Add' });
    expect((groupPatch.body as { Operations: { value: unknown[] }[] }).Operations[0]!.value).toHaveLength(5);
    await expect(
      job.provisionOnDemand({
        objectId: sales.id,
        members: [...more.map((u) => u.id), tenant.listMembers(sales.id)[0]!.object.id],
      }),
    ).rejects.toThrow(/at most 5/);
    await expect(job.provisionOnDemand({ objectId: '00000000-0000-4000-8000-00000000dead' })).rejects.toThrow(
      /no user or group/,
    );
  });
});

import { isScimError } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.ts';
import { createEntraTenant, SOFT_DELETE_RETENTION_MS } from './tenant.ts';
import { DEFAULT_ACCESS_APP_ROLE_ID } from './types.ts';

const DOMAIN = 'contoso.onmicrosoft.com';

function setup() {
  const clock = createManualClock('2026-01-01T00:00:00Z');
  const tenant = createEntraTenant({ clock, seed: 1 });
  const adele = tenant.createUser({
    userPrincipalName: `adele@${DOMAIN}`,
    displayName: 'Adele Vance',
    mailNickname: 'adele',
    givenName: 'Adele',
    surname: 'Vance',
    jobTitle: 'Retail Manager',
  });
  const megan = tenant.createUser({
    userPrincipalName: `megan@${DOMAIN}`,
    displayName: 'Megan Bowen',
    mailNickname: 'megan',
  });
  return { clock, tenant, adele, megan };
}

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isScimError(error)) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('users', () => {
  it('creates enabled users with Graph defaults and records the creation', () => {
    const { tenant, adele } = setup();
    expect(adele).toMatchObject({ accountEnabled: true, userType: 'Member', businessPhones: [], mail: null });
    expect(adele.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(tenant.changesSince(0).map((c) => c.kind)).toEqual(['userCreated', 'userCreated']);
    expect(tenant.sequence).toBe(2);
  });

  it('requires the properties Graph requires and a verified domain', () => {
    const { tenant } = setup();
    expect(
      errorOf(() =>
        tenant.createUser({ userPrincipalName: 'x@fabrikam.com', displayName: 'X', mailNickname: 'x' }),
      ).code,
    ).toBe('invalidValue');
    expect(
      errorOf(() =>
        tenant.createUser({ userPrincipalName: `x@${DOMAIN}`, displayName: 'X', mailNickname: 'has space' }),
      ).code,
    ).toBe('invalidValue');
    expect(
      errorOf(() =>
        tenant.createUser({
          userPrincipalName: `ADELE@${DOMAIN}`,
          displayName: 'Other',
          mailNickname: 'other',
        }),
      ).code,
    ).toBe('uniqueness');
    expect(
      errorOf(() =>
        tenant.createUser({
          userPrincipalName: `p@${DOMAIN}`,
          displayName: 'P',
          mailNickname: 'p',
          businessPhones: ['1', '2'],
        }),
      ).code,
    ).toBe('invalidValue');
  });

  it('records only the properties that really changed, with old and new values', () => {
    const { tenant, adele } = setup();
    const before = tenant.sequence;
    tenant.updateUser(adele.id, { jobTitle: 'Retail Manager', department: 'Retail' });
    tenant.updateUser(adele.id, { jobTitle: 'Retail Manager' });
    const changes = tenant.changesSince(before);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      kind: 'userUpdated',
      userId: adele.id,
      properties: [{ name: 'department', oldValue: null, newValue: 'Retail' }],
    });
  });

  it('merges extension attributes and keeps directory extensions top-level', () => {
    const { tenant, adele } = setup();
    tenant.updateUser(adele.id, { onPremisesExtensionAttributes: { extensionAttribute1: 'A' } });
    const user = tenant.updateUser(adele.id, {
      onPremisesExtensionAttributes: { extensionAttribute2: 'B' },
      extension_0123456789abcdef0123456789abcdef_costCenter: 'CC-12',
    });
    expect(user.onPremisesExtensionAttributes).toEqual({
      extensionAttribute1: 'A',
      extensionAttribute2: 'B',
    });
    expect(user.extension_0123456789abcdef0123456789abcdef_costCenter).toBe('CC-12');
    expect(
      errorOf(() =>
        tenant.updateUser(adele.id, {
          onPremisesExtensionAttributes: { extensionAttribute16: 'x' } as never,
        }),
      ).code,
    ).toBe('invalidValue');
  });

  it('keeps userPrincipalName lookups right across renames and deletes', () => {
    const { tenant, adele } = setup();
    tenant.updateUser(adele.id, { userPrincipalName: `adele.vance@${DOMAIN}` });
    expect(tenant.findUser(`ADELE.VANCE@${DOMAIN}`)?.id).toBe(adele.id);
    expect(tenant.findUser(`adele@${DOMAIN}`)).toBeUndefined();
    const other = tenant.createUser({
      userPrincipalName: `adele@${DOMAIN}`,
      displayName: 'Other Adele',
      mailNickname: 'adele2',
    });
    expect(tenant.findUser(`adele@${DOMAIN}`)?.id).toBe(other.id);
    tenant.deleteUser(other.id);
    expect(tenant.findUser(`adele@${DOMAIN}`)).toBeUndefined();
    expect(errorOf(() => tenant.updateUser(adele.id, { userPrincipalName: `megan@${DOMAIN}` })).code).toBe(
      'uniqueness',
    );
  });

  it('returns copies, so changing a returned user changes nothing in the tenant', () => {
    const { tenant, adele } = setup();
    (adele as { displayName: string }).displayName = 'Changed';
    (adele.businessPhones as string[]).push('+1 555 0100');
    expect(tenant.getUser(adele.id)).toMatchObject({ displayName: 'Adele Vance', businessPhones: [] });
  });

  it('disables and enables through accountEnabled', () => {
    const { tenant, adele } = setup();
    expect(tenant.disableUser(adele.id).accountEnabled).toBe(false);
    expect(tenant.changesSince(tenant.sequence - 1)[0]).toMatchObject({
      kind: 'userUpdated',
      properties: [{ name: 'accountEnabled', oldValue: true, newValue: false }],
    });
    expect(tenant.enableUser(adele.id).accountEnabled).toBe(true);
  });
});

describe('soft delete, restore and purge', () => {
  it('hides a soft-deleted user, keeps it in deleted items and restores it with its links', () => {
    const { tenant, adele, megan } = setup();
    const app = tenant.createServicePrincipal({ displayName: 'App' });
    const group = tenant.createGroup({ displayName: 'Sales', mailNickname: 'sales' });
    tenant.addMember(group.id, adele.id);
    tenant.setManager(megan.id, adele.id);
    tenant.assign(app.id, adele.id);

    tenant.deleteUser(adele.id);
    expect(tenant.findUser(adele.id)).toBeUndefined();
    expect(errorOf(() => tenant.getUser(adele.id)).code).toBe('notFound');
    expect(tenant.listMembers(group.id)).toEqual([]);
    expect(tenant.getManager(megan.id)).toBeNull();
    expect(tenant.listAssignments(app.id)).toEqual([]);
    expect(tenant.listDeletedItems('user').map((i) => i.object.id)).toEqual([adele.id]);

    const restored = tenant.restoreDeletedItem(adele.id);
    expect(restored).toMatchObject({ type: 'user', object: { id: adele.id, deletedDateTime: null } });
    expect(tenant.listMembers(group.id).map((m) => m.object.id)).toEqual([adele.id]);
    expect(tenant.getManager(megan.id)?.id).toBe(adele.id);
    expect(tenant.listAssignments(app.id)).toHaveLength(1);
  });

  it('purges a soft-deleted user 30 days later, recording the hard delete at the expiry instant', () => {
    const { clock, tenant, adele, megan } = setup();
    tenant.setManager(megan.id, adele.id);
    tenant.deleteUser(adele.id);
    clock.advance(SOFT_DELETE_RETENTION_MS - 1);
    expect(tenant.listDeletedItems()).toHaveLength(1);
    clock.advance(1);
    expect(tenant.listDeletedItems()).toHaveLength(0);
    const tail = tenant.changesSince(0).slice(-2);
    expect(tail.map((c) => c.kind)).toEqual(['managerChanged', 'userHardDeleted']);
    expect(tail[1]?.occurredDateTime).toBe('2026-01-31T00:00:00.000Z');
    expect(errorOf(() => tenant.restoreDeletedItem(adele.id)).code).toBe('notFound');
  });

  it('hard-deletes at once with permanently, removing memberships and assignments', () => {
    const { tenant, adele } = setup();
    const app = tenant.createServicePrincipal({ displayName: 'App' });
    const group = tenant.createGroup({ displayName: 'Sales', mailNickname: 'sales' });
    tenant.addMember(group.id, adele.id);
    tenant.assign(app.id, adele.id);
    const before = tenant.sequence;
    tenant.deleteUser(adele.id, { permanently: true });
    expect(tenant.changesSince(before).map((c) => c.kind)).toEqual([
      'userSoftDeleted',
      'memberRemoved',
      'appRoleUnassigned',
      'userHardDeleted',
    ]);
    expect(tenant.listDeletedItems()).toEqual([]);
  });

  it('refuses to restore a user whose userPrincipalName was taken meanwhile', () => {
    const { tenant, adele } = setup();
    tenant.deleteUser(adele.id);
    tenant.createUser({
      userPrincipalName: adele.userPrincipalName,
      displayName: 'New Adele',
      mailNickname: 'adele2',
    });
    expect(errorOf(() => tenant.restoreDeletedItem(adele.id)).code).toBe('uniqueness');
  });

  it('soft-deletes security groups but purges distribution groups at once', () => {
    const { tenant } = setup();
    const security = tenant.createGroup({ displayName: 'Sec', mailNickname: 'sec' });
    const distribution = tenant.createGroup({
      displayName: 'Dist',
      mailNickname: 'dist',
      mailEnabled: true,
      securityEnabled: false,
    });
    expect(distribution.mail).toBe(`dist@${DOMAIN}`);
    tenant.deleteGroup(security.id);
    tenant.deleteGroup(distribution.id);
    expect(tenant.listDeletedItems('group').map((i) => i.object.id)).toEqual([security.id]);
    expect(tenant.restoreDeletedItem(security.id).object.id).toBe(security.id);
  });
});

describe('managers and groups', () => {
  it('records manager changes with old and new managers, and rejects self-management', () => {
    const { tenant, adele, megan } = setup();
    tenant.setManager(megan.id, adele.id);
    tenant.setManager(megan.id, adele.id);
    tenant.setManager(megan.id, null);
    const kinds = tenant.changesSince(2);
    expect(kinds).toMatchObject([
      { kind: 'managerChanged', userId: megan.id, oldManagerId: null, newManagerId: adele.id },
      { kind: 'managerChanged', userId: megan.id, oldManagerId: adele.id, newManagerId: null },
    ]);
    expect(errorOf(() => tenant.setManager(adele.id, adele.id)).code).toBe('invalidValue');
    tenant.setManager(megan.id, adele.id);
    expect(tenant.listDirectReports(adele.id).map((u) => u.id)).toEqual([megan.id]);
  });

  it('adds and removes direct members, users and groups, with Graph conflicts', () => {
    const { tenant, adele } = setup();
    const outer = tenant.createGroup({ displayName: 'Outer', mailNickname: 'outer' });
    const inner = tenant.createGroup({ displayName: 'Inner', mailNickname: 'inner' });
    tenant.addMember(outer.id, adele.id);
    tenant.addMember(outer.id, inner.id);
    expect(tenant.listMembers(outer.id).map((m) => m.type)).toEqual(['user', 'group']);
    expect(tenant.listMemberOf(adele.id).map((g) => g.id)).toEqual([outer.id]);
    expect(errorOf(() => tenant.addMember(outer.id, adele.id)).code).toBe('conflict');
    expect(errorOf(() => tenant.addMember(outer.id, outer.id)).code).toBe('invalidValue');
    tenant.removeMember(outer.id, adele.id);
    expect(errorOf(() => tenant.removeMember(outer.id, adele.id)).code).toBe('notFound');
    expect(tenant.changesSince(0).filter((c) => c.kind === 'memberRemoved')).toHaveLength(1);
  });
});

describe('applications and assignments', () => {
  it('creates a non-gallery app with User and msiam_access roles', () => {
    const { tenant } = setup();
    const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM' });
    expect(app.appRoles.map((r) => [r.displayName, r.id, r.value])).toEqual([
      ['User', '18d14569-c3bd-439b-9a66-3a2aee01d14f', null],
      ['msiam_access', 'b9632174-c057-4f7e-951b-be3adc52bfe6', null],
    ]);
    expect(app.appRoleAssignmentRequired).toBe(true);
  });

  it('assigns to a declared role or the Default Access role, and rejects duplicates and unknown roles', () => {
    const { tenant, adele, megan } = setup();
    const app = tenant.createServicePrincipal({ displayName: 'App' });
    const group = tenant.createGroup({ displayName: 'G', mailNickname: 'g' });
    const a = tenant.assign(app.id, adele.id);
    expect(a).toMatchObject({
      appRoleId: DEFAULT_ACCESS_APP_ROLE_ID,
      principalType: 'User',
      resourceDisplayName: 'App',
    });
    const b = tenant.assign(app.id, group.id, app.appRoles[0]!.id);
    expect(b.principalType).toBe('Group');
    expect(errorOf(() => tenant.assign(app.id, adele.id)).code).toBe('conflict');
    expect(errorOf(() => tenant.assign(app.id, megan.id, crypto.randomUUID())).code).toBe('invalidValue');
    tenant.unassign(a.id);
    expect(tenant.listAssignments(app.id).map((x) => x.id)).toEqual([b.id]);
    expect(tenant.changesSince(0).at(-1)).toMatchObject({ kind: 'appRoleUnassigned', principalId: adele.id });
  });
});

describe('change log', () => {
  it('numbers changes 1, 2, 3... and answers from any watermark', () => {
    const { tenant, adele } = setup();
    tenant.disableUser(adele.id);
    tenant.deleteUser(adele.id);
    const all = tenant.changesSince();
    expect(all.map((c) => c.sequence)).toEqual([1, 2, 3, 4]);
    expect(tenant.changesSince(3).map((c) => c.kind)).toEqual(['userSoftDeleted']);
    expect(tenant.changesSince(4)).toEqual([]);
    expect(() => tenant.changesSince(-1)).toThrow(/watermark/);
  });

  it('gives the same ids for the same seed', () => {
    const a = createEntraTenant({ seed: 9 });
    const b = createEntraTenant({ seed: 9 });
    const input = { userPrincipalName: `u@${DOMAIN}`, displayName: 'U', mailNickname: 'u' };
    expect(a.id).toBe(b.id);
    expect(a.createUser(input).id).toBe(b.createUser(input).id);
  });
});

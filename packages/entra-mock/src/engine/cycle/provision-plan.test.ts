import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock.ts';
import { createEntraTenant } from '../../tenant/tenant.ts';
import { resolveConfig } from '../config.ts';
import { appRoleAssignments } from '../entitlement.ts';
import { userSource } from '../resource.ts';
import { ProvisionPlan } from './provision-plan.ts';

function fixture() {
  const tenant = createEntraTenant({ clock: createManualClock('2026-03-02T08:00:00Z'), seed: 5 });
  const app = tenant.createServicePrincipal({ displayName: 'Contoso' });
  const config = resolveConfig({
    tenant,
    servicePrincipalId: app.id,
    tenantUrl: 'https://scim.example.test/scim',
    secretToken: 't',
  });
  const adele = tenant.createUser({
    userPrincipalName: 'adele@contoso.onmicrosoft.com',
    displayName: 'Adele Vance',
    mailNickname: 'adele',
  });
  const roles = [app.appRoles[0]!.id];
  return { config, user: tenant.findUser(adele.id)!, roles };
}

describe('a provision plan', () => {
  it('reads the user as the source values the cycle planned with', () => {
    const { config, user, roles } = fixture();
    const plan = new ProvisionPlan(config, user.id, user, 'manager-id', roles, {});
    expect(plan.source).toEqual(
      userSource(user, { managerId: 'manager-id', appRoleAssignments: appRoleAssignments(config, roles) }),
    );
    expect(plan.source.manager).toBe('manager-id');
    expect(plan.source.appRoleAssignments).toEqual([
      expect.objectContaining({ id: roles[0], displayName: expect.any(String) }),
    ]);
  });

  it('builds the source values once, on the first read', () => {
    const { config, user, roles } = fixture();
    const plan = new ProvisionPlan(config, user.id, user, null, roles, {});
    expect(plan.source).toBe(plan.source);
    expect(plan.kind).toBe('provision');
  });
});

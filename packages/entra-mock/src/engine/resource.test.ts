import { describe, expect, it } from 'vitest';
import { setup } from '../../test/engine-fixture.ts';
import { externalPrincipalName } from './resource.ts';

describe('a B2B (guest) user', () => {
  it('is provisioned with #EXT# and the tenant domain stripped from its userPrincipalName (alias@theirdomain)', async () => {
    // How provisioning works, B2B (guest) users: userPrincipalName = alias@theirdomain,
    // originalUserPrincipalName = alias_theirdomain#EXT#@yourdomain.
    const { job, scim, tenant, app, userRole } = setup('legacy', { provisionGroups: false });
    const kim = tenant.createUser({
      userPrincipalName: 'kim_fabrikam.com#EXT#@contoso.onmicrosoft.com',
      displayName: 'Kim Akers',
      mailNickname: 'kim_fabrikam.com#EXT#',
      userType: 'Guest',
    });
    tenant.assign(app.id, kim.id, userRole);
    await job.runCycle();
    const posted = scim.requests
      .filter((r) => r.method === 'POST')
      .map((r) => (r.body as { userName: string }).userName);
    expect(posted).toContain('kim@fabrikam.com');
    expect(scim.requests.map((r) => r.query.map(([, v]) => v).join())).toContain(
      'userName eq "kim@fabrikam.com"',
    );
  });

  it('keeps every other userPrincipalName as it is', () => {
    expect(externalPrincipalName('first_last_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toBe(
      'first_last@fabrikam.com',
    );
    expect(externalPrincipalName('adele@contoso.onmicrosoft.com')).toBe('adele@contoso.onmicrosoft.com');
    expect(externalPrincipalName('odd_name@contoso.onmicrosoft.com')).toBe(
      'odd_name@contoso.onmicrosoft.com',
    );
  });
});

describe('source attributes', () => {
  it('has no userType to map (Known issues: userType is not available as a source attribute)', async () => {
    const { job, scim } = setup('legacy', {
      provisionGroups: false,
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
          { target: 'userType', type: 'Direct', source: 'userType' },
          { target: 'displayName', type: 'Direct', source: 'displayName' },
        ],
      },
    });
    await job.runCycle();
    const posted = scim.requests
      .filter((r) => r.method === 'POST')
      .map((r) => r.body as Record<string, unknown>);
    expect(posted).toHaveLength(2);
    for (const body of posted) {
      expect(body.displayName).toBeTypeOf('string');
      expect(body).not.toHaveProperty('userType');
    }
  });
});

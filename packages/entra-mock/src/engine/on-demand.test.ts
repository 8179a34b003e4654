import { describe, expect, it } from 'vitest';
import { setup } from '../../test/engine-fixture.ts';

const withRoles = {
  provisionGroups: false,
  userMappings: {
    objectType: 'User' as const,
    mappings: [
      { target: 'userName', type: 'Direct' as const, source: 'userPrincipalName', matchingPrecedence: 1 },
      { target: 'displayName', type: 'Direct' as const, source: 'displayName' },
      {
        target: 'roles[primary eq "True"].value',
        type: 'Expression' as const,
        source: 'SingleAppRoleAssignment([appRoleAssignments])',
      },
    ],
  },
};

describe('provision on demand', () => {
  it('does not provision roles on demand; a scheduled cycle does', async () => {
    // Provision on demand, known limitations: "On-demand provisioning of roles isn't supported."
    const onDemand = setup('legacy', withRoles);
    await onDemand.job.provisionOnDemand({ objectId: onDemand.adele.id });
    const created = onDemand.scim.requests.find((r) => r.method === 'POST')!.body as Record<string, unknown>;
    expect(created.displayName).toBe('Adele Vance');
    expect(created).not.toHaveProperty('roles');
    const scheduled = setup('legacy', withRoles);
    await scheduled.job.runCycle();
    const posted = scheduled.scim.requests.find((r) => r.method === 'POST')!.body as Record<string, unknown>;
    expect(posted.roles).toEqual([{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'User' }]);
  });
});

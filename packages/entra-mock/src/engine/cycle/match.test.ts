import { describe, expect, it } from 'vitest';
import { setup } from '../../../test/engine-fixture.ts';

describe('matching', () => {
  it('fails the second of two source users that share a matching value with DuplicateSourceEntries instead of linking both to one target user', async () => {
    // Analyze provisioning logs, error codes: DuplicateSourceEntries, "more than one user was found
    // with the configured matching attributes".
    const { job, scim, tenant, adele, megan } = setup('legacy', {
      provisionGroups: false,
      userMappings: {
        objectType: 'User',
        mappings: [
          { target: 'userName', type: 'Direct', source: 'department', matchingPrecedence: 1 },
          { target: 'displayName', type: 'Direct', source: 'displayName' },
        ],
      },
    });
    tenant.updateUser(adele.id, { department: 'Sales' }); // Megan is in Sales too
    await job.runCycle();
    expect(scim.users.size).toBe(1);
    const codes = job.logs
      .filter((l) => l.provisioningStatusInfo.status === 'failure')
      .map((l) => [l.sourceIdentity.id, l.provisioningStatusInfo.errorInformation?.errorCode]);
    expect(codes).toEqual([[megan.id, 'DuplicateSourceEntries']]);
    expect(job.connections().filter((c) => c.objectType === 'User')).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import { setup } from '../../../test/engine-fixture.ts';

describe('group members', () => {
  it('leaves a failed member update out of the escrow proportion that quarantines the job (a reference failure)', async () => {
    // Quarantine status: "Reference failures won't be counted as part of the 40% threshold or
    // 40,000 threshold" (a manager, a group's members).
    const { job, scim, tenant, megan, sales } = setup('legacy', {
      retry: { maxAttempts: 1 },
      quarantine: { minimumFailures: 1, failureRatio: 0.1 },
    });
    tenant.setManager(megan.id, null); // the members PATCH is the cycle's only PATCH
    scim.failNext(1, 500, {}, 'PATCH');
    const summary = await job.runCycle();
    expect(summary).toMatchObject({ failed: 1, status: 'Active' });
    const entry = job.logs.find((l) => l.sourceIdentity.id === sales.id)!;
    expect(entry.provisioningStatusInfo).toMatchObject({
      status: 'failure',
      errorInformation: { errorCode: 'InternalServerError' },
    });
    expect(job.status().escrowsCount).toBe(1);
  });
});

// The job between cycles: its quarantine as Graph reports it, and the admin's levers.
import { describe, expect, it } from 'vitest';
import { setup } from '../../test/engine-fixture.ts';

describe('the job', () => {
  it('reports when the quarantine series began apart from when it was last evaluated (seriesBegan, currentBegan)', async () => {
    // synchronizationQuarantine: currentBegan is when the quarantine "was last evaluated and
    // imposed", seriesBegan when it "was first imposed in this series".
    const { job, scim, clock } = setup('legacy');
    scim.setToken('rotated');
    await job.runCycle();
    expect(job.status().quarantine).toMatchObject({
      seriesBegan: '2026-03-02T08:00:00.000Z',
      currentBegan: '2026-03-02T08:00:00.000Z',
      seriesCount: 1,
    });
    clock.set('2026-03-02T14:00:00Z');
    await job.runDueCycles();
    expect(job.status().quarantine).toMatchObject({
      seriesBegan: '2026-03-02T08:00:00.000Z',
      currentBegan: '2026-03-02T14:00:00.000Z',
      seriesCount: 2,
      nextAttempt: '2026-03-02T20:00:00.000Z',
    });
  });

  it('lifts the quarantine when the job is started, and runs the next cycle at once', async () => {
    // synchronizationJob: start: "If the job is in quarantine, the quarantine status is cleared."
    const { job, scim, clock } = setup('legacy');
    scim.setToken('rotated');
    await job.runCycle();
    expect(job.status().code).toBe('Quarantine');
    scim.setToken('secret-token');
    clock.advance(60_000);
    job.start();
    expect(job.status()).toMatchObject({ code: 'Active', quarantine: null });
    const [next] = await job.runDueCycles();
    expect(next).toMatchObject({ created: 3, status: 'Active' });
  });

  it('keeps links and quarantine when its credentials change, and restarts provisioning (links kept) when its mappings change', async () => {
    // Quarantine page: changes to "attribute mappings or scoping filters, will automatically restart
    // provisioning", which "clears escrows, removes the app from quarantine, and clears any watermarks".
    const { job, scim, tenant, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    scim.setToken('rotated');
    tenant.updateUser(adele.id, { jobTitle: 'Lead' });
    await job.runCycle();
    expect(job.status().code).toBe('Quarantine');
    job.reconfigure({ secretToken: 'rotated' });
    expect(job.status()).toMatchObject({ code: 'Quarantine' });
    expect(job.status().watermark).not.toBeNull();
    expect(job.connections()).toHaveLength(2);
    job.reconfigure({ userScopingFilters: [] });
    expect(job.status()).toMatchObject({ quarantine: null, escrowsCount: 0, watermark: null });
    expect(job.connections()).toHaveLength(2);
    scim.clear();
    await job.runCycle();
    // Linked users are read back, not queried by their matching attribute.
    expect(scim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /Users/u0001',
      'PATCH /Users/u0001',
      'GET /Users/u0002',
    ]);
  });

  it('restarts with resetScope None clearing nothing (Graph synchronizationJobRestartScope)', async () => {
    const { job, scim, tenant, adele } = setup('legacy', {
      provisionGroups: false,
      retry: { maxAttempts: 1 },
    });
    await job.runCycle();
    scim.failNext(1, 500, {}, 'GET');
    tenant.updateUser(adele.id, { jobTitle: 'Lead' });
    await job.runCycle();
    const before = job.status();
    expect(before.escrowsCount).toBe(1);
    job.pause();
    job.restart({ resetScope: ['None'] });
    expect(job.status()).toMatchObject({
      code: 'Active',
      escrowsCount: 1,
      watermark: before.watermark,
    });
  });
});

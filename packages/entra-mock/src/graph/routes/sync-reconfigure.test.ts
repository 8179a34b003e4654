// Saving a job's secrets, schema or settings through Graph changes the running job; it does not
// make a new one: the links, escrows and quarantine stay, as in Entra.
import { describe, expect, it } from 'vitest';
import { configureJob, useGraphSyncWorld } from '../../../test/graph-sync-setup.ts';

const { fresh, graph } = useGraphSyncWorld();

const secrets = (entries: Record<string, string>) => ({
  value: Object.entries(entries).map(([key, value]) => ({ key, value })),
});

/** The requests the SCIM app received since `from`, as `METHOD path?query`. */
function sent(world: ReturnType<typeof fresh>, from: number): string[] {
  return world.scim.requests
    .slice(from)
    .map((r) => `${r.method} ${r.path}${r.query.length > 0 ? `?${r.query.map(([k]) => k).join('&')}` : ''}`);
}

describe('saving a job through Graph', () => {
  it('keeps the links, escrows and quarantine when the secrets are saved again (PUT secrets does not rebuild the job)', async () => {
    const world = fresh();
    const { job, jobId } = await configureJob(graph, world);
    await graph('POST', `${job}/start`);
    await graph('GET', job); // the initial cycle
    const engine = world.synchronization.engine(world.app.id, jobId)!;
    expect(engine.connections()).toHaveLength(2);
    // A wrong token quarantines the job on the next cycle.
    await graph(
      'PUT',
      `/servicePrincipals/${world.app.id}/synchronization/secrets`,
      secrets({ SecretToken: 'wrong' }),
    );
    expect(world.synchronization.engine(world.app.id, jobId)).toBe(engine);
    world.tenant.updateUser(world.adele.id, { jobTitle: 'Lead' });
    world.clock.advance(40 * 60_000);
    const quarantined = (await graph('GET', job)).body.status;
    expect(quarantined).toMatchObject({
      code: 'Quarantine',
      quarantine: { reason: 'EncounteredQuarantineException' },
    });
    // Fixing the token keeps the quarantine until its next attempt, and the links.
    await graph(
      'PUT',
      `/servicePrincipals/${world.app.id}/synchronization/secrets`,
      secrets({ SecretToken: 'secret-token' }),
    );
    const kept = (await graph('GET', job)).body.status;
    expect(kept.quarantine).toEqual(quarantined.quarantine);
    expect(engine.connections()).toHaveLength(2);
    // On the quarantine's retry the linked user is read back and updated, not matched again.
    const from = world.scim.requests.length;
    world.clock.set(quarantined.quarantine.nextAttempt);
    expect((await graph('GET', job)).body.status).toMatchObject({ code: 'Active', quarantine: null });
    expect(sent(world, from)).toEqual(['GET /Users/u0001', 'PATCH /Users/u0001']);
  });

  it('restarts provisioning when the schema is saved, keeping the links: linked users are read back, not matched again', async () => {
    const world = fresh();
    const { job, jobId } = await configureJob(graph, world);
    await graph('POST', `${job}/start`);
    await graph('GET', job);
    const { body: schema } = await graph('GET', `${job}/schema`);
    expect((await graph('PUT', `${job}/schema`, schema)).status).toBe(204);
    const engine = world.synchronization.engine(world.app.id, jobId)!;
    expect(engine.status().watermark).toBeNull(); // the next cycle is an initial one
    const from = world.scim.requests.length;
    world.clock.advance(60_000);
    await world.synchronization.runDueCycles();
    expect(sent(world, from)).toEqual(['GET /Users/u0001', 'GET /Users/u0002']);
    expect(engine.logs.filter((l) => l.provisioningAction === 'create')).toHaveLength(2);
  });

  it('applies a switch to Sync All only after a restart, as Microsoft documents', async () => {
    const world = fresh();
    const bob = world.tenant.createUser({
      userPrincipalName: 'bob@contoso.onmicrosoft.com',
      displayName: 'Bob Kelly',
      mailNickname: 'bob',
    });
    const { job } = await configureJob(graph, world);
    await graph('POST', `${job}/start`);
    await graph('GET', job);
    await graph(
      'PUT',
      `/servicePrincipals/${world.app.id}/synchronization/secrets`,
      secrets({ SyncAll: 'true' }),
    );
    world.clock.advance(40 * 60_000);
    world.tenant.updateUser(bob.id, { jobTitle: 'Intern' });
    await graph('GET', job);
    const userNames = () => [...world.scim.users.values()].map((u) => u.userName);
    expect(userNames()).not.toContain(bob.userPrincipalName);
    expect((await graph('POST', `${job}/restart`, {})).status).toBe(204);
    await graph('GET', job);
    expect(userNames()).toContain(bob.userPrincipalName);
  });

  it('keeps the links when the job settings are saved (PATCH synchronizationJobSettings)', async () => {
    const world = fresh();
    const { job, jobId } = await configureJob(graph, world);
    await graph('POST', `${job}/start`);
    await graph('GET', job);
    const engine = world.synchronization.engine(world.app.id, jobId)!;
    const patched = await graph('PATCH', job, {
      synchronizationJobSettings: [{ name: 'QuarantineTooManyDeletesThreshold', value: '10' }],
    });
    expect(patched.status).toBe(204);
    expect(world.synchronization.engine(world.app.id, jobId)).toBe(engine);
    expect(engine.status().watermark).not.toBeNull();
  });
});

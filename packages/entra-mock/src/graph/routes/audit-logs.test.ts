import { describe, expect, it } from 'vitest';
import { configureJob, useGraphSyncWorld } from '../../../test/graph-sync-setup.ts';

const { fresh, graph } = useGraphSyncWorld();

async function twoCycles() {
  const world = fresh();
  const { job, jobId } = await configureJob(graph, world);
  await graph('POST', `${job}/start`);
  await graph('GET', job);
  world.tenant.updateUser(world.adele.id, { jobTitle: 'Lead' });
  world.clock.advance(40 * 60_000);
  await graph('GET', job);
  return { world, jobId };
}

const actions = (body: { value: { provisioningAction: string }[] }) =>
  body.value.map((e) => e.provisioningAction);

describe('GET /auditLogs/provisioning', () => {
  it('filters with eq, contains, gt and lt joined by and, case-sensitively, as Microsoft documents', async () => {
    const { world, jobId } = await twoCycles();
    // The initial cycle also logs the unassigned Sales group as skipped (action other).
    expect(actions((await graph('GET', '/auditLogs/provisioning')).body)).toEqual([
      'update',
      'other',
      'create',
      'create',
    ]);
    // Users are logged by displayName (the Identity column: "the display name and source ID").
    const contains = await graph(
      'GET',
      "/auditLogs/provisioning?$filter=contains(sourceIdentity/displayName, 'Vance')",
    );
    expect(actions(contains.body)).toEqual(['update', 'create']);
    const lower = await graph(
      'GET',
      "/auditLogs/provisioning?$filter=contains(sourceIdentity/displayName, 'VANCE')",
    );
    expect(lower.body.value).toEqual([]);
    const later = await graph(
      'GET',
      `/auditLogs/provisioning?$filter=activityDateTime gt 2026-03-02T08:20:00Z and jobId eq '${jobId}'`,
    );
    expect(actions(later.body)).toEqual(['update']);
    const earlier = await graph(
      'GET',
      '/auditLogs/provisioning?$filter=activityDateTime lt 2026-03-02T08:20:00Z',
      undefined,
      'beta',
    );
    expect(actions(earlier.body)).toEqual(['other', 'create', 'create']);
    expect(earlier.body['@odata.context']).toBe(
      'https://graph.microsoft.com/beta/$metadata#auditLogs/provisioning',
    );
    const byApp = await graph(
      'GET',
      `/auditLogs/provisioning?$filter=servicePrincipal/id eq '${world.app.id}'`,
    );
    expect(byApp.body.value).toHaveLength(4);
    const users = await graph(
      'GET',
      "/auditLogs/provisioning?$filter=sourceIdentity/identityType eq 'User' and provisioningAction eq 'create'",
    );
    expect(users.body.value).toHaveLength(2);
  });

  it('answers 400 BadRequest "Invalid filter clause" for what the documentation does not list', async () => {
    await twoCycles();
    for (const filter of ["provisioningAction ne 'create'", "tenantId eq 'x'", "startswith(jobId, 'scim')"]) {
      const answer = await graph('GET', `/auditLogs/provisioning?$filter=${encodeURIComponent(filter)}`);
      expect(answer.status, filter).toBe(400);
      expect(answer.body.error.code).toBe('BadRequest');
      expect(answer.body.error.message).toMatch(/^Invalid filter clause: /);
    }
  });

  it('orders by activityDateTime, oldest first unless desc', async () => {
    await twoCycles();
    expect(actions((await graph('GET', '/auditLogs/provisioning?$orderby=activityDateTime')).body)).toEqual([
      'create',
      'create',
      'other',
      'update',
    ]);
    expect(
      actions((await graph('GET', '/auditLogs/provisioning?$orderby=activityDateTime desc')).body)[0],
    ).toBe('update');
    expect((await graph('GET', '/auditLogs/provisioning?$orderby=jobId')).status).toBe(400);
  });

  it('lists the entries of the last 30 days, as long as Microsoft keeps provisioning data', async () => {
    const { world } = await twoCycles();
    const listed = async () => (await graph('GET', '/auditLogs/provisioning')).body.value.length;
    const all = await listed();
    expect(all).toBeGreaterThan(1);
    // 30 days after the initial cycle, only the incremental cycle's entry (40 minutes later) is left.
    world.clock.set('2026-04-01T08:10:00Z');
    // (The cycles that ran meanwhile changed nothing, so they logged nothing.)
    expect(actions((await graph('GET', '/auditLogs/provisioning')).body)).toEqual(['update']);
    world.clock.advance(60 * 60_000);
    expect(await listed()).toBe(0);
  });
});

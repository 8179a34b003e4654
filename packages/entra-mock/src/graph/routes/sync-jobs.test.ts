import { describe, expect, it } from 'vitest';
import { configureJob, useGraphSyncWorld } from '../../../test/graph-sync-setup.ts';

const { fresh, graph } = useGraphSyncWorld();

describe('synchronization job status through Graph', () => {
  it('carries what Graph returns: executions, steady state, entry counts by type, and the schedule', async () => {
    const world = fresh();
    const { job } = await configureJob(graph, world);
    const idle = await graph('GET', job);
    expect(idle.body.schedule).toEqual({
      expiration: null,
      interval: 'P10675199DT2H48M5.4775807S',
      state: 'Disabled',
    });
    expect(idle.body.status).toMatchObject({
      code: 'NotRun',
      lastExecution: null,
      lastSuccessfulExecutionWithExports: null,
      progress: [],
      steadyStateFirstAchievedTime: '0001-01-01T00:00:00Z',
      synchronizedEntryCountByType: [],
    });
    await graph('POST', `${job}/start`);
    const first = await graph('GET', job);
    expect(first.body.schedule).toEqual({ expiration: null, interval: 'PT40M', state: 'Active' });
    const initial = first.body.status;
    expect(initial).toMatchObject({
      code: 'Active',
      countSuccessiveCompleteFailures: 0,
      lastExecution: { state: 'Succeeded', countExported: 2 },
      lastSuccessfulExecutionWithExports: { countExported: 2 },
      steadyStateFirstAchievedTime: '2026-03-02T08:00:00.000Z',
      synchronizedEntryCountByType: [
        { key: 'User to urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', value: 2 },
      ],
    });
    // A quiet incremental cycle: a new last execution, the exporting one stays, steady state moves on.
    world.clock.advance(40 * 60_000);
    const quiet = (await graph('GET', job)).body.status;
    expect(quiet.lastExecution.activityIdentifier).not.toBe(initial.lastExecution.activityIdentifier);
    expect(quiet.lastSuccessfulExecutionWithExports.activityIdentifier).toBe(
      initial.lastExecution.activityIdentifier,
    );
    expect(quiet.steadyStateFirstAchievedTime).toBe(initial.steadyStateFirstAchievedTime);
    expect(quiet.steadyStateLastAchievedTime).toBe('2026-03-02T08:40:00.000Z');
  });

  it('reports a cycle with failed objects as EntryLevelErrors and keeps the last successful execution', async () => {
    const world = fresh();
    const { job } = await configureJob(graph, world);
    await graph('POST', `${job}/start`);
    const ok = (await graph('GET', job)).body.status.lastSuccessfulExecution;
    world.tenant.updateUser(world.adele.id, { jobTitle: 'Lead' });
    world.scim.failNext(5, 400, {}, 'PATCH');
    world.clock.advance(40 * 60_000);
    const status = (await graph('GET', job)).body.status;
    expect(status.lastExecution).toMatchObject({ state: 'EntryLevelErrors' });
    expect(status.lastSuccessfulExecution.activityIdentifier).toBe(ok.activityIdentifier);
  });
});

describe('provisionOnDemand through Graph', () => {
  it('provisions a group with the members given in subjects[0].links.members, as the Graph sample writes them', async () => {
    const world = fresh();
    world.tenant.assign(world.app.id, world.sales.id, world.app.appRoles[0]!.id);
    const { job } = await configureJob(graph, world);
    const ruleId = (await graph('GET', `${job}/schema`)).body.synchronizationRules[0].id;
    const answer = await graph('POST', `${job}/provisionOnDemand`, {
      parameters: [
        {
          ruleId,
          subjects: [
            {
              objectId: world.sales.id,
              objectTypeName: 'Group',
              links: { members: [{ objectId: world.megan.id, objectTypeName: 'User' }] },
            },
          ],
        },
      ],
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.key).result).toBe('Success');
    expect(JSON.parse(answer.body.value)).toMatchObject({
      sourceIdentity: { id: world.sales.id, type: 'Group' },
    });
    expect([...world.scim.groups.values()].map((g) => g.displayName)).toEqual(['Sales']);
    expect([...world.scim.users.values()].map((u) => u.userName)).toEqual([world.megan.userPrincipalName]);
  });

  it('rejects more than one subject and members on a user, saying where members go', async () => {
    const world = fresh();
    const { job } = await configureJob(graph, world);
    const ruleId = (await graph('GET', `${job}/schema`)).body.synchronizationRules[0].id;
    const two = await graph('POST', `${job}/provisionOnDemand`, {
      parameters: [
        {
          ruleId,
          subjects: [
            { objectId: world.sales.id, objectTypeName: 'Group' },
            { objectId: world.megan.id, objectTypeName: 'User' },
          ],
        },
      ],
    });
    expect(two.status).toBe(400);
    expect(two.body.error.message).toMatch(/links\.members/);
    const onUser = await graph('POST', `${job}/provisionOnDemand`, {
      parameters: [
        {
          ruleId,
          subjects: [{ objectId: world.megan.id, objectTypeName: 'User', links: { members: [] } }],
        },
      ],
    });
    expect(onUser.status).toBe(400);
  });

  it('answers 429 with Retry-After past 5 provisionOnDemand requests in 10 seconds, the documented rate limit', async () => {
    const world = fresh();
    const { job } = await configureJob(graph, world);
    const ruleId = (await graph('GET', `${job}/schema`)).body.synchronizationRules[0].id;
    const provision = () =>
      fetch(`https://graph.microsoft.com/v1.0${job}/provisionOnDemand`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          parameters: [{ ruleId, subjects: [{ objectId: world.adele.id, objectTypeName: 'User' }] }],
        }),
      });
    for (let i = 0; i < 5; i++) expect((await provision()).status).toBe(200);
    world.clock.advance(4_000);
    const throttled = await provision();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('6');
    expect((await throttled.json()).error.code).toBe('TooManyRequests');
    world.clock.advance(6_000);
    expect((await provision()).status).toBe(200);
  });
});

import { describe, expect, it } from 'vitest';
import { configureJob, useGraphSyncWorld } from '../../../test/graph-sync-setup.ts';

const { fresh, graph } = useGraphSyncWorld();

async function provisioned() {
  const world = fresh();
  const { job } = await configureJob(graph, world);
  await graph('POST', `${job}/start`);
  await graph('GET', job); // runs the initial cycle
  return { world, job };
}

describe('object connections (beta)', () => {
  it('looks up an object connection by the source id, then by the target id', async () => {
    const { world, job } = await provisioned();
    const bySource = await graph('GET', `${job}/objectConnections/${world.adele.id}`, undefined, 'beta');
    expect(bySource.status).toBe(200);
    const targetId = [...world.scim.users.keys()].find(
      (id) => world.scim.users.get(id)!.userName === world.adele.userPrincipalName,
    )!;
    expect(bySource.body).toMatchObject({
      objectId: world.adele.id,
      sourceAnchor: world.adele.id,
      targetAnchor: targetId,
      objectTypeName: 'User',
      displayName: expect.any(String),
    });
    const byTarget = await graph('GET', `${job}/objectConnections/${targetId}`, undefined, 'beta');
    expect(byTarget.body).toMatchObject({
      objectId: targetId,
      sourceAnchor: world.adele.id,
      targetAnchor: targetId,
    });
    const selected = await graph(
      'GET',
      `${job}/objectConnections/${targetId}?$select=targetAnchor`,
      undefined,
      'beta',
    );
    expect(Object.keys(selected.body).filter((k) => !k.startsWith('@odata'))).toEqual(['targetAnchor']);
    expect((await graph('GET', `${job}/objectConnections/nobody`, undefined, 'beta')).status).toBe(404);
  });

  it('clears an object connection so a later cycle matches the object again', async () => {
    const { world, job } = await provisioned();
    world.scim.clear();
    // The job must be paused or disabled first (Manage object connections).
    expect((await graph('POST', `${job}/pause`)).status).toBe(204);
    expect(
      (await graph('DELETE', `${job}/objectConnections/${world.adele.id}`, undefined, 'beta')).status,
    ).toBe(204);
    expect((await graph('POST', `${job}/start`)).status).toBe(204);
    expect((await graph('GET', `${job}/objectConnections/${world.adele.id}`, undefined, 'beta')).status).toBe(
      404,
    );
    // Nothing changed in the directory; the next cycle re-evaluates Adele only, and matches her anew.
    world.clock.advance(40 * 60_000);
    await graph('GET', job);
    expect(world.scim.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /Users']);
    expect(world.scim.requests[0]!.query).toEqual([
      ['filter', `userName eq "${world.adele.userPrincipalName}"`],
    ]);
    expect((await graph('GET', `${job}/objectConnections/${world.adele.id}`, undefined, 'beta')).status).toBe(
      200,
    );
  });

  it('answers 400 for the collection, as documented for the preview, and does not exist in v1.0', async () => {
    const { world, job } = await provisioned();
    const list = await graph('GET', `${job}/objectConnections`, undefined, 'beta');
    expect(list.status).toBe(400);
    expect(list.body.error.code).toBe('BadRequest');
    const v1 = await graph('GET', `${job}/objectConnections/${world.adele.id}`);
    expect(v1.status).toBe(400);
    expect(v1.body.error.message).toBe("Resource not found for the segment 'objectConnections'.");
  });

  it('refuses to delete a connection while the job is active (409), and answers 204 for one that does not exist', async () => {
    const { world, job } = await provisioned();
    const active = await graph('DELETE', `${job}/objectConnections/${world.adele.id}`, undefined, 'beta');
    expect(active.status).toBe(409);
    expect(active.body.error.code).toBe('Conflict');
    await graph('POST', `${job}/pause`);
    expect((await graph('DELETE', `${job}/objectConnections/nobody`, undefined, 'beta')).status).toBe(204);
    // The key form of the page: objectConnections('{objectId}').
    const keyed = `${job}/objectConnections('${world.adele.id}')`;
    expect((await graph('GET', keyed, undefined, 'beta')).body.sourceAnchor).toBe(world.adele.id);
    expect((await graph('DELETE', keyed, undefined, 'beta')).status).toBe(204);
    expect((await graph('GET', keyed, undefined, 'beta')).status).toBe(404);
  });
});

import { describe, expect, it } from 'vitest';
import { configureJob, useGraphSyncWorld } from '../../../test/graph-sync-setup.ts';

const { fresh, graph } = useGraphSyncWorld();

describe('synchronization templates', () => {
  it("lists and gets the application's scim template under its service principal and its application", async () => {
    const { app } = fresh();
    for (const root of [`/servicePrincipals/${app.id}`, `/applications(appId='${app.appId}')`]) {
      const list = await graph('GET', `${root}/synchronization/templates`);
      expect(list.status).toBe(200);
      expect(list.body.value).toHaveLength(1);
      expect(list.body.value[0]).toMatchObject({
        id: 'scim',
        factoryTag: 'CustomSCIM',
        applicationId: app.appId,
        default: true,
        discoverable: true,
        metadata: [],
      });
      const one = await graph('GET', `${root}/synchronization/templates/scim`, undefined, 'beta');
      expect(one.body).toMatchObject({
        id: 'scim',
        schema: { synchronizationRules: [{ name: 'USER_GROUP_OUTBOUND' }] },
      });
      const schema = await graph('GET', `${root}/synchronization/templates/scim/schema`);
      expect(
        schema.body.synchronizationRules[0].objectMappings.map(
          (m: { sourceObjectName: string }) => m.sourceObjectName,
        ),
      ).toEqual(['User', 'Group']);
    }
  });

  it("uses the template's rule id for the job created from it", async () => {
    const world = fresh();
    const template = await graph('GET', `/servicePrincipals/${world.app.id}/synchronization/templates/scim`);
    const { job } = await configureJob(graph, world);
    const schema = await graph('GET', `${job}/schema`);
    expect(schema.body.synchronizationRules[0].id).toBe(template.body.schema.synchronizationRules[0].id);
  });

  it('answers 404 for an unknown template, and for an application object id (the tenant keeps none)', async () => {
    const { app } = fresh();
    const unknown = await graph('GET', `/servicePrincipals/${app.id}/synchronization/templates/Slack`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('Request_ResourceNotFound');
    const byObjectId = await graph('GET', `/applications/${app.id}/synchronization/templates`);
    expect(byObjectId.status).toBe(404);
    const wrongApp = await graph(
      'GET',
      "/applications(appId='00000000-0000-4000-8000-000000000000')/synchronization/templates",
    );
    expect(wrongApp.status).toBe(404);
  });
});

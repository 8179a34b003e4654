// Every request Microsoft's synchronization and provisioning-log pages show, under each version the
// page exists in, is answered by the simulator: by the route it names (or, for the few endpoints
// outside the simulator, by an explicit 501), never by "Resource not found for the segment", a 405,
// or a request that leaves the process (the MSW server errors on unhandled requests).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configureJob, useGraphSyncWorld } from './graph-sync-setup.ts';

interface Sample {
  page: string;
  method: string;
  path: string;
  versions: ('v1.0' | 'beta')[];
  simulated: boolean;
  body?: unknown;
}

const catalogue = JSON.parse(
  readFileSync(new URL('./cases/graph-samples/synchronization.json', import.meta.url), 'utf8'),
) as { samples: Sample[] };

const { fresh, graph } = useGraphSyncWorld();

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

describe('documented synchronization samples', () => {
  const cases = catalogue.samples.flatMap((sample) =>
    sample.versions.map((version) => ({
      ...sample,
      version,
      title: `${sample.method} /${version}${sample.path}`,
    })),
  );

  it.each(cases)('answers $title in-process ($page)', async (sample) => {
    const world = fresh();
    const { jobId, job } = await configureJob(graph, world);
    // One cycle, so that the job has linked objects for the object connection samples.
    await graph('POST', `${job}/start`);
    await graph('GET', job);
    const schema = (await graph('GET', `${job}/schema`)).body;
    const values: Record<string, string> = {
      id: world.app.id,
      appKey: `(appId='${world.app.appId}')`,
      appId: world.app.appId,
      jobId,
      templateId: 'scim',
      userId: world.megan.id,
      groupId: world.sales.id,
      ruleId: schema.synchronizationRules[0].id,
      directoryId: 'directoryDefinitionId',
    };
    const body =
      sample.body === '{schema}'
        ? schema
        : sample.body === undefined
          ? undefined
          : JSON.parse(fill(JSON.stringify(sample.body), values));
    const answer = await graph(sample.method, fill(sample.path, values), body, sample.version);
    expect(answer.status, JSON.stringify(answer.body)).not.toBe(405);
    expect(answer.body?.error?.message ?? '').not.toMatch(/Resource not found for the segment/);
    if (sample.simulated) {
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    } else {
      expect(answer.status).toBe(501);
      expect(answer.body.error.code).toBe('notSupported');
    }
  });

  it('names every synchronization page of the table of contents at least once', () => {
    const pages = new Set(catalogue.samples.map((s) => s.page.replace('{version}', 'v1.0').split('/').pop()));
    for (const page of [
      'synchronization-synchronization-list-jobs.md',
      'synchronization-synchronizationjob-get.md',
      'synchronization-synchronization-post-jobs.md',
      'synchronization-synchronizationjob-start.md',
      'synchronization-synchronizationjob-pause.md',
      'synchronization-synchronizationjob-restart.md',
      'synchronization-synchronizationjob-delete.md',
      'synchronization-synchronizationjob-provisionondemand.md',
      'synchronization-synchronizationjob-validatecredentials.md',
      'synchronization-synchronizationjob-post-bulkupload.md',
      'synchronization-synchronizationschema-get.md',
      'synchronization-synchronizationschema-update.md',
      'synchronization-synchronizationschema-delete.md',
      'synchronization-synchronizationschema-filteroperators.md',
      'synchronization-synchronizationschema-functions.md',
      'synchronization-synchronizationschema-parseexpression.md',
      'synchronization-directorydefinition-discover.md',
      'synchronization-synchronization-list-templates.md',
      'synchronization-synchronizationtemplate-get.md',
      'synchronization-synchronizationtemplate-update.md',
      'synchronization-synchronization-acquireaccesstoken.md',
      'synchronization-serviceprincipal-put-synchronization.md',
      'synchronization-objectconnection-get.md',
      'synchronization-synchronizationjob-delete-objectconnections.md',
      'provisioningobjectsummary-list.md',
    ]) {
      expect(pages, page).toContain(page);
    }
  });
});

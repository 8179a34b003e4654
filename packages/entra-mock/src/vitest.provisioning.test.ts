import { describe, expect, it } from 'vitest';
import { createStrictScimApp } from '../test/strict-scim-app.ts';
import { mountFetchHandler } from './mount.ts';
import { useEntraMock } from './vitest.ts';

const scim = createStrictScimApp({
  baseUrl: 'https://scim.example.test/scim',
  token: 'token',
  dialect: 'compliant',
});
const { job, ids, tenant } = useEntraMock({
  directory: { seed: 5, users: 8, groups: 2, membersPerGroup: 3 },
  handlers: [mountFetchHandler('https://scim.example.test/scim', scim.fetch)],
  provisioning: { tenantUrl: 'https://scim.example.test/scim?aadOptscim062020', secretToken: 'token' },
});

describe('useEntraMock with provisioning', () => {
  it('creates a job for the directory application, pointed at the connector', async () => {
    expect(job).not.toBeNull();
    expect(job!.dialect).toBe('compliant');
    const summary = await job!.runCycle();
    expect(summary).toMatchObject({ initial: true, failed: 0, created: 8, skipped: 2 }); // the generated application has its users assigned, not its groups
    expect(scim.users.size).toBe(8);
    expect(scim.violations).toEqual([]);
    const res = await fetch('https://graph.microsoft.com/v1.0/auditLogs/provisioning');
    expect(res.status).toBe(200);
    // The engine of useEntraMock is not a Graph job: Graph lists only the jobs created through it.
    expect(((await res.json()) as { value: unknown[] }).value).toEqual([]);
    expect(Object.keys(ids.users)).toHaveLength(tenant.listUsers().length);
  });
});

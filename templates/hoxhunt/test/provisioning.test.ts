// Hoxhunt's connector provisioned by the Entra simulator (@scim/entra-mock): a tenant, an enterprise
// application with Hoxhunt's mappings (entra/mapping.json), and the provisioning engine sending
// Entra's requests to the connector's handler, cycle by cycle.
import {
  createEntraTenant,
  createManualClock,
  createProvisioningJob,
  DEFAULT_ACCESS_APP_ROLE_ID,
} from '@scim/entra-mock';
import { readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { memoryHoxhuntApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

async function setup() {
  const store = memoryStore();
  const app = memoryHoxhuntApp();
  const handler = createConnector({ store, app });
  const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
  const tenant = createEntraTenant({ clock: createManualClock('2026-11-30T08:00:00Z'), seed: 9 });
  const enterpriseApp = tenant.createServicePrincipal({ displayName: 'Hoxhunt' });
  const job = createProvisioningJob({
    tenant,
    servicePrincipalId: enterpriseApp.id,
    tenantUrl: 'https://hoxhunt.example/scim/v2',
    secretToken: token,
    fetch: (request) => handler(request),
    userMappings: mapping.users,
    provisionGroups: false,
    // Hoxhunt's guide: "Users with the Default Access role are excluded from provisioning".
    skipDefaultAccessRole: true,
  });
  const user = (alias: string) =>
    tenant.createUser({
      userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
      displayName: alias,
      mailNickname: alias,
      department: 'Security',
      country: 'FI',
      preferredLanguage: 'fi-FI',
    });
  return { app, tenant, enterpriseApp, job, user, role: enterpriseApp.appRoles[0]!.id };
}

describe('Hoxhunt provisioned by the Entra simulator', () => {
  it('never receives users assigned only with the Default Access role', async () => {
    const { app, tenant, enterpriseApp, job, user, role } = await setup();
    const withRole = user('adele');
    const defaultOnly = user('bob');
    tenant.assign(enterpriseApp.id, withRole.id, role);
    tenant.assign(enterpriseApp.id, defaultOnly.id, DEFAULT_ACCESS_APP_ROLE_ID);
    expect(await job.runCycle()).toMatchObject({ created: 1, failed: 0 });
    expect([...app.trainees.values()].map((t) => t.userName)).toEqual(['adele@contoso.onmicrosoft.com']);
    expect([...app.trainees.values()][0]).toMatchObject({
      department: 'Security',
      country: 'FI',
      language: 'fi-FI',
    });
    const skipped = job.logs.find((l) => l.sourceIdentity?.id === defaultOnly.id);
    expect(skipped?.provisioningStatusInfo.status).toBe('skipped');
  });

  it('provisions the members of a group assigned with a role, and not the group itself', async () => {
    const { app, tenant, enterpriseApp, job, user, role } = await setup();
    const group = tenant.createGroup({ displayName: 'Everyone in Helsinki', mailNickname: 'helsinki' });
    for (const alias of ['megan', 'nestor']) tenant.addMember(group.id, user(alias).id);
    const defaultGroup = tenant.createGroup({ displayName: 'Contractors', mailNickname: 'contractors' });
    tenant.addMember(defaultGroup.id, user('pradeep').id);
    tenant.assign(enterpriseApp.id, group.id, role);
    tenant.assign(enterpriseApp.id, defaultGroup.id, DEFAULT_ACCESS_APP_ROLE_ID);
    expect(await job.runCycle()).toMatchObject({ created: 2, failed: 0 });
    expect([...app.trainees.values()].map((t) => t.userName).sort()).toEqual([
      'megan@contoso.onmicrosoft.com',
      'nestor@contoso.onmicrosoft.com',
    ]);
  });
});

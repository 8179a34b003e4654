// The connector provisioned by the Entra simulator (@scim/entra-mock): a tenant, an enterprise
// application with the mappings of entra/mapping.json, and the provisioning engine sending Entra's
// requests to the connector's handler, cycle by cycle. Add your app's own scenarios here.
import { createEntraTenant, createManualClock, createProvisioningJob } from '@scim/entra-mock';
import { readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { memoryApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describe('the connector provisioned by the Entra simulator', () => {
  it('passes Test Connection, then provisions users, a group and its members, and follows changes', async () => {
    const store = memoryStore();
    const app = memoryApp();
    const handler = createConnector({ store, app });
    const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
    const tenant = createEntraTenant({ clock: createManualClock('2026-11-30T08:00:00Z'), seed: 13 });
    const enterpriseApp = tenant.createServicePrincipal({ displayName: 'My app' });
    const job = createProvisioningJob({
      tenant,
      servicePrincipalId: enterpriseApp.id,
      tenantUrl: 'https://app.example/scim/v2',
      secretToken: token,
      fetch: (request) => handler(request),
      userMappings: mapping.users,
      groupMappings: mapping.groups!,
    });
    expect(await job.testConnection()).toMatchObject({ success: true });
    const sales = tenant.createGroup({ displayName: 'Sales', mailNickname: 'sales' });
    for (const alias of ['adele', 'megan']) {
      const user = tenant.createUser({
        userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
        displayName: alias,
        mailNickname: alias,
      });
      tenant.addMember(sales.id, user.id);
    }
    tenant.assign(enterpriseApp.id, sales.id, enterpriseApp.appRoles[0]!.id);
    expect(await job.runCycle()).toMatchObject({ initial: true, created: 3, failed: 0 });
    expect([...app.users.values()].map((u) => u.userName).sort()).toEqual([
      'adele@contoso.onmicrosoft.com',
      'megan@contoso.onmicrosoft.com',
    ]);
    expect([...app.groups.values()].map((g) => [g.name, g.members.size])).toEqual([['Sales', 2]]);

    const adele = tenant.findUser('adele@contoso.onmicrosoft.com')!;
    tenant.updateUser(adele.id, { displayName: 'Adele Vance' });
    tenant.disableUser(tenant.findUser('megan@contoso.onmicrosoft.com')!.id);
    expect(await job.runCycle()).toMatchObject({ initial: false, failed: 0 });
    const byName = new Map([...app.users.values()].map((u) => [u.userName, u]));
    expect(byName.get('adele@contoso.onmicrosoft.com')?.displayName).toBe('Adele Vance');
    expect(byName.get('megan@contoso.onmicrosoft.com')?.active).toBe(false);
  });
});

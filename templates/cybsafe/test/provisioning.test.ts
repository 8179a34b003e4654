// CybSafe's connector provisioned by the Entra simulator (@scim/entra-mock): a tenant, an enterprise
// application with CybSafe's mappings (entra/mapping.json), and the provisioning engine sending
// Entra's requests to the connector's handler, cycle by cycle.
import { createEntraTenant, createManualClock, createProvisioningJob } from '@scim/entra-mock';
import { readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { memoryCybSafeApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describe('CybSafe provisioned by the Entra simulator', () => {
  it("keeps groups and their memberships following the tenant's", async () => {
    const store = memoryStore();
    const app = memoryCybSafeApp();
    const handler = createConnector({ store, app });
    const { token } = await issueToken(store.tokens, 'default', { label: 'Generated in Settings' });
    const tenant = createEntraTenant({ clock: createManualClock('2026-11-30T08:00:00Z'), seed: 11 });
    const enterpriseApp = tenant.createServicePrincipal({ displayName: 'CybSafe' });
    const job = createProvisioningJob({
      tenant,
      servicePrincipalId: enterpriseApp.id,
      tenantUrl: 'https://cybsafe.example/scim/v2/',
      secretToken: token,
      fetch: (request) => handler(request),
      userMappings: mapping.users,
      groupMappings: mapping.groups!,
    });
    expect(await job.testConnection()).toMatchObject({ success: true });
    const user = (alias: string) =>
      tenant.createUser({
        userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
        displayName: alias,
        mailNickname: alias,
        mobilePhone: '+44 20 7946 0000',
      });
    const [adele, megan, nestor] = ['adele', 'megan', 'nestor'].map(user) as [
      ReturnType<typeof user>,
      ReturnType<typeof user>,
      ReturnType<typeof user>,
    ];
    const pilot = tenant.createGroup({ displayName: 'Phishing pilot', mailNickname: 'pilot' });
    tenant.addMember(pilot.id, adele.id);
    tenant.addMember(pilot.id, megan.id);
    tenant.assign(enterpriseApp.id, pilot.id, enterpriseApp.appRoles[0]!.id);
    tenant.assign(enterpriseApp.id, nestor.id, enterpriseApp.appRoles[0]!.id);

    expect(await job.runCycle()).toMatchObject({ failed: 0 });
    const idOf = (alias: string) =>
      [...app.people.values()].find((p) => p.userName.startsWith(`${alias}@`))?.id;
    const memberships = () =>
      [...app.groups.values()].map((g) => [
        g.name,
        [...g.members].map((m) => app.people.get(m)?.userName).sort(),
      ]);
    expect(memberships()).toEqual([
      ['Phishing pilot', ['adele@contoso.onmicrosoft.com', 'megan@contoso.onmicrosoft.com']],
    ]);
    expect(app.people.get(idOf('adele')!)?.mobile).toBe('+44 20 7946 0000');

    // Nestor joins, Megan leaves, the group is renamed: the next cycle brings the same to CybSafe.
    tenant.addMember(pilot.id, nestor.id);
    tenant.removeMember(pilot.id, megan.id);
    tenant.updateGroup(pilot.id, { displayName: 'Phishing rollout' });
    expect(await job.runCycle()).toMatchObject({ failed: 0 });
    expect(memberships()).toEqual([
      ['Phishing rollout', ['adele@contoso.onmicrosoft.com', 'nestor@contoso.onmicrosoft.com']],
    ]);

    // The group is deleted in Entra: CybSafe deletes it too.
    tenant.deleteGroup(pilot.id);
    expect(await job.runCycle()).toMatchObject({ failed: 0 });
    expect(app.groups.size).toBe(0);
  });
});

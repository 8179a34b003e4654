// Keeper's connector provisioned by the Entra simulator (@scim/entra-mock): a tenant, an enterprise
// application with Keeper's mappings (entra/mapping.json), and the provisioning engine sending
// Entra's requests to the connector's handler, cycle by cycle.
import { createEntraTenant, createManualClock, createProvisioningJob } from '@scim/entra-mock';
import { readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { memoryKeeperApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

async function setup() {
  const store = memoryStore();
  const app = memoryKeeperApp();
  const handler = createConnector({ store, app });
  const { token } = await issueToken(store.tokens, 'engineering', { label: 'Entra provisioning' });
  const tenant = createEntraTenant({ clock: createManualClock('2026-11-30T08:00:00Z'), seed: 3 });
  const enterpriseApp = tenant.createServicePrincipal({
    displayName: 'Keeper Password Manager & Digital Vault',
  });
  const role = enterpriseApp.appRoles[0]!.id;
  const job = createProvisioningJob({
    tenant,
    servicePrincipalId: enterpriseApp.id,
    tenantUrl: 'https://keeper.example/scim/engineering',
    secretToken: token,
    fetch: (request) => handler(request),
    userMappings: mapping.users,
    groupMappings: mapping.groups!,
  });
  const read = async (path: string) => {
    const res = await handler(
      new Request(`https://keeper.example/scim/engineering${path}`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    return (await res.json()) as Record<string, unknown>;
  };
  const findUser = async (userName: string) => {
    const list = await read(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    return (list.Resources as Record<string, unknown>[])[0];
  };
  return { app, tenant, enterpriseApp, role, job, read, findUser };
}

describe('Keeper provisioned by the Entra simulator', () => {
  it('passes Test Connection', async () => {
    const { job } = await setup();
    expect(await job.testConnection()).toMatchObject({ success: true });
  });

  it('keeps a user Entra hard-deletes, disabled and locked', async () => {
    const { app, tenant, enterpriseApp, role, job, findUser } = await setup();
    const adele = tenant.createUser({
      userPrincipalName: 'adele@contoso.onmicrosoft.com',
      displayName: 'Adele Vance',
      mailNickname: 'adele',
      givenName: 'Adele',
      surname: 'Vance',
    });
    tenant.assign(enterpriseApp.id, adele.id, role);
    expect((await job.runCycle()).created).toBe(1);
    const provisioned = await findUser('adele@contoso.onmicrosoft.com');
    expect(provisioned?.emails).toEqual([
      expect.objectContaining({ type: 'work', value: 'adele@contoso.onmicrosoft.com' }),
    ]);

    tenant.deleteUser(adele.id, { permanently: true });
    const cycle = await job.runCycle();
    expect(cycle.failed).toBe(0);
    expect(cycle.deleted + cycle.disabled).toBe(1);
    const kept = await findUser('adele@contoso.onmicrosoft.com');
    expect(kept?.active).toBe(false);
    expect(app.users.get(`engineering/${kept?.id}`)?.locked).toBe(true);
  });

  it('changes the email when the userName changes in Entra', async () => {
    const { app, tenant, enterpriseApp, role, job, read } = await setup();
    const megan = tenant.createUser({
      userPrincipalName: 'megan@contoso.onmicrosoft.com',
      displayName: 'Megan Bowen',
      mailNickname: 'megan',
    });
    tenant.assign(enterpriseApp.id, megan.id, role);
    await job.runCycle();
    tenant.updateUser(megan.id, { userPrincipalName: 'megan.bowen@contoso.onmicrosoft.com' });
    const cycle = await job.runCycle();
    expect(cycle.updated).toBe(1);
    const list = await read(
      `/Users?filter=${encodeURIComponent('userName eq "megan.bowen@contoso.onmicrosoft.com"')}`,
    );
    const user = (list.Resources as Record<string, unknown>[])[0];
    expect(user?.emails).toEqual([
      expect.objectContaining({ type: 'work', value: 'megan.bowen@contoso.onmicrosoft.com' }),
    ]);
    expect(app.users.get(`engineering/${user?.id}`)?.email).toBe('megan.bowen@contoso.onmicrosoft.com');
  });

  it('provisions an assigned group as a team with its members', async () => {
    const { app, tenant, enterpriseApp, role, job } = await setup();
    const group = tenant.createGroup({ displayName: 'Vault admins', mailNickname: 'vault-admins' });
    for (const alias of ['isaiah', 'johanna']) {
      const user = tenant.createUser({
        userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
        displayName: alias,
        mailNickname: alias,
      });
      tenant.addMember(group.id, user.id);
    }
    tenant.assign(enterpriseApp.id, group.id, role);
    const cycle = await job.runCycle();
    expect(cycle.failed).toBe(0);
    const teams = [...app.teams.values()];
    expect(teams.map((t) => [t.name, t.members.size])).toEqual([['Vault admins', 2]]);
  });
});

// Hypervault's connector provisioned by the Entra simulator (@scim/entra-mock): a tenant, an
// enterprise application with Hypervault's mappings (entra/mapping.json), and the provisioning
// engine sending Entra's requests to the connector's handler, cycle by cycle.
import { createEntraTenant, createManualClock, createProvisioningJob } from '@scim/entra-mock';
import { readEntraMapping } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { memoryHypervaultApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

describe('Hypervault provisioned by the Entra simulator', () => {
  it('runs the full cycle: create, update, disable, re-enable, and remove on unassignment', async () => {
    const store = memoryStore();
    const app = memoryHypervaultApp();
    const handler = createConnector({ store, app });
    const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
    const tenant = createEntraTenant({ clock: createManualClock('2026-11-30T08:00:00Z'), seed: 5 });
    const enterpriseApp = tenant.createServicePrincipal({ displayName: 'Hypervault' });
    const job = createProvisioningJob({
      tenant,
      servicePrincipalId: enterpriseApp.id,
      tenantUrl: 'https://hypervault.example/scim/v2',
      secretToken: token,
      fetch: (request) => handler(request),
      userMappings: mapping.users,
      provisionGroups: false,
    });
    expect(await job.testConnection()).toMatchObject({ success: true });

    const adele = tenant.createUser({
      userPrincipalName: 'adele@contoso.onmicrosoft.com',
      displayName: 'Adele Vance',
      mailNickname: 'adele',
      givenName: 'Adele',
      surname: 'Vance',
      mail: 'adele@contoso.com',
    });
    const assignment = tenant.assign(enterpriseApp.id, adele.id, enterpriseApp.appRoles[0]!.id);
    expect(await job.runCycle()).toMatchObject({ initial: true, created: 1, failed: 0 });
    const account = () => [...app.accounts.values()][0];
    expect(account()).toMatchObject({
      userName: 'adele@contoso.onmicrosoft.com',
      displayName: 'Adele Vance',
      givenName: 'Adele',
      familyName: 'Vance',
      email: 'adele@contoso.com',
      active: true,
    });

    tenant.updateUser(adele.id, { surname: 'Vance-Lee', displayName: 'Adele Vance-Lee' });
    expect(await job.runCycle()).toMatchObject({ initial: false, updated: 1, failed: 0 });
    expect(account()).toMatchObject({ familyName: 'Vance-Lee', displayName: 'Adele Vance-Lee' });

    tenant.disableUser(adele.id);
    expect(await job.runCycle()).toMatchObject({ failed: 0 });
    expect(account()?.active).toBe(false);
    tenant.enableUser(adele.id);
    await job.runCycle();
    expect(account()?.active).toBe(true);

    tenant.unassign(assignment.id);
    expect(await job.runCycle()).toMatchObject({ disabled: 1, failed: 0 });
    expect(account()?.active).toBe(false);
  });

  it('logs a user missing a required attribute as failed, naming the attribute', async () => {
    const store = memoryStore();
    const app = memoryHypervaultApp();
    const handler = createConnector({ store, app });
    const { token } = await issueToken(store.tokens, 'default');
    const tenant = createEntraTenant({ clock: createManualClock('2026-11-30T08:00:00Z'), seed: 6 });
    const enterpriseApp = tenant.createServicePrincipal({ displayName: 'Hypervault' });
    const job = createProvisioningJob({
      tenant,
      servicePrincipalId: enterpriseApp.id,
      tenantUrl: 'https://hypervault.example/scim/v2',
      secretToken: token,
      fetch: (request) => handler(request),
      userMappings: mapping.users,
      provisionGroups: false,
    });
    const bob = tenant.createUser({
      userPrincipalName: 'bob@contoso.onmicrosoft.com',
      displayName: 'Bob Kelly',
      mailNickname: 'bob',
      givenName: 'Bob',
    });
    tenant.assign(enterpriseApp.id, bob.id, enterpriseApp.appRoles[0]!.id);
    expect(await job.runCycle()).toMatchObject({ created: 0, failed: 1 });
    const failure = job.logs.find((l) => l.provisioningStatusInfo.status === 'failure');
    // Entra's log keeps the endpoint's answer, which names what is missing.
    expect(failure?.provisioningStatusInfo.errorInformation?.additionalDetails).toContain(
      'required attributes missing: name.familyName, emails.value',
    );
    expect(app.accounts.size).toBe(0);
  });
});

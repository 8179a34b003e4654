// Vault Platform's connector provisioned by the Entra simulator (@scim/entra-mock): one Entra tenant
// per organization, each with an enterprise application using Vault Platform's mappings
// (entra/mapping.json), its own Tenant URL and its own Secret.
import {
  createEntraTenant,
  createManualClock,
  createProvisioningJob,
  type EntraTenant,
} from '@scim/entra-mock';
import { readEntraMapping } from '@scim/entra-mock/vitest';
import { memoryStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { memoryVaultPlatformApp } from '../src/app.ts';
import { createConnector } from '../src/connector.ts';
import { generateSecret, memoryOrganizationSettings, setOrganizationSecret } from '../src/organizations.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));

const complete = {
  jobTitle: 'Analyst',
  city: 'London',
  country: 'GB',
  employeeId: 'E100',
  department: 'Finance',
};

async function setup() {
  const store = memoryStore();
  const organizations = memoryOrganizationSettings();
  const app = memoryVaultPlatformApp();
  const handler = createConnector({ store, organizations, app });
  const clock = createManualClock('2026-11-30T08:00:00Z');
  /** An organization: its administrator sets a Secret and turns the SCIM provider on; its Entra tenant. */
  const organization = async (slug: string, seed: number) => {
    const secret = generateSecret();
    await setOrganizationSecret(store.tokens, slug, secret);
    await organizations.setScimProviderActive(slug, true);
    const tenant: EntraTenant = createEntraTenant({ clock, seed, domains: [`${slug}.onmicrosoft.com`] });
    const enterpriseApp = tenant.createServicePrincipal({ displayName: 'Vault Platform' });
    const job = createProvisioningJob({
      tenant,
      servicePrincipalId: enterpriseApp.id,
      tenantUrl: `https://app.vaultplatform.example/api/scim/${slug}`,
      secretToken: secret,
      fetch: (request) => handler(request),
      userMappings: mapping.users,
      provisionGroups: false,
    });
    const hire = (alias: string, overrides: Record<string, string> = complete) => {
      const user = tenant.createUser({
        userPrincipalName: `${alias}@${slug}.onmicrosoft.com`,
        displayName: alias,
        mailNickname: alias,
        givenName: alias,
        surname: slug,
        mail: `${alias}@${slug}.example`,
        ...overrides,
      });
      tenant.assign(enterpriseApp.id, user.id, enterpriseApp.appRoles[0]!.id);
      return user;
    };
    return { tenant, job, hire, secret };
  };
  const employeesOf = (slug: string) =>
    [...app.employees.values()].filter((e) => e.organization === slug).map((e) => e.userName);
  return { organizations, organization, employeesOf, handler };
}

describe('Vault Platform provisioned by the Entra simulator', () => {
  it("gives two organizations their own endpoints and Secrets; neither sees the other's users", async () => {
    const { organization, employeesOf, handler } = await setup();
    const acme = await organization('acme', 1);
    const globex = await organization('globex', 2);
    acme.hire('adele');
    globex.hire('bob');
    expect(await acme.job.runCycle()).toMatchObject({ created: 1, failed: 0 });
    expect(await globex.job.runCycle()).toMatchObject({ created: 1, failed: 0 });
    expect(employeesOf('acme')).toEqual(['adele@acme.onmicrosoft.com']);
    expect(employeesOf('globex')).toEqual(['bob@globex.onmicrosoft.com']);

    const list = async (slug: string, secret: string) => {
      const res = await handler(
        new Request(`https://app.vaultplatform.example/api/scim/${slug}/Users`, {
          headers: { authorization: `Bearer ${secret}` },
        }),
      );
      return { status: res.status, body: (await res.json()) as { Resources?: { userName: string }[] } };
    };
    expect((await list('acme', acme.secret)).body.Resources?.map((u) => u.userName)).toEqual([
      'adele@acme.onmicrosoft.com',
    ]);
    expect((await list('globex', acme.secret)).status).toBe(401);
  });

  it('refuses a user missing a required attribute with a message naming it', async () => {
    const { organization, employeesOf } = await setup();
    const acme = await organization('acme', 3);
    const { jobTitle: _title, ...noTitle } = complete;
    const megan = acme.hire('megan', noTitle);
    expect(await acme.job.runCycle()).toMatchObject({ created: 0, failed: 1 });
    const entry = acme.job.logs.find((l) => l.sourceIdentity?.id === megan.id);
    expect(entry?.provisioningStatusInfo.status).toBe('failure');
    expect(entry?.provisioningStatusInfo.errorInformation?.additionalDetails).toContain(
      'required attribute missing: title',
    );
    expect(employeesOf('acme')).toEqual([]);
  });

  it('refuses Test Connection and every cycle while "active SCIM provider" is off', async () => {
    const { organizations, organization, employeesOf } = await setup();
    const acme = await organization('acme', 4);
    acme.hire('nestor');
    await organizations.setScimProviderActive('acme', false);
    expect((await acme.job.testConnection()).success).toBe(false);
    expect(await acme.job.runCycle()).toMatchObject({ created: 0 });
    expect(employeesOf('acme')).toEqual([]);

    await organizations.setScimProviderActive('acme', true);
    expect((await acme.job.testConnection()).success).toBe(true);
    acme.job.restart({ resetScope: ['Full'] });
    await acme.job.runCycle();
    expect(employeesOf('acme')).toEqual(['nestor@acme.onmicrosoft.com']);
  });
});

import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEntraTenant, createGraphHandlers, mountFetchHandler } from '../src/index.ts';
import { configureProvisioning } from './scripts/configure-provisioning.ts';
import { createStrictScimApp } from './strict-scim-app.ts';

const tenant = createEntraTenant({ seed: 12 });
const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
for (const name of ['adele', 'megan', 'lee']) {
  const user = tenant.createUser({
    userPrincipalName: `${name}@contoso.onmicrosoft.com`,
    displayName: name,
    mailNickname: name,
  });
  tenant.assign(app.id, user.id, app.appRoles[0]!.id);
}
const client = { clientId: 'c0ffee00-0000-4000-8000-000000000002', clientSecret: 'secret-value' };
const scim = createStrictScimApp({
  baseUrl: 'https://scim.example.test/scim',
  token: 'scim-token',
  dialect: 'compliant',
});
const server = setupServer(
  ...createGraphHandlers(tenant, { clients: [client] }),
  mountFetchHandler('https://scim.example.test/scim', scim.fetch),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('a provisioning script written against Graph, run against the simulator', () => {
  it('configures the job, starts it, and reads the provisioning logs', async () => {
    const result = await configureProvisioning({
      tenantId: tenant.id,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      servicePrincipalId: app.id,
      tenantUrl: 'https://scim.example.test/scim?aadOptscim062020',
      secretToken: 'scim-token',
    });
    expect(result.status).toMatchObject({
      code: 'Active',
      quarantine: null,
      lastSuccessfulExecution: { state: 'Succeeded' },
    });
    expect([...scim.users.values()].map((u) => u.userName).sort()).toEqual([
      'adele@contoso.onmicrosoft.com',
      'lee@contoso.onmicrosoft.com',
      'megan@contoso.onmicrosoft.com',
    ]);
    expect(result.logs.map((l) => [l.provisioningAction, l.provisioningStatusInfo.status])).toEqual([
      ['create', 'success'],
      ['create', 'success'],
      ['create', 'success'],
    ]);
    expect(scim.violations).toEqual([]);
  });
});

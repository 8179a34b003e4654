import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEntraTenant, createGraphHandlers } from '../src/index.ts';
import { onboardUser } from './scripts/onboard-user.ts';

const tenant = createEntraTenant({ seed: 11 });
const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
const client = { clientId: 'c0ffee00-0000-4000-8000-000000000001', clientSecret: 'secret-value' };
const server = setupServer(...createGraphHandlers(tenant, { clients: [client] }));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe('a Graph script run against the simulator through MSW', () => {
  it('creates, updates, links and assigns exactly as it would in Entra', async () => {
    const result = await onboardUser({
      tenantId: tenant.id,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      servicePrincipalId: app.id,
      appRoleId: app.appRoles[0]!.id,
      domain: tenant.domains[0]!,
    });
    const megan = tenant.getUser(String(result.user.id));
    expect(megan).toMatchObject({
      jobTitle: 'Marketing Manager',
      department: 'Marketing',
      usageLocation: 'US',
    });
    expect(tenant.getManager(megan.id)?.displayName).toBe('Adele Vance');
    expect(tenant.listMembers(String(result.group.id)).map((m) => m.object.id)).toEqual([megan.id]);
    expect(tenant.listAssignments(app.id)).toMatchObject([
      { principalType: 'Group', principalDisplayName: 'Library Assist' },
    ]);
    expect(result.marketing.value).toEqual([{ displayName: 'Megan Bowen', jobTitle: 'Marketing Manager' }]);
    expect(result.members.value).toMatchObject([{ '@odata.type': '#microsoft.graph.user', id: megan.id }]);
    expect(tenant.changesSince(0).map((c) => c.kind)).toEqual([
      'servicePrincipalCreated',
      'userCreated',
      'userCreated',
      'userUpdated',
      'managerChanged',
      'groupCreated',
      'memberAdded',
      'appRoleAssigned',
    ]);
  });
});

// The engine tests' fixture: a tenant with Adele (assigned directly), Megan (assigned through
// Sales, Adele's report) and Bob (unassigned), a strict SCIM app behind MSW, and a job.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createManualClock } from '../src/clock.ts';
import { createProvisioningJob, type ProvisioningJobOptions } from '../src/engine/engine.ts';
import { mountFetchHandler } from '../src/mount.ts';
import { createEntraTenant } from '../src/tenant/tenant.ts';
import { createStrictScimApp, type RecordedRequest } from './strict-scim-app.ts';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const ADSCIM = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';
export const BASE = 'https://scim.example.test/scim';

export const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** A tenant with Adele (assigned directly), Megan (assigned through Sales, Adele's report) and Bob (unassigned). */
export function setup(dialect: 'legacy' | 'compliant', options: Partial<ProvisioningJobOptions> = {}) {
  const clock = createManualClock('2026-03-02T08:00:00Z');
  const tenant = createEntraTenant({ clock, seed: 7 });
  const adele = tenant.createUser({
    userPrincipalName: 'adele@contoso.onmicrosoft.com',
    displayName: 'Adele Vance',
    mailNickname: 'adele',
    givenName: 'Adele',
    surname: 'Vance',
    mail: 'adele@contoso.com',
    jobTitle: 'Retail Manager',
    department: 'Retail',
  });
  const megan = tenant.createUser({
    userPrincipalName: 'megan@contoso.onmicrosoft.com',
    displayName: 'Megan Bowen',
    mailNickname: 'megan',
    givenName: 'Megan',
    surname: 'Bowen',
    department: 'Sales',
  });
  const bob = tenant.createUser({
    userPrincipalName: 'bob@contoso.onmicrosoft.com',
    displayName: 'Bob Kelly',
    mailNickname: 'bob',
  });
  tenant.setManager(megan.id, adele.id);
  const sales = tenant.createGroup({ displayName: 'Sales', mailNickname: 'sales' });
  tenant.addMember(sales.id, megan.id);
  const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
  const userRole = app.appRoles[0]!.id;
  const adeleAssignment = tenant.assign(app.id, adele.id, userRole);
  const salesAssignment = tenant.assign(app.id, sales.id, userRole);
  const tenantUrl = dialect === 'compliant' ? `${BASE}?aadOptscim062020` : BASE;
  const scim = createStrictScimApp({ baseUrl: BASE, token: 'secret-token', dialect });
  server.use(mountFetchHandler(BASE, scim.fetch));
  const job = createProvisioningJob({
    tenant,
    servicePrincipalId: app.id,
    tenantUrl,
    secretToken: 'secret-token',
    ...options,
  });
  return {
    clock,
    tenant,
    app,
    userRole,
    adele,
    megan,
    bob,
    sales,
    adeleAssignment,
    salesAssignment,
    scim,
    job,
  };
}

export const line = (r: RecordedRequest) =>
  `${r.method} ${r.path}${r.query.length > 0 ? `?${r.query.map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join('&')}` : ''}`;
/** The requests that change the app (every method but GET). */
export const writes = (scim: { requests: RecordedRequest[] }) =>
  scim.requests.filter((r) => r.method !== 'GET');
/** The first PATCH's body. */
export const firstPatch = (scim: { requests: RecordedRequest[] }) =>
  scim.requests.find((r) => r.method === 'PATCH')?.body;

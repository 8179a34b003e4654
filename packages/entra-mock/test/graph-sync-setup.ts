// The world of the Graph synchronization tests: a tenant with two assigned users and a group, an
// application, the synchronization service, a strict SCIM app behind the Tenant URL, and an MSW
// server on which any request that reaches no handler is an error (nothing leaves the process).
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createManualClock } from '../src/clock.ts';
import { createGraphHandlers } from '../src/graph/handlers.ts';
import { createSynchronization } from '../src/graph/sync.ts';
import { mountFetchHandler } from '../src/mount.ts';
import { createEntraTenant } from '../src/tenant/tenant.ts';
import { createStrictScimApp } from './strict-scim-app.ts';

export const GRAPH = 'https://graph.microsoft.com';
export const SCIM_BASE = 'https://scim.example.test/scim';

export function createGraphSyncWorld() {
  const clock = createManualClock('2026-03-02T08:00:00Z');
  const tenant = createEntraTenant({ clock, seed: 11 });
  const adele = tenant.createUser({
    userPrincipalName: 'adele@contoso.onmicrosoft.com',
    displayName: 'Adele Vance',
    mailNickname: 'adele',
    department: 'Retail',
  });
  const megan = tenant.createUser({
    userPrincipalName: 'megan@contoso.onmicrosoft.com',
    displayName: 'Megan Bowen',
    mailNickname: 'megan',
    department: 'Sales',
  });
  const sales = tenant.createGroup({
    displayName: 'Sales',
    mailNickname: 'sales',
    mailEnabled: false,
    securityEnabled: true,
  });
  tenant.addMember(sales.id, megan.id);
  const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
  const role = app.appRoles[0]!.id;
  const assignments = [tenant.assign(app.id, adele.id, role), tenant.assign(app.id, megan.id, role)];
  const synchronization = createSynchronization(tenant);
  const scim = createStrictScimApp({ baseUrl: SCIM_BASE, token: 'secret-token', dialect: 'legacy' });
  return { clock, tenant, adele, megan, sales, app, assignments, synchronization, scim };
}

export type GraphSyncWorld = ReturnType<typeof createGraphSyncWorld>;

export interface GraphAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: Graph answers are read freely in tests
  body: any;
}

/**
 * Starts one MSW server for the test file (unhandled requests are errors) and returns `fresh()`,
 * which builds a new world and mounts its Graph handlers and SCIM app, and `graph()`, which calls
 * Graph under `/v1.0` or `/beta`.
 */
export function useGraphSyncWorld() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  const fresh = (): GraphSyncWorld => {
    const world = createGraphSyncWorld();
    server.use(
      ...createGraphHandlers(world.tenant, { requireToken: false, synchronization: world.synchronization }),
      mountFetchHandler(SCIM_BASE, world.scim.fetch),
    );
    return world;
  };
  const graph = async (
    method: string,
    path: string,
    body?: unknown,
    version: 'v1.0' | 'beta' = 'v1.0',
  ): Promise<GraphAnswer> => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { 'content-type': 'application/json' };
    }
    const response = await fetch(`${GRAPH}/${version}${path}`, init);
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  return { server, fresh, graph };
}

/** Creates the application's job from the `scim` template, saves the Tenant URL and token, and returns the job's path. */
export async function configureJob(
  graph: ReturnType<typeof useGraphSyncWorld>['graph'],
  world: GraphSyncWorld,
): Promise<{ jobId: string; job: string }> {
  const created = await graph('POST', `/servicePrincipals/${world.app.id}/synchronization/jobs`, {
    templateId: 'scim',
  });
  if (created.status !== 201) throw new Error(`job not created: ${JSON.stringify(created.body)}`);
  await graph('PUT', `/servicePrincipals/${world.app.id}/synchronization/secrets`, {
    value: [
      { key: 'BaseAddress', value: SCIM_BASE },
      { key: 'SecretToken', value: 'secret-token' },
    ],
  });
  const jobId = created.body.id as string;
  return { jobId, job: `/servicePrincipals/${world.app.id}/synchronization/jobs/${jobId}` };
}

// Against @scim/server on SQLite, the provisioning logs show every action Graph documents
// (create, update, disable, delete, stagedDelete, other) and every failure kind the engine knows:
// EntryConflict (409), DuplicateTargetEntries, an escrowed 5xx, credentials (quarantine), the escrow
// proportion threshold, and the accidental-deletion guard.
import { bearerTokens, createScimHandler, issueToken, sqliteStore } from '@scim/server';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../src/clock.ts';
import { createProvisioningJob, type ProvisioningJobOptions } from '../src/engine/engine.ts';
import type { ProvisioningObjectSummary } from '../src/logs/types.ts';
import { createEntraTenant } from '../src/tenant/tenant.ts';

const BASE = 'https://scim.example.test/scim/v2';

async function setup(bend?: (request: Request) => Response | undefined) {
  const store = sqliteStore({ path: ':memory:' });
  const { token } = await issueToken(store.tokens, 'default');
  const handler = createScimHandler({
    store,
    authenticate: bearerTokens({ tokens: store.tokens }),
    basePath: '/scim/v2',
  });
  const send = (method: string, path: string, body?: unknown) =>
    handler(
      new Request(`${BASE}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
  const tenant = createEntraTenant({ clock: createManualClock('2026-01-05T08:00:00Z'), seed: 3 });
  const app = tenant.createServicePrincipal({ displayName: 'SQLite app' });
  const role = app.appRoles[0]!.id;
  const user = (alias: string, assign = true) => {
    const u = tenant.createUser({
      userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
      displayName: alias,
      mailNickname: alias,
    });
    if (assign) tenant.assign(app.id, u.id, role);
    return u;
  };
  const job = (options: Partial<ProvisioningJobOptions> = {}) =>
    createProvisioningJob({
      tenant,
      servicePrincipalId: app.id,
      tenantUrl: `${BASE}?aadOptscim062020`,
      secretToken: token,
      fetch: async (request) => bend?.(request) ?? handler(request),
      retry: { maxAttempts: 2, baseDelayMs: 10 },
      ...options,
    });
  return { tenant, app, role, user, job, send, token };
}

const of = (logs: readonly ProvisioningObjectSummary[]) =>
  logs.map((l) => [
    l.provisioningAction,
    l.provisioningStatusInfo.status,
    l.provisioningStatusInfo.errorInformation?.errorCode ?? null,
  ]);

describe('provisioning logs against @scim/server on SQLite', () => {
  it('show create, update, disable, delete, stagedDelete and other', async () => {
    const { tenant, app, user, job } = await setup();
    const adele = user('adele');
    const megan = user('megan');
    const nestor = user('nestor');
    user('outsider', false); // not assigned: skipped ("other")
    const group = tenant.createGroup({ displayName: 'Sales', mailNickname: 'sales' });
    tenant.addMember(group.id, adele.id);
    tenant.assign(app.id, group.id, app.appRoles[0]!.id);
    const j = job({ accidentalDeletionThreshold: 1 });
    await j.runCycle();
    tenant.updateUser(adele.id, { jobTitle: 'Lead' });
    tenant.disableUser(megan.id);
    await j.runCycle();
    tenant.deleteUser(nestor.id, { permanently: true });
    tenant.deleteUser(megan.id, { permanently: true });
    await j.runCycle(); // two deletes over a threshold of one: staged
    j.allowDeletes();
    await j.runCycle();
    const kinds = new Set(of(j.logs).map(([action, status]) => `${action}/${status}`));
    for (const kind of [
      'create/success',
      'update/success',
      'disable/success',
      'delete/success',
      'other/skipped',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(j.logs.some((l) => l.provisioningAction === 'stagedDelete')).toBe(true);
    expect(j.status().quarantine).toBeNull();
  });

  it('show <AppName>EntryConflict for a 409 from the server', async () => {
    const { tenant, user, job, send } = await setup();
    const r = await send('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'taken@contoso.onmicrosoft.com',
    });
    expect(r.status).toBe(201);
    const adele = user('adele');
    const j = job();
    await j.runCycle();
    tenant.updateUser(adele.id, { userPrincipalName: 'taken@contoso.onmicrosoft.com' });
    const summary = await j.runCycle();
    expect(summary.failed).toBe(1);
    expect(of(j.logs).at(-1)).toEqual(['update', 'failure', 'SQLiteappEntryConflict']);
  });

  it('show DuplicateTargetEntries when two groups in the server have the displayName', async () => {
    const { tenant, app, role, job, send } = await setup();
    for (let i = 0; i < 2; i++) {
      const r = await send('POST', '/Groups', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
      });
      expect(r.status).toBe(201);
    }
    const group = tenant.createGroup({ displayName: 'Sales', mailNickname: 'sales' });
    tenant.assign(app.id, group.id, role);
    const j = job();
    await j.runCycle();
    expect(of(j.logs.filter((l) => l.sourceIdentity.id === group.id))).toEqual([
      ['create', 'failure', 'DuplicateTargetEntries'],
    ]);
  });

  it('show escrowed 5xx failures, then the escrow proportion quarantine', async () => {
    let down = true;
    const { user, job } = await setup((request) =>
      down && request.method === 'POST' ? new Response('{"detail":"down"}', { status: 503 }) : undefined,
    );
    for (const alias of ['a', 'b', 'c']) user(alias);
    const j = job({ quarantine: { minimumFailures: 2, failureRatio: 0.4, maximumFailures: 100 } });
    const summary = await j.runCycle();
    expect(summary.failed).toBe(3);
    expect(of(j.logs).filter(([, s]) => s === 'failure')[0]).toEqual([
      'create',
      'failure',
      'InternalServerError',
    ]);
    expect(j.status().quarantine?.reason).toBe('EncounteredEscrowProportionThreshold');
    down = false;
    j.restart(); // clears the watermark, escrows and quarantine: the next cycle is initial
    expect((await j.runCycle()).created).toBe(3);
  });

  it('show a credential failure and quarantine for a wrong token', async () => {
    const { user, job } = await setup();
    user('adele');
    const j = job({ secretToken: 'wrong' });
    expect(await j.testConnection()).toMatchObject({ success: false });
    expect((await j.runCycle()).status).toBe('Quarantine');
    expect(j.status().quarantine).toMatchObject({
      reason: 'EncounteredQuarantineException',
      error: { code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable' },
    });
  });
});

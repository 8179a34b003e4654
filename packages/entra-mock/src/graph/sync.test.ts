import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStrictScimApp } from '../../test/strict-scim-app.ts';
import { createManualClock } from '../clock.ts';
import { mountFetchHandler } from '../mount.ts';
import { createEntraTenant } from '../tenant/tenant.ts';
import { createGraphHandlers } from './handlers.ts';
import { createSynchronization } from './sync.ts';

const GRAPH = 'https://graph.microsoft.com/v1.0';
const BASE = 'https://scim.example.test/scim';

function setup() {
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
  const app = tenant.createServicePrincipal({ displayName: 'Contoso SCIM app' });
  const role = app.appRoles[0]!.id;
  const assignments = [tenant.assign(app.id, adele.id, role), tenant.assign(app.id, megan.id, role)];
  const synchronization = createSynchronization(tenant);
  const scim = createStrictScimApp({ baseUrl: BASE, token: 'secret-token', dialect: 'legacy' });
  return { clock, tenant, adele, megan, app, assignments, synchronization, scim };
}

let ctx = setup();
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function fresh() {
  ctx = setup();
  server.use(
    ...createGraphHandlers(ctx.tenant, { requireToken: false, synchronization: ctx.synchronization }),
    mountFetchHandler(BASE, ctx.scim.fetch),
  );
  return ctx;
}

async function graph(method: string, path: string, body?: unknown) {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(`${GRAPH}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

async function createJob(spId: string) {
  const created = await graph('POST', `/servicePrincipals/${spId}/synchronization/jobs`, {
    templateId: 'scim',
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

const secrets = (token = 'secret-token') => ({
  value: [
    { key: 'BaseAddress', value: BASE },
    { key: 'SecretToken', value: token },
  ],
});

describe('synchronization jobs through Graph', () => {
  it('creates a job from the scim template, configures it and provisions when started', async () => {
    const { app, tenant, scim } = fresh();
    const jobId = await createJob(app.id);
    expect(jobId).toBe(`scim.${tenant.id.replace(/-/g, '')}.${app.id}`);
    const before = await graph('GET', `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}`);
    expect(before.body).toMatchObject({
      templateId: 'scim',
      schedule: { interval: 'P10675199DT2H48M5.4775807S', state: 'Disabled' },
      status: { code: 'NotConfigured', quarantine: null },
    });
    expect(
      (await graph('PUT', `/servicePrincipals/${app.id}/synchronization/secrets`, secrets())).status,
    ).toBe(204);
    const configured = await graph('GET', `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}`);
    expect(configured.body.status.code).toBe('NotRun');
    expect(
      (await graph('POST', `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/start`)).status,
    ).toBe(204);
    expect(scim.requests).toEqual([]);
    const after = await graph('GET', `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}`);
    expect(after.body.schedule).toEqual({ expiration: null, interval: 'PT40M', state: 'Active' });
    expect(after.body.status).toMatchObject({
      code: 'Active',
      lastSuccessfulExecution: { state: 'Succeeded', countExported: 2 },
    });
    expect(scim.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    const list = await graph('GET', `/servicePrincipals/${app.id}/synchronization/jobs`);
    expect(list.body.value.map((j: { id: string }) => j.id)).toEqual([jobId]);
  });

  it('validates credentials as Test Connection does', async () => {
    const { app } = fresh();
    const jobId = await createJob(app.id);
    const path = `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/validateCredentials`;
    const good = await graph('POST', path, {
      useSavedCredentials: false,
      templateId: 'scim',
      credentials: secrets().value,
    });
    expect(good.status).toBe(204);
    const bad = await graph('POST', path, {
      useSavedCredentials: false,
      credentials: secrets('wrong').value,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('SystemForCrossDomainIdentityManagementCredentialValidationUnavailable');
    expect(bad.body.error.innerError).toHaveProperty('request-id');
  });

  it('reads and replaces the schema: attribute mappings and scoping filters', async () => {
    const { app, scim, synchronization } = fresh();
    const jobId = await createJob(app.id);
    await graph('PUT', `/servicePrincipals/${app.id}/synchronization/secrets`, secrets());
    const { body: schema } = await graph(
      'GET',
      `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/schema`,
    );
    const users = schema.synchronizationRules[0].objectMappings.find(
      (m: { sourceObjectName: string }) => m.sourceObjectName === 'User',
    );
    expect(users.flowTypes).toBe('Add, Update, Delete');
    expect(users.scope).toBeNull();
    expect(users.attributeMappings[0]).toMatchObject({
      targetAttributeName: 'userName',
      matchingPriority: 1,
      flowType: 'Always',
    });
    users.scope = {
      categoryFilterGroups: [],
      inputFilterGroups: [],
      groups: [
        {
          name: 'Retail only',
          clauses: [
            {
              operatorName: 'EQUALS',
              sourceOperandName: 'department',
              targetOperand: { values: ['Retail'] },
            },
          ],
        },
      ],
    };
    users.attributeMappings.push({
      targetAttributeName: 'nickName',
      source: { expression: '[mailNickname]', name: 'mailNickname', type: 'Attribute', parameters: [] },
      flowType: 'Always',
      matchingPriority: 0,
      defaultValue: null,
    });
    expect(
      (await graph('PUT', `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/schema`, schema))
        .status,
    ).toBe(204);
    const { body: again } = await graph(
      'GET',
      `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/schema`,
    );
    expect(again.synchronizationRules[0].objectMappings[0].scope.groups[0].clauses[0]).toEqual({
      operatorName: 'EQUALS',
      sourceOperandName: 'department',
      targetOperand: { values: ['Retail'] },
    });
    await graph('POST', `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/start`);
    await synchronization.runDueCycles();
    const posted = scim.requests
      .filter((r) => r.method === 'POST')
      .map((r) => r.body as Record<string, unknown>);
    expect(posted.map((b) => [b.userName, b.nickName])).toEqual([['adele@contoso.onmicrosoft.com', 'adele']]);
    const wrong = structuredClone(again);
    wrong.synchronizationRules[0].objectMappings[0].scope.groups[0].clauses[0].operatorName = 'LIKE';
    const rejected = await graph(
      'PUT',
      `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/schema`,
      wrong,
    );
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.message).toMatch(/operatorName "LIKE" is not one of/);
    const badExpression = structuredClone(again);
    badExpression.synchronizationRules[0].objectMappings[0].attributeMappings[1].source = {
      expression: 'Switch([IsSoftDeleted], , "False")',
      name: 'Switch',
      type: 'Function',
      parameters: [],
    };
    const invalid = await graph(
      'PUT',
      `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/schema`,
      badExpression,
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.message).toMatch(/attributeMappings: .*Switch/);
  });

  it('lists provisioning logs with $filter and $top', async () => {
    const { app, clock } = fresh();
    const jobId = await createJob(app.id);
    await graph('PUT', `/servicePrincipals/${app.id}/synchronization/secrets`, secrets());
    await graph('POST', `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/start`);
    clock.advance(1000);
    const all = await graph('GET', '/auditLogs/provisioning');
    expect(all.body.value.map((l: { provisioningAction: string }) => l.provisioningAction)).toEqual([
      'create',
      'create',
    ]);
    const page = await graph(
      'GET',
      "/auditLogs/provisioning?$filter=provisioningAction eq 'create' and provisioningStatusInfo/status eq 'success'&$top=1",
    );
    expect(page.body.value).toHaveLength(1);
    expect(page.body.value[0]).toMatchObject({ jobId, provisioningStatusInfo: { status: 'success' } });
    const next = await fetch(page.body['@odata.nextLink']).then((r) => r.json());
    expect(next.value).toHaveLength(1);
    expect(next.value[0].id).not.toBe(page.body.value[0].id);
    expect(next['@odata.nextLink']).toBeUndefined();
    const none = await graph('GET', `/auditLogs/provisioning?$filter=jobId eq 'other'`);
    expect(none.body.value).toEqual([]);
    const unsupported = await graph('GET', `/auditLogs/provisioning?$filter=foo eq 'x'`);
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.error.code).toBe('BadRequest');
    expect(unsupported.body.error.message).toMatch(/^Invalid filter clause: 'foo' cannot be filtered on/);
  });

  it('provisions on demand with the rule id from the schema', async () => {
    const { app, megan, scim, synchronization } = fresh();
    const jobId = await createJob(app.id);
    await graph('PUT', `/servicePrincipals/${app.id}/synchronization/secrets`, secrets());
    const { body: schema } = await graph(
      'GET',
      `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/schema`,
    );
    const ruleId = schema.synchronizationRules[0].id as string;
    const path = `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}/provisionOnDemand`;
    const wrongRule = await graph('POST', path, {
      parameters: [{ ruleId: 'nope', subjects: [{ objectId: megan.id, objectTypeName: 'User' }] }],
    });
    expect(wrongRule.status).toBe(400);
    const result = await graph('POST', path, {
      parameters: [{ ruleId, subjects: [{ objectId: megan.id, objectTypeName: 'User' }] }],
    });
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body.key)).toEqual({ result: 'Success', details: {} });
    const value = JSON.parse(result.body.value);
    expect(value).toMatchObject({
      action: 'Create',
      statusInfo: { status: 'Success' },
      sourceIdentity: { id: megan.id, type: 'User' },
      reportableIdentifier: megan.userPrincipalName,
    });
    // The engine's report: every step with its own timestamp, within the run; the export step
    // carries the ReportableIdentifier.
    const engine = synchronization.engine(app.id, jobId)!;
    const entry = engine.logs.at(-1)!;
    expect(value.changeId).toBe(entry.changeId);
    expect(value.endTime).toBe(entry.activityDateTime);
    const steps = value.provisioningSteps as {
      type: string;
      timestamp: string;
      details: Record<string, string>;
    }[];
    expect(steps.map((s) => s.type)).toEqual(['Import', 'Scoping', 'Matching', 'Export']);
    for (const step of steps) {
      expect(step.timestamp >= value.startTime && step.timestamp <= value.endTime).toBe(true);
    }
    expect(steps.at(-1)!.details.ReportableIdentifier).toBe(megan.userPrincipalName);
    expect(scim.requests.map((r) => r.method)).toEqual(['GET', 'POST']);
  });

  it('quarantines on too many deletes and restarts with ForceDeletes', async () => {
    const { app, assignments, tenant, clock, scim } = fresh();
    const jobId = await createJob(app.id);
    const job = `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}`;
    await graph('PUT', `/servicePrincipals/${app.id}/synchronization/secrets`, secrets());
    expect(
      (
        await graph('PATCH', job, {
          synchronizationJobSettings: [
            { name: 'QuarantineTooManyDeletes', value: 'true' },
            { name: 'QuarantineTooManyDeletesThreshold', value: '1' },
          ],
        })
      ).status,
    ).toBe(204);
    await graph('POST', `${job}/start`);
    await graph('GET', job);
    for (const a of assignments) tenant.unassign(a.id);
    clock.advance(40 * 60_000);
    const quarantined = await graph('GET', job);
    expect(quarantined.body.status).toMatchObject({
      code: 'Quarantine',
      quarantine: { reason: 'TooManyDeletes' },
    });
    expect(scim.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(
      (await graph('POST', `${job}/restart`, { criteria: { resetScope: 'ForceDeletes, QuarantineState' } }))
        .status,
    ).toBe(204);
    const released = await graph('GET', job);
    expect(released.body.status.code).toBe('Active');
    expect(scim.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
  });

  it('pauses, and answers Graph errors for bad requests', async () => {
    const { app } = fresh();
    const wrongTemplate = await graph('POST', `/servicePrincipals/${app.id}/synchronization/jobs`, {
      templateId: 'salesforce',
    });
    expect(wrongTemplate.status).toBe(400);
    const jobId = await createJob(app.id);
    const job = `/servicePrincipals/${app.id}/synchronization/jobs/${jobId}`;
    const noSecrets = await graph('POST', `${job}/start`);
    expect(noSecrets.status).toBe(400);
    expect(noSecrets.body.error.message).toMatch(/BaseAddress/);
    expect((await graph('GET', `/servicePrincipals/${app.id}/synchronization/jobs/scim.nope`)).status).toBe(
      404,
    );
    expect((await graph('POST', `${job}/restart`, { criteria: { resetScope: 'Everything' } })).status).toBe(
      400,
    );
    await graph('PUT', `/servicePrincipals/${app.id}/synchronization/secrets`, {
      value: [
        { key: 'BaseAddress', value: BASE },
        { key: 'SecretToken', value: 'secret-token' },
        { key: 'SkipOutOfScopeDeletions', value: 'true' },
      ],
    });
    const saved = await graph('GET', `/servicePrincipals/${app.id}/synchronization/secrets`);
    expect(saved.body.value).toEqual([
      { key: 'BaseAddress', value: BASE },
      { key: 'SecretToken', value: '*' },
      { key: 'SkipOutOfScopeDeletions', value: 'true' },
    ]);
    await graph('POST', `${job}/start`);
    await graph('POST', `${job}/pause`);
    // A paused job: schedule state Disabled, status code Paused, as the Graph samples show.
    expect((await graph('GET', job)).body).toMatchObject({
      schedule: { state: 'Disabled', interval: 'P10675199DT2H48M5.4775807S' },
      status: { code: 'Paused' },
    });
    expect((await graph('DELETE', job)).status).toBe(204);
    expect((await graph('GET', job)).status).toBe(404);
  });
});

import { setupServer } from 'msw/node';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.ts';
import { generateDirectory, importDirectory } from '../generator/directory.ts';
import { createEntraTenant } from '../tenant/tenant.ts';
import { createGraphHandler, createGraphHandlers } from './handlers.ts';
import { parseEqFilter } from './odata.ts';

const GRAPH = 'https://graph.microsoft.com/v1.0';
const LOGIN = 'https://login.microsoftonline.com';

function setup(options: { requireToken?: boolean; pageSize?: number } = {}) {
  const clock = createManualClock('2026-02-01T10:00:00Z');
  const tenant = createEntraTenant({ clock, seed: 5 });
  const ids = importDirectory(tenant, generateDirectory({ seed: 5, users: 25, groups: 3 }));
  const graph = createGraphHandler(tenant, {
    requireToken: options.requireToken ?? false,
    clients: [{ clientId: 'app-1', clientSecret: 'right' }],
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await graph(new Request(`${GRAPH}${path}`, init));
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : JSON.parse(text),
    };
  };
  const token = async (form: Record<string, string>, tenantSegment: string = tenant.id) => {
    const response = await graph(
      new Request(`${LOGIN}/${tenantSegment}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
      }),
    );
    return { status: response.status, body: await response.json() };
  };
  return { clock, tenant, ids, graph, call, token };
}

const goodForm = {
  grant_type: 'client_credentials',
  client_id: 'app-1',
  client_secret: 'right',
  scope: 'https://graph.microsoft.com/.default',
};

describe('users', () => {
  it("returns Graph's default property set unless $select says otherwise", async () => {
    const { call } = setup();
    const list = await call('GET', '/users?$top=1');
    expect(Object.keys(list.body.value[0]).sort()).toEqual(
      [
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ].sort(),
    );
    const selected = await call('GET', '/users?$top=1&$select=department,accountEnabled');
    expect(Object.keys(selected.body.value[0])).toEqual(['department', 'accountEnabled']);
    expect(selected.body['@odata.context']).toBe(`${GRAPH}/$metadata#users(department,accountEnabled)`);
    const bad = await call('GET', '/users?$select=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      "Could not find a property named 'nope' on type 'microsoft.graph.user'.",
    );
  });

  it('filters with eq (case-insensitive strings, booleans, nested extension attributes) joined by and', async () => {
    const { tenant, call } = setup();
    const someone = tenant.listUsers()[7]!;
    const byUpn = await call(
      'GET',
      `/users?$filter=userPrincipalName eq '${someone.userPrincipalName.toUpperCase()}'`,
    );
    expect(byUpn.body.value.map((u: { id: string }) => u.id)).toEqual([someone.id]);
    const enabledSales = await call(
      'GET',
      "/users?$filter=department eq 'Sales' and accountEnabled eq true&$top=999",
    );
    const expected = tenant.listUsers().filter((u) => u.department === 'Sales' && u.accountEnabled);
    expect(enabledSales.body.value).toHaveLength(expected.length);
    const ext = someone.onPremisesExtensionAttributes.extensionAttribute1!;
    const byExt = await call(
      'GET',
      `/users?$filter=onPremisesExtensionAttributes/extensionAttribute1 eq '${ext}'`,
    );
    expect(byExt.body.value.map((u: { id: string }) => u.id)).toContain(someone.id);
  });

  it('rejects unsupported filters with Graph codes', async () => {
    const { call } = setup();
    const ne = await call('GET', "/users?$filter=department ne 'Sales'");
    expect(ne.status).toBe(400);
    expect(ne.body.error.code).toBe('Request_UnsupportedQuery');
    const unknown = await call('GET', "/users?$filter=favouriteColour eq 'blue'");
    expect(unknown.body.error.message).toBe(
      "Unsupported or invalid query filter clause specified for property 'favouriteColour' of resource 'User'.",
    );
    const broken = await call('GET', '/users?$filter=department eq Sales');
    expect(broken.body.error.code).toBe('BadRequest');
  });

  it('pages with $top and @odata.nextLink until every user was seen once', async () => {
    const { tenant, call } = setup();
    const seen: string[] = [];
    let next: string | undefined = `${GRAPH}/users?$top=7&$select=id`;
    let pages = 0;
    while (next) {
      const page = await call('GET', next.slice(GRAPH.length));
      seen.push(...page.body.value.map((u: { id: string }) => u.id));
      next = page.body['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(tenant.listUsers().map((u) => u.id));
    expect((await call('GET', '/users?$top=1000')).body.error.message).toBe(
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    );
  });

  it('uses the configured default page size', async () => {
    const { call } = setup({ pageSize: 10 });
    const page = await call('GET', '/users');
    expect(page.body.value).toHaveLength(10);
    expect(page.body['@odata.nextLink']).toContain('%24top=10');
  });

  it('creates users only with the required properties, and reports conflicts as Graph does', async () => {
    const { tenant, call } = setup();
    const missing = await call('POST', '/users', {
      displayName: 'No Password',
      mailNickname: 'np',
      accountEnabled: true,
      userPrincipalName: 'np@contoso.onmicrosoft.com',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      "Invalid value specified for property 'passwordProfile' of resource 'User'.",
    );
    const existing = tenant.listUsers()[0]!;
    const conflict = await call('POST', '/users', {
      accountEnabled: true,
      displayName: 'Dup',
      mailNickname: 'dup',
      userPrincipalName: existing.userPrincipalName,
      passwordProfile: { password: 'x' },
    });
    expect(conflict.status).toBe(400);
    expect(conflict.body.error.code).toBe('Request_BadRequest');
    expect(conflict.body.error.message).toMatch(
      /Another object with the same value for property userPrincipalName/,
    );
    const readOnly = await call('PATCH', `/users/${existing.id}`, { id: 'x' });
    expect(readOnly.status).toBe(400);
  });

  it('gets a user by id or userPrincipalName, and 404s with the Graph error envelope', async () => {
    const { tenant, call } = setup();
    const user = tenant.listUsers()[3]!;
    expect((await call('GET', `/users/${user.userPrincipalName}`)).body.id).toBe(user.id);
    const missing = await call('GET', '/users/8b2f1a7e-0000-4000-8000-000000000000', undefined, {
      'client-request-id': 'my-request',
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: {
        code: 'Request_ResourceNotFound',
        message:
          "Resource '8b2f1a7e-0000-4000-8000-000000000000' does not exist or one of its queried reference-property objects are not present.",
        innerError: {
          date: '2026-02-01T10:00:00',
          'request-id': expect.any(String),
          'client-request-id': 'my-request',
        },
      },
    });
    expect(missing.headers.get('client-request-id')).toBe('my-request');
  });

  it('soft-deletes, lists deleted items, restores and purges through directory/deletedItems', async () => {
    const { tenant, call } = setup();
    const user = tenant.listUsers()[4]!;
    expect((await call('DELETE', `/users/${user.id}`)).status).toBe(204);
    expect((await call('GET', `/users/${user.id}`)).status).toBe(404);
    const deleted = await call('GET', '/directory/deletedItems/microsoft.graph.user');
    expect(deleted.body.value).toMatchObject([{ '@odata.type': '#microsoft.graph.user', id: user.id }]);
    const restored = await call('POST', `/directory/deletedItems/${user.id}/restore`);
    expect(restored.status).toBe(200);
    expect((await call('GET', `/users/${user.id}`)).status).toBe(200);
    await call('DELETE', `/users/${user.id}`);
    expect((await call('DELETE', `/directory/deletedItems/${user.id}`)).status).toBe(204);
    expect((await call('POST', `/directory/deletedItems/${user.id}/restore`)).status).toBe(404);
  });
});

describe('manager, groups and assignments', () => {
  it('sets, reads and removes a manager with $ref', async () => {
    const { tenant, call } = setup();
    const [a, b] = tenant.listUsers().slice(20);
    tenant.setManager(b!.id, null);
    expect((await call('GET', `/users/${b!.id}/manager`)).status).toBe(404);
    expect(
      (await call('PUT', `/users/${b!.id}/manager/$ref`, { '@odata.id': `${GRAPH}/users/${a!.id}` })).status,
    ).toBe(204);
    expect((await call('GET', `/users/${b!.id}/manager`)).body).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      id: a!.id,
    });
    expect(
      (await call('GET', `/users/${a!.id}/directReports`)).body.value.map((u: { id: string }) => u.id),
    ).toContain(b!.id);
    expect((await call('DELETE', `/users/${b!.id}/manager/$ref`)).status).toBe(204);
    expect(tenant.getManager(b!.id)).toBeNull();
    const bad = await call('PUT', `/users/${b!.id}/manager/$ref`, { '@odata.id': 'not a url' });
    expect(bad.status).toBe(400);
  });

  it('creates a group with members@odata.bind, adds and removes members with $ref', async () => {
    const { tenant, call } = setup();
    const [u1, u2] = tenant.listUsers();
    const created = await call('POST', '/groups', {
      displayName: 'Ops',
      mailNickname: 'ops',
      mailEnabled: false,
      securityEnabled: true,
      'members@odata.bind': [`${GRAPH}/directoryObjects/${u1!.id}`],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(
      (
        await call('POST', `/groups/${id}/members/$ref`, {
          '@odata.id': `${GRAPH}/directoryObjects/${u2!.id}`,
        })
      ).status,
    ).toBe(204);
    const duplicate = await call('POST', `/groups/${id}/members/$ref`, {
      '@odata.id': `${GRAPH}/directoryObjects/${u2!.id}`,
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.message).toBe(
      "One or more added object references already exist for the following modified properties: 'members'.",
    );
    expect((await call('DELETE', `/groups/${id}/members/${u1!.id}/$ref`)).status).toBe(204);
    expect((await call('DELETE', `/groups/${id}/members/${u1!.id}/$ref`)).status).toBe(404);
    expect(tenant.listMembers(id).map((m) => m.object.id)).toEqual([u2!.id]);
    expect((await call('PATCH', `/groups/${id}`, { displayName: 'Operations' })).status).toBe(204);
    expect((await call('GET', `/groups?$filter=displayName eq 'operations'&$select=id`)).body.value).toEqual([
      { id },
    ]);
  });

  it('lists, grants and deletes appRoleAssignedTo', async () => {
    const { tenant, ids, call } = setup();
    const appId = ids.applications['Contoso SCIM app']!;
    const list = await call('GET', `/servicePrincipals/${appId}/appRoleAssignedTo?$top=5`);
    expect(list.body.value).toHaveLength(5);
    expect(list.body['@odata.nextLink']).toBeDefined();
    const group = tenant.listGroups()[0]!;
    const wrong = await call('POST', `/servicePrincipals/${appId}/appRoleAssignedTo`, {
      principalId: group.id,
      resourceId: crypto.randomUUID(),
      appRoleId: '00000000-0000-0000-0000-000000000000',
    });
    expect(wrong.status).toBe(400);
    const granted = await call('POST', `/servicePrincipals/${appId}/appRoleAssignedTo`, {
      principalId: group.id,
      resourceId: appId,
      appRoleId: '00000000-0000-0000-0000-000000000000',
    });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ principalType: 'Group', principalId: group.id, resourceId: appId });
    expect(
      (await call('DELETE', `/servicePrincipals/${appId}/appRoleAssignedTo/${granted.body.id}`)).status,
    ).toBe(204);
    expect(tenant.listAssignments(appId)).toHaveLength(25);
  });

  it('answers unknown segments and methods as Graph does', async () => {
    const { call } = setup();
    expect((await call('GET', '/widgets')).body.error.message).toBe(
      "Resource not found for the segment 'widgets'.",
    );
    expect((await call('PUT', '/users')).status).toBe(405);
  });
});

describe('versions and the whole Graph origin', () => {
  it('answers under /beta as under /v1.0, with the version in @odata.context and references', async () => {
    const { graph, tenant } = setup();
    const read = async (version: string) => {
      const response = await graph(new Request(`https://graph.microsoft.com/${version}/users?$top=3`));
      return (await response.json()) as { '@odata.context': string; value: unknown[] };
    };
    const [v1, beta] = [await read('v1.0'), await read('beta')];
    expect(beta.value).toEqual(v1.value);
    expect(beta['@odata.context']).toBe('https://graph.microsoft.com/beta/$metadata#users');
    const group = tenant.listGroups()[0]!;
    const user = tenant
      .listUsers()
      .find((u) => !tenant.listMembers(group.id).some((m) => m.object.id === u.id))!;
    const added = await graph(
      new Request(`https://graph.microsoft.com/beta/groups/${group.id}/members/$ref`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/beta/directoryObjects/${user.id}` }),
      }),
    );
    expect(added.status).toBe(204);
  });

  it('answers other versions with a Graph 400 that names the served ones', async () => {
    const { graph } = setup();
    const response = await graph(new Request('https://graph.microsoft.com/v2.0/users'));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'Invalid version: use https://graph.microsoft.com/v1.0 or https://graph.microsoft.com/beta.',
    );
  });

  it("serves Graph's whole origin through MSW, so a beta or unknown path never leaves the process", async () => {
    const tenant = createEntraTenant({ seed: 3 });
    const server = setupServer(...createGraphHandlers(tenant, { requireToken: false }));
    server.listen({ onUnhandledRequest: 'error' });
    try {
      expect((await fetch('https://graph.microsoft.com/beta/users')).status).toBe(200);
      expect((await fetch('https://graph.microsoft.com/v1.0/widgets')).status).toBe(400);
      expect((await fetch('https://graph.microsoft.com/')).status).toBe(400);
    } finally {
      server.close();
    }
  });

  it('filters service principals with startswith and reads one by its appId alternate key, as the overview samples do', async () => {
    const { call, tenant } = setup();
    const app = tenant.createServicePrincipal({ displayName: 'Salesforce 3' });
    const found = await call(
      'GET',
      "/servicePrincipals?$select=id,appId,displayName&$filter=startswith(displayName, 'salesforce')",
    );
    expect(found.body.value.map((s: { id: string }) => s.id)).toEqual([app.id]);
    const byAppId = await call(
      'GET',
      `/servicePrincipals(appId='${app.appId}')?$select=id,appId,displayName`,
    );
    expect(byAppId.body).toMatchObject({ id: app.id, appId: app.appId });
    expect((await call('GET', "/servicePrincipals(appId='nope')")).status).toBe(404);
    expect((await call('GET', "/users?$filter=endswith(displayName, 'x')")).body.error.code).toBe(
      'Request_UnsupportedQuery',
    );
  });
});

describe('tokens', () => {
  it('issues a bearer token for the client-credentials grant, which Graph then accepts until it expires', async () => {
    const { clock, call, token } = setup({ requireToken: true });
    expect((await call('GET', '/users')).body.error).toMatchObject({
      code: 'InvalidAuthenticationToken',
      message: 'Access token is empty.',
    });
    const issued = await token(goodForm);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const auth = { authorization: `Bearer ${issued.body.access_token}` };
    expect((await call('GET', '/users?$top=1', undefined, auth)).status).toBe(200);
    clock.advance(3599 * 1000);
    const expired = await call('GET', '/users?$top=1', undefined, auth);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toBe('Lifetime validation failed, the token is expired.');
    expect((await call('GET', '/users', undefined, { authorization: 'Bearer forged' })).status).toBe(401);
  });

  it('accepts a verified domain in place of the tenant id', async () => {
    const { token } = setup();
    expect((await token(goodForm, 'contoso.onmicrosoft.com')).status).toBe(200);
  });

  it('fails as the identity platform does, with AADSTS codes', async () => {
    const { token } = setup();
    const cases: [Record<string, string>, string, number, number][] = [
      [{ ...goodForm, client_secret: 'wrong' }, 'invalid_client', 7000215, 401],
      [{ ...goodForm, client_id: 'other' }, 'unauthorized_client', 700016, 400],
      [{ ...goodForm, scope: 'User.Read' }, 'invalid_scope', 1002012, 400],
      [{ ...goodForm, grant_type: 'password' }, 'unsupported_grant_type', 70003, 400],
    ];
    for (const [form, error, code, status] of cases) {
      const result = await token(form);
      expect(result.status).toBe(status);
      expect(result.body).toMatchObject({ error, error_codes: [code] });
      expect(result.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
    }
    expect((await token(goodForm, 'fabrikam.com')).body.error_codes).toEqual([90002]);
  });
});

describe('parseEqFilter', () => {
  it('parses quoted strings with doubled quotes, booleans, null and nested paths', () => {
    expect(parseEqFilter("displayName eq 'O''Brien' and accountEnabled eq false and a/b eq null")).toEqual([
      { path: ['displayName'], value: "O'Brien" },
      { path: ['accountEnabled'], value: false },
      { path: ['a', 'b'], value: null },
    ]);
    expect(() => parseEqFilter("displayName eq 'x' or mail eq 'y'")).toThrow('Unsupported Query.');
    expect(() => parseEqFilter('displayName eq')).toThrow(/expected a value/);
  });
});

// Hypervault's connector driven the way Microsoft Entra ID drives it: the bodies come from
// entra/mapping.json (the guide's mappings), the PATCH and filter shapes are Entra's.

import { directoryUser, entraRequest, readEntraMapping, userNameFilter } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore, type ScimHandler } from '@scim/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryHypervaultApp, memoryHypervaultApp } from './app.ts';
import { createConnector } from './connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));
const { userBody } = mapping;

let app: MemoryHypervaultApp;
let handler: ScimHandler;
let scim: ReturnType<typeof entraRequest>;
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

beforeEach(async () => {
  const store = memoryStore();
  app = memoryHypervaultApp();
  handler = createConnector({ store, app });
  const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
  scim = entraRequest(handler, token, 'https://hypervault.example/scim/v2');
});

describe("Hypervault's mappings (entra/mapping.json)", () => {
  it("are the guide's six attributes, matched on userName", () => {
    expect(mapping.users.mappings.map((m) => m.target)).toEqual([
      'userName',
      'active',
      'displayName',
      'name.givenName',
      'name.familyName',
      'emails[type eq "work"].value',
    ]);
    expect(mapping.users.mappings.filter((m) => m.matchingPrecedence).map((m) => m.target)).toEqual([
      'userName',
    ]);
    expect(mapping.groups).toBeUndefined();
  });
});

describe('users', () => {
  it('creates, updates, disables, re-enables and deletes a user as Entra does', async () => {
    const created = await scim('POST', '/Users', userBody(directoryUser('adele.vance')));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(app.accounts.get(id)).toEqual({
      id,
      userName: 'adele.vance@contoso.example',
      displayName: 'Adele Vance',
      givenName: 'Adele',
      familyName: 'Vance',
      email: 'adele.vance@contoso.example',
      active: true,
    });
    const found = await scim('GET', userNameFilter('adele.vance@contoso.example'));
    expect((found.body.Resources as { id: string }[]).map((r) => r.id)).toEqual([id]);

    const patch = (Operations: unknown[]) =>
      scim('PATCH', `/Users/${id}`, { schemas: [patchOp], Operations });
    const renamed = await patch([
      { op: 'Replace', path: 'name.familyName', value: 'Vance-Lee' },
      { op: 'Replace', path: 'displayName', value: 'Adele Vance-Lee' },
    ]);
    expect(renamed.status).toBe(204);
    expect(app.accounts.get(id)).toMatchObject({ familyName: 'Vance-Lee', displayName: 'Adele Vance-Lee' });

    await patch([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect((await scim('GET', `/Users/${id}`)).body.active).toBe(false);
    expect(app.accounts.get(id)?.active).toBe(false);
    await patch([{ op: 'Replace', path: 'active', value: 'True' }]);
    expect((await scim('GET', `/Users/${id}`)).body.active).toBe(true);
    expect(app.accounts.get(id)?.active).toBe(true);

    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
    expect(app.accounts.has(id)).toBe(false);
  });

  it('refuses a user missing a required attribute, naming it', async () => {
    const body = userBody(directoryUser('alex.wilber', { surname: null, displayName: 'Alex' }));
    const res = await scim('POST', '/Users', body);
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('name.familyName');
    expect(app.accounts.size).toBe(0);
  });

  it('refuses a PATCH that removes a required attribute, naming it', async () => {
    const created = await scim('POST', '/Users', userBody(directoryUser('megan.bowen')));
    const res = await scim('PATCH', `/Users/${created.body.id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Remove', path: 'displayName' }],
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('displayName');
  });

  it('refuses a filter on an attribute Hypervault does not filter on', async () => {
    const res = await scim('GET', `/Users?filter=${encodeURIComponent('displayName eq "Adele Vance"')}`);
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidFilter');
  });

  it('serves no groups', async () => {
    expect((await scim('GET', '/Groups')).status).toBe(404);
  });

  it('refuses a request without the Secret Token', async () => {
    const anonymous = entraRequest(handler, 'not-a-token', 'https://hypervault.example/scim/v2');
    expect((await anonymous('GET', '/Users')).status).toBe(401);
  });
});

describe('/Schemas', () => {
  it('advertises exactly the attributes Hypervault keeps, and no schema it does not serve', async () => {
    const res = await scim('GET', '/Schemas');
    expect(res.status).toBe(200);
    const schemas = res.body.Resources as { id: string; attributes: { name: string }[] }[];
    expect(Object.fromEntries(schemas.map((s) => [s.id, s.attributes.map((a) => a.name)]))).toEqual({
      'urn:ietf:params:scim:schemas:core:2.0:User': ['userName', 'name', 'displayName', 'active', 'emails'],
    });
  });
});

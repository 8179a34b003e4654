// Hoxhunt's connector driven the way Microsoft Entra ID drives it: the bodies come from
// entra/mapping.json (the guide's mappings), the PATCH and filter shapes are Entra's.

import { directoryUser, entraRequest, readEntraMapping, userNameFilter } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore, type ScimHandler } from '@scim/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryHoxhuntApp, memoryHoxhuntApp } from './app.ts';
import { createConnector } from './connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));
const { userBody } = mapping;

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let app: MemoryHoxhuntApp;
let handler: ScimHandler;
let scim: ReturnType<typeof entraRequest>;

beforeEach(async () => {
  const store = memoryStore();
  app = memoryHoxhuntApp();
  handler = createConnector({ store, app });
  const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
  scim = entraRequest(handler, token, 'https://hoxhunt.example/scim/v2');
});

describe("Hoxhunt's mappings (entra/mapping.json)", () => {
  it("are the guide's table and its change log's two additions, matched on userName", () => {
    expect(mapping.users.mappings.map((m) => m.target)).toEqual([
      'userName',
      'emails[type eq "work"].value',
      'active',
      'name.givenName',
      'name.familyName',
      `${enterprise}:department`,
      'addresses[type eq "work"].country',
      'preferredLanguage',
      `${enterprise}:division`,
    ]);
    expect(mapping.users.mappings.filter((m) => m.matchingPrecedence).map((m) => m.target)).toEqual([
      'userName',
    ]);
  });
});

describe('users', () => {
  it('creates the user Entra sends with every mapped attribute, and tells the app', async () => {
    const body = userBody(directoryUser('adele.vance', { 'employeeOrgData.division': 'Nordics' }));
    const created = await scim('POST', '/Users', body);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(app.trainees.get(id)).toEqual({
      id,
      userName: 'adele.vance@contoso.example',
      email: 'adele.vance@contoso.example',
      givenName: 'Adele',
      familyName: 'Vance',
      department: 'Research',
      division: 'Nordics',
      country: 'NO',
      language: 'en-US',
      active: true,
    });
    const found = await scim('GET', userNameFilter('adele.vance@contoso.example'));
    expect((found.body.Resources as { id: string }[]).map((r) => r.id)).toEqual([id]);
  });

  it('accepts a user with nothing but a userName: Hoxhunt requires no attribute', async () => {
    const res = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'bare@contoso.example',
    });
    expect(res.status).toBe(201);
    expect(app.trainees.get(res.body.id as string)).toEqual({
      id: res.body.id,
      userName: 'bare@contoso.example',
      active: true,
    });
  });

  it("drops what Hoxhunt does not keep (Entra's default title, phone numbers)", async () => {
    const res = await scim('POST', '/Users', {
      ...userBody(directoryUser('alex.wilber')),
      title: 'Engineer',
      phoneNumbers: [{ type: 'mobile', value: '+47 555 0100' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.title).toBeUndefined();
    expect(res.body.phoneNumbers).toBeUndefined();
  });

  it('follows an update, a disable and a delete', async () => {
    const id = (await scim('POST', '/Users', userBody(directoryUser('megan.bowen')))).body.id as string;
    const patch = (Operations: unknown[]) =>
      scim('PATCH', `/Users/${id}`, { schemas: [patchOp], Operations });
    await patch([{ op: 'Replace', path: `${enterprise}:department`, value: 'Sales' }]);
    expect(app.trainees.get(id)?.department).toBe('Sales');
    await patch([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(app.trainees.get(id)?.active).toBe(false);
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect(app.trainees.has(id)).toBe(false);
  });

  it('refuses a filter on an attribute Hoxhunt does not filter on, and serves no groups', async () => {
    const res = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('emails.value eq "a@contoso.example"')}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidFilter');
    expect((await scim('GET', '/Groups')).status).toBe(404);
  });
});

describe('/Schemas', () => {
  it('advertises exactly the attributes Hoxhunt keeps, and no schema it does not serve', async () => {
    const res = await scim('GET', '/Schemas');
    expect(res.status).toBe(200);
    const schemas = res.body.Resources as { id: string; attributes: { name: string }[] }[];
    expect(Object.fromEntries(schemas.map((s) => [s.id, s.attributes.map((a) => a.name)]))).toEqual({
      'urn:ietf:params:scim:schemas:core:2.0:User': [
        'userName',
        'name',
        'preferredLanguage',
        'active',
        'emails',
        'addresses',
      ],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': ['division', 'department'],
    });
  });
});

// CybSafe's connector driven the way Microsoft Entra ID drives it: the bodies come from
// entra/mapping.json (the guide's mappings), the PATCH and filter shapes are Entra's.

import { directoryUser, entraRequest, readEntraMapping, userNameFilter } from '@scim/entra-mock/vitest';
import { compileMappingTable } from '@scim/mapping';
import { issueToken, memoryStore, type ScimHandler } from '@scim/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryCybSafeApp, memoryCybSafeApp } from './app.ts';
import { createConnector } from './connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));
const { userBody } = mapping;

const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let app: MemoryCybSafeApp;
let handler: ScimHandler;
let scim: ReturnType<typeof entraRequest>;

beforeEach(async () => {
  const store = memoryStore();
  app = memoryCybSafeApp();
  handler = createConnector({ store, app });
  const { token } = await issueToken(store.tokens, 'default', {
    label: 'Generated in Settings > Identity Management',
  });
  scim = entraRequest(handler, token, 'https://cybsafe.example/scim/v2');
});

async function createUser(alias: string): Promise<string> {
  const res = await scim('POST', '/Users', userBody(directoryUser(alias)));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe("CybSafe's mappings (entra/mapping.json)", () => {
  it("are the guide's two tables, users matched on userName and groups on displayName", () => {
    expect(mapping.users.mappings).toHaveLength(16);
    expect(mapping.users.mappings.filter((m) => m.matchingPrecedence).map((m) => m.target)).toEqual([
      'userName',
    ]);
    expect(mapping.groups?.mappings.map((m) => [m.target, m.matchingPrecedence])).toEqual([
      ['displayName', 1],
      ['members', undefined],
    ]);
  });
});

describe('users', () => {
  it('creates the user Entra sends with the mapped attributes, and tells the app', async () => {
    const body = userBody(directoryUser('adele.vance'));
    expect(body).toMatchObject({ nickName: 'adele.vance', userType: 'Member', title: 'Engineer' });
    const id = await createUser('adele.vance');
    const read = await scim('GET', `/Users/${id}`);
    expect(read.body).toMatchObject({
      userName: 'adele.vance@contoso.example',
      name: { givenName: 'Adele', familyName: 'Vance', formatted: 'Adele Vance' },
      phoneNumbers: [{ type: 'mobile', value: '+47 555 0100' }],
      preferredLanguage: 'en-US',
    });
    expect(app.people.get(id)).toEqual({
      id,
      userName: 'adele.vance@contoso.example',
      displayName: 'Adele Vance',
      email: 'adele.vance@contoso.example',
      mobile: '+47 555 0100',
      title: 'Engineer',
      language: 'en-US',
      active: true,
    });
    const found = await scim('GET', userNameFilter('adele.vance@contoso.example'));
    expect(found.body.totalResults).toBe(1);
  });

  it('refuses a user without a userName, naming it', async () => {
    const res = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      displayName: 'No Name',
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('userName');
  });

  it('disables and deletes users as Entra does', async () => {
    const id = await createUser('alex.wilber');
    await scim('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(app.people.get(id)?.active).toBe(false);
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect(app.people.has(id)).toBe(false);
  });
});

describe('groups and memberships', () => {
  it('creates a group with the members Entra sends, and follows every membership change', async () => {
    const adele = await createUser('adele.vance');
    const alex = await createUser('alex.wilber');
    const ids: Record<string, string> = { 'entra-adele': adele, 'entra-alex': alex };
    // The group body Entra builds: members resolved from directory ids to the app's ids.
    const groupBody = compileMappingTable(mapping.groups!).evaluate(
      { displayName: 'Phishing pilot', objectId: 'g-1', members: ['entra-adele'] },
      { resolveReference: ({ value }) => ids[value] ?? null },
    );
    const created = await scim('POST', '/Groups', groupBody);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const members = () => [...(app.groups.get(id)?.members ?? [])].sort();
    expect(members()).toEqual([adele]);

    const patch = (Operations: unknown[]) =>
      scim('PATCH', `/Groups/${id}`, { schemas: [patchOp], Operations });
    expect((await patch([{ op: 'Add', path: 'members', value: [{ value: alex }] }])).status).toBe(204);
    expect(members()).toEqual([adele, alex].sort());
    await patch([{ op: 'Remove', path: 'members', value: [{ value: adele }] }]);
    expect(members()).toEqual([alex]);
    await patch([{ op: 'Replace', path: 'displayName', value: 'Phishing rollout' }]);
    expect(app.groups.get(id)?.name).toBe('Phishing rollout');

    const byName = await scim(
      'GET',
      `/Groups?filter=${encodeURIComponent('displayName eq "Phishing rollout"')}`,
    );
    expect((byName.body.Resources as { id: string }[]).map((g) => g.id)).toEqual([id]);
    const user = await scim('GET', `/Users/${alex}`);
    expect((user.body.groups as { value: string }[]).map((g) => g.value)).toEqual([id]);

    expect((await scim('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect(app.groups.has(id)).toBe(false);
  });
});

describe('/Schemas', () => {
  it('advertises exactly the attributes CybSafe keeps, and no schema it does not serve', async () => {
    const res = await scim('GET', '/Schemas');
    expect(res.status).toBe(200);
    const schemas = res.body.Resources as { id: string; attributes: { name: string }[] }[];
    expect(Object.fromEntries(schemas.map((s) => [s.id, s.attributes.map((a) => a.name)]))).toEqual({
      'urn:ietf:params:scim:schemas:core:2.0:User': [
        'userName',
        'name',
        'displayName',
        'nickName',
        'title',
        'userType',
        'preferredLanguage',
        'locale',
        'timezone',
        'active',
        'emails',
        'phoneNumbers',
        'groups',
      ],
      'urn:ietf:params:scim:schemas:core:2.0:Group': ['displayName', 'members'],
    });
  });
});

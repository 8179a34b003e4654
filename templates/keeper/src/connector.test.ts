// Keeper's connector driven the way Microsoft Entra ID drives it: the bodies come from
// entra/mapping.json (the guide's mappings), the PATCH and filter shapes are Entra's.

import { directoryUser, entraRequest, readEntraMapping, userNameFilter } from '@scim/entra-mock/vitest';
import { issueToken, memoryStore, type ScimHandler } from '@scim/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryKeeperApp, memoryKeeperApp } from './app.ts';
import { createConnector } from './connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));
const { userBody } = mapping;

let app: MemoryKeeperApp;
let handler: ScimHandler;
let scim: ReturnType<typeof entraRequest>;
let tokenB: string;

beforeEach(async () => {
  const store = memoryStore();
  app = memoryKeeperApp();
  handler = createConnector({ store, app });
  const a = await issueToken(store.tokens, 'node-a', { label: 'Entra provisioning' });
  tokenB = (await issueToken(store.tokens, 'node-b')).token;
  scim = entraRequest(handler, a.token, 'https://keeper.example/scim/node-a');
});

async function createUser(alias: string) {
  const res = await scim('POST', '/Users', userBody(directoryUser(alias)));
  expect(res.status).toBe(201);
  return res.body as { id: string; userName: string; emails: { value: string; type: string }[] };
}

describe("Keeper's mappings (entra/mapping.json)", () => {
  it('map userName and the work email from the same source, userPrincipalName', () => {
    const sources = Object.fromEntries(mapping.users.mappings.map((m) => [m.target, m.source]));
    expect(sources.userName).toBe('userPrincipalName');
    expect(sources['emails[type eq "work"].value']).toBe('userPrincipalName');
    expect(mapping.groups?.mappings.map((m) => m.target)).toEqual(['displayName', 'members']);
  });
});

describe('users', () => {
  it('answers Test Connection: a filter on a userName that does not exist finds nothing', async () => {
    const res = await scim('GET', userNameFilter('no-such-user@contoso.example'));
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
  });

  it('creates the user Entra sends, finds it by userName, and tells the app', async () => {
    const user = await createUser('adele.vance');
    expect(user.userName).toBe('adele.vance@contoso.example');
    expect(user.emails).toEqual([
      expect.objectContaining({ type: 'work', value: 'adele.vance@contoso.example' }),
    ]);
    const found = await scim('GET', userNameFilter('adele.vance@contoso.example'));
    expect((found.body.Resources as { id: string }[]).map((r) => r.id)).toEqual([user.id]);
    expect(app.users.get(`node-a/${user.id}`)).toMatchObject({
      email: 'adele.vance@contoso.example',
      name: 'Adele Vance',
      locked: false,
    });
  });

  it('keeps only the attributes Keeper serves', async () => {
    const res = await scim('POST', '/Users', {
      ...userBody(directoryUser('alex.wilber')),
      title: 'Engineer',
      displayName: 'Alex W',
    });
    expect(res.status).toBe(201);
    expect(res.body.title).toBeUndefined();
  });

  it('refuses a filter on an attribute Keeper does not filter on', async () => {
    const res = await scim('GET', `/Users?filter=${encodeURIComponent('name.familyName eq "Vance"')}`);
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidFilter');
  });

  it('changes the email when Entra changes the userName (and the other way round)', async () => {
    const user = await createUser('megan.bowen');
    const patch = (Operations: unknown[]) =>
      scim('PATCH', `/Users/${user.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations,
      });
    expect(
      (await patch([{ op: 'Replace', path: 'userName', value: 'megan.b@contoso.example' }])).status,
    ).toBe(204);
    const renamed = await scim('GET', `/Users/${user.id}`);
    expect(renamed.body.emails).toEqual([
      expect.objectContaining({ type: 'work', value: 'megan.b@contoso.example' }),
    ]);
    expect(app.users.get(`node-a/${user.id}`)?.email).toBe('megan.b@contoso.example');

    await patch([{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'mb@contoso.example' }]);
    expect((await scim('GET', `/Users/${user.id}`)).body.userName).toBe('mb@contoso.example');
  });

  it('sets the email from the userName when Entra sends no email', async () => {
    const res = await scim('POST', '/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'lynne.robbins@contoso.example',
      active: true,
    });
    expect(res.status).toBe(201);
    expect(res.body.emails).toEqual([
      expect.objectContaining({ type: 'work', value: 'lynne.robbins@contoso.example' }),
    ]);
  });

  it('locks a user Entra disables, and unlocks it when enabled again', async () => {
    const user = await createUser('nestor.wilke');
    const setActive = (value: string) =>
      scim('PATCH', `/Users/${user.id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'Replace', path: 'active', value }],
      });
    await setActive('False');
    expect((await scim('GET', `/Users/${user.id}`)).body.active).toBe(false);
    expect(app.users.get(`node-a/${user.id}`)?.locked).toBe(true);
    await setActive('True');
    expect((await scim('GET', `/Users/${user.id}`)).body.active).toBe(true);
    expect(app.users.get(`node-a/${user.id}`)?.locked).toBe(false);
  });

  it('never deletes: DELETE disables the user, who stays readable and shows as locked', async () => {
    const user = await createUser('pradeep.gupta');
    expect((await scim('DELETE', `/Users/${user.id}`)).status).toBe(204);
    const read = await scim('GET', `/Users/${user.id}`);
    expect(read.status).toBe(200);
    expect(read.body.active).toBe(false);
    expect((await scim('GET', userNameFilter('pradeep.gupta@contoso.example'))).body.totalResults).toBe(1);
    expect(app.users.get(`node-a/${user.id}`)?.locked).toBe(true);
  });
});

describe('groups (teams)', () => {
  it('creates a team with members, follows member changes and renames, and deletes it', async () => {
    const a = await createUser('isaiah.langer');
    const b = await createUser('johanna.lorenz');
    const created = await scim('POST', '/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Vault admins',
      externalId: 'f1d2c3b4',
      members: [{ value: a.id }],
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const team = () => app.teams.get(`node-a/${id}`);
    expect([...(team()?.members ?? [])]).toEqual([a.id]);

    const patch = (Operations: unknown[]) =>
      scim('PATCH', `/Groups/${id}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations,
      });
    expect((await patch([{ op: 'Add', path: 'members', value: [{ value: b.id }] }])).status).toBe(204);
    expect([...(team()?.members ?? [])].sort()).toEqual([a.id, b.id].sort());
    await patch([{ op: 'Remove', path: 'members', value: [{ value: a.id }] }]);
    expect([...(team()?.members ?? [])]).toEqual([b.id]);
    await patch([{ op: 'Replace', path: 'displayName', value: 'Vault owners' }]);
    expect(team()?.name).toBe('Vault owners');

    const byName = await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Vault owners"')}`);
    expect((byName.body.Resources as { id: string }[]).map((g) => g.id)).toEqual([id]);
    expect((await scim('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect(team()).toBeUndefined();
  });
});

describe('nodes', () => {
  it("gives each node its own users, and a node's token opens only that node", async () => {
    const user = await createUser('diego.siciliani');
    const nodeB = entraRequest(handler, tokenB, 'https://keeper.example/scim/node-b');
    expect((await nodeB('GET', userNameFilter('diego.siciliani@contoso.example'))).body.totalResults).toBe(0);
    expect((await nodeB('GET', `/Users/${user.id}`)).status).toBe(404);
    const crossed = entraRequest(handler, tokenB, 'https://keeper.example/scim/node-a');
    expect((await crossed('GET', `/Users/${user.id}`)).status).toBe(401);
  });
});

describe('/Schemas', () => {
  it('advertises exactly the attributes Keeper keeps, and no schema it does not serve', async () => {
    const res = await scim('GET', '/Schemas');
    expect(res.status).toBe(200);
    const schemas = res.body.Resources as { id: string; attributes: { name: string }[] }[];
    expect(Object.fromEntries(schemas.map((s) => [s.id, s.attributes.map((a) => a.name)]))).toEqual({
      'urn:ietf:params:scim:schemas:core:2.0:User': ['userName', 'name', 'active', 'emails', 'groups'],
      'urn:ietf:params:scim:schemas:core:2.0:Group': ['displayName', 'members'],
    });
  });
});

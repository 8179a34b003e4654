// The connector driven the way Microsoft Entra ID drives it: the bodies come from
// entra/mapping.json (Entra's default mappings), the PATCH and filter shapes are Entra's.

import { directoryUser, entraRequest, readEntraMapping, userNameFilter } from '@scim/entra-mock/vitest';
import { compileMappingTable } from '@scim/mapping';
import { issueToken, memoryStore, type ScimHandler } from '@scim/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryApp, memoryApp } from './app.ts';
import { createConnector } from './connector.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));
const { userBody } = mapping;

const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let app: MemoryApp;
let handler: ScimHandler;
let scim: ReturnType<typeof entraRequest>;

beforeEach(async () => {
  const store = memoryStore();
  app = memoryApp();
  handler = createConnector({ store, app });
  const { token } = await issueToken(store.tokens, 'default', { label: 'Entra provisioning' });
  scim = entraRequest(handler, token, 'https://app.example/scim/v2');
});

describe('the mappings (entra/mapping.json)', () => {
  it('match users on userName and groups on displayName', () => {
    expect(mapping.users.mappings.find((m) => m.matchingPrecedence === 1)?.target).toBe('userName');
    expect(mapping.groups?.mappings.find((m) => m.matchingPrecedence === 1)?.target).toBe('displayName');
  });
});

describe('users', () => {
  it('creates, finds, updates, disables and deletes a user as Entra does', async () => {
    const created = await scim('POST', '/Users', userBody(directoryUser('adele.vance')));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(app.users.get(id)).toEqual({
      id,
      userName: 'adele.vance@contoso.example',
      displayName: 'Adele Vance',
      email: 'adele.vance@contoso.example',
      active: true,
    });
    for (const filter of ['userName eq "adele.vance@contoso.example"', 'externalId eq "adele.vance"']) {
      const found = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
      expect((found.body.Resources as { id: string }[]).map((r) => r.id)).toEqual([id]);
    }
    const patch = (Operations: unknown[]) =>
      scim('PATCH', `/Users/${id}`, { schemas: [patchOp], Operations });
    await patch([{ op: 'Replace', path: 'displayName', value: 'Adele V.' }]);
    expect(app.users.get(id)?.displayName).toBe('Adele V.');
    await patch([{ op: 'Replace', path: 'active', value: 'False' }]);
    expect(app.users.get(id)?.active).toBe(false);
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect(app.users.has(id)).toBe(false);
    expect((await scim('GET', userNameFilter('adele.vance@contoso.example'))).body.totalResults).toBe(0);
  });

  it('filters on any attribute, as no filterable list is set', async () => {
    const id = (await scim('POST', '/Users', userBody(directoryUser('adele.vance')))).body.id;
    const filter = 'name.familyName eq "Vance" and (emails.value co "contoso.example" or displayName eq "x")';
    const res = await scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect((res.body.Resources as { id: string }[]).map((r) => r.id)).toEqual([id]);
  });

  it('answers a user PATCH with 204 and no body', async () => {
    const id = (await scim('POST', '/Users', userBody(directoryUser('megan.bowen')))).body.id;
    const res = await scim('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: 'active', value: false }],
    });
    expect(res.status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).body.active).toBe(false);
  });
});

describe('groups', () => {
  it('creates a group with members and follows membership changes', async () => {
    const a = (await scim('POST', '/Users', userBody(directoryUser('alex.wilber')))).body.id as string;
    const b = (await scim('POST', '/Users', userBody(directoryUser('megan.bowen')))).body.id as string;
    const body = compileMappingTable(mapping.groups!).evaluate(
      { displayName: 'Sales', objectId: 'f0e1d2c3', members: ['entra-a'] },
      { resolveReference: ({ value }) => (value === 'entra-a' ? a : null) },
    );
    const created = await scim('POST', '/Groups', body);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const members = () => [...(app.groups.get(id)?.members ?? [])].sort();
    expect(members()).toEqual([a]);
    await scim('PATCH', `/Groups/${id}`, {
      schemas: [patchOp],
      Operations: [
        { op: 'Add', path: 'members', value: [{ value: b }] },
        { op: 'Remove', path: 'members', value: [{ value: a }] },
      ],
    });
    expect(members()).toEqual([b]);
    const byExternalId = await scim(
      'GET',
      `/Groups?filter=${encodeURIComponent('externalId eq "f0e1d2c3"')}`,
    );
    expect((byExternalId.body.Resources as { id: string }[]).map((g) => g.id)).toEqual([id]);
  });
});

// Vault Platform's connector driven the way Microsoft Entra ID drives it: the bodies come from
// entra/mapping.json (the guide's mappings), the PATCH and filter shapes are Entra's.

import { directoryUser, entraRequest, readEntraMapping, userNameFilter } from '@scim/entra-mock/vitest';
import { memoryStore, type ScimHandler, type ScimStore } from '@scim/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { type MemoryVaultPlatformApp, memoryVaultPlatformApp } from './app.ts';
import { createConnector } from './connector.ts';
import {
  generateSecret,
  memoryOrganizationSettings,
  type OrganizationSettings,
  setOrganizationSecret,
} from './organizations.ts';

const mapping = readEntraMapping(new URL('../entra/mapping.json', import.meta.url));
const { userBody } = mapping;

const enterprise = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const patchOp = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
let store: ScimStore;
let organizations: OrganizationSettings;
let app: MemoryVaultPlatformApp;
let handler: ScimHandler;
const secrets: Record<string, string> = {};

/** Requests to an organization's Tenant URL with a Secret (its own by default). */
function org(slug: string, secret = secrets[slug] ?? 'none') {
  return entraRequest(handler, secret, `https://app.vaultplatform.example/api/scim/${slug}`);
}

beforeEach(async () => {
  store = memoryStore();
  organizations = memoryOrganizationSettings();
  app = memoryVaultPlatformApp();
  handler = createConnector({ store, organizations, app });
  for (const slug of ['acme', 'globex']) {
    secrets[slug] = generateSecret();
    await setOrganizationSecret(store.tokens, slug, secrets[slug]);
    await organizations.setScimProviderActive(slug, true);
  }
});

describe("Vault Platform's mappings (entra/mapping.json)", () => {
  it('match on userName first, then externalId', () => {
    expect(
      mapping.users.mappings
        .filter((m) => m.matchingPrecedence)
        .sort((a, b) => a.matchingPrecedence! - b.matchingPrecedence!)
        .map((m) => m.target),
    ).toEqual(['userName', 'externalId']);
    expect(mapping.users.mappings).toHaveLength(13);
  });
});

describe('users', () => {
  it('creates the user Entra sends with every required attribute, and tells the app', async () => {
    const res = await org('acme')('POST', '/Users', userBody(directoryUser('adele.vance')));
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(app.employees.get(`acme/${id}`)).toMatchObject({
      userName: 'adele.vance@contoso.example',
      externalId: 'adele.vance',
      title: 'Engineer',
      locality: 'Oslo',
      country: 'NO',
      department: 'Research',
      active: true,
    });
    const byExternalId = await org('acme')(
      'GET',
      `/Users?filter=${encodeURIComponent('externalId eq "adele.vance"')}`,
    );
    expect((byExternalId.body.Resources as { id: string }[]).map((r) => r.id)).toEqual([id]);
    expect((await org('acme')('GET', userNameFilter('adele.vance@contoso.example'))).body.totalResults).toBe(
      1,
    );
  });

  it('refuses a user missing required attributes, naming each', async () => {
    const res = await org('acme')(
      'POST',
      '/Users',
      userBody(directoryUser('alex.wilber', { jobTitle: null, employeeId: null })),
    );
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('title');
    expect(res.body.detail).toContain(`${enterprise}:employeeNumber`);
    expect(app.employees.size).toBe(0);
  });

  it('refuses a PATCH that removes a required attribute, naming it', async () => {
    const id = (await org('acme')('POST', '/Users', userBody(directoryUser('megan.bowen')))).body.id;
    const res = await org('acme')('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Remove', path: `${enterprise}:department` }],
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('department');
  });

  it('keeps the manager Entra sends, as a reference to another user', async () => {
    const manager = (await org('acme')('POST', '/Users', userBody(directoryUser('nestor.wilke')))).body.id;
    const id = (await org('acme')('POST', '/Users', userBody(directoryUser('isaiah.langer')))).body
      .id as string;
    const res = await org('acme')('PATCH', `/Users/${id}`, {
      schemas: [patchOp],
      Operations: [{ op: 'Replace', path: `${enterprise}:manager`, value: manager }],
    });
    expect(res.status).toBe(204);
    expect(app.employees.get(`acme/${id}`)?.managerId).toBe(manager);
  });
});

describe('organizations', () => {
  it("never see each other's users, and a Secret opens only its own organization", async () => {
    const id = (await org('acme')('POST', '/Users', userBody(directoryUser('diego.siciliani')))).body.id;
    expect(
      (await org('globex')('GET', userNameFilter('diego.siciliani@contoso.example'))).body.totalResults,
    ).toBe(0);
    expect((await org('globex')('GET', `/Users/${id}`)).status).toBe(404);
    expect((await org('globex', secrets.acme)('GET', '/Users')).status).toBe(401);
    // The same person in both organizations: two users, one in each.
    expect((await org('globex')('POST', '/Users', userBody(directoryUser('diego.siciliani')))).status).toBe(
      201,
    );
  });

  it('refuses every request while "active SCIM provider" is off, saying what to do', async () => {
    await organizations.setScimProviderActive('acme', false);
    const res = await org('acme')('GET', userNameFilter('x@contoso.example'));
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('Set as active SCIM Provider');
    // It names the command that turns the switch on, not a screen of the product.
    expect(res.body.detail).toContain('`npm run token -- activate --organization acme`');
    expect(res.body.detail).not.toContain('Administration');
    expect((await org('acme')('POST', '/Users', userBody(directoryUser('pradeep.gupta')))).status).toBe(403);
    expect(app.employees.size).toBe(0);
    await organizations.setScimProviderActive('acme', true);
    expect((await org('acme')('GET', '/Users')).status).toBe(200);
  });

  it('stops accepting the previous Secret once the administrator sets a new one', async () => {
    const previous = secrets.acme!;
    await setOrganizationSecret(store.tokens, 'acme', generateSecret());
    expect((await org('acme', previous)('GET', '/Users')).status).toBe(401);
  });

  it('refuses a Secret weaker than the guide asks', async () => {
    await expect(setOrganizationSecret(store.tokens, 'acme', 'short')).rejects.toThrow(/at least 16/);
  });
});

describe('/Schemas', () => {
  it('advertises exactly the attributes Vault Platform keeps, and no schema it does not serve', async () => {
    const res = await org('acme')('GET', '/Schemas');
    expect(res.status).toBe(200);
    const schemas = res.body.Resources as { id: string; attributes: { name: string }[] }[];
    expect(Object.fromEntries(schemas.map((s) => [s.id, s.attributes.map((a) => a.name)]))).toEqual({
      'urn:ietf:params:scim:schemas:core:2.0:User': [
        'userName',
        'name',
        'displayName',
        'title',
        'active',
        'emails',
        'addresses',
      ],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': [
        'employeeNumber',
        'department',
        'manager',
      ],
    });
  });
});

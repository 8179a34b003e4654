import {
  attr,
  createResourceSchema,
  defineSchema,
  enterpriseUserSchema,
  extendResourceType,
  URN,
  userResourceType,
  userSchema,
} from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { harness } from './test-helpers.ts';

const ACME = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';
const acmeUser = defineSchema({
  id: ACME,
  name: 'AcmeUser',
  attributes: [
    attr.string('costCenter'),
    attr.boolean('contractor'),
    attr.string('badge', { uniqueness: 'server', caseExact: true }),
  ],
});
const users = createResourceSchema(extendResourceType(userResourceType, acmeUser), [
  userSchema,
  enterpriseUserSchema,
  acmeUser,
]);

const deviceSchema = defineSchema({
  id: 'urn:ietf:params:scim:schemas:acme:2.0:Device',
  name: 'Device',
  attributes: [attr.string('serial', { required: true, uniqueness: 'server' }), attr.string('model')],
});
const devices = createResourceSchema(
  { id: 'Device', name: 'Device', endpoint: '/Devices', schema: deviceSchema.id, schemaExtensions: [] },
  [deviceSchema],
);

describe('custom schemas and resource types', () => {
  test('a custom User extension: stored, filtered, advertised; its unique attribute enforced (caseExact)', async () => {
    const h = harness({ users: { schema: users, required: [`${ACME}:costCenter`] } });
    const missing = await h.call('POST', '/Users', { schemas: [URN.User], userName: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toContain(`${ACME}:costCenter`);
    const u = await h.createUser('acme', { [ACME]: { costCenter: 'CC1', contractor: 'True', badge: 'B1' } });
    expect(u[ACME]).toEqual({ costCenter: 'CC1', contractor: true, badge: 'B1' });
    expect(u.schemas).toEqual([URN.User, ACME]);
    const found = await h.call('GET', `/Users?filter=${encodeURIComponent(`${ACME}:costCenter eq "cc1"`)}`);
    expect(found.body.totalResults).toBe(1);
    expect(
      (
        await h.call('POST', '/Users', {
          schemas: [URN.User],
          userName: 'y',
          [ACME]: { costCenter: 'C', badge: 'B1' },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await h.call('POST', '/Users', {
          schemas: [URN.User],
          userName: 'z',
          [ACME]: { costCenter: 'C', badge: 'b1' },
        })
      ).status,
    ).toBe(201);
    const schemas = await h.call('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toContain(ACME);
    const types = await h.call('GET', '/ResourceTypes/User');
    expect(types.body.schemaExtensions).toContainEqual({ schema: ACME, required: false });
  });

  test('a custom resource type at its own endpoint: CRUD, uniqueness, discovery', async () => {
    const h = harness({ resourceTypes: [{ schema: devices }] });
    const created = await h.call('POST', '/Devices', {
      schemas: [deviceSchema.id],
      serial: 'SN-1',
      model: 'M',
    });
    expect(created.status).toBe(201);
    expect(created.body.meta.resourceType).toBe('Device');
    expect(created.headers.get('location')).toBe(`http://scim.test/Devices/${created.body.id}`);
    expect((await h.call('POST', '/Devices', { schemas: [deviceSchema.id], serial: 'sn-1' })).status).toBe(
      409,
    );
    expect((await h.call('POST', '/Devices', { schemas: [deviceSchema.id], model: 'M' })).status).toBe(400);
    const patched = await h.call('PATCH', `/Devices/${created.body.id}`, {
      schemas: [URN.PatchOp],
      Operations: [{ op: 'replace', path: 'model', value: 'M2' }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.model).toBe('M2');
    expect((await h.call('GET', '/Devices?filter=model eq "M2"')).body.totalResults).toBe(1);
    expect((await h.call('DELETE', `/Devices/${created.body.id}`)).status).toBe(204);
    const rt = await h.call('GET', '/ResourceTypes');
    expect(rt.body.Resources.map((t: { endpoint: string }) => t.endpoint)).toEqual([
      '/Users',
      '/Groups',
      '/Devices',
    ]);
    const feed = await h.handler.changes('default');
    expect(feed.map((e) => e.type)).toEqual(['device.created', 'device.updated', 'device.deleted']);
  });

  test("Entra's enterprise manager shorthand and string id", async () => {
    const h = harness();
    const boss = await h.createUser('boss');
    const u = await h.createUser('worker');
    const r = await h.call('PATCH', `/Users/${u.id}`, {
      schemas: [URN.PatchOp],
      Operations: [{ op: 'Add', path: `${URN.EnterpriseUser}:manager`, value: boss.id }],
    });
    expect(r.status).toBe(200);
    expect(r.body[URN.EnterpriseUser].manager.value).toBe(boss.id);
  });

  test('two types on one endpoint fail at startup', () => {
    expect(() => harness({ resourceTypes: [{ schema: devices }, { schema: devices }] })).toThrow(/\/Devices/);
  });
});

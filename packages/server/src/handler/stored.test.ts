import { attr, createResourceSchema, defineSchema, URN } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import { schemasOf, toBody, toData, uniqueKeys } from './stored.ts';
import { requestContext } from './test-helpers.ts';

const { config } = requestContext();
const users = config.users;
const groups = config.groups!;

describe('toData', () => {
  test('keeps the attributes a store keeps, in order; drops what the server computes or never stores', () => {
    const data = toData(users, {
      schemas: [URN.User],
      ID: 'x',
      userName: 'bjensen',
      Meta: { version: 'W/"1"' },
      Groups: [{ value: 'g1' }],
      password: 'secret',
      nickName: undefined,
      [URN.EnterpriseUser]: { employeeNumber: '7' },
    });
    expect(data).toEqual({ userName: 'bjensen', [URN.EnterpriseUser]: { employeeNumber: '7' } });
    expect(Object.keys(data)).toEqual(['userName', URN.EnterpriseUser]);
  });

  test("drops a group's reference attribute in any case, but not a group's `groups`", () => {
    expect(toData(groups, { displayName: 'G', MEMBERS: [{ value: 'u1' }], groups: 'kept' })).toEqual({
      displayName: 'G',
      groups: 'kept',
    });
  });
});

describe('schemasOf and toBody', () => {
  test('the core schema, then each extension the data holds as an object', () => {
    expect(schemasOf(users, { userName: 'a' })).toEqual([URN.User]);
    expect(schemasOf(users, { userName: 'a', [URN.EnterpriseUser]: { department: 'D' } })).toEqual([
      URN.User,
      URN.EnterpriseUser,
    ]);
    expect(schemasOf(users, { userName: 'a', [URN.EnterpriseUser]: 'not an object' })).toEqual([URN.User]);
  });

  test('toBody puts schemas and id before the data', () => {
    const stored = {
      id: 'u1',
      resourceType: 'User',
      version: 3,
      created: '2026-01-01T00:00:00.000Z',
      lastModified: '2026-01-01T00:00:00.000Z',
      data: { userName: 'a' },
    };
    const body = toBody(users, stored);
    expect(body).toEqual({ schemas: [URN.User], id: 'u1', userName: 'a' });
    expect(Object.keys(body)).toEqual(['schemas', 'id', 'userName']);
  });
});

describe('uniqueKeys', () => {
  test('userName is folded (caseExact: false); an absent or null value has no key', () => {
    expect(uniqueKeys(users, { userName: 'BJensen@Example.COM' })).toEqual([
      { attribute: 'userName', value: 'bjensen@example.com' },
    ]);
    expect(uniqueKeys(users, { userName: null })).toEqual([]);
    expect(uniqueKeys(users, {})).toEqual([]);
  });

  test('a caseExact extension attribute keeps its case; a value that is not text is its JSON', () => {
    const ext = defineSchema({
      id: 'urn:ietf:params:scim:schemas:extension:acme:2.0:Device',
      name: 'AcmeDevice',
      attributes: [attr.string('badge', { uniqueness: 'server', caseExact: true })],
    });
    const core = defineSchema({
      id: 'urn:ietf:params:scim:schemas:acme:2.0:Device',
      name: 'Device',
      attributes: [attr.integer('serial', { uniqueness: 'server' })],
    });
    const schema = createResourceSchema(
      {
        id: 'Device',
        name: 'Device',
        endpoint: '/Devices',
        schema: core.id,
        schemaExtensions: [{ schema: ext.id, required: false }],
      },
      [core, ext],
    );
    const devices = requestContext({ resourceTypes: [{ schema }] }).config.types.find(
      (t) => t.name === 'Device',
    )!;
    expect(uniqueKeys(devices, { serial: 42, [ext.id]: { badge: 'B-1a' } })).toEqual([
      { attribute: 'serial', value: '42' },
      { attribute: `${ext.id}:badge`, value: 'B-1a' },
    ]);
  });
});

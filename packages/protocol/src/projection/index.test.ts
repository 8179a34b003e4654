import {
  type AttributeDefinition,
  createResourceSchema,
  enterpriseUserSchema,
  type ResourceTypeDefinition,
  type SchemaDefinition,
  URN,
  userResourceSchema,
  userResourceType,
  userSchema,
} from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectResource } from './index.ts';

const attr = (name: string, returned: AttributeDefinition['returned']): AttributeDefinition => ({
  name,
  type: 'string',
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned,
  uniqueness: 'none',
});
const core: SchemaDefinition = {
  id: 'urn:example:Thing',
  name: 'Thing',
  attributes: [
    attr('a', 'default'),
    attr('secretish', 'request'),
    attr('hidden', 'never'),
    attr('key', 'always'),
  ],
};
const type: ResourceTypeDefinition = {
  id: 'Thing',
  name: 'Thing',
  endpoint: '/Things',
  schema: core.id,
  schemaExtensions: [],
};
const schema = createResourceSchema(type, [core]);
const thing = { id: '1', a: 'A', secretish: 'S', hidden: 'H', key: 'K' };

describe('projection returned semantics', () => {
  it('returns request attributes only when asked, never ones never, always ones always', () => {
    expect(projectResource(thing, schema)).toEqual({ id: '1', a: 'A', key: 'K' });
    expect(projectResource(thing, schema, { attributes: 'secretish' })).toEqual({
      id: '1',
      secretish: 'S',
      key: 'K',
    });
    expect(projectResource(thing, schema, { attributes: ['hidden'] })).toEqual({ id: '1', key: 'K' });
    expect(projectResource(thing, schema, { excludedAttributes: 'key,a' })).toEqual({ id: '1', key: 'K' });
  });
});

describe('prepared projections (kept per schema and parameters)', () => {
  const user = {
    schemas: [URN.User, URN.EnterpriseUser],
    id: '2819c223',
    externalId: 'e-1',
    userName: 'bjensen',
    UserName: 'shadowed by the exact key',
    name: { givenName: 'Barbara', FamilyName: 'Jensen', extra: 'x' },
    emails: [{ value: 'b@example.com', type: 'work', Primary: true }],
    password: 'never returned',
    meta: { resourceType: 'User', version: 'W/"1"' },
    [URN.EnterpriseUser]: { employeeNumber: '7', manager: { value: 'm-1', displayName: 'Boss' } },
  };
  const path = fc.constantFrom(
    'userName',
    'USERNAME',
    'name.givenName',
    'name',
    'emails.value',
    'emails',
    'password',
    'meta',
    'externalId',
    URN.EnterpriseUser,
    `${URN.EnterpriseUser}:manager.value`,
    `${URN.User}:name.familyName`,
    'nope',
    'userName,emails',
    'displayName\u0000emails',
    'emails\u0000displayName',
    'displayName',
  );
  const params = fc.record(
    {
      attributes: fc.oneof(
        fc.array(path, { maxLength: 3 }),
        fc.array(path, { maxLength: 3 }).map((p) => p.join(',')),
      ),
      excludedAttributes: fc.oneof(
        fc.array(path, { maxLength: 3 }),
        fc.array(path, { maxLength: 3 }).map((p) => p.join(',')),
      ),
    },
    { requiredKeys: [] },
  );

  it('project as a schema seen for the first time does, whatever was projected before', () => {
    fc.assert(
      fc.property(fc.array(params, { minLength: 1, maxLength: 8 }), (sequence) => {
        for (const p of sequence) {
          const fresh = createResourceSchema(userResourceType, [userSchema, enterpriseUserSchema]);
          expect(JSON.stringify(projectResource(user, userResourceSchema, p))).toBe(
            JSON.stringify(projectResource(user, fresh, p)),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('tell a list of paths from one path that holds a comma or a NUL', () => {
    for (const joined of ['userName\u0000emails', 'emails\u0000userName']) {
      expect(Object.keys(projectResource(user, userResourceSchema, { attributes: [joined] }))).toEqual([
        'schemas',
        'id',
      ]);
      expect(
        Object.keys(projectResource(user, userResourceSchema, { excludedAttributes: [joined] })),
      ).toContain('userName');
    }
    expect(
      Object.keys(projectResource(user, userResourceSchema, { attributes: ['userName', 'emails'] })),
    ).toEqual(['schemas', 'id', 'userName', 'emails']);
    expect(
      Object.keys(projectResource(user, userResourceSchema, { attributes: ['userName,emails'] })),
    ).toEqual(['schemas', 'id']);
  });
});

describe('keys in any case (RFC 7643 section 2.1: attribute names are case-insensitive)', () => {
  const user = {
    schemas: [URN.User, URN.EnterpriseUser],
    id: '2819c223',
    externalId: 'e-1',
    userName: 'bjensen',
    displayName: 'Babs',
    name: { givenName: 'Barbara', familyName: 'Jensen', formatted: 'Ms. Barbara J Jensen' },
    emails: [
      { value: 'b@example.com', type: 'work', primary: true },
      { value: 'babs@example.com', type: 'home' },
    ],
    active: true,
    password: 'never returned',
    meta: { resourceType: 'User', version: 'W/"1"' },
    [URN.EnterpriseUser]: { employeeNumber: '7', manager: { value: 'm-1', displayName: 'Boss' } },
  };
  const flip = (key: string, flips: () => boolean) =>
    flips() ? [...key].map((c) => (flips() ? c.toUpperCase() : c.toLowerCase())).join('') : key;
  /**
   * The resource with its attribute names (top-level, and an extension's) in cases drawn from
   * `flips`; sub-attribute keys are returned as they are given, so they keep their spelling here.
   */
  const recase = (resource: Record<string, unknown>, flips: () => boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(resource)) {
      if (k === URN.EnterpriseUser) out[k] = recase(v as Record<string, unknown>, flips);
      else out[k === 'schemas' ? k : flip(k, flips)] = v;
    }
    return out;
  };
  const param = fc.constantFrom(
    {},
    { attributes: 'userName,name.givenName,emails.value' },
    { excludedAttributes: 'emails,name.formatted' },
    { attributes: URN.EnterpriseUser },
  );

  it('project a resource whose keys are in other cases as the schema-spelled resource', () => {
    fc.assert(
      fc.property(fc.infiniteStream(fc.boolean()), param, (bits, p) => {
        const it = bits[Symbol.iterator]();
        const variant = recase(user, () => it.next().value as boolean);
        expect(JSON.stringify(projectResource(variant, userResourceSchema, p))).toBe(
          JSON.stringify(projectResource(user, userResourceSchema, p)),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('find a key in another case when the resource has no key spelled as the schema does', () => {
    expect(projectResource({ id: '1', USERNAME: 'b', Name: { GIVENNAME: 'B' } }, userResourceSchema)).toEqual(
      {
        id: '1',
        userName: 'b',
        name: { GIVENNAME: 'B' },
      },
    );
  });
});

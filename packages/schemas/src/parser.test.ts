import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonAttributes } from './definitions/common.ts';
import type { AttributeDefinition } from './definitions/types.ts';
import { isScimError } from './errors.ts';
import {
  createResourceParser,
  groupCreateParser,
  groupPatchValueParser,
  resourceZodSchema,
  userCreateParser,
  userPatchValueParser,
  userReplaceParser,
  userResponseParser,
} from './parser.ts';
import { type ResourceSchema, userResourceSchema } from './resource-schema.ts';
import { URN } from './urns.ts';

const strictCreate = createResourceParser(userResourceSchema, {
  context: 'create',
  unknownAttributes: 'reject',
});

function errorOf(run: () => unknown) {
  try {
    run();
  } catch (e) {
    if (isScimError(e)) return e;
    throw e;
  }
  throw new Error('expected a ScimError');
}

describe('createResourceParser', () => {
  it('matches attribute names case-insensitively and returns canonical names', () => {
    const { value } = userCreateParser.parse({
      SCHEMAS: [URN.User],
      UserName: 'bjensen',
      NAME: { GivenName: 'Barbara' },
      emails: [{ VALUE: 'b@example.com', Primary: true }],
    });
    expect(value).toEqual({
      schemas: [URN.User],
      userName: 'bjensen',
      name: { givenName: 'Barbara' },
      emails: [{ value: 'b@example.com', primary: true }],
    });
  });

  it('handles what Microsoft Entra ID sends: roles [], extension without its URN in schemas, string booleans', () => {
    const result = userCreateParser.parse({
      schemas: [URN.User],
      userName: 'bjensen',
      active: 'True',
      roles: [],
      [URN.EnterpriseUser]: { department: 'Tour Operations' },
      'urn:ietf:params:scim:schemas:extension:Other:1.0:User': { x: 1 },
    });
    expect(result.value.active).toBe(true);
    expect(result.value.roles).toEqual([]);
    expect(result.value.schemas).toEqual([URN.User, URN.EnterpriseUser]);
    expect(result.value[URN.EnterpriseUser]).toEqual({ department: 'Tour Operations' });
    expect(result.unknownAttributes).toEqual(['urn:ietf:params:scim:schemas:extension:Other:1.0:User']);
  });

  it('ignores readOnly attributes in requests and lists them', () => {
    const result = userReplaceParser.parse({
      schemas: [URN.User],
      id: '2819c223',
      userName: 'bjensen',
      meta: { resourceType: 'User' },
      groups: [{ value: 'g1' }],
    });
    expect(result.value).toEqual({ schemas: [URN.User], userName: 'bjensen' });
    expect(result.ignoredAttributes).toEqual(['id', 'meta', 'groups']);
  });

  it('keeps readOnly attributes in responses and drops returned:never ones', () => {
    const result = userResponseParser.parse({
      id: '1',
      userName: 'b',
      password: 'secret',
      groups: [{ value: 'g' }],
    });
    expect(result.value).toEqual({ id: '1', userName: 'b', groups: [{ value: 'g' }] });
    expect(result.ignoredAttributes).toEqual(['password']);
  });

  it('lists unknown attributes with their paths, without storing them', () => {
    const result = userCreateParser.parse({
      schemas: [URN.User],
      userName: 'b',
      foo: 1,
      name: { nope: 'x' },
      emails: [
        { value: 'a', bar: 1 },
        { value: 'c', bar: 2 },
      ],
    });
    expect(result.unknownAttributes).toEqual(['foo', 'name.nope', 'emails.bar']);
    expect(result.value).toEqual({
      schemas: [URN.User],
      userName: 'b',
      name: {},
      emails: [{ value: 'a' }, { value: 'c' }],
    });
  });

  it('rejects unknown attributes and string booleans in strict mode', () => {
    const unknown = errorOf(() =>
      strictCreate.parse({ schemas: [URN.User], userName: 'b', foo: 1, name: { x: 1 } }),
    );
    expect(unknown.scimType).toBe('invalidSyntax');
    expect(unknown.message).toContain('foo, name.x');
    const bool = errorOf(() => strictCreate.parse({ schemas: [URN.User], userName: 'b', active: 'False' }));
    expect(bool.scimType).toBe('invalidValue');
    expect(bool.message).toContain('active: expected a boolean, got the string "False"');
  });

  it('requires the core schema URN in schemas in strict mode only', () => {
    const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:User'], userName: 'b' };
    expect(errorOf(() => strictCreate.parse(body)).message).toContain(`schemas: must list ${URN.User}`);
    expect(userCreateParser.parse(body).value).toEqual(body);
  });

  it('enforces required attributes on create and replace, not on responses', () => {
    const error = errorOf(() => userCreateParser.parse({ schemas: [URN.User], displayName: 'B' }));
    expect(error.scimType).toBe('invalidValue');
    expect(error.message).toContain('userName: required attribute is missing');
    expect(userReplaceParser.safeParse({ schemas: [URN.User] }).success).toBe(false);
    expect(groupCreateParser.safeParse({ schemas: [URN.Group] }).success).toBe(false);
    expect(userResponseParser.parse({ id: '1' }).value).toEqual({ id: '1' });
  });

  it('reports wrong types with the attribute path', () => {
    const error = errorOf(() =>
      userCreateParser.parse({ schemas: [URN.User], userName: 'b', emails: { value: 'x' }, active: 3 }),
    );
    expect(error.message).toContain('emails: expected an array');
    expect(error.message).toContain('active:');
    expect(errorOf(() => userCreateParser.parse('nope')).scimType).toBe('invalidSyntax');
    expect(errorOf(() => userResponseParser.parse({ meta: { created: 'yesterday' } })).message).toContain(
      'meta.created',
    );
  });

  it('rejects an attribute given twice in different cases, and lists a __proto__ key as unknown', () => {
    const twice = errorOf(() =>
      userCreateParser.parse({ schemas: [URN.User], userName: 'a', UserName: 'b' }),
    );
    expect(twice.message).toContain('userName: given twice');
    const result = userCreateParser.parse(
      JSON.parse(`{"schemas":["${URN.User}"],"userName":"a","__proto__":{"x":1}}`),
    );
    expect(result.unknownAttributes).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
  });

  it('treats null as unassigned (RFC 7643 section 2.5)', () => {
    expect(userCreateParser.parse({ schemas: [URN.User], userName: 'b', nickName: null }).value).toEqual({
      schemas: [URN.User],
      userName: 'b',
    });
  });

  it('parses PATCH values for a path', () => {
    expect(userPatchValueParser.parse('False', 'active').value).toBe(false);
    expect(userPatchValueParser.parse('x', 'addresses[type eq "work"].streetAddress').value).toBe('x');
    expect(userPatchValueParser.parse({ Type: 'work' }, 'addresses[type eq "work"]').value).toEqual({
      type: 'work',
    });
    expect(groupPatchValueParser.parse([{ Value: '1' }], 'members').value).toEqual([{ value: '1' }]);
    expect(userPatchValueParser.parse('Sales', `${URN.EnterpriseUser.toUpperCase()}:Department`).value).toBe(
      'Sales',
    );
    expect(errorOf(() => userPatchValueParser.parse({ x: 1 }, 'nickName')).message).toContain(
      'nickName: expected a string, got object',
    );
    expect(errorOf(() => userPatchValueParser.parse(1, 'nope')).scimType).toBe('invalidPath');
    expect(errorOf(() => userPatchValueParser.parse(1, 'userName')).scimType).toBe('invalidValue');
  });

  it('parses path-less PATCH values as partial resources', () => {
    const result = userPatchValueParser.parse({ NickName: 'Babs', id: 'x' });
    expect(result.value).toEqual({ nickName: 'Babs' });
    expect(result.ignoredAttributes).toEqual(['id']);
  });

  it('exposes the zod schema of the canonical body', () => {
    const zod = resourceZodSchema(userResourceSchema, 'create');
    expect(zod.safeParse({ schemas: [URN.User], userName: 'b' }).success).toBe(true);
    expect(zod.safeParse({ schemas: [URN.User], UserName: 'b' }).success).toBe(false);
    expect(
      userCreateParser.zod.safeParse({ schemas: [URN.User], userName: 'b', active: 'True' }).success,
    ).toBe(false);
  });

  it('parses any casing of attribute names to the same value (property)', () => {
    const recase = (s: string, mask: boolean[]) =>
      [...s].map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c.toLowerCase())).join('');
    const body = (k: (s: string) => string) => ({
      [k('schemas')]: [URN.User],
      [k('userName')]: 'bjensen',
      [k('name')]: { [k('familyName')]: 'Jensen', [k('givenName')]: 'Barbara' },
      [k('emails')]: [{ [k('value')]: 'b@example.com', [k('primary')]: 'true' }],
      [k(URN.EnterpriseUser)]: { [k('manager')]: { [k('value')]: 'm1' } },
    });
    const canonical = userCreateParser.parse(body((s) => s)).value;
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), (mask) => {
        expect(userCreateParser.parse(body((s) => recase(s, mask))).value).toEqual(canonical);
      }),
    );
  });

  it('never throws anything but a ScimError (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        const result = userCreateParser.safeParse(input);
        if (!result.success) expect(isScimError(result.error)).toBe(true);
      }),
    );
  });

  it('returns any valid response body unchanged (property)', () => {
    const value = (a: AttributeDefinition): fc.Arbitrary<unknown> => {
      switch (a.type) {
        case 'boolean':
          return fc.boolean();
        case 'integer':
          return fc.integer();
        case 'decimal':
          return fc.double({ noNaN: true, noDefaultInfinity: true });
        case 'dateTime':
          return fc
            .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString());
        case 'complex':
          return object(a.subAttributes ?? []);
        default:
          return fc.string();
      }
    };
    const object = (attributes: readonly AttributeDefinition[]) =>
      fc.record(
        Object.fromEntries(
          attributes
            .filter((a) => a.returned !== 'never')
            .map((a) => [a.name, a.multiValued ? fc.array(value(a), { maxLength: 3 }) : value(a)]),
        ),
        { requiredKeys: [] },
      );
    const resource = (schema: ResourceSchema) =>
      fc
        .tuple(
          object([...commonAttributes, ...schema.core.attributes]),
          fc.option(object(schema.extensions[0]?.schema.attributes ?? []), { nil: undefined }),
        )
        .map(([core, ext]) => {
          const urn = schema.extensions[0]?.schema.id;
          return ext && urn
            ? { schemas: [schema.core.id, urn], ...core, [urn]: ext }
            : { schemas: [schema.core.id], ...core };
        });
    fc.assert(
      fc.property(resource(userResourceSchema), (body) => {
        const result = userResponseParser.parse(body);
        expect(result.unknownAttributes).toEqual([]);
        expect(result.value).toEqual(body);
      }),
      { numRuns: 200 },
    );
  });
});

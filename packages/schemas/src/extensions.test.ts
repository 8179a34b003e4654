import { describe, expect, it } from 'vitest';
import { userResourceType } from './definitions/common.ts';
import { isScimError } from './errors.ts';
import { attr, defineSchema, extendResourceSchema, extendResourceType } from './extensions.ts';
import { createResourceParser } from './parser.ts';
import { userResourceSchema } from './resource-schema.ts';
import { URN } from './urns.ts';

const HOX = 'urn:ietf:params:scim:schemas:extension:Hoxhunt:1.0:User';
const hoxhunt = defineSchema({
  id: HOX,
  name: 'HoxhuntUser',
  attributes: [
    attr.string('badgeId', { required: true, caseExact: true }),
    attr.boolean('trainingEnabled'),
    attr.complex('office', [attr.string('building'), attr.integer('floor')], { multiValued: true }),
  ],
});

describe('attr', () => {
  it('fills RFC 7643 section 2.2 defaults', () => {
    expect(attr.string('nick')).toEqual({
      name: 'nick',
      type: 'string',
      multiValued: false,
      required: false,
      caseExact: false,
      mutability: 'readWrite',
      returned: 'default',
      uniqueness: 'none',
    });
    expect(attr.reference('site').referenceTypes).toEqual(['external']);
    expect(attr.integer('n', { multiValued: true, mutability: 'immutable' })).toMatchObject({
      multiValued: true,
      mutability: 'immutable',
    });
  });

  it('rejects invalid names and nested complex attributes', () => {
    expect(() => attr.string('1abc')).toThrow(/not valid/);
    expect(() => attr.complex('a', [attr.complex('b', [])])).toThrow(/section 2.3.8/);
  });
});

describe('defineSchema', () => {
  it('rejects a non-URN id and duplicate names', () => {
    expect(() => defineSchema({ id: 'Hoxhunt', name: 'x', attributes: [] })).toThrow(/not a URN/);
    const error = (() => {
      try {
        defineSchema({ id: HOX, name: 'x', attributes: [attr.string('a'), attr.string('A')] });
      } catch (e) {
        return e;
      }
    })();
    expect(isScimError(error) && error.scimType).toBe('invalidValue');
  });
});

describe('extendResourceType / extendResourceSchema', () => {
  it('adds the extension to the resource type', () => {
    const type = extendResourceType(userResourceType, hoxhunt, { required: true });
    expect(type.schemaExtensions).toEqual([
      { schema: URN.EnterpriseUser, required: false },
      { schema: HOX, required: true },
    ]);
    expect(userResourceType.schemaExtensions).toHaveLength(1);
    expect(() => extendResourceType(type, hoxhunt)).toThrow(/already has/);
  });

  it('parses extension attributes under their URN and enforces a required extension', () => {
    const schema = extendResourceSchema(userResourceSchema, hoxhunt, { required: true });
    const parser = createResourceParser(schema, { context: 'create' });
    const { value } = parser.parse({
      schemas: [URN.User],
      userName: 'bjensen',
      [HOX.toUpperCase()]: { BadgeId: 'B-1', trainingEnabled: 'True', office: [{ floor: 3 }] },
    });
    expect(value).toEqual({
      schemas: [URN.User, HOX],
      userName: 'bjensen',
      [HOX]: { badgeId: 'B-1', trainingEnabled: true, office: [{ floor: 3 }] },
    });
    expect(parser.safeParse({ schemas: [URN.User], userName: 'b' }).success).toBe(false);
    expect(() => parser.parse({ schemas: [URN.User], userName: 'b', [HOX]: {} })).toThrow(
      new RegExp(`${HOX}.badgeId: required attribute is missing`),
    );
    expect(() =>
      parser.parse({ schemas: [URN.User], userName: 'b', [HOX]: { badgeId: 'x', office: [{ floor: 1.5 }] } }),
    ).toThrow(/office\.0\.floor/);
  });
});

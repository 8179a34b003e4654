import { weakETag } from '@scim/protocol';
import {
  createResourceSchema,
  enterpriseUserSchema,
  type SchemaDefinition,
  URN,
  userResourceType,
  userSchema,
} from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { StoredMember, StoredResource } from '../store/types.ts';
import type { ServedType } from './config.ts';
import type { RequestContext } from './context.ts';
import { MetaWriter, RENDERING_FORMAT, renderingOf, spliceRendering } from './rendering.ts';
import { renderListed, renderText } from './representation.ts';
import { requestContext } from './test-helpers.ts';

const ctx = requestContext();
const users = ctx.config.users;
const groups = ctx.config.groups!;

/** The User schema with each group's `$ref` never returned: a read's parts are then projected. */
const refNever: SchemaDefinition = {
  ...userSchema,
  attributes: userSchema.attributes.map((a) =>
    a.name === 'groups'
      ? {
          ...a,
          subAttributes: a.subAttributes?.map((s) => (s.name === '$ref' ? { ...s, returned: 'never' } : s)),
        }
      : a,
  ),
};
const usersRefNever: ServedType = {
  ...users,
  schema: createResourceSchema(userResourceType, [refNever, enterpriseUserSchema]),
};

const text = fc.constantFrom('a', 'Zoë', 'x"y\\z', '\u0000\u0001', '', '𝒜', 'ID', 'meta');
// undefined (a policy may leave one) is not stored: the rendering is of the data as stored.
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const subKey = fc.constantFrom(
  'value',
  'Value',
  'VALUE',
  'type',
  'primary',
  'display',
  '$ref',
  'givenName',
  'FAMILYNAME',
  'formatted',
  'odd',
  '0',
  '12',
);
const complex = fc.dictionary(subKey, fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })), { maxKeys: 5 });
const value = fc.oneof(
  scalar,
  complex,
  fc.array(fc.oneof({ arbitrary: complex, weight: 4 }, { arbitrary: scalar, weight: 1 }), { maxLength: 3 }),
);
const topKey = fc.constantFrom(
  'userName',
  'USERNAME',
  'username',
  'displayName',
  'externalId',
  'EXTERNALID',
  'name',
  'Name',
  'emails',
  'Emails',
  'phoneNumbers',
  'addresses',
  'active',
  'title',
  'password',
  'x509Certificates',
  'roles',
  'unknownAttribute',
  'members',
  '7',
);
const enterprise = fc.dictionary(
  fc.constantFrom('department', 'Department', 'manager', 'employeeNumber', 'odd'),
  fc.oneof(scalar, complex),
  { maxKeys: 4 },
);
const data = fc
  .tuple(
    fc.dictionary(topKey, value, { maxKeys: 8 }),
    fc.option(enterprise, { nil: undefined }),
    fc.constantFrom(URN.EnterpriseUser, URN.EnterpriseUser.toUpperCase()),
    fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 12 },
      { arbitrary: fc.constantFrom('id', 'Meta', 'groups', 'schemas'), weight: 1 },
    ),
  )
  .map(([attributes, ext, urn, hole]) => ({
    ...attributes,
    ...(ext === undefined ? {} : { [urn]: ext }),
    ...(hole === undefined ? {} : { [hole]: 'x' }),
  }));
const member: fc.Arbitrary<StoredMember> = fc
  .tuple(text, fc.constantFrom('User', 'Group', 'Device'), fc.option(text, { nil: undefined }))
  .map(([value, type, display]) => (display === undefined ? { value, type } : { value, type, display }));
const read = fc.record({
  id: fc.oneof(fc.uuid(), text, fc.constant('a b/c?d')),
  version: fc.nat(),
  created: fc.constantFrom('2026-12-06T12:00:00.000Z', 'x"'),
  // The same as created (a resource never written again), or another text.
  lastModified: fc.constantFrom(undefined, '2026-12-07T08:30:00.000Z', 'y\\'),
  base: fc.constantFrom('http://scim.test', 'https://h.example/scim/t%20x', 'http://h/"q"'),
  members: fc.option(fc.array(member, { maxLength: 3 }), { nil: undefined }),
  groups: fc.option(fc.array(member, { maxLength: 3 }), { nil: undefined }),
});

type Read = typeof read extends fc.Arbitrary<infer T> ? T : never;

/** A resource as a store gives it back: its data through JSON, with or without its rendering. */
function storedOf(
  type: ServedType,
  raw: Record<string, unknown>,
  r: Read,
  rendering: string | undefined,
): StoredResource {
  return {
    id: r.id,
    resourceType: type.name,
    version: r.version,
    created: r.created,
    lastModified: r.lastModified ?? r.created,
    data: JSON.parse(JSON.stringify(raw)) as Record<string, unknown>,
    ...(r.members === undefined ? {} : { members: r.members }),
    ...(rendering === undefined ? {} : { rendering }),
  };
}

describe('a stored rendering', () => {
  test.each([
    ['users', users],
    ['groups', groups],
    ["users whose groups' $ref is never returned", usersRefNever],
  ])('splices to the bytes the data renders to (%s)', (_name, type) => {
    let spliced = 0;
    fc.assert(
      fc.property(data, read, (raw, r) => {
        const at: RequestContext = { ...ctx, base: r.base };
        const rendering = renderingOf(type, raw);
        const slow = renderText(at, type, storedOf(type, raw, r, undefined), {}, r.groups);
        const fast = renderText(at, type, storedOf(type, raw, r, rendering), {}, r.groups);
        expect(fast).toBe(slow);
        if (rendering !== undefined) {
          spliced++;
          expect(JSON.parse(fast)).toEqual(JSON.parse(slow));
        }
      }),
      { numRuns: 400 },
    );
    // Most cases have a rendering: the splice, not the fallback, is what was compared.
    expect(spliced).toBeGreaterThan(200);
  });

  test.each([
    ['users', users],
    ['groups', groups],
    ["users whose groups' $ref is never returned", usersRefNever],
  ])(
    'lists a page of resources with, without and with stale renderings as their data renders (%s)',
    async (_name, type) => {
      const kinds = fc.constantFrom('kept', 'none', 'stale');
      const base = fc.constantFrom('http://scim.test', 'https://h.example/scim/t%20x', 'http://h/"q"/Zoë');
      let spliced = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(data, read, kinds), { maxLength: 5 }), base, async (rows, b) => {
          const at: RequestContext = { ...ctx, base: b };
          const page = rows.map(([raw, r, kind]) => {
            const rendering = renderingOf(type, raw);
            if (kind === 'kept' && rendering !== undefined) spliced++;
            const kept = kind === 'none' || rendering === undefined ? undefined : rendering;
            return storedOf(type, raw, r, kind === 'stale' && kept !== undefined ? `x${kept}` : kept);
          });
          const out: string[] = [];
          await renderListed(at, type, page, {}, out);
          expect(out).toEqual(
            rows.map(([raw, r]) => renderText(at, type, storedOf(type, raw, r, undefined), {})),
          );
        }),
        { numRuns: 200 },
      );
      // Some 100 to 170 of the 200 pages' resources are spliced (fewer for groups, whose data more
      // often holds `members`): the splice, not the fallback, is what was compared.
      expect(spliced).toBeGreaterThan(40);
    },
  );

  test("writes meta as JSON.stringify writes representation.ts's object, for any character", () => {
    const writer = new MetaWriter('User', 'https://h.example/scim/Users/');
    for (let c = 0; c < 0x800; c++) {
      for (const ch of [String.fromCharCode(c), String.fromCharCode(0xd800 + (c % 0x800))]) {
        const text = `a${ch}b`;
        const meta = {
          resourceType: 'User',
          created: text,
          lastModified: `2026-12-06T12:00:00.000Z${ch}`,
          location: `https://h.example/scim/Users/${encodeURIComponent(`${ch}`.replace(/[\ud800-\udfff]/, 'x'))}`,
          version: weakETag(c),
        };
        const id = `${ch}`.replace(/[\ud800-\udfff]/, 'x');
        expect(writer.text(id, meta.created, meta.lastModified, c)).toBe(JSON.stringify(meta));
        // A listed user's splice: the same `meta`, and its id as JSON.stringify writes it.
        const rendering = renderingOf(users, { userName: text })!;
        const listed = { id, created: meta.created, lastModified: meta.created, version: c };
        expect(writer.splice(users, rendering, listed)).toBe(
          spliceRendering(users, rendering, { id, meta: { ...meta, lastModified: meta.created } }),
        );
      }
    }
  });

  test('is kept only for data without a name a read fills', () => {
    expect(renderingOf(users, { userName: 'a' })).toBeTypeOf('string');
    for (const key of ['id', 'META', 'groups', 'schemas']) {
      expect(renderingOf(users, { userName: 'a', [key]: 'x' })).toBeUndefined();
    }
    expect(renderingOf(groups, { displayName: 'g', Members: [] })).toBeUndefined();
  });

  test('rendered for another schema is not spliced (the data is rendered instead)', () => {
    const rendering = renderingOf(users, { userName: 'a' })!;
    const parts = { id: '1', meta: {} };
    expect(spliceRendering(users, rendering, parts)).toBeTypeOf('string');
    expect(spliceRendering(usersRefNever, rendering, parts)).toBeUndefined();
    expect(spliceRendering(groups, rendering, parts)).toBeUndefined();
    expect(spliceRendering(users, `x${rendering}`, parts)).toBeUndefined();
  });

  test('a projection renders the data, not the rendering', () => {
    const raw = { userName: 'a', title: 'T' };
    const stored: StoredResource = {
      id: '1',
      resourceType: 'User',
      version: 1,
      created: 'c',
      lastModified: 'c',
      data: raw,
      // A rendering that disagrees with the data shows which one was used.
      rendering: renderingOf(users, { userName: 'b', title: 'T' })!,
    };
    expect(JSON.parse(renderText(ctx, users, stored, { attributes: 'title' }))).toEqual({
      schemas: [URN.User],
      id: '1',
      title: 'T',
    });
    expect(JSON.parse(renderText(ctx, users, stored, {})).userName).toBe('b');
  });

  test('of a sample is pinned: a change of its bytes must bump RENDERING_FORMAT (stored ones are then not spliced)', () => {
    const sample = {
      ExternalId: 'e-1',
      emails: [{ Value: 'a@x', type: 'work', primary: true, odd: 1 }, 'loose'],
      USERNAME: 'Zoë "z"',
      name: { familyName: 'F', givenName: 'G' },
      password: 'p',
      unknown: { a: 1 },
      active: false,
      [URN.EnterpriseUser]: { manager: { value: 'm', $ref: 'r', displayName: 'M' }, department: 'D' },
    };
    const rendering = renderingOf(users, sample)!;
    expect(rendering.startsWith(`r${RENDERING_FORMAT}.`)).toBe(true);
    expect(rendering.slice(rendering.indexOf('\u0001'))).toBe(PINNED_USER);
    const group = renderingOf(groups, { displayName: 'G', externalId: 'x' })!;
    expect(group.slice(group.indexOf('\u0001'))).toBe(PINNED_GROUP);
  });
});

const PINNED_USER =
  '\u0001{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]\u0001i,"externalId":"e-1"\u0001m,"userName":"Zoë \\"z\\"","name":{"familyName":"F","givenName":"G"},"active":false,"emails":[{"Value":"a@x","type":"work","primary":true,"odd":1},"loose"]\u0001g,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"m","$ref":"r","displayName":"M"}}}';
const PINNED_GROUP =
  '\u0001{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"]\u0001i,"externalId":"x"\u0001m,"displayName":"G"\u0001r}';

import { URN } from '@scim/schemas';
import { describe, expect, test } from 'vitest';
import type { StoredResource } from '../store/types.ts';
import type { QueryParams } from './query-params.ts';
import { locationOf, project, render, wants, wantsMembers } from './representation.ts';
import { requestContext } from './test-helpers.ts';

const ctx = requestContext();
const users = ctx.config.users;
const groups = ctx.config.groups!;

const at = '2026-11-30T10:00:00.000Z';
const stored = (id: string, data: Record<string, unknown>, extra: Partial<StoredResource> = {}) => ({
  id,
  resourceType: 'User',
  version: 4,
  created: at,
  lastModified: at,
  data,
  ...extra,
});
const params = (p: QueryParams): QueryParams => p;

describe('render', () => {
  test('schemas, id and data, then meta with the escaped location and the weak ETag', () => {
    const json = render(
      ctx,
      users,
      stored('a b/c', { userName: 'a', [URN.EnterpriseUser]: { department: 'D' } }),
    );
    expect(json).toEqual({
      schemas: [URN.User, URN.EnterpriseUser],
      id: 'a b/c',
      userName: 'a',
      [URN.EnterpriseUser]: { department: 'D' },
      meta: {
        resourceType: 'User',
        created: at,
        lastModified: at,
        location: 'http://scim.test/Users/a%20b%2Fc',
        version: 'W/"4"',
      },
    });
    expect(locationOf(ctx, users, 'a b/c')).toBe('http://scim.test/Users/a%20b%2Fc');
  });

  test("members with a $ref at their own type's endpoint, display only when known", () => {
    const json = render(
      ctx,
      groups,
      stored(
        'g1',
        { displayName: 'G' },
        {
          resourceType: 'Group',
          members: [
            { value: 'u1', type: 'User', display: 'Ann' },
            { value: 'g2', type: 'Group' },
          ],
        },
      ),
    );
    expect(json.members).toEqual([
      { value: 'u1', display: 'Ann', type: 'User', $ref: 'http://scim.test/Users/u1' },
      { value: 'g2', type: 'Group', $ref: 'http://scim.test/Groups/g2' },
    ]);
  });

  test("a user's groups are direct; none leaves the attribute out", () => {
    const withGroups = render(ctx, users, stored('u1', { userName: 'a' }), [{ value: 'g1', type: 'Group' }]);
    expect(withGroups.groups).toEqual([{ value: 'g1', type: 'direct', $ref: 'http://scim.test/Groups/g1' }]);
    expect(render(ctx, users, stored('u1', { userName: 'a' }), [])).not.toHaveProperty('groups');
  });
});

describe('wants', () => {
  test('attributes: the attribute, a sub-attribute of it, or its URN-qualified name', () => {
    expect(wants('name', params({ attributes: 'name.givenName' }), false)).toBe(true);
    expect(wants('groups', params({ attributes: `${URN.User}:groups` }), true)).toBe(true);
    expect(wants('groups', params({ attributes: 'groupsX,userName' }), false)).toBe(false);
  });

  test('excludedAttributes leaves it out; explicitOnly needs attributes to name it', () => {
    expect(wants('groups', params({}), false)).toBe(true);
    expect(wants('groups', params({}), true)).toBe(false);
    expect(wants('groups', params({ excludedAttributes: 'Groups' }), false)).toBe(false);
    expect(wants('groups', params({ excludedAttributes: `${URN.User}:groups` }), false)).toBe(false);
  });

  test('wantsMembers: only a type with a reference attribute', () => {
    expect(wantsMembers(groups, params({}))).toBe(true);
    expect(wantsMembers(groups, params({ excludedAttributes: 'members' }))).toBe(false);
    expect(wantsMembers(users, params({}))).toBe(false);
  });
});

describe('project', () => {
  test('no parameters: the schema decides (a password is never returned)', () => {
    const json = render(ctx, users, stored('u1', { userName: 'a', password: 'secret' }));
    expect(project(users, json, params({}))).not.toHaveProperty('password');
  });

  test('attributes keeps those named and those always returned', () => {
    const json = render(ctx, users, stored('u1', { userName: 'a', displayName: 'A', title: 'T' }));
    const out = project(users, json, params({ attributes: 'title' }));
    expect(out).toMatchObject({ id: 'u1', title: 'T' });
    expect(out).not.toHaveProperty('displayName');
  });
});

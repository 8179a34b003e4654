import { URN } from '@scim/schemas';
import { describe, expect, test, vi } from 'vitest';
import { feedRecord, patchChanges, topLevelChanges } from './changes.ts';
import { harness, requestContext } from './test-helpers.ts';

const { config } = requestContext();
const users = config.users;
const groups = config.groups!;

describe('topLevelChanges', () => {
  test('each top-level attribute that differs, an extension attribute as urn:name', () => {
    const before = { userName: 'a', title: 'T', [URN.EnterpriseUser]: { department: 'D', division: 'V' } };
    const after = { userName: 'b', nickName: 'N', [URN.EnterpriseUser]: { department: 'D' } };
    expect(topLevelChanges(before, after)).toEqual([
      { path: 'userName', oldValue: 'a', newValue: 'b' },
      { path: 'title', oldValue: 'T', newValue: undefined },
      { path: `${URN.EnterpriseUser}:division`, oldValue: 'V', newValue: undefined },
      { path: 'nickName', oldValue: undefined, newValue: 'N' },
    ]);
  });

  test("values compare as JSON: an object's keys in any order are the same value, a list's order is not", () => {
    // A store may give keys back in another order than they were sent (PostgreSQL's jsonb sorts them).
    const name = { givenName: 'Barbara', familyName: 'Jensen' };
    expect(topLevelChanges({ name }, { name: { familyName: 'Jensen', givenName: 'Barbara' } })).toEqual([]);
    const emails = [{ value: 'a@x' }, { value: 'b@x' }];
    expect(topLevelChanges({ emails }, { emails: [...emails].reverse() })).toHaveLength(1);
  });
});

describe('patchChanges', () => {
  test('what applyPatch reports, but the members; then what the policies changed that no operation touched', () => {
    const reported = [
      { path: 'displayName', oldValue: 'A', newValue: 'B' },
      { path: 'members', oldValue: undefined, newValue: [{ value: 'u1' }] },
    ];
    const before = { displayName: 'A', externalId: 'x1' };
    const after = { displayName: 'B!', externalId: 'x2' };
    expect(patchChanges(groups, reported, before, after)).toEqual([
      { path: 'displayName', oldValue: 'A', newValue: 'B' },
      { path: 'externalId', oldValue: 'x1', newValue: 'x2' },
    ]);
  });

  test('a reported sub-attribute or filtered path covers its attribute', () => {
    const reported = [
      { path: 'name.givenName', oldValue: 'A', newValue: 'B' },
      { path: 'emails[type eq "work"].value', oldValue: 'a@x', newValue: 'b@x' },
    ];
    const before = { name: { givenName: 'A' }, emails: [{ type: 'work', value: 'a@x' }] };
    const after = { name: { givenName: 'B' }, emails: [{ type: 'work', value: 'b@x' }] };
    expect(patchChanges(users, reported, before, after)).toEqual(reported);
  });
});

describe('feedRecord', () => {
  test('the type classify gives, changes without undefined values, members only when some moved', () => {
    const deactivated = feedRecord(
      users,
      'updated',
      [{ path: 'active', oldValue: undefined, newValue: false }],
      [],
      [],
    );
    expect(deactivated).toEqual({ type: 'user.deactivated', changes: [{ path: 'active', newValue: false }] });
    expect(feedRecord(groups, 'updated', [], ['u1'], ['u2'])).toEqual({
      type: 'group.updated',
      changes: [],
      membersAdded: ['u1'],
      membersRemoved: ['u2'],
    });
    expect(feedRecord(groups, 'deleted', [], [], [])).toEqual({ type: 'group.deleted', changes: [] });
  });

  test('the member lists are copies: the record keeps what the write did', () => {
    const added = ['u1'];
    const record = feedRecord(groups, 'updated', [], added, []);
    added.push('u2');
    expect(record.membersAdded).toEqual(['u1']);
  });
});

describe('through the handler', () => {
  test('a PUT that sends a stored object with its keys in another order changes nothing in the feed, and no hook runs', async () => {
    const userUpdated = vi.fn();
    const h = harness({ hooks: { userUpdated } });
    const u = await h.createUser('bjensen', { name: { givenName: 'Barbara', familyName: 'Jensen' } });
    const put = await h.call('PUT', `/Users/${u.id}`, {
      schemas: [URN.User],
      userName: 'bjensen',
      name: { familyName: 'Jensen', givenName: 'Barbara' },
    });
    expect(put.status).toBe(200);
    const feed = await h.handler.changes('default');
    expect(feed.at(-1)).toMatchObject({ type: 'user.updated', changes: [] });
    expect(userUpdated).not.toHaveBeenCalled();
  });
});

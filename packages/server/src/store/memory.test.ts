import { normalizeFilter, parseFilter } from '@scim/protocol';
import { groupResourceSchema, isScimError, userResourceSchema } from '@scim/schemas';
import { beforeEach, describe, expect, test } from 'vitest';
import { describeStoreContract } from './contract.ts';
import { memoryStore } from './memory.ts';
import type { ScimStore } from './types.ts';

describeStoreContract('memory', () => memoryStore(), {
  budgeted: () => memoryStore({ queryTimeoutMs: 1 }),
});

const T = 'contoso';
let store: ScimStore;

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  data: { userName, ...extra },
  unique: [{ attribute: 'userName', value: userName.toLowerCase() }],
  change: { type: 'user.created' },
});
const userFilter = (text: string) => normalizeFilter(parseFilter(text), userResourceSchema);

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isScimError(error) ? error.code : 'not a ScimError';
  }
}

beforeEach(async () => {
  let n = 0;
  store = memoryStore({ clock: () => new Date(Date.UTC(2026, 10, 30, 10, 0, 0, n++)) });
  await store.open([{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }]);
});

describe('memoryStore', () => {
  test('create, get, update with ifVersion, delete', async () => {
    const u = await store.create(T, 'User', user('a'));
    expect(u).toMatchObject({ resourceType: 'User', version: 1, data: { userName: 'a' } });
    expect(u.created).toBe(u.lastModified);
    expect(await store.get(T, 'User', u.id)).toEqual(u);
    expect(await store.get(T, 'Group', u.id)).toBeUndefined();
    const v2 = await store.update(T, 'User', u.id, { ...user('b'), ifVersion: 1 });
    expect(v2.version).toBe(2);
    expect(v2.lastModified > u.lastModified).toBe(true);
    expect(await code(store.update(T, 'User', u.id, { ...user('c'), ifVersion: 1 }))).toBe(
      'preconditionFailed',
    );
    expect((await store.get(T, 'User', u.id))?.data.userName).toBe('b');
    expect(
      await code(store.delete(T, 'User', u.id, { ifVersion: 1, change: { type: 'user.deleted' } })),
    ).toBe('preconditionFailed');
    await store.delete(T, 'User', u.id, { change: { type: 'user.deleted' } });
    expect(await store.get(T, 'User', u.id)).toBeUndefined();
    expect(await code(store.update(T, 'User', u.id, user('d')))).toBe('notFound');
    expect(await code(store.delete(T, 'User', u.id, { change: { type: 'x' } }))).toBe('notFound');
  });

  test('uniqueness is atomic, per tenant and type, and released on update and delete', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => store.create(T, 'User', user('same'))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await code(store.create(T, 'User', user('SAME')))).toBe('uniqueness');
    await store.create('other', 'User', user('same'));
    const b = await store.create(T, 'User', user('b'));
    expect(await code(store.update(T, 'User', b.id, user('same')))).toBe('uniqueness');
    await store.update(T, 'User', b.id, user('b2'));
    await store.create(T, 'User', user('b'));
    await store.delete(T, 'User', b.id, { change: { type: 'user.deleted' } });
    await store.create(T, 'User', user('b2'));
  });

  test('members: ids must exist in the tenant, display resolved on read, removed both ways on delete', async () => {
    const a = await store.create(T, 'User', user('a', { displayName: 'Alice' }));
    const b = await store.create(T, 'User', user('b'));
    const elsewhere = await store.create('other', 'User', user('x'));
    expect(
      await code(
        store.create(T, 'Group', {
          data: { displayName: 'G' },
          unique: [],
          change: { type: 'g' },
          members: [elsewhere.id],
        }),
      ),
    ).toBe('invalidValue');
    const g = await store.create(T, 'Group', {
      data: { displayName: 'G' },
      unique: [],
      change: { type: 'g' },
      members: [a.id],
    });
    expect((await store.get(T, 'Group', g.id))?.members).toBeUndefined();
    expect((await store.get(T, 'Group', g.id, { members: true }))?.members).toEqual([
      { value: a.id, type: 'User', display: 'Alice' },
    ]);
    await store.update(T, 'Group', g.id, {
      data: { displayName: 'G' },
      unique: [],
      change: { type: 'g' },
      members: { added: [b.id], removed: [a.id] },
    });
    expect((await store.get(T, 'Group', g.id, { members: true }))?.members).toEqual([
      { value: b.id, type: 'User', display: 'b' },
    ]);
    expect(
      await code(
        store.update(T, 'Group', g.id, {
          data: {},
          unique: [],
          change: { type: 'g' },
          members: { added: ['ghost'], removed: [] },
        }),
      ),
    ).toBe('invalidValue');
    expect((await store.get(T, 'Group', g.id))?.data.displayName).toBe('G');
    expect(await store.memberOf(T, b.id)).toEqual([{ value: g.id, type: 'Group', display: 'G' }]);
    await store.delete(T, 'User', b.id, { change: { type: 'user.deleted' } });
    expect((await store.get(T, 'Group', g.id, { members: true }))?.members).toEqual([]);
    await store.update(T, 'Group', g.id, {
      data: { displayName: 'G' },
      unique: [],
      change: { type: 'g' },
      members: { added: [a.id], removed: [] },
    });
    await store.delete(T, 'Group', g.id, { change: { type: 'group.deleted' } });
    expect(await store.memberOf(T, a.id)).toEqual([]);
    const h = await store.create(T, 'Group', {
      data: { displayName: 'H' },
      unique: [],
      change: { type: 'g' },
      members: [a.id],
    });
    await store.update(T, 'Group', h.id, {
      data: { displayName: 'H' },
      unique: [],
      change: { type: 'g' },
      members: { removeAll: true, added: [], removed: [] },
    });
    expect((await store.get(T, 'Group', h.id, { members: true }))?.members).toEqual([]);
  });

  test('list: filter, sort, page, totalResults; members on request', async () => {
    for (const [n, active] of [
      ['d', true],
      ['b', false],
      ['a', true],
      ['c', true],
    ] as const) {
      await store.create(T, 'User', user(n, { active, emails: [{ value: `${n}@x.com`, type: 'work' }] }));
    }
    const all = await store.list(T, { resourceType: 'User', startIndex: 1, count: 10 });
    expect(all.resources.map((r) => r.data.userName)).toEqual(['d', 'b', 'a', 'c']);
    const active = await store.list(T, {
      resourceType: 'User',
      filter: userFilter('active eq true and emails[type eq "work" and value ew "x.com"]'),
      sort: {
        path: { attribute: 'userName', definition: userResourceSchema.resolvePath('userName')!.definition },
        descending: false,
      },
      startIndex: 2,
      count: 1,
    });
    expect(active.totalResults).toBe(3);
    expect(active.resources.map((r) => r.data.userName)).toEqual(['c']);
    const meta = await store.list(T, {
      resourceType: 'User',
      filter: userFilter('meta.created pr and id pr'),
      startIndex: 1,
      count: 0,
    });
    expect(meta).toEqual({ totalResults: 4, resources: [] });
    expect((await store.list('other', { resourceType: 'User', startIndex: 1, count: 10 })).totalResults).toBe(
      0,
    );
    const g = await store.create(T, 'Group', {
      data: { displayName: 'G' },
      unique: [],
      change: { type: 'g' },
      members: [all.resources[0]!.id],
    });
    const groups = await store.list(T, {
      resourceType: 'Group',
      filter: normalizeFilter(parseFilter(`members.value eq "${all.resources[0]!.id}"`), groupResourceSchema),
      startIndex: 1,
      count: 10,
      members: true,
    });
    expect(groups.resources.map((r) => r.id)).toEqual([g.id]);
    expect(groups.resources[0]?.members).toHaveLength(1);
  });

  test('change feed: in order, per tenant, with a cursor', async () => {
    const a = await store.create(T, 'User', user('a'));
    await store.update(T, 'User', a.id, {
      ...user('a'),
      change: { type: 'user.updated', changes: [{ path: 'x' }] },
    });
    await store.create('other', 'User', user('z'));
    await store.delete(T, 'User', a.id, { change: { type: 'user.deleted' } });
    const feed = await store.changes(T);
    expect(feed.map((e) => [e.type, e.version])).toEqual([
      ['user.created', 1],
      ['user.updated', 2],
      ['user.deleted', 0],
    ]);
    expect(feed[1]).toMatchObject({ tenant: T, resourceType: 'User', id: a.id, changes: [{ path: 'x' }] });
    expect(await store.changes(T, { after: feed[0]!.cursor, limit: 1 })).toEqual([feed[1]]);
    expect(await store.changes(T, { after: feed[2]!.cursor })).toEqual([]);
  });

  test('tokens: insert, find by hash, list per tenant, update only within the tenant', async () => {
    await store.tokens.insert({ id: 't1', tenant: T, hash: 'h1', created: '2026-11-30T10:00:00.000Z' });
    expect((await store.tokens.findByHash('h1'))?.id).toBe('t1');
    expect(await store.tokens.findByHash('nope')).toBeUndefined();
    expect(await store.tokens.list('other')).toEqual([]);
    expect(await store.tokens.update('other', 't1', { revoked: 'now' })).toBe(false);
    expect(await store.tokens.update(T, 't1', { revoked: 'now' })).toBe(true);
    expect((await store.tokens.list(T))[0]?.revoked).toBe('now');
  });

  test('a closed store is unavailable (503) until opened again', async () => {
    await store.close();
    expect(await code(store.ping())).toBe('unavailable');
    expect(await code(store.create(T, 'User', user('a')))).toBe('unavailable');
    await store.open([{ name: 'User' }]);
    await store.ping();
  });

  test('list: an eq on id, userName, externalId or displayName (the lookup) finds what a scan finds', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const extra: Record<string, unknown> = {
        externalId: `E${i % 7}`,
        displayName: i % 3 === 0 ? 'Same' : `D${i}`,
      };
      if (i % 5 === 0) extra.DisplayName = ['Other', 42];
      ids.push((await store.create(T, 'User', user(i % 4 === 0 ? `User${i}@X` : `user${i}@x`, extra))).id);
    }
    await store.create('other', 'User', user('user1@x', { externalId: 'E1' }));
    await store.create(T, 'Group', {
      data: { displayName: 'Same' },
      unique: [],
      change: { type: 'group.created' },
    });
    await store.update(T, 'User', ids[1]!, { ...user('renamed@x', { externalId: 'E9' }) });
    await store.delete(T, 'User', ids[2]!, { change: { type: 'user.deleted' } });
    const filters = [
      'userName eq "user1@x"',
      'userName eq "USER4@x"',
      'userName eq "renamed@X"',
      'userName eq "user2@x"',
      'externalId eq "E1"',
      'externalId eq "e1"',
      'externalId eq "E9"',
      'displayName eq "same"',
      'displayName eq "other"',
      'displayName eq "42"',
      `id eq "${ids[3]}"`,
      `id eq "${ids[2]}"`,
      `id eq "${ids[3]}" or id eq "${ids[5]}" or id eq "nope"`,
      'userName eq "user5@x" and externalId eq "E5"',
      'userName eq "user5@x" and externalId eq "E6"',
      'externalId eq "E3" and (displayName eq "Same" or userName sw "user")',
      'externalId eq "E3" or userName eq "user1@x"',
      'not (externalId eq "E3")',
    ];
    for (const text of filters) {
      const query = { resourceType: 'User', startIndex: 1, count: 100 };
      const found = await store.list(T, { ...query, filter: userFilter(text) });
      // An `or` with an attribute outside the lookup makes the store scan every row.
      const scanned = await store.list(T, { ...query, filter: userFilter(`(${text}) or title eq "never"`) });
      expect(found, text).toEqual(scanned);
      const sorted = {
        ...query,
        count: 2,
        startIndex: 2,
        sort: {
          path: { attribute: 'userName', definition: userResourceSchema.resolvePath('userName')!.definition },
          descending: true,
        },
      };
      expect(await store.list(T, { ...sorted, filter: userFilter(text) }), text).toEqual(
        await store.list(T, { ...sorted, filter: userFilter(`(${text}) or title eq "never"`) }),
      );
    }
    expect(
      (
        await store.list(T, {
          resourceType: 'User',
          startIndex: 1,
          count: 9,
          filter: userFilter('externalId eq "E1"'),
        })
      ).totalResults,
    ).toBe(4);
  });

  test('returned data is a copy: changing it does not change the store', async () => {
    const a = await store.create(T, 'User', user('a', { emails: [{ value: 'x' }] }));
    (a.data.emails as { value: string }[])[0]!.value = 'changed';
    expect((await store.get(T, 'User', a.id))?.data.emails).toEqual([{ value: 'x' }]);
  });
});

import { compileFilter, normalizeFilter, parseFilter } from '@scim/protocol';
import { userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryTenant, type Row } from './memory-tenant.ts';

let seq = 0;
function add(t: MemoryTenant, id: string, data: Record<string, unknown>, resourceType = 'User'): Row {
  const row: Row = {
    seq: ++seq,
    id,
    resourceType,
    data,
    version: 1,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-01T00:00:00.000Z',
    unique: [],
    lookupKeys: [],
  };
  t.rowsOf(resourceType).set(id, row);
  t.byId.set(id, row);
  t.setUnique(row, []);
  t.setLookup(row);
  return row;
}

const userFilter = (text: string) => normalizeFilter(parseFilter(text), userResourceSchema);

describe('MemoryTenant', () => {
  it('finds eq candidates through the lookup, and follows a row whose value changed', () => {
    const t = new MemoryTenant();
    const a = add(t, 'a', { userName: 'Alice' });
    add(t, 'b', { userName: 'bob', displayName: 'Alice' });
    expect([...(t.candidates('User', userFilter('userName eq "ALICE"')) ?? [])].map((r) => r.id)).toEqual([
      'a',
    ]);
    a.data = { userName: 'carol' };
    t.setLookup(a);
    expect(t.candidates('User', userFilter('userName eq "alice"'))?.size).toBe(0);
    expect([...(t.candidates('User', userFilter('userName eq "Carol"')) ?? [])].map((r) => r.id)).toEqual([
      'a',
    ]);
    // A filter the lookup cannot serve is left to the scan.
    expect(t.candidates('User', userFilter('userName co "a"'))).toBeUndefined();
    expect(t.candidates('User', userFilter('userName eq "a" or title eq "x"'))).toBeUndefined();
  });

  it('removes a row with its unique values, lookup keys and memberships both ways', () => {
    const t = new MemoryTenant();
    const user = add(t, 'u', { userName: 'u1' });
    t.setUnique(user, [{ attribute: 'userName', value: 'u1' }]);
    add(t, 'g', { displayName: 'Staff' }, 'Group');
    add(t, 'h', { displayName: 'Admins' }, 'Group');
    t.addMember('g', 'u', 'U One');
    t.addMember('h', 'g', undefined);
    expect(t.memberList('g')).toEqual([{ value: 'u', type: 'User', display: 'U One' }]);
    expect(t.groupsOf('g')).toEqual([{ value: 'h', type: 'Group', display: 'Admins' }]);
    expect(() => t.checkUnique('User', [{ attribute: 'userName', value: 'u1' }], undefined)).toThrow(
      /already exists/,
    );
    t.remove(user);
    t.remove(t.find('Group', 'g')!);
    expect(t.find('User', 'u')).toBeUndefined();
    expect(t.memberList('h')).toEqual([]);
    expect(t.groupsOf('u')).toEqual([]);
    expect(t.candidates('User', userFilter('userName eq "u1"'))?.size).toBe(0);
    expect(() => t.checkUnique('User', [{ attribute: 'userName', value: 'u1' }], undefined)).not.toThrow();
  });

  it('rejects a member that is not in the tenant, or the group itself, unless unknown ones are skipped', () => {
    const t = new MemoryTenant();
    add(t, 'g', { displayName: 'Staff' }, 'Group');
    add(t, 'u', { userName: 'u' });
    expect(() => t.checkMembers('g', ['u', 'nope'], 'reject')).toThrow(/not a resource of this tenant/);
    expect(() => t.checkMembers('g', ['g'], undefined)).toThrow(/member of itself/);
    expect(t.checkMembers('g', ['nope', 'u'], 'skip')).toEqual(['u']);
  });

  // The lookup narrows the rows a list looks at: every row the filter matches must be among them.
  it('the candidates of an eq filter include every row the filter matches', () => {
    const name = fc.constantFrom('alice', 'ALICE', 'Bob', 'bob', 'ß', 'SS', 'ǅ', '1', 'true');
    const value = fc.oneof(
      name,
      fc.array(name, { maxLength: 2 }),
      fc.integer({ min: 0, max: 2 }),
      fc.boolean(),
    );
    const data = fc.record(
      { userName: value, UserName: value, displayName: value, externalId: value },
      { requiredKeys: [] },
    );
    const query = fc
      .tuple(fc.constantFrom('userName', 'displayName', 'externalId', 'id'), name)
      .map(([a, v]) => `${a} eq "${v}"`);
    const filters = fc.oneof(
      query,
      fc.tuple(query, query).map(([a, b]) => `${a} and ${b}`),
      fc.tuple(query, query).map(([a, b]) => `${a} or ${b}`),
    );
    fc.assert(
      fc.property(fc.array(data, { maxLength: 6 }), filters, (rows, text) => {
        const t = new MemoryTenant();
        const all = rows.map((d, i) => add(t, String(i), d));
        const filter = userFilter(text);
        const found = t.candidates('User', filter);
        if (found === undefined) return;
        const matches = compileFilter(filter, userResourceSchema);
        for (const row of all) {
          if (matches({ ...row.data, id: row.id })) expect(found.has(row)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

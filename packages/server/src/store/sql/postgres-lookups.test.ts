import { normalizeFilter, parseFilter, type QueryFilter, type QueryPath } from '@scim/protocol';
import { groupResourceSchema, userResourceSchema } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import type { ListQuery } from '../types.ts';
import { uniqueLookup } from './postgres-lookups.ts';

const users = (filter: string): QueryFilter => normalizeFilter(parseFilter(filter), userResourceSchema);
const page = (filter: QueryFilter, more: Partial<ListQuery> = {}): ListQuery => ({
  resourceType: 'User',
  filter,
  startIndex: 1,
  count: 100,
  ...more,
});
/** `filter` (a comparison) with its attribute's definition changed as `change` says. */
function redefined(filter: QueryFilter, change: Record<string, unknown>): QueryFilter {
  if (filter.kind !== 'compare') throw new Error('a comparison');
  return { ...filter, path: { ...filter.path, definition: { ...filter.path.definition, ...change } } };
}

// Which lists the PostgreSQL store sends together with others (sql/postgres-lookups.ts): only
// those whose every value is one index lookup of a unique attribute's first page.
const cases: [string, ListQuery, boolean][] = [
  ['userName eq', page(users('userName eq "ann"')), true],
  ['id eq', page(users('id eq "2819c223"')), true],
  ['userName eq, a page of one', page(users('userName eq "ann"'), { count: 1 }), true],
  ['userName eq, rendered only', page(users('userName eq "ann"'), { renderedOnly: true }), true],
  [
    'a caseExact userName (no index reads the data)',
    page(redefined(users('userName eq "ann"'), { caseExact: true })),
    false,
  ],
  [
    'a userName the schema does not make unique',
    page(redefined(users('userName eq "ann"'), { uniqueness: 'none' })),
    false,
  ],
  ['externalId eq (not unique)', page(users('externalId eq "x"')), false],
  ['displayName eq (not unique)', page(users('displayName eq "x"')), false],
  [
    'a group by displayName',
    {
      ...page(normalizeFilter(parseFilter('displayName eq "x"'), groupResourceSchema)),
      resourceType: 'Group',
    },
    false,
  ],
  ['userName ne', page(users('userName ne "ann"')), false],
  ['userName sw', page(users('userName sw "ann"')), false],
  ['an or of two', page(users('userName eq "a" or userName eq "b"')), false],
  ['a sub-attribute', page(users('name.familyName eq "x"')), false],
  [
    'sorted',
    page(users('userName eq "ann"'), {
      sort: { path: (users('userName pr') as { path: QueryPath }).path, descending: false },
    }),
    false,
  ],
  ['a second page', page(users('userName eq "ann"'), { startIndex: 2 }), false],
  ['a count of 0', page(users('userName eq "ann"'), { count: 0 }), false],
  ['a keyset page', page(users('userName eq "ann"'), { keyset: true }), false],
  ['after a cursor', page(users('userName eq "ann"'), { after: '["a",1]' }), false],
  ['with members', page(users('id eq "x"'), { members: true }), false],
  ['unbudgeted', page(users('id eq "x"'), { unbudgeted: true }), false],
  ['a value no database holds', page(users('userName eq "a\\u0000b"')), false],
  ['no filter', { resourceType: 'User', startIndex: 1, count: 100 }, false],
];

describe('uniqueLookup', () => {
  it.each(cases.map(([name, query, batched]) => [name, batched, query] as const))(
    '%s: sent with others: %s',
    (_, batched, query) => {
      expect(uniqueLookup(query) !== undefined).toBe(batched);
    },
  );
});

import { groupResourceSchema, URN, userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueryFilter, QueryPath } from './ast.ts';
import { normalizeFilter } from './normalize.ts';
import { parseFilter } from './parse.ts';

// Paths written in any case, with and without URNs, known and unknown.
const paths = fc.constantFrom(
  'userName',
  'USERNAME',
  'name.givenName',
  'Name.FAMILYNAME',
  'emails',
  'emails.value',
  'emails.primary',
  'active',
  'meta.created',
  'meta.lastModified',
  'id',
  'externalId',
  'schemas',
  'groups.display',
  'x509Certificates.value',
  `${URN.EnterpriseUser}:manager`,
  `${URN.EnterpriseUser.toUpperCase()}:Manager.Value`,
  `${URN.EnterpriseUser}:employeeNumber`,
  `${URN.User}:userName`,
  'nickName2',
  'name.nickName2',
);
const values = fc.constantFrom(
  '"x"',
  '"2015-10-10T14:38:21-07:00"',
  '"True"',
  '5',
  'true',
  'null',
  '"42"',
  'jyoung',
);
const leaf = fc.oneof(
  paths.map((p) => `${p} pr`),
  fc
    .tuple(paths, fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'), values)
    .map((t) => t.join(' ')),
  fc
    .tuple(
      fc.constantFrom('type', 'VALUE', 'primary', 'display', 'bogus'),
      fc.constantFrom('eq', 'ne', 'sw'),
      values,
    )
    .map(([s, op, v]) => `emails[${s} ${op} ${v}]`),
);
const filter = fc
  .array(leaf, { minLength: 1, maxLength: 4 })
  .chain((parts) => fc.constantFrom(' and ', ' or ').map((op) => parts.map((p) => `(${p})`).join(op)));

/** Checks what the query form promises, throwing on the first broken promise. */
function checkQueryForm(f: QueryFilter, inValuePath: boolean): void {
  const checkPath = (p: QueryPath) => {
    if (inValuePath) {
      expect(p.urn).toBeUndefined();
      expect(p.subAttribute).toBeUndefined();
      expect(p.parent).toBeDefined();
      expect(p.attribute).toBe(p.definition.name);
      return;
    }
    if (p.subAttribute === undefined) {
      expect(p.attribute).toBe(p.definition.name);
    } else {
      expect(p.subAttribute).toBe(p.definition.name);
      expect(p.attribute).toBe(p.parent?.name);
    }
    if (p.urn !== undefined) expect(p.urn).toBe(URN.EnterpriseUser);
  };
  switch (f.kind) {
    case 'and':
    case 'or':
      for (const c of f.filters) checkQueryForm(c, inValuePath);
      return;
    case 'not':
      checkQueryForm(f.filter, inValuePath);
      return;
    case 'present':
      checkPath(f.path);
      return;
    case 'valuePath':
      expect(inValuePath).toBe(false);
      expect(f.path.definition.type).toBe('complex');
      checkPath(f.path);
      checkQueryForm(f.filter, true);
      return;
    case 'compare': {
      checkPath(f.path);
      const { type } = f.path.definition;
      expect(type).not.toBe('complex');
      if (type === 'integer' || type === 'decimal') expect(typeof f.value).toBe('number');
      else if (type === 'boolean') expect(typeof f.value).toBe('boolean');
      else if (type === 'dateTime') expect(f.value).toBe(new Date(String(f.value)).toISOString());
      else expect(typeof f.value).toBe('string');
      if (type === 'boolean' || type === 'binary') expect(['gt', 'ge', 'lt', 'le']).not.toContain(f.op);
      if (type !== 'string' && type !== 'reference' && type !== 'binary') {
        expect(['co', 'sw', 'ew']).not.toContain(f.op);
      }
    }
  }
}

describe('normalizeFilter: the query form', () => {
  for (const profile of ['entra', 'strict'] as const) {
    it(`keeps its promises, or throws invalidFilter (${profile})`, () => {
      fc.assert(
        fc.property(filter, (text) => {
          let q: QueryFilter;
          try {
            q = normalizeFilter(parseFilter(text, { profile: 'entra' }), userResourceSchema, { profile });
          } catch (error) {
            expect((error as { scimType?: string }).scimType).toBe('invalidFilter');
            return;
          }
          checkQueryForm(q, false);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('normalizes to the same form twice', () => {
    fc.assert(
      fc.property(filter, (text) => {
        let q: QueryFilter;
        try {
          q = normalizeFilter(parseFilter(text), userResourceSchema);
        } catch {
          return;
        }
        expect(normalizeFilter(q, userResourceSchema)).toEqual(q);
      }),
      { numRuns: 200 },
    );
  });

  it('resolves against the schema it is given', () => {
    expect(normalizeFilter(parseFilter('userName eq "x"'), groupResourceSchema)).toEqual({
      kind: 'or',
      filters: [],
    });
    expect(normalizeFilter(parseFilter('MEMBERS[VALUE eq "1"]'), groupResourceSchema)).toMatchObject({
      kind: 'valuePath',
      path: { attribute: 'members' },
      filter: { kind: 'compare', path: { attribute: 'value' }, op: 'eq', value: '1' },
    });
  });
});

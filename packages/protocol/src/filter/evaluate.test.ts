import { groupResourceSchema, isScimError, URN, userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ComparisonOperator, Filter, FilterValue } from './ast.ts';
import { compileFilter, compileValueFilter, evaluateFilter } from './evaluate.ts';
import { normalizeFilter } from './normalize.ts';
import { parseFilter } from './parse.ts';
import { stringifyFilter } from './stringify.ts';

const words = fc.constantFrom(
  'alice',
  'Alice',
  'BOB',
  'bob',
  'work',
  'home',
  'x@Example.com',
  'y@example.org',
  '',
  'a',
);
const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) })
  .map((ms) => new Date(ms).toISOString());

const user = fc.record(
  {
    userName: words,
    title: fc.option(words, { nil: undefined }),
    active: fc.oneof(fc.boolean(), fc.constantFrom('True', 'false')),
    name: fc.record({ givenName: words, familyName: words }, { requiredKeys: [] }),
    emails: fc.array(
      fc.record({ value: words, type: words, primary: fc.boolean() }, { requiredKeys: ['value'] }),
      {
        maxLength: 3,
      },
    ),
    meta: fc.record({ created: instant }),
    [URN.EnterpriseUser]: fc.record(
      { employeeNumber: words, manager: fc.record({ value: words }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

interface Leaf {
  readonly text: string;
  readonly ops: readonly ComparisonOperator[];
  readonly value: fc.Arbitrary<FilterValue>;
}
const STRING_OPS: readonly ComparisonOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'];
const leaves: readonly Leaf[] = [
  { text: 'userName', ops: STRING_OPS, value: words },
  { text: 'title', ops: STRING_OPS, value: words },
  { text: 'name.givenName', ops: STRING_OPS, value: words },
  { text: 'emails.value', ops: STRING_OPS, value: words },
  { text: 'emails', ops: STRING_OPS, value: words },
  { text: 'emails.type', ops: ['eq', 'ne'], value: words },
  { text: 'active', ops: ['eq', 'ne'], value: fc.boolean() },
  { text: 'emails.primary', ops: ['eq', 'ne'], value: fc.boolean() },
  { text: 'meta.created', ops: ['eq', 'ne', 'gt', 'lt', 'ge', 'le'], value: instant },
  { text: `${URN.EnterpriseUser}:employeeNumber`, ops: STRING_OPS, value: words },
  { text: `${URN.EnterpriseUser}:manager`, ops: ['eq', 'ne', 'sw'], value: words },
  { text: 'nickName2', ops: ['eq'], value: words },
];

const leaf: fc.Arbitrary<string> = fc.constantFrom(...leaves).chain((l) =>
  fc.oneof(
    fc.constant(`${l.text} pr`),
    fc.tuple(fc.constantFrom(...l.ops), l.value).map(([op, v]) => `${l.text} ${op} ${JSON.stringify(v)}`),
  ),
);
const valuePath = fc
  .tuple(fc.constantFrom('type', 'value'), fc.constantFrom('eq', 'co', 'sw'), words)
  .map(([sub, op, v]) => `emails[${sub} ${op} ${JSON.stringify(v)}]`);
const filterText: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    leaf,
    valuePath,
    fc.tuple(tie('f'), fc.constantFrom('and', 'or'), tie('f')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    tie('f').map((a) => `not (${a})`),
  ),
})).f;

const RUNS = { numRuns: 200 };

describe('compileFilter (properties over random users and filters)', () => {
  it('never throws on a filter that fits the schema, and follows not / and / or', () => {
    fc.assert(
      fc.property(filterText, filterText, fc.array(user, { maxLength: 4 }), (a, b, users) => {
        const fa = parseFilter(a);
        const fb = parseFilter(b);
        const pa = compileFilter(fa, userResourceSchema);
        const pb = compileFilter(fb, userResourceSchema);
        const not = compileFilter({ kind: 'not', filter: fa }, userResourceSchema);
        const and = compileFilter({ kind: 'and', filters: [fa, fb] }, userResourceSchema);
        const or = compileFilter({ kind: 'or', filters: [fa, fb] }, userResourceSchema);
        for (const u of users) {
          expect(not(u)).toBe(!pa(u));
          expect(and(u)).toBe(pa(u) && pb(u));
          expect(or(u)).toBe(pa(u) || pb(u));
        }
      }),
      RUNS,
    );
  });

  it('gives the same answers for the filter, its query form, and its text written back', () => {
    fc.assert(
      fc.property(filterText, fc.array(user, { minLength: 1, maxLength: 4 }), (text, users) => {
        const f = parseFilter(text);
        const direct = compileFilter(f, userResourceSchema);
        const query = compileFilter(normalizeFilter(f, userResourceSchema), userResourceSchema);
        const again = compileFilter(parseFilter(stringifyFilter(f)), userResourceSchema);
        for (const u of users) {
          expect(query(u)).toBe(direct(u));
          expect(again(u)).toBe(direct(u));
        }
      }),
      RUNS,
    );
  });

  it('ignores the case of attribute names and operators', () => {
    fc.assert(
      fc.property(filterText, fc.array(user, { minLength: 1, maxLength: 4 }), (text, users) => {
        // Upper-case everything outside string literals: names, operators, keywords, true/false.
        const shouted = text.replace(/"(?:[^"\\]|\\.)*"|[^"]+/g, (part) =>
          part.startsWith('"') ? part : part.toUpperCase(),
        );
        const p = compileFilter(parseFilter(text), userResourceSchema);
        const q = compileFilter(parseFilter(shouted), userResourceSchema);
        for (const u of users) expect(q(u)).toBe(p(u));
      }),
      RUNS,
    );
  });

  it('treats emails[sub op v] like emails.sub op v when the filter is one comparison', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('type', 'value'),
        fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew'),
        words,
        fc.array(user, { minLength: 1, maxLength: 4 }),
        (sub, op, v, users) => {
          const p = compileFilter(
            parseFilter(`emails[${sub} ${op} ${JSON.stringify(v)}]`),
            userResourceSchema,
          );
          const q = compileFilter(
            parseFilter(`emails.${sub} ${op} ${JSON.stringify(v)}`),
            userResourceSchema,
          );
          for (const u of users) expect(p(u)).toBe(q(u));
        },
      ),
      RUNS,
    );
  });

  it('compares userName without regard to case, and id with it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 10 }), (name) => {
        const u = { id: name, userName: name };
        expect(
          evaluateFilter(
            parseFilter(`userName eq ${JSON.stringify(name.toUpperCase())}`),
            u,
            userResourceSchema,
          ),
        ).toBe(name.toUpperCase().toLowerCase() === name.toLowerCase());
        expect(
          evaluateFilter(parseFilter(`id eq ${JSON.stringify(name.toUpperCase())}`), u, userResourceSchema),
        ).toBe(name.toUpperCase() === name);
      }),
      RUNS,
    );
  });
});

describe('dateTime comparisons', () => {
  const ms = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) });
  const offset = fc.integer({ min: -14 * 60, max: 14 * 60 });
  /** The same instant written with a UTC offset of `minutes`, to the millisecond. */
  function withOffset(at: number, minutes: number): string {
    const local = new Date(at + minutes * 60_000).toISOString().slice(0, 23);
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  it('compares instants, whatever the offsets of the stored value and of the filter', () => {
    fc.assert(
      fc.property(
        ms,
        ms,
        offset,
        offset,
        fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le'),
        (a, b, oa, ob, op) => {
          const expected = { eq: a === b, ne: a !== b, gt: a > b, ge: a >= b, lt: a < b, le: a <= b }[op];
          const f = parseFilter(`meta.created ${op} "${withOffset(b, ob)}"`);
          for (const created of [new Date(a).toISOString(), withOffset(a, oa)]) {
            expect(evaluateFilter(f, { meta: { created } }, userResourceSchema)).toBe(expected);
          }
        },
      ),
      RUNS,
    );
  });
});

describe('evaluateFilter', () => {
  it('finds attributes whose names the resource spells in another case', () => {
    const u = { USERNAME: 'bjensen', Emails: [{ VALUE: 'b@x.com', Type: 'work' }] };
    expect(evaluateFilter(parseFilter('userName eq "bjensen"'), u, userResourceSchema)).toBe(true);
    expect(
      evaluateFilter(parseFilter('emails[type eq "work" and value ew "@x.com"]'), u, userResourceSchema),
    ).toBe(true);
  });

  it('does not read inherited properties', () => {
    const u = Object.create({ userName: 'inherited' }) as object;
    expect(evaluateFilter(parseFilter('userName pr'), u, userResourceSchema)).toBe(false);
  });

  it('treats objects made only of empty values as not present', () => {
    const f = parseFilter('name pr');
    expect(evaluateFilter(f, { name: { givenName: '', familyName: null } }, userResourceSchema)).toBe(false);
    expect(evaluateFilter(f, { name: { givenName: 'B' } }, userResourceSchema)).toBe(true);
  });

  it('finds no attribute in a resource that is not an object', () => {
    for (const r of [null, undefined, 42, 'x', []]) {
      expect(evaluateFilter(parseFilter('userName pr or not (title pr)'), r, userResourceSchema)).toBe(true);
      expect(evaluateFilter(parseFilter('userName pr'), r, userResourceSchema)).toBe(false);
    }
  });

  it('throws invalidFilter as a ScimError when the filter does not fit the schema', () => {
    let thrown: unknown;
    try {
      evaluateFilter(parseFilter('active gt true'), {}, userResourceSchema);
    } catch (error) {
      thrown = error;
    }
    expect(isScimError(thrown) && thrown.scimType).toBe('invalidFilter');
  });
});

describe('normalizeFilter', () => {
  it('writes the query form with canonical names and typed values', () => {
    const q = normalizeFilter(
      parseFilter(
        'EMAILS co "@x" and URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:MANAGER.VALUE eq "1" and META.CREATED gt 2015-10-10T14:38:21.8617979-07:00',
      ),
      userResourceSchema,
    );
    expect(stringifyFilter(q)).toBe(
      `emails.value co "@x" and ${URN.EnterpriseUser}:manager.value eq "1" and meta.created gt "2015-10-10T21:38:21.861Z"`,
    );
    expect(q.kind === 'and' && q.filters[0]?.kind === 'compare' && q.filters[0].path.parent?.name).toBe(
      'emails',
    );
  });

  it('drops the core URN and resolves common attributes through it', () => {
    const q = normalizeFilter(
      parseFilter(`${URN.User}:userName eq "a" and ${URN.User}:id eq "1"`),
      userResourceSchema,
    );
    expect(stringifyFilter(q)).toBe('userName eq "a" and id eq "1"');
  });

  it('turns eq null and ne null into presence tests', () => {
    const q = normalizeFilter(parseFilter('title eq null or title ne null'), userResourceSchema);
    expect(stringifyFilter(q)).toBe('not (title pr) or title pr');
  });

  it('rejects operators other than eq and ne with null', () => {
    expect(() => normalizeFilter(parseFilter('title gt null'), userResourceSchema)).toThrow(/null/);
  });

  it('turns an unknown attribute into the false constant in entra', () => {
    expect(normalizeFilter(parseFilter('foo eq "x"'), userResourceSchema)).toEqual({
      kind: 'or',
      filters: [],
    });
  });

  it('coerces a number to a string for string attributes in entra only', () => {
    const q = normalizeFilter(parseFilter('externalId eq 701984'), userResourceSchema);
    expect(q.kind === 'compare' && q.value).toBe('701984');
    expect(() =>
      normalizeFilter(parseFilter('externalId eq 701984'), userResourceSchema, { profile: 'strict' }),
    ).toThrow(/quoted string/);
  });
});

describe('compileValueFilter', () => {
  it('matches the values of a multi-valued attribute that a PATCH value path targets', () => {
    const isWork = compileValueFilter(
      { attribute: 'EMAILS' },
      parseFilter('type eq "WORK"'),
      userResourceSchema,
    );
    const emails = [{ value: 'a@x.com', type: 'work' }, { value: 'b@x.com', type: 'home' }, null, 'x'];
    expect(emails.map(isWork)).toEqual([true, false, false, false]);
  });

  it('matches group members by value', () => {
    const member = compileValueFilter(
      { attribute: 'members' },
      parseFilter('value eq "2819c223"'),
      groupResourceSchema,
    );
    expect(member({ value: '2819c223' })).toBe(true);
    // A member's value is an id, caseExact (RFC 7643 section 3.1), whatever the schema says of
    // members.value; with every operator, as PATCH and the stores compare member ids.
    expect(member({ value: '2819C223' })).toBe(false);
    const starts = compileValueFilter(
      { attribute: 'members' },
      parseFilter('value sw "2819C"'),
      groupResourceSchema,
    );
    expect(starts({ value: '2819c223' })).toBe(false);
    expect(starts({ value: '2819C223' })).toBe(true);
    expect(member({ value: '2819c224' })).toBe(false);
  });

  it('matches nothing for an unknown attribute in entra and throws in strict', () => {
    const f: Filter = parseFilter('type eq "work"');
    expect(compileValueFilter({ attribute: 'nope' }, f, userResourceSchema)({ type: 'work' })).toBe(false);
    expect(() =>
      compileValueFilter({ attribute: 'nope' }, f, userResourceSchema, { profile: 'strict' }),
    ).toThrow(/nope/);
  });
});

import { isScimError } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttributePath, ComparisonOperator, Filter, FilterValue } from './ast.ts';
import { parseFilter, safeParseFilter } from './parse.ts';
import { stringifyFilter } from './stringify.ts';

const OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'];

// Names, including ones that read like keywords, operators and literals.
const name = fc.oneof(
  fc.constantFrom(
    'userName',
    'emails',
    'value',
    'type',
    '$ref',
    'and',
    'or',
    'not',
    'pr',
    'eq',
    'true',
    'null',
    'x-y_z',
    'A1',
  ),
  fc.stringMatching(/^[A-Za-z$][A-Za-z0-9$_-]{0,8}$/),
);
const urnArb = (plus: boolean) =>
  fc.oneof(
    fc.constantFrom(
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      'URN:x',
    ),
    fc
      .stringMatching(/^urn:[a-z0-9.%+,;=@!$*'_-]{1,10}(:[a-z0-9.%,;=@!$*'_-]{1,10}){0,3}$/)
      // With plusAsSpace (entra), a "+" outside a string reads as a space.
      .filter((u) => plus || !u.includes('+')),
  );
const value: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ maxLength: 6 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);

function pathArb(relative: boolean, plus: boolean): fc.Arbitrary<AttributePath> {
  if (relative) return name.map((attribute) => ({ attribute }));
  return fc
    .record({
      urn: fc.option(urnArb(plus), { nil: undefined }),
      attribute: name,
      subAttribute: fc.option(name, { nil: undefined }),
    })
    .map(({ urn: u, attribute, subAttribute }) => {
      const p: { urn?: string; attribute: string; subAttribute?: string } = { attribute };
      if (u !== undefined) p.urn = u;
      if (subAttribute !== undefined) p.subAttribute = subAttribute;
      return p;
    });
}

function filterArb(relative: boolean, plus = true): fc.Arbitrary<Filter> {
  const { tree } = fc.letrec<{ tree: Filter; leaf: Filter }>((tie) => ({
    leaf: fc.oneof(
      fc.record({
        kind: fc.constant('compare' as const),
        path: pathArb(relative, plus),
        op: fc.constantFrom(...OPERATORS),
        value,
      }),
      fc.record({ kind: fc.constant('present' as const), path: pathArb(relative, plus) }),
      ...(relative
        ? []
        : [
            fc.record({
              kind: fc.constant('valuePath' as const),
              path: fc.record({ attribute: name }),
              filter: filterArb(true, plus),
            }),
          ]),
    ),
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc.record({
        kind: fc.constant('and' as const),
        filters: fc.array(tie('tree'), { minLength: 2, maxLength: 3 }),
      }),
      fc.record({
        kind: fc.constant('or' as const),
        filters: fc.array(tie('tree'), { minLength: 2, maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('tree') }),
    ),
  }));
  return tree;
}

describe('parseFilter / stringifyFilter', () => {
  it('round-trips every AST: parse(stringify(ast)) equals ast', () => {
    fc.assert(
      fc.property(filterArb(false), (ast) => {
        expect(parseFilter(stringifyFilter(ast), { profile: 'strict' })).toEqual(ast);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips in the entra profile too', () => {
    fc.assert(
      fc.property(filterArb(false, false), (ast) => {
        expect(parseFilter(stringifyFilter(ast))).toEqual(ast);
      }),
      { numRuns: 150 },
    );
  });

  const pieces = fc.constantFrom(
    '(',
    ')',
    '[',
    ']',
    '"',
    '\\',
    ' ',
    '+',
    '.',
    ':',
    '-',
    'a',
    'x',
    '1',
    'e',
    'u',
    'urn:',
    'eq',
    'pr',
    'and',
    'or',
    'not',
    'not (',
    ' and ',
    ' or ',
    ' eq ',
    ' pr',
    '"x"',
    'emails[',
    'true',
    'null',
    '\\u',
    '\n',
    '$',
  );
  const filterish = fc.oneof(
    fc.array(pieces, { maxLength: 24 }).map((p) => p.join('')),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );

  for (const profile of ['strict', 'entra'] as const) {
    it(`never throws anything but an invalidFilter ScimError on random text (${profile})`, () => {
      fc.assert(
        fc.property(filterish, (text) => {
          const r = safeParseFilter(text, { profile });
          if (r.success) {
            // What parses also writes back and parses to the same tree.
            expect(parseFilter(stringifyFilter(r.value), { profile: 'strict' })).toEqual(r.value);
          } else {
            expect(r.error.scimType).toBe('invalidFilter');
            expect(r.error.position?.offset).toBeGreaterThanOrEqual(0);
            expect(r.error.position?.offset).toBeLessThanOrEqual(text.length);
          }
        }),
        { numRuns: 400 },
      );
    });
  }

  it('rejects deep nesting with invalidFilter instead of overflowing the stack', () => {
    for (const text of [
      '('.repeat(100_000),
      `${'not ('.repeat(15_000)}a pr${')'.repeat(15_000)}`,
      `a[${'('.repeat(5000)}`,
    ]) {
      const r = safeParseFilter(text, { maxLength: Number.POSITIVE_INFINITY });
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.message).toContain('levels of nesting');
    }
  });

  // Review of issue 11: the filter's length was counted in UTF-16 units while
  // maxIndexedValueLength counts code points; every limit counts characters as code points.
  it('counts maxLength in characters (code points), not UTF-16 units', () => {
    const emoji = '\u{1F600}';
    const prefix = 'displayName eq ""';
    const fits = `displayName eq "${emoji.repeat(100 - prefix.length)}"`;
    expect(fits.length).toBeGreaterThan(100);
    expect(safeParseFilter(fits, { maxLength: 100 }).success).toBe(true);
    const over = safeParseFilter(`displayName eq "${emoji.repeat(101 - prefix.length)}"`, { maxLength: 100 });
    expect(over.success).toBe(false);
    if (!over.success) {
      expect(over.error.message).toContain('101 characters long, more than the 100 accepted');
      expect(over.error.position?.offset).toBe(16 + 2 * (101 - prefix.length));
    }
  });

  it('reads long strings full of escapes', () => {
    const f = parseFilter(`x eq "${'\\n\\"'.repeat(15_000)}"`);
    expect(f.kind === 'compare' && f.value).toBe('\n"'.repeat(15_000));
  });

  it('parses long flat chains without recursion', () => {
    const text = Array.from({ length: 5000 }, (_, k) => `id eq "${k}"`).join(' or ');
    const f = parseFilter(text, { maxLength: 100_000, maxTerms: 5000 });
    expect(f.kind === 'or' && f.filters.length).toBe(5000);
  });

  it('throws ScimError from parseFilter and returns it from safeParseFilter', () => {
    let thrown: unknown;
    try {
      parseFilter('userName xx "a"');
    } catch (error) {
      thrown = error;
    }
    expect(isScimError(thrown)).toBe(true);
    const r = safeParseFilter('userName xx "a"');
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.toJSON()).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    }
  });

  it('rejects a non-string filter with invalidFilter', () => {
    const r = safeParseFilter(42 as unknown as string);
    expect(r.success).toBe(false);
  });

  it('refuses to write what the syntax cannot hold', () => {
    expect(() => stringifyFilter({ kind: 'or', filters: [] })).toThrow(/empty "or"/);
    expect(() => stringifyFilter({ kind: 'present', path: { attribute: 'a b' } })).toThrow(/attribute name/);
    expect(() =>
      stringifyFilter({ kind: 'compare', path: { attribute: 'a' }, op: 'eq', value: Number.NaN }),
    ).toThrow(/finite/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Filter } from './ast.ts';
import { type FilterOptions, resolveFilterOptions } from './options.ts';
import { parseFilter } from './parse.ts';
import { Parser } from './parser.ts';
import { simpleComparison } from './simple.ts';

/** The general parser's answer: the AST as JSON text (member order included), or its error's message. */
function general(text: string, options: FilterOptions): string {
  try {
    const filter: Filter = new Parser(text, resolveFilterOptions(options), {
      code: 'invalidFilter',
      label: 'filter',
    }).filter();
    return JSON.stringify(filter);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

function parsed(text: string, options: FilterOptions): string {
  try {
    return JSON.stringify(parseFilter(text, options));
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const OPTIONS: readonly FilterOptions[] = [
  {},
  { profile: 'strict' },
  { maxLength: 12 },
  { maxTerms: 0 },
  { maxDepth: -1 },
  { plusAsSpace: false },
];

// Pieces of the shape and of its near misses: names, separators, operators, quotes, escapes.
const piece = fc.oneof(
  fc.constantFrom(
    'userName',
    'name',
    'familyName',
    '$ref',
    'x-y_z',
    'A1',
    'not',
    'urn',
    'urn:x:y',
    'or',
    'and',
    'pr',
    'eq',
    'EQ',
    'Eq',
    'ne',
    'co',
    'sw',
    'ew',
    'gt',
    'lt',
    'ge',
    'le',
    'xx',
    'eqx',
  ),
  fc.constantFrom(' ', '  ', '\t', '+', '.', '"', '\\', '\\"', '\\u0041', '[', ']', '(', ')', ':', '1', '-'),
  fc.string({ maxLength: 6 }),
  fc.string({ maxLength: 4, unit: 'grapheme' }),
);
const arbitraryText = fc.array(piece, { maxLength: 10 }).map((parts) => parts.join(''));

// Texts of the shape itself, values of any characters, escapes and stray quotes among them.
const shaped = fc
  .record({
    attribute: fc.stringMatching(/^[A-Za-z$][A-Za-z0-9$_-]{0,10}$/),
    sub: fc.option(fc.stringMatching(/^[A-Za-z$][A-Za-z0-9$_-]{0,6}$/), { nil: undefined }),
    op: fc.constantFrom('eq', 'EQ', 'eQ', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le', 'pr'),
    value: fc
      .array(
        fc.oneof(
          { weight: 4, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) },
          fc.constantFrom('\\n', '\\u0041', '\\"', '\\\\', '\\', '\\x', '"'),
        ),
        { maxLength: 4 },
      )
      .map((parts) => parts.join('')),
  })
  .map(
    ({ attribute, sub, op, value }) => `${attribute}${sub === undefined ? '' : `.${sub}`} ${op} "${value}"`,
  );

describe('simpleComparison (the parser without its general machinery for `attr op "text"`)', () => {
  it('gives the AST the general parser gives, member order included, whenever it answers', () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryText, shaped), fc.constantFrom(...OPTIONS), (text, options) => {
        const fast = simpleComparison(text, resolveFilterOptions(options));
        if (fast !== undefined) expect(JSON.stringify(fast)).toBe(general(text, options));
      }),
      { numRuns: 5_000 },
    );
  }, 60_000);

  it('answers every text of the shape under the default options', () => {
    fc.assert(
      fc.property(shaped, (text) => {
        const op = text.split(' ')[1]!.toLowerCase();
        const value = text.slice(text.indexOf('"') + 1, -1);
        const plain = !value.includes('"') && !value.includes('\\');
        expect(simpleComparison(text, resolveFilterOptions(undefined)) !== undefined).toBe(
          op !== 'pr' && plain,
        );
      }),
      { numRuns: 2_000 },
    );
  }, 60_000);

  it('leaves parseFilter as it was: the same AST or the same error for any text', () => {
    fc.assert(
      fc.property(fc.oneof(arbitraryText, shaped), fc.constantFrom(...OPTIONS), (text, options) => {
        expect(parsed(text, options)).toBe(general(text, options));
      }),
      { numRuns: 5_000 },
    );
  }, 60_000);

  it('reads the lookup Entra sends', () => {
    expect(
      simpleComparison('userName eq "bjensen@example.com"', resolveFilterOptions(undefined)),
    ).toStrictEqual({
      kind: 'compare',
      path: { attribute: 'userName' },
      op: 'eq',
      value: 'bjensen@example.com',
    });
    expect(simpleComparison('name.familyName sw ""', resolveFilterOptions(undefined))).toStrictEqual({
      kind: 'compare',
      path: { attribute: 'name', subAttribute: 'familyName' },
      op: 'sw',
      value: '',
    });
  });

  it('leaves to the parser what it does not read: escapes, URNs, other spacing, logic, limits', () => {
    const entra = resolveFilterOptions(undefined);
    for (const text of [
      'userName eq "a\\"b"',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"',
      'userName  eq "a"',
      'userName eq "a" ',
      ' userName eq "a"',
      'userName eq a',
      'userName eq "a" and active eq true',
      'userName pr',
      'emails[type eq "work"]',
      'userName eq "a"b"',
      'userName eq "',
    ]) {
      expect(simpleComparison(text, entra), text).toBeUndefined();
    }
    expect(simpleComparison('userName eq "a"', resolveFilterOptions({ maxLength: 5 }))).toBeUndefined();
    expect(simpleComparison('userName eq "a"', resolveFilterOptions({ maxTerms: 0 }))).toBeUndefined();
  });
});

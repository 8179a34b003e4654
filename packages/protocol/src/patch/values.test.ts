import { type AttributeDefinition, groupResourceSchema, userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findKey, sameAs, sameValue, valueLookups } from './values.ts';
import { WorkingList } from './working-list.ts';

const members = groupResourceSchema.attribute('members')?.definition;
const emails = userResourceSchema.attribute('emails')?.definition;

/**
 * The first value of `list` that is the same value as `item`: by a scan with `sameAs`, and through
 * the value index (built by a second lookup); both must agree.
 */
function indexOfSame(list: readonly unknown[], item: unknown, def: AttributeDefinition): number {
  // 32 values no item matches first: long enough for an index (short lists are always scanned).
  const fillers = Array.from({ length: 32 }, (_, k) => ({ value: `filler-${k}`, type: 'filler' }));
  const working = new WorkingList([...fillers, ...list]);
  const scanned = working.first(valueLookups(item, def), sameAs(item, def));
  const looked = working.first(valueLookups(item, def), sameAs(item, def));
  expect(looked).toBe(scanned);
  return scanned < 0 ? -1 : scanned - fillers.length;
}

describe('sameAs and the value index', () => {
  it('finds the first value sameValue finds, for members and for emails', () => {
    const text = fc.constantFrom('a', 'A', 'ab', 'AB', 'i\u0307', '\u0130', 'x\u0130', 'X', 'ß', 'SS', '');
    const value = fc.record(
      {
        value: fc.oneof(text, fc.integer(), fc.constant(undefined)),
        type: fc.constantFrom(undefined, 'work', 'WORK', 'home'),
      },
      { requiredKeys: [] },
    );
    const element = fc.oneof(value, fc.constant(null), fc.constant('a'));
    for (const def of [members, emails]) {
      if (def === undefined) throw new Error('schema attribute missing');
      fc.assert(
        fc.property(fc.array(element, { maxLength: 12 }), value, (list, item) => {
          const linear = list.findIndex((el) => sameValue(el, item, def));
          expect(indexOfSame(list, item, def)).toBe(linear);
        }),
        { numRuns: 500 },
      );
    }
  });

  it('matches a value that differs only in case when the value is not caseExact, and member ids exactly', () => {
    if (members === undefined) throw new Error('schema attribute missing');
    expect(indexOfSame([{ value: 'a' }], { value: 'A' }, members)).toBe(-1);
    if (emails === undefined) throw new Error('schema attribute missing');
    expect(indexOfSame([{ value: 'x' }, { value: 'A@X.COM' }], { value: 'a@x.com' }, emails)).toBe(1);
    // One folding rule (Unicode simple case folding): the Greek sigmas are one letter; İ has no
    // simple folding, so it is not "i" + combining dot, and ß is not "ss".
    expect(indexOfSame([{ value: 'ΝΙΚΟΣ@x.gr' }], { value: 'νικος@x.gr' }, emails)).toBe(0);
    expect(indexOfSame([{ value: '\u0130' }], { value: 'i\u0307' }, emails)).toBe(-1);
    expect(indexOfSame([{ value: 'straße@x.de' }], { value: 'strasse@x.de' }, emails)).toBe(-1);
    expect(
      indexOfSame([{ value: 'a@x.com', type: 'home' }], { value: 'A@X.COM', type: 'work' }, emails),
    ).toBe(-1);
  });
});

describe('findKey', () => {
  it('finds the key equal to the name ignoring case, as a linear lower-cased search does', () => {
    const name = fc.constantFrom(
      'userName',
      'USERNAME',
      'a',
      'A',
      'ab',
      'i\u0307',
      '\u0130',
      'x\u0130',
      'ß',
      'SS',
      '',
    );
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 6 }), name, (keys, wanted) => {
        const object = Object.fromEntries(keys.map((k) => [k, 1]));
        const linear = Object.hasOwn(object, wanted)
          ? wanted
          : keys.find((k) => k.toLowerCase() === wanted.toLowerCase());
        expect(findKey(object, wanted)).toBe(linear);
      }),
      { numRuns: 500 },
    );
    expect(findKey({ '\u0130d': 1 }, 'i\u0307D')).toBe('\u0130d');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldCase } from '../text/fold.ts';
import { indexKey, WorkingList } from './working-list.ts';

const text = fc.oneof(
  fc.constantFrom(
    'a',
    'A',
    'ß',
    'SS',
    'ss',
    'ẞ',
    'σ',
    'ς',
    'Σ',
    'K',
    '\u212a',
    'i\u0307',
    '\u0130',
    'Ꭰ',
    'ꭰ',
    '',
  ),
  fc.string({ maxLength: 3 }),
);

describe('indexKey', () => {
  it('gives one key to texts equal under Unicode simple case folding, the Greek sigmas included', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        if (foldCase(a) === foldCase(b)) expect(indexKey(a)).toBe(indexKey(b));
        else expect(indexKey(a)).not.toBe(indexKey(b));
      }),
      { numRuns: 500 },
    );
    expect(new Set(['σ', 'ς', 'Σ'].map(indexKey)).size).toBe(1);
    expect(new Set(['ẞ', 'ß'].map(indexKey)).size).toBe(1);
    expect(indexKey('SS')).not.toBe(indexKey('ß'));
    expect(indexKey('\u212a')).toBe(indexKey('k'));
    expect(indexKey('Ꭰ')).toBe(indexKey('ꭰ'));
  });
});

const FILLERS = Array.from({ length: 32 }, (_, k) => ({ value: `filler-${k}` }));

describe('WorkingList', () => {
  const value = fc.record(
    { value: text, type: fc.constantFrom('work', 'WORK', 'home', undefined) },
    {
      requiredKeys: [],
    },
  );
  const step = fc.oneof(
    fc.tuple(fc.constant('set' as const), fc.nat(20), value),
    fc.tuple(fc.constant('drop' as const), fc.nat(20), fc.constant(undefined)),
    fc.tuple(fc.constant('push' as const), fc.constant(0), value),
    fc.tuple(fc.constant('look' as const), fc.nat(20), fc.constant(undefined)),
  );

  it('proposes every slot whose value has the key, through sets, drops and pushes', () => {
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 10 }),
        fc.array(step, { maxLength: 15 }),
        text,
        (start, steps, probe) => {
          // Long enough for an index (short lists are always scanned); the fillers match no probe.
          const padded = [...FILLERS, ...start];
          const list = new WorkingList(padded);
          const model: (unknown | undefined)[] = [...padded];
          const check = () => {
            const lookups = [{ sub: 'value', keys: [indexKey(probe)] }];
            // The first lookup of a sub-attribute scans; the second builds (or uses) its index.
            list.matching(lookups, () => true);
            const expected = model.flatMap((v, i) =>
              v !== undefined &&
              typeof (v as { value?: unknown }).value === 'string' &&
              indexKey((v as { value: string }).value) === indexKey(probe)
                ? [i]
                : [],
            );
            expect(list.matching(lookups, () => true)).toEqual(expected);
          };
          for (const [kind, at, v] of steps) {
            const i = model.length === 0 ? -1 : at % model.length;
            if (kind === 'set' && i >= 0 && model[i] !== undefined) {
              list.set(i, v);
              model[i] = v;
            } else if (kind === 'drop' && i >= 0) {
              list.drop(i);
              model[i] = undefined;
            } else if (kind === 'push') {
              expect(list.push(v)).toBe(model.length);
              model.push(v);
            } else if (kind === 'look') {
              check();
            }
          }
          check();
          expect(list.values()).toEqual(model.filter((v) => v !== undefined));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tracks the values with primary: true', () => {
    const list = new WorkingList([
      { value: 'a', primary: true },
      { value: 'b' },
      { value: 'c', primary: true },
    ]);
    expect([...list.primaries].sort()).toEqual([0, 2]);
    list.set(0, { value: 'a' });
    list.set(1, { value: 'b', primary: true });
    list.drop(2);
    expect([...list.primaries]).toEqual([1]);
    expect(list.at(2)).toBeUndefined();
    expect(list.has(2)).toBe(false);
  });

  it('never changes the list it was made from', () => {
    const start = [{ value: 'a' }, {}, { value: 'b' }];
    const copy = structuredClone(start);
    const list = new WorkingList(start);
    list.dropUnassigned();
    list.set(0, { value: 'z' });
    list.push({ value: 'c' });
    expect(start).toEqual(copy);
    expect(list.values()).toEqual([{ value: 'z' }, { value: 'b' }, { value: 'c' }]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInstant } from './instant.ts';

describe('parseInstant', () => {
  it.each([
    ['2015-10-10T14:38:21.8617979-07:00', Date.UTC(2015, 9, 10, 21, 38, 21, 861)],
    ['2010-01-23T04:56:22Z', Date.UTC(2010, 0, 23, 4, 56, 22)],
    ['2010-01-23T04:56:22', Date.UTC(2010, 0, 23, 4, 56, 22)],
    ['2010-01-23', Date.UTC(2010, 0, 23)],
    ['2010-01-23T04:56+0130', Date.UTC(2010, 0, 23, 3, 26)],
    ['2012-02-29T00:00:00.5Z', Date.UTC(2012, 1, 29, 0, 0, 0, 500)],
  ])('reads %s', (text, ms) => {
    expect(parseInstant(text)).toBe(ms);
  });

  it.each([
    '',
    'yesterday',
    '2015-13-01',
    '2015-02-30',
    '2015-02-10T25:00:00Z',
    '2015-02-10T10:61:00Z',
    '2015-02-10T10:00:00+25:00',
  ])('rejects %s', (text) => {
    expect(parseInstant(text)).toBeNaN();
  });

  it('reads back what toISOString writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31) }), (ms) => {
        expect(parseInstant(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 200 },
    );
  });
});

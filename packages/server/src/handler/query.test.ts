import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { queryParams } from './query.ts';

const params = (search: string) => queryParams(new URL(`http://x/Users${search}`));

describe('queryParams', () => {
  it('matches names case-insensitively, keeps the first of each, and ignores other names', () => {
    expect(params('?FILTER=a&Count=2&filter=b&other=1&sortby=x')).toEqual({
      filter: 'a',
      count: '2',
      sortBy: 'x',
    });
  });

  it('decodes names and values as form data, and takes text without escapes as written', () => {
    expect(params('?%66ilter=userName+eq+%22a%2Bb%40x%22&count=10&attributes=userName')).toEqual({
      filter: 'userName eq "a+b@x"',
      count: '10',
      attributes: 'userName',
    });
    expect(params('?filter=userName%20eq%20%22%CE%BD%22')).toEqual({ filter: 'userName eq "ν"' });
  });

  it('refuses a value that is not UTF-8, and skips a name that is not', () => {
    expect(() => params('?filter=%FF')).toThrow(/not valid percent-encoded UTF-8/);
    expect(params('?%FF=1&count=3')).toEqual({ count: '3' });
  });

  it('reads every well-formed value as URLSearchParams does, with its spaces as %20 or as +', () => {
    // Any text (unpaired surrogates aside: they are no UTF-8), each character encoded or not,
    // spaces as `%20` or `+`: decoded to the text that was encoded.
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => ({ text: s, sent: encodeURIComponent(s) })),
      fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '@', ':', '"').map((s) => ({ text: s, sent: s })),
      fc.constantFrom('%20', '+').map((sent) => ({ text: ' ', sent })),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.constantFrom('filter', 'Filter', '%66ilter'),
        (pieces, name) => {
          const sent = pieces.map((p) => p.sent).join('');
          const text = pieces.map((p) => p.text).join('');
          const read = params(`?${name}=${sent}&count=1`);
          expect(read.filter).toBe(text);
          expect(read.filter).toBe(new URLSearchParams(`filter=${sent}`).get('filter'));
          expect(read.count).toBe('1');
        },
      ),
      { numRuns: 500 },
    );
  });
});

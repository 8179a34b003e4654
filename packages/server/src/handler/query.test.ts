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
});

import { describe, expect, it } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import { resolveConfig } from './config.ts';
import { compileQueryFilter, FILTER_CACHE, queryParams } from './query.ts';

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

describe('compileQueryFilter', () => {
  const config = resolveConfig({ store: memoryStore(), authenticate: async () => undefined });
  const users = config.types[0]!;

  it('gives the same filter object for the same text, and another for another text', () => {
    const a = compileQueryFilter('userName eq "a"', users, config);
    expect(compileQueryFilter('userName eq "a"', users, config)).toBe(a);
    expect(compileQueryFilter('userName eq "b"', users, config)).not.toBe(a);
    expect(compileQueryFilter('userName eq "b"', users, config)).toMatchObject({ value: 'b' });
    expect(compileQueryFilter('  ', users, config)).toBeUndefined();
  });

  it(`keeps at most ${FILTER_CACHE} texts per type, the oldest out first, and no long text`, () => {
    const first = compileQueryFilter('userName eq "first"', users, config);
    for (let i = 0; i < FILTER_CACHE; i++) compileQueryFilter(`userName eq "u${i}"`, users, config);
    expect(compileQueryFilter('userName eq "first"', users, config)).not.toBe(first);
    const long = `userName eq "${'x'.repeat(600)}"`;
    expect(compileQueryFilter(long, users, config)).not.toBe(compileQueryFilter(long, users, config));
  });

  it('compiles again for another config, and refuses what it refused before', () => {
    const strict = resolveConfig({
      store: memoryStore(),
      authenticate: async () => undefined,
      profile: 'strict',
    });
    const a = compileQueryFilter('userName eq "a"', users, config);
    expect(compileQueryFilter('userName eq "a"', users, strict)).not.toBe(a);
    expect(() => compileQueryFilter('userName zz "a"', users, config)).toThrow(/filter/);
    expect(() => compileQueryFilter('userName zz "a"', users, config)).toThrow(/filter/);
  });
});

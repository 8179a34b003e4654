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

  it('gives the same filter object for a text from its second time on, and another for another text', () => {
    const once = compileQueryFilter('userName eq "a"', users, config);
    const a = compileQueryFilter('userName eq "a"', users, config);
    expect(a).not.toBe(once);
    expect(a).toEqual(once);
    expect(compileQueryFilter('userName eq "a"', users, config)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(once)).toBe(false);
    expect(compileQueryFilter('userName eq "b"', users, config)).not.toBe(a);
    expect(compileQueryFilter('userName eq "b"', users, config)).toMatchObject({ value: 'b' });
    expect(compileQueryFilter('  ', users, config)).toBeUndefined();
  });

  it(`keeps at most ${FILTER_CACHE} texts per type, the oldest out first, and no long text`, () => {
    const twice = (text: string) => [
      compileQueryFilter(text, users, config),
      compileQueryFilter(text, users, config),
    ];
    const first = twice('userName eq "first"')[1];
    expect(compileQueryFilter('userName eq "first"', users, config)).toBe(first);
    for (let i = 0; i < FILTER_CACHE; i++) twice(`userName eq "u${i}"`);
    expect(compileQueryFilter('userName eq "first"', users, config)).not.toBe(first);
    // A text that comes once in a while (another user each request) is not kept.
    const rare = compileQueryFilter('userName eq "rare"', users, config);
    for (let i = 0; i < 64; i++) compileQueryFilter(`userName eq "once${i}"`, users, config);
    const again = compileQueryFilter('userName eq "rare"', users, config);
    expect(again).not.toBe(rare);
    expect(compileQueryFilter('userName eq "rare"', users, config)).not.toBe(again);
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
    expect(compileQueryFilter('userName eq "a"', users, strict)).not.toBe(a);
    expect(() => compileQueryFilter('userName zz "a"', users, config)).toThrow(/filter/);
    expect(() => compileQueryFilter('userName zz "a"', users, config)).toThrow(/filter/);
  });
});

import { describe, expect, it } from 'vitest';
import { StatementNames } from './statement-names.ts';

describe('StatementNames', () => {
  it('names a text the same each time, and different texts differently', () => {
    const names = new StatementNames();
    const a = names.nameOf('SELECT $1');
    expect(a).toMatch(/^scim_[0-9a-f]{32}$/);
    expect(names.nameOf('SELECT $1')).toBe(a);
    expect(names.nameOf('SELECT $2')).not.toBe(a);
  });

  it('names no more than its bound of texts, and keeps naming those', () => {
    const names = new StatementNames(2);
    const a = names.nameOf('a');
    names.nameOf('b');
    expect(names.nameOf('c')).toBeUndefined();
    expect(names.nameOf('a')).toBe(a);
  });
});

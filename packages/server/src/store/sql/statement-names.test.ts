import { describe, expect, it } from 'vitest';
import { StatementNames } from './statement-names.ts';

describe('StatementNames', () => {
  it('names a text from its second run on, the same each time, and different texts differently', () => {
    const names = new StatementNames();
    expect(names.nameOf('SELECT $1')).toBeUndefined();
    const a = names.nameOf('SELECT $1');
    expect(a).toMatch(/^scim_[0-9a-f]{32}$/);
    expect(names.nameOf('SELECT $1')).toBe(a);
    names.nameOf('SELECT $2');
    expect(names.nameOf('SELECT $2')).not.toBe(a);
  });

  it('names no more than its bound of texts, and keeps naming those', () => {
    const names = new StatementNames(2);
    for (const text of ['a', 'a', 'b', 'b']) names.nameOf(text);
    const a = names.nameOf('a');
    expect(a).toBeDefined();
    names.nameOf('c');
    expect(names.nameOf('c')).toBeUndefined();
    expect(names.nameOf('a')).toBe(a);
  });

  it('leaves the names to statements that run again: texts run once (a repair naming ids) take none', () => {
    const names = new StatementNames(2);
    // A burst of one-off texts, more than the bound, before the fixed statements run twice.
    for (let i = 0; i < 100; i++) expect(names.nameOf(`SELECT ... WHERE id IN ('${i}')`)).toBeUndefined();
    names.nameOf('fixed 1');
    names.nameOf('fixed 2');
    expect(names.nameOf('fixed 1')).toMatch(/^scim_/);
    expect(names.nameOf('fixed 2')).toMatch(/^scim_/);
  });

  it('forgets the oldest texts seen once past its memory, so that memory stays bounded', () => {
    const names = new StatementNames(1);
    names.nameOf('early');
    // Four texts per name are remembered: five more push the first out.
    for (let i = 0; i < 5; i++) names.nameOf(`later ${i}`);
    expect(names.nameOf('early')).toBeUndefined();
    expect(names.nameOf('later 4')).toMatch(/^scim_/);
  });
});

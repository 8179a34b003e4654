import { describe, expect, it } from 'vitest';
import { PageMarks } from './page-marks.ts';

const at = (seq: number) => ({ key: `k${seq}`, seq });

describe('PageMarks', () => {
  it('finds the nearest mark at or before an offset, of the version it was read in', () => {
    const marks = new PageMarks();
    marks.remember('list', 7, [
      [100, at(100)],
      [200, at(200)],
      [0, at(0)],
    ]);
    expect(marks.nearest('list', 99)).toBeUndefined();
    expect(marks.nearest('list', 100)).toEqual({ offset: 100, position: at(100), version: 7 });
    expect(marks.nearest('list', 199)).toEqual({ offset: 100, position: at(100), version: 7 });
    expect(marks.nearest('list', 400)).toEqual({ offset: 200, position: at(200), version: 7 });
    // Too far before: it would spare less than half the rows to skip.
    expect(marks.nearest('list', 401)).toBeUndefined();
    expect(marks.nearest('other', 5000)).toBeUndefined();
  });

  it('replaces marks of an older version and ignores those of an older one than it holds', () => {
    const marks = new PageMarks();
    marks.remember('list', 7, [[100, at(100)]]);
    marks.remember('list', 8, [[300, at(300)]]);
    expect(marks.nearest('list', 150)).toBeUndefined();
    marks.remember('list', 7, [[100, at(100)]]);
    expect(marks.nearest('list', 150)).toBeUndefined();
    expect(marks.nearest('list', 300)?.version).toBe(8);
    marks.forget('list');
    expect(marks.nearest('list', 300)).toBeUndefined();
  });

  it('keeps a bounded number of lists (least recently used dropped) and of marks per list (oldest dropped)', () => {
    const marks = new PageMarks(2, 2);
    marks.remember('a', 1, [[1, at(1)]]);
    marks.remember('b', 1, [[1, at(1)]]);
    marks.nearest('a', 1);
    marks.remember('c', 1, [[1, at(1)]]);
    expect(marks.size).toBe(2);
    expect(marks.nearest('b', 1)).toBeUndefined();
    expect(marks.nearest('a', 1)).toBeDefined();
    marks.remember('a', 1, [
      [2, at(2)],
      [3, at(3)],
    ]);
    expect(marks.nearest('a', 1)).toBeUndefined();
    expect(marks.nearest('a', 2)?.offset).toBe(2);
  });

  it('keeps no marks for a list of a very long key', () => {
    const marks = new PageMarks();
    marks.remember('x'.repeat(5000), 1, [[1, at(1)]]);
    expect(marks.size).toBe(0);
  });
});

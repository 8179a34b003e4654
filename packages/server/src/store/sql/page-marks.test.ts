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

describe('PageMarks ladders', () => {
  const ladder = { minSkip: 100, minStep: 16, maxRungs: 8 };
  const rungs = (from: number, step: number, n: number) =>
    Array.from({ length: n }, (_, i) => at(from + (i + 1) * step));
  /** Marks of a list whose page at 100 skipped 100 rows at version 7. */
  const missed = () => {
    const marks = new PageMarks(64, 32, ladder);
    marks.skipped('list', 7, 100);
    return marks;
  };
  const climbOf = (marks: PageMarks, offset: number, version = 7) => {
    const climb = marks.climb('list', offset, marks.nearest('list', offset), version);
    if (climb === undefined) throw new Error(`no climb to ${offset}`);
    return climb;
  };

  it('climbs for a page far from every mark once a page of the same data skipped as far', () => {
    const marks = new PageMarks(64, 32, ladder);
    expect(marks.mayClimb('list', 500, undefined)).toBe(false);
    marks.skipped('list', 7, 99);
    expect(marks.mayClimb('list', 500, undefined)).toBe(false);
    marks.skipped('list', 7, 100);
    expect(marks.mayClimb('list', 99, undefined)).toBe(false);
    expect(marks.mayClimb('list', 100, undefined)).toBe(true);
    // Also when the data changed since (version 8): a ladder outlives writes (it is repaired).
    expect(marks.climb('list', 100, undefined, 8)).toEqual({ list: 'list', step: 32, hops: 6 });
    // 4 rungs of 16 reach 64 only: the step doubles to 32 (4 x 32 = 128 >= 100); the climb goes on
    // to twice the offset (or the list's end), 6 rungs.
    expect(marks.climb('list', 100, undefined, 7)).toEqual({ list: 'list', step: 32, hops: 6 });
    marks.remember('list', 7, [[150, at(150)]]);
    expect(marks.mayClimb('list', 200, marks.nearest('list', 200))).toBe(false);
  });

  it('reads a page from the highest rung at or below it, of the version the rungs were read in', () => {
    const marks = missed();
    marks.climbed(climbOf(marks, 100), 7, rungs(0, 32, 3));
    expect(marks.nearest('list', 70)).toEqual({ offset: 64, position: at(64), version: 7 });
    expect(marks.nearest('list', 100)).toEqual({ offset: 96, position: at(96), version: 7 });
    expect(marks.nearest('list', 31)).toBeUndefined();
    // A page mark nearer than the rung wins.
    marks.remember('list', 7, [[90, at(90)]]);
    expect(marks.nearest('list', 95)?.offset).toBe(90);
    // Past the ladder: climb on from its last rung, up to `maxRungs`.
    const on = climbOf(marks, 400);
    expect(on).toEqual({
      list: 'list',
      step: 32,
      hops: 5,
      from: { offset: 96, position: at(96), version: 7 },
    });
    marks.climbed(on, 7, rungs(96, 32, 5));
    expect(marks.nearest('list', 400)).toEqual({ offset: 256, position: at(256), version: 7 });
    expect(marks.climb('list', 400, marks.nearest('list', 400), 7)).toBeUndefined();
  });

  it('keeps rungs while their keys fit in 256 KiB, and then climbs no more', () => {
    const marks = missed();
    const long = (i: number) => ({ key: 'k'.repeat(100_000), seq: i });
    marks.climbed(climbOf(marks, 100), 7, [long(1), long(2), long(3)]);
    expect(marks.nearest('list', 70)?.position.seq).toBe(2);
    expect(marks.nearest('list', 100)?.offset).toBe(64);
    expect(marks.climb('list', 400, marks.nearest('list', 400), 7)).toBeUndefined();
  });

  it('drops rungs hopped to from a rung of other data, keeping the older ladder for a repair', () => {
    const marks = missed();
    marks.climbed(climbOf(marks, 100), 7, rungs(0, 32, 3));
    const on = climbOf(marks, 300);
    // The data changed (version 8) between the ladder and this climb from its last rung.
    marks.climbed(on, 8, rungs(96, 32, 5));
    // The ladder stays at version 7 (a page read from it finds it stale and repairs it first).
    expect(marks.nearest('list', 70)).toEqual({ offset: 64, position: at(64), version: 7 });
    expect(marks.nearest('list', 300)).toBeUndefined();
    expect(marks.climb('list', 300, undefined, 8)).toBeUndefined();
    // A ladder of version 7 is ignored once the list holds marks of 8.
    const again = missed();
    const climb = climbOf(again, 100);
    again.remember('list', 8, [[10, at(10)]]);
    again.climbed(climb, 7, rungs(0, 32, 3));
    expect(again.nearest('list', 70)).toBeUndefined();
  });

  it('moves a repaired ladder to the new version, its rungs at their new offsets', () => {
    const marks = missed();
    marks.climbed(climbOf(marks, 100), 7, rungs(0, 32, 3));
    marks.remember('list', 7, [[40, at(40)]]);
    expect(marks.ladderOf('list')).toEqual({
      version: 7,
      writes: 0,
      step: 32,
      rungs: rungs(0, 32, 3),
      offsets: [32, 64, 96],
    });
    // The rows after the last rung, counted at its version (a count of other data is ignored).
    marks.tailed('list', 6, 96, 4);
    marks.tailed('list', 7, 64, 4);
    expect(marks.ladderOf('list')?.tail).toBeUndefined();
    marks.tailed('list', 7, 96, 4);
    expect(marks.ladderOf('list')?.tail).toBe(4);
    // A page of version 9 found its mark stale: the marks go, the ladder stays.
    marks.outdated('list', 9);
    expect(marks.nearest('list', 40)).toEqual({ offset: 32, position: at(32), version: 7 });
    // Repaired from 7 to 9: a row inserted before the second rung, one after the last.
    const copy = marks.ladderOf('list')!;
    marks.wrote();
    expect(marks.wroteSince('list')).toBe(true);
    marks.repaired('list', copy, 9, [32, 65, 97], 5);
    // Current as of the writes counted when it was copied (the one after it is not seen).
    expect(marks.wroteSince('list')).toBe(true);
    marks.repaired('list', marks.ladderOf('list')!, 9, [32, 65, 97], 5);
    expect(marks.wroteSince('list')).toBe(false);
    expect(marks.ladderVersion('list')).toBe(9);
    expect(marks.ladderOf('list')?.tail).toBe(5);
    expect(marks.nearest('list', 70)).toEqual({ offset: 65, position: at(64), version: 9 });
    // A repair of a ladder that changed since it was copied is ignored.
    marks.repaired('list', copy, 10, [1, 2, 3]);
    expect(marks.nearest('list', 70)?.offset).toBe(65);
    // Climbing on from the last rung, at its offset.
    expect(marks.climb('list', 200, marks.nearest('list', 200), 9)).toEqual({
      list: 'list',
      step: 32,
      hops: 5,
      from: { offset: 97, position: at(96), version: 9 },
    });
    marks.dropLadder('list');
    expect(marks.ladderOf('list')).toBeUndefined();
  });

  it('climbs again after twice as many skipping pages each time repairs drop the ladder', () => {
    const marks = missed();
    let version = 7;
    const deep = () => marks.mayClimb('list', 500, undefined);
    const skip = () => marks.skipped('list', ++version, 500);
    const climbed = () => marks.climbed(climbOf(marks, 100, ++version), version, rungs(0, 32, 3));
    for (const [drop, needed] of [
      [1, 2],
      [2, 4],
    ] as const) {
      climbed();
      expect(deep()).toBe(true);
      marks.dropLadder('list');
      for (let i = 0; i < needed; i++) {
        expect({ drop, i, deep: deep() }).toEqual({ drop, i, deep: false });
        skip();
      }
      expect(deep()).toBe(true);
    }
    // A repair that holds resets the count: after the next drop, two skipping pages again.
    climbed();
    marks.repaired('list', marks.ladderOf('list')!, version + 1, [32, 64, 96]);
    version++;
    marks.dropLadder('list');
    skip();
    expect(deep()).toBe(false);
    skip();
    expect(deep()).toBe(true);
  });
});

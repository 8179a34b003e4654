import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { moduleText, readRows } from '../../scripts/generate-case-folding.ts';
import { CASE_FOLDING_RUNS, CASE_FOLDING_SIZE } from './case-folding.generated.ts';
import { compareCodePoints, foldCase } from './fold.ts';

/** Every code point but the surrogates, as a string. */
function chr(cp: number): string {
  return String.fromCodePoint(cp);
}
function* codePoints(): Generator<number> {
  for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) yield cp;
}
function regexEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}
/** Whether the engine's case-insensitive matching (ECMAScript Canonicalize: CaseFolding.txt C + S) equates a and b. */
function engineEquates(a: number, b: number): boolean {
  return new RegExp(`^${regexEscape(a)}$`, 'iu').test(chr(b));
}
/**
 * Whether the engine's Unicode (`process.versions.unicode`) assigns a code point. An older Node.js
 * (22.x: Unicode 16) lacks the case pairs added since, which the table (Unicode 17) already has;
 * Unicode's stability policy never changes the folding of an assigned character, so the pairs the
 * engine knows are the ones to compare.
 */
function engineAssigns(cp: number): boolean {
  return !/^\p{Cn}$/u.test(chr(cp));
}

describe('foldCase', () => {
  it('folds the Greek sigmas alike, and never changes the length', () => {
    expect(foldCase('ΝΙΚΟΣ@x.gr')).toBe(foldCase('νικοσ@x.gr'));
    expect(foldCase('νικος@x.gr')).toBe('νικοσ@x.gr');
    expect(foldCase('ΚΑΣΑΝΔΡΑ').startsWith(foldCase('ΚΑΣ'))).toBe(true);
    expect(foldCase('straße')).not.toBe(foldCase('strasse'));
    expect(foldCase('Straße')).toBe('straße');
    expect(foldCase('ẞ')).toBe('ß');
    // U+0130 has only full (F) and Turkic (T) foldings: simple folding keeps it.
    expect(foldCase('İ')).toBe('İ');
    expect(foldCase('K')).toBe('k'); // Kelvin sign
    expect(foldCase('µ')).toBe('μ'); // micro sign
    expect(foldCase('ꭰ')).toBe('Ꭰ'); // Cherokee folds to its capitals
    expect(foldCase('𐐀')).toBe('𐐨'); // Deseret, above U+FFFF
    expect(foldCase('BJensen@Example.COM')).toBe('bjensen@example.com');
    expect(foldCase('Émile ÉMILE')).toBe('émile émile');
  });

  it('keeps the length, is idempotent, and agrees with toLowerCase on ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const f = foldCase(s);
        expect(f.length).toBe(s.length);
        expect(foldCase(f)).toBe(f);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii' }), (s) => {
        expect(foldCase(s)).toBe(s.toLowerCase());
      }),
    );
  });

  it('equates exactly what the engine case-insensitive matching equates (the table is not stale)', () => {
    const folded = (cp: number) => foldCase(chr(cp)).codePointAt(0) as number;
    // 1. Every mapping of the table between code points the engine knows is one the engine makes.
    let mapped = 0;
    for (const cp of codePoints()) {
      const f = folded(cp);
      if (f === cp) continue;
      mapped++;
      if (engineAssigns(cp) && engineAssigns(f)) {
        expect(engineEquates(f, cp), `U+${cp.toString(16)} ~ U+${f.toString(16)}`).toBe(true);
      }
      expect(folded(f)).toBe(f);
    }
    expect(mapped).toBe(CASE_FOLDING_SIZE);
    // 2. No code point the table leaves alone is equated by the engine with one the table folds:
    //    one regular expression over every such code point.
    const cased = new Set<number>();
    for (const cp of codePoints()) {
      const f = folded(cp);
      if (f !== cp) cased.add(cp).add(f);
    }
    const set = new RegExp(`[${[...cased].map(regexEscape).join('')}]`, 'iu');
    const rest: string[] = [];
    for (const cp of codePoints()) if (!cased.has(cp)) rest.push(chr(cp));
    const uncased = rest.join('');
    const stray = set.exec(uncased);
    expect(stray === null ? undefined : `U+${stray[0].codePointAt(0)?.toString(16)}`).toBeUndefined();
    // 3. Code points the table leaves alone that the engine equates with each other (a case pair
    //    new to the engine's Unicode) are linked by toLowerCase / toUpperCase: check those.
    for (const cp of codePoints()) {
      if (cased.has(cp)) continue;
      const c = chr(cp);
      for (const other of [c.toLowerCase(), c.toUpperCase()]) {
        const o = other.codePointAt(0) as number;
        if (other.length !== c.length || o === cp) continue;
        expect(engineEquates(cp, o), `U+${cp.toString(16)} and U+${o.toString(16)}`).toBe(false);
      }
    }
  }, 60_000); // a pass over all 1.1M code points: seconds on a loaded machine, not a timing test

  it('is generated from CaseFolding.txt rows as the script writes them', () => {
    const rows = readRows(
      [
        '# CaseFolding-17.0.0.txt',
        '0041; C; 0061; # LATIN CAPITAL LETTER A',
        '00DF; F; 0073 0073; # LATIN SMALL LETTER SHARP S',
        '0130; T; 0069; # LATIN CAPITAL LETTER I WITH DOT ABOVE',
        '1E9E; S; 00DF; # LATIN CAPITAL LETTER SHARP S',
        '0042; C; 0062; # LATIN CAPITAL LETTER B',
      ].join('\n'),
    );
    expect(rows).toEqual([
      { from: 0x41, to: 0x61 },
      { from: 0x42, to: 0x62 },
      { from: 0x1e9e, to: 0xdf },
    ]);
    expect(moduleText(rows, '17.0.0')).toContain('65, 2, 1, 32, 7838, 1, 1, -7615,');
    expect(CASE_FOLDING_RUNS.length % 4).toBe(0);
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, not by UTF-16 code unit', () => {
    expect(compareCodePoints('\u{1F600}', '\uFF21')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uFF21').toBe(true); // what JavaScript's < says
    expect(['😀 smile', 'Ａ wide', 'a'].sort(compareCodePoints)).toEqual(['a', 'Ａ wide', '😀 smile']);
    expect(compareCodePoints('ab', 'abc')).toBeLessThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });

  it('agrees with the order of the UTF-8 bytes (what SQLite and PostgreSQL "C" compare)', () => {
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(bytes(a), bytes(b))));
      }),
      { numRuns: 2000 },
    );
  });
});

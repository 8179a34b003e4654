import { describe, expect, it } from 'vitest';
import { type CaseRules, caseRulesOf, toLowerDotNet, toTitleChar, toUpperDotNet } from './casing.ts';

const RULES: readonly CaseRules[] = ['invariant', 'turkic', 'plain'];

describe('.NET simple case mapping', () => {
  it('maps every code point of the first two planes to exactly one code point, as .NET does', () => {
    // .NET changes case per code point and asserts the output has the input's length
    // (pal_casing.c); JavaScript's full mappings (ß → SS, İ → i̇) do not. This also proves the
    // table of characters whose full upper case differs is complete for this engine's Unicode.
    const bad: string[] = [];
    for (let cp = 0; cp <= 0x1ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      for (const rules of RULES) {
        for (const out of [toUpperDotNet(ch, rules), toLowerDotNet(ch, rules)]) {
          if (out.length !== ch.length || [...out].length !== 1) bad.push(`U+${cp.toString(16)} ${rules}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('uses the simple mappings where JavaScript applies SpecialCasing', () => {
    expect(toUpperDotNet('straße')).toBe('STRAßE');
    expect(toUpperDotNet('ﬁŉǰ')).toBe('ﬁŉǰ');
    expect(toUpperDotNet('ᾳῃῳᾀ')).toBe('ᾼῌῼᾈ'); // UnicodeData's simple upper case, not ΑΙ
    expect(toLowerDotNet('ΟΔΟΣ')).toBe('οδοσ'); // no final sigma
    expect(toLowerDotNet('ΟΔΟΣ ΟΔΟΣ')).toBe('οδοσ οδοσ');
  });

  it('keeps İ and ı under the invariant culture, as Windows does', () => {
    expect(toLowerDotNet('İ')).toBe('İ');
    expect(toUpperDotNet('ı')).toBe('ı');
    expect(toLowerDotNet('İ', 'plain')).toBe('i');
    expect(toUpperDotNet('ı', 'plain')).toBe('I');
  });

  it('applies the Turkish i rules for tr and az', () => {
    expect(toUpperDotNet('istanbul', 'turkic')).toBe('İSTANBUL');
    expect(toLowerDotNet('ISPARTA İZMİR', 'turkic')).toBe('ısparta izmir');
    expect(toUpperDotNet('ı', 'turkic')).toBe('I');
  });

  it('writes a word’s first digraph in title case, as ToTitleCase does', () => {
    expect(toTitleChar('ǆ')).toBe('ǅ');
    expect(toTitleChar('ß')).toBe('ß');
    expect(toTitleChar('ı')).toBe('ı');
  });
});

describe('caseRulesOf', () => {
  it('knows the invariant culture, Turkish and Azeri in Latin script, and other cultures', () => {
    expect(caseRulesOf('')).toBe('invariant');
    expect(caseRulesOf('tr-TR')).toBe('turkic');
    expect(caseRulesOf('TR-tr')).toBe('turkic');
    expect(caseRulesOf('az')).toBe('turkic');
    expect(caseRulesOf('az-Latn-AZ')).toBe('turkic');
    expect(caseRulesOf('az-Cyrl-AZ')).toBe('plain');
    expect(caseRulesOf('en-US')).toBe('plain');
    expect(caseRulesOf('ja-JP')).toBe('plain');
  });

  it('knows no culture for a malformed name or a language without data', () => {
    expect(caseRulesOf('xx-YY')).toBeNull();
    expect(caseRulesOf('en_US')).toBeNull();
    expect(caseRulesOf('klingon')).toBeNull();
    expect(caseRulesOf('not a culture')).toBeNull();
  });
});

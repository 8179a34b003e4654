import { CASE_FOLDING_RUNS } from './case-folding.generated.ts';

let table: Map<number, number> | undefined;

/** The C and S mappings of CaseFolding.txt, by code point (built on first use). */
function foldings(): Map<number, number> {
  if (table !== undefined) return table;
  const map = new Map<number, number>();
  for (let r = 0; r < CASE_FOLDING_RUNS.length; r += 4) {
    const first = CASE_FOLDING_RUNS[r] as number;
    const count = CASE_FOLDING_RUNS[r + 1] as number;
    const step = CASE_FOLDING_RUNS[r + 2] as number;
    const delta = CASE_FOLDING_RUNS[r + 3] as number;
    for (let i = 0; i < count; i++) map.set(first + i * step, first + i * step + delta);
  }
  table = map;
  return map;
}

/**
 * Folds a string's case with Unicode simple case folding (the mappings of CaseFolding.txt with
 * status C and S), the one rule `@scim/protocol` and `@scim/server` compare case-insensitive
 * strings by (RFC 7643 section 2.2, `caseExact: false`): filters, uniqueness, sorting and the SQL
 * stores' folded copies. `Σ`, `σ` and `ς` fold alike; the length never changes (in UTF-16 code
 * units), so `straße` and `strasse` stay distinct, and `İ` (which has no simple folding) stays as
 * it is. Folding twice gives the same string as folding once. The data is Unicode 17.0.0's.
 *
 * @param text - any string
 * @returns the folded string (the same string when nothing folds)
 * @example
 * ```ts
 * import { foldCase } from '@scim/protocol';
 * foldCase('ΝΙΚΟΣ@x.gr') === foldCase('νικοσ@x.gr'); // true
 * foldCase('Straße'); // 'straße'
 * ```
 * @see https://www.unicode.org/Public/17.0.0/ucd/CaseFolding.txt
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-2.2
 */
export function foldCase(text: string): string {
  const n = text.length;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  // ASCII folds as it lower-cases, and the engine's toLowerCase is the fastest way to do that.
  if (ascii) return text.toLowerCase();
  const map = foldings();
  let out = '';
  let last = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 65 && c <= 90) {
        out += text.slice(last, i) + String.fromCharCode(c + 32);
        last = i + 1;
      }
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        const f = map.get(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
        if (f !== undefined) {
          out += text.slice(last, i) + String.fromCodePoint(f);
          last = i + 2;
        }
        i++;
        continue;
      }
    }
    const f = map.get(c);
    if (f !== undefined) {
      out += text.slice(last, i) + String.fromCharCode(f);
      last = i + 1;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** A UTF-16 code unit moved so that surrogates (code points above U+FFFF) sort after U+E000-U+FFFF. */
function rank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/**
 * Compares two strings by Unicode code point, the order SQLite's `BINARY` and PostgreSQL's `"C"`
 * collations give UTF-8 text, and the order every `@scim/server` store sorts and filters
 * (`gt`, `lt`, ...) strings in. JavaScript's `<` compares UTF-16 code units instead, which puts
 * characters above U+FFFF (emoji) before U+E000-U+FFFF (`Ａ`, `￼`).
 *
 * @param a - a string
 * @param b - another string
 * @returns a negative number when `a` sorts first, positive when `b` does, 0 when they are equal
 * @example
 * ```ts
 * import { compareCodePoints } from '@scim/protocol';
 * ['😀 smile', 'Ａ wide'].sort(compareCodePoints); // ['Ａ wide', '😀 smile']
 * ```
 * @see https://www.sqlite.org/datatype3.html#collation
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/**
 * @internal .NET's case mapping for ToUpper, ToLower, PCase and InStr's text compare.
 *
 * .NET changes case one code point at a time with Unicode's *simple* mappings (UnicodeData.txt),
 * never the multi-character or context-dependent ones of SpecialCasing.txt that JavaScript's
 * `toUpperCase` applies: `ToUpper("straße")` is `STRAßE`, `ToLower("ΟΔΟΣ")` is `οδοσ` (no final
 * sigma), and the result has the length of the input. Three flavours exist:
 *
 * - invariant culture (no culture argument, or `""`): simple mappings, except that U+0131 `ı`
 *   upper-cases to itself and U+0130 `İ` lower-cases to itself, as on Windows;
 * - Turkish and Azeri (`tr`, `az` in Latin script): `i` upper-cases to `İ`, `I` lower-cases to `ı`;
 * - every other culture: the plain simple mappings (`İ` → `i`, `ı` → `I`).
 *
 * Source: dotnet/runtime, `src/native/libs/System.Globalization.Native/pal_casing.c`
 * (`GlobalizationNative_ChangeCase`, `ChangeCaseInvariant`, `ChangeCaseTurkish`, per code point with
 * ICU's `u_toupper`/`u_tolower`) and `TextInfo.Icu.cs` (`IcuChangeCase`: invariant, Turkish when the
 * culture's collation equates `ı` and `I`, else plain).
 */

/** How a culture changes case. */
export type CaseRules = 'invariant' | 'turkic' | 'plain';

/**
 * Characters whose JavaScript (full) upper-case mapping is several characters, so differs from the
 * simple one: SpecialCasing.txt's unconditional entries. A test checks the list against the engine.
 */
const FULL_UPPER_DIFFERS =
  /[\u00DF\u0149\u01F0\u0390\u03B0\u0587\u1E96-\u1E9A\u1F50\u1F52\u1F54\u1F56\u1F80-\u1FAF\u1FB2-\u1FB4\u1FB6\u1FB7\u1FBC\u1FC2-\u1FC4\u1FC6\u1FC7\u1FCC\u1FD2\u1FD3\u1FD6\u1FD7\u1FE2-\u1FE4\u1FE6\u1FE7\u1FF2-\u1FF4\u1FF6\u1FF7\u1FFC\uFB00-\uFB06\uFB13-\uFB17]/;

/** The simple upper-case mapping of a character in {@link FULL_UPPER_DIFFERS} (UnicodeData.txt). */
function simpleUpperOfSpecial(code: number): number {
  // ᾀ-ᾇ, ᾐ-ᾗ, ᾠ-ᾧ map to their prosgegrammeni capitals ᾈ-ᾏ, ᾘ-ᾟ, ᾨ-ᾯ.
  if (code >= 0x1f80 && code <= 0x1faf && (code & 0xf) < 8) return code + 8;
  if (code === 0x1fb3 || code === 0x1fc3 || code === 0x1ff3) return code + 9; // ᾳ ῃ ῳ → ᾼ ῌ ῼ
  return code; // ß, ŉ, ligatures…: no simple upper-case mapping
}

function upperChar(ch: string, rules: CaseRules): string {
  if (ch === 'ı' && rules === 'invariant') return ch;
  if (ch === 'i' && rules === 'turkic') return 'İ';
  if (FULL_UPPER_DIFFERS.test(ch)) return String.fromCharCode(simpleUpperOfSpecial(ch.charCodeAt(0)));
  return ch.toUpperCase();
}

function lowerChar(ch: string, rules: CaseRules): string {
  if (ch === 'İ') return rules === 'invariant' ? ch : 'i';
  if (ch === 'I' && rules === 'turkic') return 'ı';
  return ch.toLowerCase(); // one character alone: Σ is σ, never the final ς
}

const UPPER_SLOW: Record<CaseRules, RegExp> = {
  invariant: new RegExp(`${FULL_UPPER_DIFFERS.source.slice(0, -1)}\\u0131]`),
  turkic: new RegExp(`${FULL_UPPER_DIFFERS.source.slice(0, -1)}i]`),
  plain: FULL_UPPER_DIFFERS,
};
const LOWER_SLOW: Record<CaseRules, RegExp> = {
  invariant: /[\u0130\u03A3]/,
  turkic: /[I\u0130\u03A3]/,
  plain: /[\u0130\u03A3]/,
};

/** @internal Upper-cases as .NET's `TextInfo.ToUpper` does under the given rules. */
export function toUpperDotNet(s: string, rules: CaseRules = 'invariant'): string {
  if (!UPPER_SLOW[rules].test(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) out += upperChar(ch, rules);
  return out;
}

/** @internal Lower-cases as .NET's `TextInfo.ToLower` does under the given rules. */
export function toLowerDotNet(s: string, rules: CaseRules = 'invariant'): string {
  if (!LOWER_SLOW[rules].test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) out += lowerChar(ch, rules);
  return out;
}

/** .NET `ToTitleCase` writes these digraphs (Ǆ ǅ ǆ, Ǉ ǈ ǉ, Ǌ ǋ ǌ, Ǳ ǲ ǳ) in their title-case form. */
const TITLE_DIGRAPHS: Record<string, string> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

/** @internal The title-case form of one character, as .NET's `ToTitleCase` writes a word's first letter. */
export function toTitleChar(ch: string): string {
  return TITLE_DIGRAPHS[ch] ?? upperChar(ch, 'invariant');
}

const CULTURES = new Map<string, CaseRules | null>();
const CULTURE_CACHE_LIMIT = 256;

function resolveCulture(name: string): CaseRules | null {
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(name);
  } catch {
    return null; // not a well-formed BCP 47 tag
  }
  if (Intl.Collator.supportedLocalesOf(canonical, { localeMatcher: 'lookup' }).length === 0) return null;
  const locale = new Intl.Locale(canonical);
  const turkic = locale.language === 'tr' || (locale.language === 'az' && locale.script !== 'Cyrl');
  return turkic ? 'turkic' : 'plain';
}

/**
 * @internal The case rules of a culture name as `ToUpper`/`ToLower` take it (`ja-JP`, `tr-TR`), or
 * null when no culture of that name is known. `""` is the invariant culture, as in .NET.
 */
export function caseRulesOf(culture: string): CaseRules | null {
  if (culture === '') return 'invariant';
  const cached = CULTURES.get(culture);
  if (cached !== undefined) return cached;
  const rules = resolveCulture(culture);
  if (CULTURES.size >= CULTURE_CACHE_LIMIT) CULTURES.clear();
  CULTURES.set(culture, rules);
  return rules;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateAdd } from './arithmetic.ts';
import { formatDotNetDate, parseExactDate } from './custom.ts';
import {
  fileTimeOf,
  formatEntraDate,
  type Instant,
  instantFromFileTime,
  MAX_FILETIME,
  MAX_MS,
  MIN_MS,
  TICKS_PER_MS,
} from './instant.ts';
import { parseInvariantDate } from './invariant.ts';

/** Any instant .NET's DateTime can hold, to the 100 ns tick. */
const instant = fc.record({
  ms: fc.integer({ min: MIN_MS, max: MAX_MS }),
  ticks: fc.integer({ min: 0, max: TICKS_PER_MS - 1 }),
});
/** The same, truncated to whole seconds (for forms without a fraction). */
const toSeconds = (i: Instant): Instant => ({ ms: Math.floor(i.ms / 1000) * 1000, ticks: 0 });

/** Output forms of .NET's invariant culture that CDate must read back: [format, precision]. */
const FORMS: readonly [string, (i: Instant) => Instant][] = [
  ["yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK", (i) => i], // round-trip "o"
  ["yyyy'-'MM'-'dd'T'HH':'mm':'ss", toSeconds], // sortable "s"
  ["yyyy'-'MM'-'dd HH':'mm':'ss'Z'", toSeconds], // universal sortable "u"
  ["ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", toSeconds], // RFC 1123 "r"
  ['MM/dd/yyyy HH:mm:ss', toSeconds], // general "G"
  ['dddd, dd MMMM yyyy HH:mm:ss', toSeconds], // full "F"
  ['MMMM d, yyyy h:mm:ss tt', toSeconds],
  ['M/d/yyyy h:mm:ss tt', toSeconds], // Entra's own format
];

describe('parseInvariantDate (CDate) properties', () => {
  it('reads back every invariant output form of any instant, to the form’s precision', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...FORMS), (i, [format, precision]) => {
        expect(parseInvariantDate(formatDotNetDate(i, format))).toEqual(precision(i));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JavaScript’s Date.parse on ISO 8601 strings with any offset', () => {
    const offset = fc.integer({ min: -14 * 60, max: 14 * 60 });
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9000, 0, 1) }),
        offset,
        (ms, minutes) => {
          const local = new Date(ms + minutes * 60_000).toISOString().slice(0, 23);
          const sign = minutes < 0 ? '-' : '+';
          const abs = Math.abs(minutes);
          const text = `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(parseInvariantDate(text)).toEqual({ ms: Date.parse(text), ticks: 0 });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns an instant or null, never throws, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const out = parseInvariantDate(text);
        expect(out === null || (out.ms >= MIN_MS && out.ms <= MAX_MS)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns null for a day the month does not have, in every numeric form', () => {
    const impossible = fc.oneof(
      fc.record({ m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 32, max: 99 }) }),
      fc.record({ m: fc.constant(2), d: fc.integer({ min: 30, max: 31 }) }),
      fc.record({ m: fc.constantFrom(4, 6, 9, 11), d: fc.constant(31) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), impossible, (y, { m, d }) => {
        const yyyy = String(y).padStart(4, '0');
        expect(parseInvariantDate(`${yyyy}-${m}-${d}`)).toBeNull();
        expect(parseInvariantDate(`${m}/${d}/${yyyy}`)).toBeNull();
      }),
    );
  });
});

describe('custom format strings (FormatDateTime) properties', () => {
  it('round-trips any instant through fffffff to the tick', () => {
    const format = 'yyyy-MM-ddTHH:mm:ss.fffffffzzz';
    fc.assert(
      fc.property(instant, (i) => {
        expect(parseExactDate(formatDotNetDate(i, format), format)).toEqual(i);
      }),
      { numRuns: 500 },
    );
  });

  it('drops trailing zeros and a bare dot with F, as .NET does', () => {
    const i = parseInvariantDate('2021-06-30T14:05:09Z')!;
    expect(formatDotNetDate(i, 'ss.FFF')).toBe('09');
    expect(formatDotNetDate({ ...i, ms: i.ms + 120 }, 'ss.FFFFFFF')).toBe('09.12');
    expect(formatDotNetDate({ ms: i.ms + 123, ticks: 4567 }, 'ss.fffffff')).toBe('09.1234567');
  });
});

describe('AD file times', () => {
  it('round-trip any instant from 1601 on to the tick', () => {
    fc.assert(
      fc.property(instant, (i) => {
        const fileTime = fileTimeOf(i);
        if (fileTime === null) expect(i.ms).toBeLessThan(-11_644_473_600_000);
        else expect(instantFromFileTime(fileTime)).toEqual(i);
      }),
      { numRuns: 500 },
    );
  });

  it('accept 0 to DateTime.MaxValue and nothing else, as DateTime.FromFileTimeUtc', () => {
    expect(formatEntraDate(instantFromFileTime(0n)!)).toBe('1/1/1601 12:00:00 AM');
    expect(formatEntraDate(instantFromFileTime(MAX_FILETIME)!)).toBe('12/31/9999 11:59:59 PM');
    expect(instantFromFileTime(MAX_FILETIME + 1n)).toBeNull();
    expect(instantFromFileTime(9_223_372_036_854_775_807n)).toBeNull();
    expect(instantFromFileTime(-1n)).toBeNull();
  });
});

describe('dateAdd', () => {
  it('keeps the ticks and refuses to leave year 9999', () => {
    const end = parseInvariantDate('9999-12-31T00:00:00.1234567Z')!;
    expect(dateAdd('h', 1, end)).toEqual({ ms: end.ms + 3_600_000, ticks: 4567 });
    expect(dateAdd('d', 1, end)).toBeNull();
    expect(dateAdd('q', 1, end)).toBeUndefined();
  });
});

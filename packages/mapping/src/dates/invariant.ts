/**
 * @internal The date strings CDate (and the date arguments of DateAdd, DateDiff and NumFromDate)
 * accept: the forms .NET's `DateTime.Parse` reads with the invariant culture whose meaning does not
 * depend on today's date. Unzoned times are UTC, as on Entra's servers.
 *
 * | Form | Examples |
 * | --- | --- |
 * | ISO 8601 date, `-` or `/` | `2021-06-30`, `2021/6/30`, `2020-03-16-07:00` |
 * | ISO 8601 date and time, `T` or a space, round-trip `o`, sortable `s`, `u` | `2021-06-30T14:05:09.1234567Z`, `2021-06-30 14:05+08:00` |
 * | invariant short date `M/d/yyyy` (month first), two-digit years 00-49 = 20xx | `06/30/2021`, `6/30/21 2:05 PM` |
 * | month names, full or three letters, any case, an optional day name first | `June 30, 2021`, `30 Jun 2021`, `30-Jun-2021`, `Wednesday, 30 June 2021`, `June 2021`, `2021 June` |
 * | RFC 1123 `r` | `Wed, 30 Jun 2021 14:05:09 GMT` |
 *
 * A time is `H:mm`, `H:mm:ss` or `H:mm:ss.f` to `.fffffff`, with an optional `AM`/`PM`; a zone is
 * `Z`, `GMT` or an offset (`+08:00`, `+0800`, `+08`, `-7:00`) up to 14 hours. A day name must be the
 * date's (.NET rejects "the day of week was incorrect"). Not supported, because .NET fills them from
 * today's date: a time alone (`14:05`) and a month and day without a year (`June 30`).
 * @see https://learn.microsoft.com/dotnet/standard/base-types/parsing-datetime
 */
import { type Instant, instantFrom, partsOf } from './instant.ts';
import { dayNumber, monthNumber, offsetMinutes, twoDigitYear } from './names.ts';

const TIME = String.raw`(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.(?<f>\d{1,7}))?)?(?:\s*(?<mark>[AP]M))?`;
const ZONE = String.raw`(?:\s*(?<zone>Z|GMT|[+-]\d{1,2}(?::?\d{2})?))?`;
const MONTH = '(?<month>[A-Za-z]+)';

/** One regex per form: the date, then an optional time and zone. */
const form = (date: string, timeSeparator = String.raw`\s+`): RegExp =>
  new RegExp(`^${date}(?:${timeSeparator}${TIME})?${ZONE}$`, 'i');

const FORMS: readonly RegExp[] = [
  // ISO 8601: yyyy-M-d or yyyy/M/d, then T or spaces and a time
  form(String.raw`(?<year>\d{4})(?<sep>[-/])(?<m>\d{1,2})\k<sep>(?<day>\d{1,2})`, String.raw`(?:T|\s+)`),
  // invariant short date: M/d/yyyy or M/d/yy
  form(String.raw`(?<m>\d{1,2})/(?<day>\d{1,2})/(?<year>\d{4}|\d{2})`),
  // June 30, 2021 / Jun 30 2021
  form(String.raw`${MONTH}\s+(?<day>\d{1,2}),?\s+(?<year>\d{4})`),
  // 30 June 2021 / 30-Jun-2021
  form(String.raw`(?<day>\d{1,2})(?:\s+|-)${MONTH}(?:,?\s+|-)(?<year>\d{4})`),
  // June 2021 (day 1)
  form(String.raw`${MONTH},?\s+(?<year>\d{4})`),
  // 2021 June (day 1)
  form(String.raw`(?<year>\d{4})\s+${MONTH}`),
];

/** A leading day name (`Wednesday,`, `Wed`). */
const DAY_NAME = /^([A-Za-z]+),?\s+/;

/** .NET's `AdjustHour`: with AM the hour is 0-12 (12 is 0), with PM 0-23 (below 12 adds 12). */
function adjustHour(hour: number, mark: string | undefined): number | null {
  if (mark === undefined) return hour;
  if (mark.toUpperCase() === 'AM') return hour > 12 ? null : hour === 12 ? 0 : hour;
  return hour > 23 ? null : hour < 12 ? hour + 12 : hour;
}

/** The calendar date a form's groups name, written in the zone of the text. */
function dateOf(g: Record<string, string | undefined>): { year: number; month: number; day: number } | null {
  const month = g.month === undefined ? Number(g.m) : monthNumber(g.month);
  if (month === 0) return null;
  const yy = g.year!;
  return { year: yy.length === 2 ? twoDigitYear(Number(yy)) : Number(yy), month, day: Number(g.day ?? 1) };
}

function build(g: Record<string, string | undefined>, weekday: number): Instant | null {
  const date = dateOf(g);
  const hour = adjustHour(Number(g.h ?? 0), g.mark);
  const offset = g.zone === undefined ? 0 : offsetMinutes(g.zone);
  if (date === null || hour === null || offset === null) return null;
  if (weekday !== -1) {
    // The day name names the date as written, before an offset moves it to UTC.
    const written = instantFrom(date.year, date.month, date.day, 0, 0, 0, 0);
    if (written === null || partsOf(written).dayOfWeek !== weekday) return null;
  }
  const fraction = g.f === undefined ? 0 : Number(g.f.padEnd(7, '0'));
  return instantFrom(
    date.year,
    date.month,
    date.day,
    hour,
    Number(g.mi ?? 0),
    Number(g.s ?? 0),
    fraction,
    offset,
  );
}

/** No supported form is longer; longer text is rejected before any regex runs on it. */
const MAX_DATE_LENGTH = 100;

/** @internal Parses a date string as CDate does (see the module comment), or null. */
export function parseInvariantDate(text: string): Instant | null {
  let s = text.trim();
  if (s.length > MAX_DATE_LENGTH) return null;
  const dayName = DAY_NAME.exec(s);
  const weekday = dayName ? dayNumber(dayName[1]!) : -1;
  if (weekday !== -1) s = s.slice(dayName![0].length);
  for (const [i, re] of FORMS.entries()) {
    if (weekday !== -1 && i < 2) continue; // a day name comes before a month name only
    const m = re.exec(s);
    if (m?.groups) return build(m.groups, weekday);
  }
  return null;
}

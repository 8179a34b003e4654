/** @internal The invariant culture's month and day names, two-digit years and UTC offsets. */

/** @internal `DateTimeFormatInfo.InvariantInfo.MonthNames`. */
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** @internal `DateTimeFormatInfo.InvariantInfo.DayNames`, Sunday first. */
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** @internal The month (1-12) of a full or three-letter month name, case-insensitive, or 0. */
export function monthNumber(name: string): number {
  const lower = name.toLowerCase();
  return MONTHS.findIndex((m) => m.toLowerCase() === lower || m.slice(0, 3).toLowerCase() === lower) + 1;
}

/** @internal The day of the week (0 = Sunday) of a full or three-letter day name, case-insensitive, or -1. */
export function dayNumber(name: string): number {
  const lower = name.toLowerCase();
  return DAYS.findIndex((d) => d.toLowerCase() === lower || d.slice(0, 3).toLowerCase() === lower);
}

/**
 * @internal A two-digit year as the invariant culture's Gregorian calendar reads it
 * (`TwoDigitYearMax` 2049: 00-49 are 2000-2049, 50-99 are 1950-1999).
 * @see https://learn.microsoft.com/dotnet/api/system.globalization.calendar.twodigityearmax
 */
export function twoDigitYear(yy: number): number {
  return yy <= 49 ? 2000 + yy : 1900 + yy;
}

/**
 * @internal The minutes east of UTC of a zone designator: `Z`, `GMT`, or an offset `±H`, `±HH`,
 * `±H:mm`, `±HH:mm`, `±HHmm` up to 14 hours; null for anything else.
 */
export function offsetMinutes(zone: string): number | null {
  const upper = zone.toUpperCase();
  if (upper === 'Z' || upper === 'GMT') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? 0);
  if (hours > 14 || minutes > 59 || (hours === 14 && minutes > 0)) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

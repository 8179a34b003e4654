/**
 * @internal A UTC instant with .NET's precision: `DateTime` counts 100-nanosecond ticks, JavaScript's
 * `Date` milliseconds, so an instant is Unix epoch milliseconds plus 0 to 9,999 ticks. Its range is
 * .NET's `DateTime` range, 0001-01-01 to 9999-12-31T23:59:59.9999999, UTC throughout (Entra's
 * servers compute in UTC: "The returned string is always in UTC", CDate on
 * https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data).
 */
export interface Instant {
  /** Milliseconds since 1970-01-01T00:00:00Z (an integer, floored). */
  readonly ms: number;
  /** The 100-ns ticks within that millisecond, 0 to 9,999. */
  readonly ticks: number;
}

/** @internal 0001-01-01T00:00:00Z, `DateTime.MinValue`, in Unix epoch milliseconds. */
export const MIN_MS = -62_135_596_800_000;
/** @internal 9999-12-31T23:59:59.999Z, the last millisecond of `DateTime.MaxValue`. */
export const MAX_MS = 253_402_300_799_999;
/** @internal Ticks per millisecond and per second. */
export const TICKS_PER_MS = 10_000;
export const TICKS_PER_SECOND = 10_000_000;

/** @internal Whether an instant is within .NET's `DateTime` range. */
export function inRange(instant: Instant): boolean {
  return instant.ms >= MIN_MS && instant.ms <= MAX_MS;
}

/** @internal An instant from a `Date` (whole milliseconds). */
export function instantOf(date: Date): Instant {
  return { ms: date.getTime(), ticks: 0 };
}

/** @internal The calendar fields of an instant, in UTC. */
export interface DateParts {
  readonly year: number;
  readonly month: number; // 1-12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** The fraction of the second in ticks, 0 to 9,999,999. */
  readonly fraction: number;
  /** 0 = Sunday. */
  readonly dayOfWeek: number;
}

/** @internal Splits an instant into calendar fields. */
export function partsOf(instant: Instant): DateParts {
  const d = new Date(instant.ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    fraction: d.getUTCMilliseconds() * TICKS_PER_MS + instant.ticks,
    dayOfWeek: d.getUTCDay(),
  };
}

/** @internal The Unix epoch milliseconds of a UTC calendar date and time (years 0 to 99 included). */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/**
 * @internal Builds an instant from calendar fields and a UTC offset, or null when a field is out of
 * range (month 13, February 30, hour 24…) or the result leaves .NET's `DateTime` range.
 */
export function instantFrom(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: number,
  offsetMinutes = 0,
): Instant | null {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (hour > 23 || minute > 59 || second > 59 || fraction >= TICKS_PER_SECOND) return null;
  const base = utcMs(year, month, day, hour, minute, second);
  if (new Date(base).getUTCDate() !== day) return null;
  const instant = {
    ms: base + Math.floor(fraction / TICKS_PER_MS) - offsetMinutes * 60_000,
    ticks: fraction % TICKS_PER_MS,
  };
  return inRange(instant) ? instant : null;
}

/** @internal Moves an instant by whole milliseconds. */
export function addMs(instant: Instant, ms: number): Instant {
  return { ms: instant.ms + ms, ticks: instant.ticks };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * @internal Formats an instant as Entra prints dates: `M/d/yyyy h:mm:ss tt` in UTC (CDate, DateAdd,
 * DateFromNum and Now on Microsoft's functions page).
 */
export function formatEntraDate(instant: Instant): string {
  const p = partsOf(instant);
  const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${p.month}/${p.day}/${p.year} ${h12}:${pad2(p.minute)}:${pad2(p.second)} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

/** 1601-01-01T00:00:00Z (the Windows file time epoch) to the Unix epoch, in milliseconds. */
const FILETIME_TO_UNIX_MS = 11_644_473_600_000n;
/** @internal The largest file time .NET's `DateTime.FromFileTimeUtc` accepts: `DateTime.MaxValue`. */
export const MAX_FILETIME = 2_650_467_743_999_999_999n;

/**
 * @internal Converts an Active Directory file time (100-ns ticks since 1601-01-01 UTC) to an instant,
 * or null outside 0 to {@link MAX_FILETIME}, where .NET's `DateTime.FromFileTimeUtc` throws.
 */
export function instantFromFileTime(fileTime: bigint): Instant | null {
  if (fileTime < 0n || fileTime > MAX_FILETIME) return null;
  return {
    ms: Number(fileTime / 10_000n - FILETIME_TO_UNIX_MS),
    ticks: Number(fileTime % 10_000n),
  };
}

/** @internal Converts an instant to an Active Directory file time, or null before 1601 (as .NET's `ToFileTimeUtc` throws). */
export function fileTimeOf(instant: Instant): bigint | null {
  const fileTime = (BigInt(instant.ms) + FILETIME_TO_UNIX_MS) * 10_000n + BigInt(instant.ticks);
  return fileTime < 0n ? null : fileTime;
}

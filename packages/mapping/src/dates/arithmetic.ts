/** @internal DateAdd and DateDiff over instants, with VBScript's intervals (yyyy m d ww h n s). */
import { addMs, type Instant, inRange, partsOf, utcMs } from './instant.ts';

/** @internal The intervals of DateAdd and DateDiff. */
export const INTERVALS = ['yyyy', 'm', 'd', 'ww', 'h', 'n', 's'] as const;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIXED: Record<string, number> = { d: DAY, ww: 7 * DAY, h: HOUR, n: MINUTE, s: SECOND };

function addMonths(instant: Instant, months: number): Instant {
  const p = partsOf(instant);
  const total = p.year * 12 + (p.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  const last = new Date(utcMs(year, month + 1, 1) - DAY).getUTCDate();
  const msOfSecond = instant.ms - Math.floor(instant.ms / SECOND) * SECOND;
  const ms = utcMs(year, month, Math.min(p.day, last), p.hour, p.minute, p.second) + msOfSecond;
  return { ms, ticks: instant.ticks };
}

/**
 * @internal Adds `amount` intervals, clamping the day to the month's last as .NET's `AddMonths`
 * does. Returns `undefined` for an unknown interval and null when the result leaves .NET's
 * `DateTime` range (where .NET throws).
 */
export function dateAdd(interval: string, amount: number, date: Instant): Instant | null | undefined {
  const n = Math.trunc(amount);
  let out: Instant;
  if (interval === 'yyyy' || interval === 'm') out = addMonths(date, interval === 'yyyy' ? n * 12 : n);
  else if (FIXED[interval] !== undefined) out = addMs(date, n * FIXED[interval]);
  else return undefined;
  return inRange(out) ? out : null;
}

const floorTo = (t: number, unit: number): number => Math.floor(t / unit) * unit;

/** @internal Counts interval boundaries crossed from `a` to `b`, as VBScript's DateDiff does; null for an unknown interval. */
export function dateDiff(interval: string, a: Instant, b: Instant): number | null {
  const pa = partsOf(a);
  const pb = partsOf(b);
  switch (interval) {
    case 'yyyy':
      return pb.year - pa.year;
    case 'm':
      return pb.year * 12 + pb.month - (pa.year * 12 + pa.month);
    case 'ww': {
      const weekStart = (t: number, dayOfWeek: number): number => floorTo(t, DAY) - dayOfWeek * DAY;
      return Math.round((weekStart(b.ms, pb.dayOfWeek) - weekStart(a.ms, pa.dayOfWeek)) / (7 * DAY));
    }
    default: {
      const unit = FIXED[interval];
      if (unit === undefined) return null;
      return (floorTo(b.ms, unit) - floorTo(a.ms, unit)) / unit;
    }
  }
}

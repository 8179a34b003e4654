/** @internal .NET-compatible date parsing and formatting for the date functions (UTC throughout). */

const MONTHS = [
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
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');

/** @internal Formats a date as Entra does: `M/d/yyyy h:mm:ss tt` in UTC. */
export function formatEntraDate(date: Date): string {
  const h = date.getUTCHours();
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)} ${h < 12 ? 'AM' : 'PM'}`;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  zone?: string,
): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const date = new Date(t);
  if (date.getUTCDate() !== d) return null;
  if (y < 100) date.setUTCFullYear(y);
  return new Date(date.getTime() - offsetMinutes(zone) * 60_000);
}

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const US =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{4})?$/i;

/** @internal Parses the date strings Entra accepts without a format (ISO 8601, `M/d/yyyy h:mm:ss tt`, generalized time). */
export function parseLooseDate(text: string): Date | null {
  const s = text.trim();
  let m = ISO.exec(s);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms, m[8]);
  }
  m = US.exec(s);
  if (m) {
    let h = +(m[4] ?? 0);
    if (m[7]) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (m[7].toUpperCase() === 'PM' ? 12 : 0);
    }
    return build(+m[3]!, +m[1]!, +m[2]!, h, +(m[5] ?? 0), +(m[6] ?? 0), 0, m[8]);
  }
  m = GENERALIZED.exec(s);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return build(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms, m[8]);
  }
  return null;
}

type FormatToken = { kind: 'field'; letter: string; count: number } | { kind: 'literal'; text: string };

function tokenizeFormat(format: string): FormatToken[] {
  const tokens: FormatToken[] = [];
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      const stop = end === -1 ? format.length : end;
      tokens.push({ kind: 'literal', text: format.slice(i + 1, stop) });
      i = stop + 1;
    } else if (c === '\\' && i + 1 < format.length) {
      tokens.push({ kind: 'literal', text: format[i + 1]! });
      i += 2;
    } else if (c === '%') {
      i++;
    } else if ('yMdHhmsfFtzK'.includes(c)) {
      let j = i;
      while (j < format.length && format[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return tokens;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @internal Parses a date with a .NET custom format string (as `DateTime.ParseExact`); the result is UTC. */
export function parseExactDate(text: string, format: string): Date | null {
  const tokens = tokenizeFormat(format);
  const fields: { letter: string; count: number }[] = [];
  let re = '^\\s*';
  for (const t of tokens) {
    if (t.kind === 'literal') {
      re += escapeRe(t.text);
      continue;
    }
    fields.push(t);
    const { letter, count } = t;
    if (letter === 'y') re += count <= 2 ? '(\\d{1,2})' : `(\\d{${count},${Math.max(count, 4)}})`;
    else if (letter === 'M' && count >= 3)
      re += `(${(count === 3 ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS).join('|')})`;
    else if (letter === 'd' && count >= 3)
      re += `(${(count === 3 ? DAYS.map((m) => m.slice(0, 3)) : DAYS).join('|')})`;
    else if (letter === 'f' || letter === 'F') re += `(\\d{${letter === 'f' ? count : 0},${count}})`;
    else if (letter === 't') re += count === 1 ? '([AP])' : '(AM|PM)';
    else if (letter === 'z' || letter === 'K') re += '(Z|[+-]\\d{1,2}(?::?\\d{2})?)';
    else re += count === 1 ? '(\\d{1,2})' : `(\\d{${count}})`;
  }
  const m = new RegExp(`${re}\\s*$`, 'i').exec(text);
  if (!m) return null;
  let y = 1;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  let pm: boolean | undefined;
  let zone: string | undefined;
  fields.forEach((f, index) => {
    const v = m[index + 1] ?? '';
    switch (f.letter) {
      case 'y':
        y = f.count <= 2 ? 2000 + Number(v) - (Number(v) > 49 ? 100 : 0) : Number(v);
        break;
      case 'M':
        mo =
          f.count >= 3 ? MONTHS.findIndex((n) => n.toLowerCase().startsWith(v.toLowerCase())) + 1 : Number(v);
        break;
      case 'd':
        if (f.count <= 2) d = Number(v);
        break;
      case 'H':
      case 'h':
        h = Number(v);
        break;
      case 'm':
        mi = Number(v);
        break;
      case 's':
        s = Number(v);
        break;
      case 'f':
      case 'F':
        ms = v ? Math.round(Number(`0.${v}`) * 1000) : 0;
        break;
      case 't':
        pm = v.toUpperCase().startsWith('P');
        break;
      default:
        zone = v;
    }
  });
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  return build(y, mo, d, h, mi, s, ms, zone);
}

/** @internal Formats a UTC date with a .NET custom format string (as `DateTime.ToString(format)`). */
export function formatDotNetDate(date: Date, format: string): string {
  let out = '';
  for (const t of tokenizeFormat(format)) {
    if (t.kind === 'literal') {
      out += t.text;
      continue;
    }
    const { letter, count } = t;
    const h = date.getUTCHours();
    switch (letter) {
      case 'y': {
        const y = date.getUTCFullYear();
        out += count === 1 ? String(y % 100) : count === 2 ? pad(y % 100, 2) : pad(y, count);
        break;
      }
      case 'M': {
        const mo = date.getUTCMonth();
        out += count >= 4 ? MONTHS[mo] : count === 3 ? MONTHS[mo]!.slice(0, 3) : pad(mo + 1, count);
        break;
      }
      case 'd': {
        const day = date.getUTCDay();
        out += count >= 4 ? DAYS[day] : count === 3 ? DAYS[day]!.slice(0, 3) : pad(date.getUTCDate(), count);
        break;
      }
      case 'H':
        out += pad(h, Math.min(count, 2));
        break;
      case 'h':
        out += pad(h % 12 === 0 ? 12 : h % 12, Math.min(count, 2));
        break;
      case 'm':
        out += pad(date.getUTCMinutes(), Math.min(count, 2));
        break;
      case 's':
        out += pad(date.getUTCSeconds(), Math.min(count, 2));
        break;
      case 'f':
      case 'F': {
        const frac = pad(date.getUTCMilliseconds(), 3).padEnd(7, '0').slice(0, count);
        out += letter === 'F' ? frac.replace(/0+$/, '') : frac;
        break;
      }
      case 't':
        out += (h < 12 ? 'AM' : 'PM').slice(0, count === 1 ? 1 : 2);
        break;
      case 'z':
        out += count === 1 ? '+0' : count === 2 ? '+00' : '+00:00';
        break;
      default:
        out += 'Z';
    }
  }
  return out;
}

/** @internal Adds an interval (yyyy m d ww h n s) as VBScript's DateAdd does. */
export function dateAdd(interval: string, amount: number, date: Date): Date | null {
  const n = Math.trunc(amount);
  const d = new Date(date.getTime());
  switch (interval) {
    case 'yyyy':
    case 'm': {
      const months = interval === 'yyyy' ? n * 12 : n;
      const day = d.getUTCDate();
      d.setUTCDate(1);
      d.setUTCMonth(d.getUTCMonth() + months);
      const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
      d.setUTCDate(Math.min(day, last));
      return d;
    }
    case 'd':
      return new Date(d.getTime() + n * 86_400_000);
    case 'ww':
      return new Date(d.getTime() + n * 7 * 86_400_000);
    case 'h':
      return new Date(d.getTime() + n * 3_600_000);
    case 'n':
      return new Date(d.getTime() + n * 60_000);
    case 's':
      return new Date(d.getTime() + n * 1000);
    default:
      return null;
  }
}

const floorTo = (t: number, unit: number): number => Math.floor(t / unit) * unit;

/** @internal Counts interval boundaries crossed from `a` to `b`, as VBScript's DateDiff does. */
export function dateDiff(interval: string, a: Date, b: Date): number | null {
  switch (interval) {
    case 'yyyy':
      return b.getUTCFullYear() - a.getUTCFullYear();
    case 'm':
      return b.getUTCFullYear() * 12 + b.getUTCMonth() - (a.getUTCFullYear() * 12 + a.getUTCMonth());
    case 'd':
      return (floorTo(b.getTime(), 86_400_000) - floorTo(a.getTime(), 86_400_000)) / 86_400_000;
    case 'ww': {
      const weekStart = (x: Date): number => floorTo(x.getTime(), 86_400_000) - x.getUTCDay() * 86_400_000;
      return Math.round((weekStart(b) - weekStart(a)) / (7 * 86_400_000));
    }
    case 'h':
      return (floorTo(b.getTime(), 3_600_000) - floorTo(a.getTime(), 3_600_000)) / 3_600_000;
    case 'n':
      return (floorTo(b.getTime(), 60_000) - floorTo(a.getTime(), 60_000)) / 60_000;
    case 's':
      return (floorTo(b.getTime(), 1000) - floorTo(a.getTime(), 1000)) / 1000;
    default:
      return null;
  }
}

/** @internal Active Directory file time: 100-nanosecond ticks since 1601-01-01 UTC. */
const FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000n;

/** @internal Converts an AD file time to a date. */
export function dateFromFileTime(ticks: bigint): Date {
  return new Date(Number((ticks - FILETIME_EPOCH_OFFSET) / 10_000n));
}

/** @internal Converts a date to an AD file time. */
export function fileTimeFromDate(date: Date): bigint {
  return BigInt(date.getTime()) * 10_000n + FILETIME_EPOCH_OFFSET;
}

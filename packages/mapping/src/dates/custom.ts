/**
 * @internal .NET custom date and time format strings, for FormatDateTime: parsing as
 * `DateTime.ParseExact` and formatting as `DateTime.ToString(format)` with the invariant culture, in
 * UTC, to .NET's 100-ns precision (`fffffff`).
 * @see https://learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings
 */
import { type Instant, instantFrom, partsOf } from './instant.ts';
import { DAYS, MONTHS, offsetMinutes, twoDigitYear } from './names.ts';

type FormatToken = { kind: 'field'; letter: string; count: number } | { kind: 'literal'; text: string };

/** .NET's custom format letters; every other character is a literal. */
const FIELD_LETTERS = 'yMdHhmsfFtzKg';

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
    } else if (FIELD_LETTERS.includes(c)) {
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

/** @internal The first specifier .NET rejects in a format (`ffffffff`: more than 7 fraction digits), or null. */
export function invalidSpecifier(format: string): string | null {
  for (const t of tokenizeFormat(format)) {
    if (t.kind === 'field' && (t.letter === 'f' || t.letter === 'F') && t.count > 7)
      return t.letter.repeat(t.count);
  }
  return null;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function fieldPattern(letter: string, count: number): string {
  switch (letter) {
    case 'y':
      return count <= 2 ? '(\\d{1,2})' : `(\\d{${count},${Math.max(count, 4)}})`;
    case 'M':
      if (count >= 3) return `(${(count === 3 ? MONTHS.map((m) => m.slice(0, 3)) : MONTHS).join('|')})`;
      break;
    case 'd':
      if (count >= 3) return `(${(count === 3 ? DAYS.map((m) => m.slice(0, 3)) : DAYS).join('|')})`;
      break;
    case 'f':
    case 'F':
      return `(\\d{${letter === 'f' ? count : 0},${count}})`;
    case 't':
      return count === 1 ? '([AP])' : '(AM|PM)';
    case 'z':
    case 'K':
      return '(Z|[+-]\\d{1,2}(?::?\\d{2})?)';
    case 'g':
      return '(A\\.D\\.|AD)';
  }
  return count === 1 ? '(\\d{1,2})' : `(\\d{${count}})`;
}

/** @internal Parses a date with a .NET custom format string (as `DateTime.ParseExact`); UTC, 100-ns precision. */
export function parseExactDate(text: string, format: string): Instant | null {
  if (invalidSpecifier(format) !== null) return null;
  const fields: { letter: string; count: number }[] = [];
  let re = '^\\s*';
  for (const t of tokenizeFormat(format)) {
    if (t.kind === 'literal') re += escapeRe(t.text);
    else {
      fields.push(t);
      re += fieldPattern(t.letter, t.count);
    }
  }
  const m = new RegExp(`${re}\\s*$`, 'i').exec(text);
  if (!m) return null;
  let [y, mo, d, h, mi, s, fraction, offset] = [1, 1, 1, 0, 0, 0, 0, 0];
  let pm: boolean | undefined;
  for (const [index, f] of fields.entries()) {
    const v = m[index + 1] ?? '';
    switch (f.letter) {
      case 'y':
        y = f.count <= 2 ? twoDigitYear(Number(v)) : Number(v);
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
        fraction = Number(v.padEnd(7, '0'));
        break;
      case 't':
        pm = v.toUpperCase().startsWith('P');
        break;
      case 'z':
      case 'K':
        offset = offsetMinutes(v) ?? 0;
        break;
    }
  }
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  return instantFrom(y, mo, d, h, mi, s, fraction, offset);
}

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');

/**
 * @internal Formats an instant with a .NET custom format string (as `DateTime.ToString(format)` of a
 * UTC `DateTime`). `f` truncates the fraction, `F` also drops trailing zeros and, when nothing is
 * left, the `.` before it (DateTimeFormat.cs, `FormatCustomized`).
 */
export function formatDotNetDate(instant: Instant, format: string): string {
  const p = partsOf(instant);
  let out = '';
  for (const t of tokenizeFormat(format)) {
    if (t.kind === 'literal') {
      out += t.text;
      continue;
    }
    const { letter, count } = t;
    switch (letter) {
      case 'y':
        out += count === 1 ? String(p.year % 100) : count === 2 ? pad(p.year % 100, 2) : pad(p.year, count);
        break;
      case 'M':
        out +=
          count >= 4
            ? MONTHS[p.month - 1]
            : count === 3
              ? MONTHS[p.month - 1]!.slice(0, 3)
              : pad(p.month, count);
        break;
      case 'd':
        out +=
          count >= 4 ? DAYS[p.dayOfWeek] : count === 3 ? DAYS[p.dayOfWeek]!.slice(0, 3) : pad(p.day, count);
        break;
      case 'H':
        out += pad(p.hour, Math.min(count, 2));
        break;
      case 'h':
        out += pad(p.hour % 12 === 0 ? 12 : p.hour % 12, Math.min(count, 2));
        break;
      case 'm':
        out += pad(p.minute, Math.min(count, 2));
        break;
      case 's':
        out += pad(p.second, Math.min(count, 2));
        break;
      case 'f':
        out += pad(p.fraction, 7).slice(0, count);
        break;
      case 'F': {
        const digits = pad(p.fraction, 7).slice(0, count).replace(/0+$/, '');
        if (digits === '' && out.endsWith('.')) out = out.slice(0, -1);
        out += digits;
        break;
      }
      case 't':
        out += (p.hour < 12 ? 'AM' : 'PM').slice(0, count === 1 ? 1 : 2);
        break;
      case 'z':
        out += count === 1 ? '+0' : count === 2 ? '+00' : '+00:00';
        break;
      case 'g':
        out += 'A.D.';
        break;
      default:
        out += 'Z';
    }
  }
  return out;
}

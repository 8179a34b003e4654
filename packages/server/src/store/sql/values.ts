/**
 * Helpers shared by the SQL stores: the search document, instants, timestamps.
 *
 * @internal
 * @packageDocumentation
 */
import { foldCase } from '@scim/protocol';

/**
 * The search document of a resource: its data with every string case-folded (`foldCase` of
 * `@scim/protocol`: Unicode simple case folding), so that case-insensitive comparisons in SQL
 * agree with `evaluateFilter` for every language, whatever the database's locale.
 *
 * @internal
 */
export function searchDocument(value: unknown): unknown {
  if (typeof value === 'string') return foldCase(value);
  if (Array.isArray(value)) return value.map(searchDocument);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = searchDocument(v);
    return out;
  }
  return value;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?$/;

/**
 * The instant of an xsd:dateTime in milliseconds, or `null`: the same reading as the filter
 * evaluator of `@scim/protocol` (no zone is UTC; a date alone is its midnight UTC). SQLite calls it
 * as `scim_instant(text)`; PostgreSQL has the same function in PL/pgSQL (see the migrations).
 *
 * @internal
 */
export function instantOf(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(`${m[7]}000`.slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  if (hour === 24 && (minute !== 0 || second !== 0 || ms !== 0)) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second === 60 ? 59 : second, ms);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  let offset = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const at = utc - offset;
  return Number.isNaN(at) ? null : at;
}

/**
 * The current instant as the stores write it (ISO 8601, UTC, milliseconds), strictly increasing
 * within the process so that `lastModified` changes with every write.
 *
 * @internal
 */
export function now(): string {
  let t = Date.now();
  if (t <= last) t = last + 1;
  last = t;
  return new Date(t).toISOString();
}
let last = 0;

/** Splits a list into chunks (for `IN (...)` lists). @internal */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

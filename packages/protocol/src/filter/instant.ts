// dateTime values (xsd:dateTime, RFC 7643 section 2.3.5) as instants, in milliseconds since the
// epoch, read the same way whatever the machine's time zone.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?$/;

/**
 * @internal The instant of an xsd:dateTime, in milliseconds (fractions below a millisecond are
 * dropped), or `NaN`. A value without a time zone is read as UTC; a date alone is its midnight UTC.
 */
export function parseInstant(text: string): number {
  const m = DATE_TIME.exec(text);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(`${m[7]}000`.slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60)
    return Number.NaN;
  if (hour === 24 && (minute !== 0 || second !== 0 || ms !== 0)) return Number.NaN;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second === 60 ? 59 : second, ms);
  // Reject days a month does not have (2015-02-30).
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return Number.NaN;
  let offset = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return Number.NaN;
    offset = (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  return utc - offset;
}

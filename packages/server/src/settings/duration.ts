import { CliError } from './errors.ts';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `90s`, `15m`, `24h`, `7d` or `500ms` (a bare number is milliseconds).
 *
 * @param text - the duration, as typed on the command line
 * @param flag - the flag it came from, for the error message
 * @returns milliseconds
 * @throws CliError when the text is not a duration
 * @internal
 */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) {
    throw new CliError(`${flag} "${text}" is not a duration; write it like 30m, 24h or 7d.`, 2);
  }
  return Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1);
}

import type { SafeResult } from '@scim/schemas';
import { type DatabaseTarget, parseDatabaseUrl } from './database-url.ts';
import { isCliError } from './errors.ts';

/**
 * Reads a `DATABASE_URL` like {@link parseDatabaseUrl}, returning the error instead of throwing it:
 * for an app that reports a bad setting its own way (a health check, a settings page) rather than
 * stopping at startup.
 *
 * @param url - the `DATABASE_URL` value, or `undefined` (`./scim.db`)
 * @param cwd - the directory a relative SQLite path resolves against (default `process.cwd()`)
 * @returns `{ success: true, value }` with the database to open, or `{ success: false, error }` with
 * the `Error` `parseDatabaseUrl` throws (another scheme, a `postgres://` URL that does not parse, a
 * `file:` URL that names no file), whose message says what to write instead
 * @throws never for a bad URL: the error is returned (nothing here is a SCIM request, so it has no
 * `scimType`)
 * @example
 * ```ts
 * import { safeParseDatabaseUrl } from '@scim/server';
 * const parsed = safeParseDatabaseUrl(process.env.DATABASE_URL);
 * if (!parsed.success) console.error(parsed.error.message);
 * else if (parsed.value.kind === 'sqlite') console.log(`SQLite at ${parsed.value.path}`);
 * ```
 * @see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS
 * @see https://nodejs.org/api/sqlite.html
 */
export function safeParseDatabaseUrl(
  url: string | undefined,
  cwd: string = process.cwd(),
): SafeResult<DatabaseTarget, Error> {
  try {
    return { success: true, value: parseDatabaseUrl(url, cwd) };
  } catch (error) {
    if (isCliError(error)) return { success: false, error };
    throw error;
  }
}

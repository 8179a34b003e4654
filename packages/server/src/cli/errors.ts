/**
 * The message the bin prints for an error that is not a `CliError` (a database that cannot
 * be reached, a bug): the error's message and code, with any password in a URL hidden, and what to
 * check.
 *
 * @param error - anything thrown
 * @returns the text for standard error
 * @internal
 */
export function describeUnexpectedError(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  // A driver's message may quote a connection string: hide its password.
  const message = (error instanceof Error ? error.message : String(error)).replace(
    /(\w+:\/\/[^:/\s@]+:)[^@\s]+@/g,
    '$1***@',
  );
  return (
    `error: ${message}${typeof code === 'string' ? ` (${code})` : ''}\n` +
    'Check DATABASE_URL and that the database is reachable (set DEBUG=1 for details); if this looks like a bug in scim-server, please report it.'
  );
}

/**
 * An error the operator can fix (a bad flag, a missing tenant, an unknown token id): the CLI prints
 * its message, which says what happened and what to do, and exits with its code.
 *
 * @internal
 */
export class CliError extends Error {
  /** The exit code: 2 for a bad command line, 1 otherwise. */
  readonly exitCode: number;

  /**
   * @param message - what happened and what to do
   * @param exitCode - the exit code (default 1)
   */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/**
 * Whether a value is a {@link CliError} (a brand check on the name, so bundling twice is harmless).
 *
 * @param value - anything thrown
 * @returns `true` for a `CliError`
 * @internal
 */
export function isCliError(value: unknown): value is CliError {
  return value instanceof Error && value.name === 'CliError' && 'exitCode' in value;
}

/**
 * The message the bin prints for an error that is not a {@link CliError} (a database that cannot
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

/**
 * An error the operator can fix (a bad flag or setting, a missing tenant, an unknown token id): the
 * CLI prints its message, which says what happened and what to do, and exits with its code. It lives
 * below the CLI because the setting parsers the library shares with it throw it too
 * (`parseDatabaseUrl`, `parseDuration`).
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

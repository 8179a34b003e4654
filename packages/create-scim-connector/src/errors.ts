import {
  type CreateConnectorErrorArgs,
  type CreateConnectorErrorCode,
  type ErrorCatalogEntry,
  errorsData,
} from './errors-data.ts';

/**
 * An error of the scaffolder, built from its catalog: `message` says what happened, `why` why it
 * stops the scaffold, `fix` what to do. The CLI prints all three and exits with code 1.
 *
 * @example
 * ```ts
 * try {
 *   await createConnector({ dir: 'my-app', template: 'nope', yes: true }, context);
 * } catch (error) {
 *   if (isCreateConnectorError(error)) console.error(error.message, error.fix);
 * }
 * ```
 * @see {@link isCreateConnectorError}
 */
export class CreateConnectorError<
  C extends CreateConnectorErrorCode = CreateConnectorErrorCode,
> extends Error {
  /** The catalog code. */
  readonly code: C;
  /** Why this stops the scaffold. */
  readonly why: string;
  /** What to do about it. */
  readonly fix: string;
  /** The facts of the case the message was built from (the template asked for, the valid values...). */
  readonly args: Readonly<Record<string, unknown>>;

  /**
   * Builds the error from its catalog entry.
   *
   * @internal
   * @param code - The catalog code.
   * @param args - The facts of the case, which the message and the fix quote.
   * @example
   * ```ts
   * new CreateConnectorError('unknownStore', { store: 'mysql', valid: ['sqlite', 'postgres'] });
   * ```
   */
  constructor(code: C, args: CreateConnectorErrorArgs<C>) {
    const data = errorsData[code] as unknown as ErrorCatalogEntry<CreateConnectorErrorArgs<C>>;
    super(data.message(args));
    this.name = 'CreateConnectorError';
    this.code = code;
    this.args = args;
    this.why = data.why;
    this.fix = data.fix(args);
  }

  /**
   * The error as the CLI prints it: what happened, why, and what to do, one per line.
   *
   * @returns The three lines joined with newlines.
   * @throws Never.
   * @example
   * ```ts
   * if (isCreateConnectorError(error)) console.error(error.format());
   * ```
   */
  format(): string {
    return `${this.message}\n${this.why}\n${this.fix}`;
  }
}

/**
 * Whether a value is a {@link CreateConnectorError}, checked by a brand rather than `instanceof` so
 * that two copies of the package agree.
 *
 * @param value - Anything caught.
 * @returns `true` when it is one of the scaffolder's errors.
 * @throws Never.
 * @example
 * ```ts
 * if (isCreateConnectorError(error)) process.exitCode = 1;
 * ```
 * @see {@link CreateConnectorError}
 */
export function isCreateConnectorError(value: unknown): value is CreateConnectorError {
  return (
    value instanceof Error &&
    value.name === 'CreateConnectorError' &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { fix?: unknown }).fix === 'string'
  );
}

/**
 * The result of a `safeParseX` function of the scaffolder: the value, or the
 * {@link CreateConnectorError} `parseX` would have thrown.
 *
 * @typeParam T - the parsed value
 * @example
 * ```ts
 * const result: SafeCreateConnectorResult<ParsedArgs> = safeParseArgs(process.argv.slice(2));
 * if (!result.success) console.error(result.error.format());
 * ```
 * @see https://github.com/scim-sdk/scim-sdk/blob/main/CONTRIBUTING.md#errors
 */
export type SafeCreateConnectorResult<T> =
  | {
      /** Parsed. */
      readonly success: true;
      /** The value. */
      readonly value: T;
    }
  | {
      /** Not parsed. */
      readonly success: false;
      /** The error `parseX` throws. */
      readonly error: CreateConnectorError;
    };

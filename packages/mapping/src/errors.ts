/**
 * The stage of the expression pipeline (or the mapping-table model) an error comes from.
 *
 * @example
 * ```ts
 * const result = safeCompileExpression('Join(" ", [givenName]');
 * if (!result.success) result.error.stage; // 'parse'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export type MappingErrorStage = 'lex' | 'parse' | 'evaluate' | 'table';

/**
 * Where in the expression text an error was found: 0-based offset, 1-based line and column.
 *
 * @example
 * ```ts
 * const result = safeCompileExpression('Join(" ",\n  [givenName]');
 * if (!result.success) result.error.position; // { offset: 23, line: 2, column: 14 }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface SourcePosition {
  /** 0-based offset in UTF-16 code units. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

const BRAND = Symbol.for('@scim/mapping/MappingError');

/**
 * The error of the expression language and of mapping tables: a stage, a code within the stage, the
 * position and offending token, and a message that says what to do.
 *
 * @example
 * ```ts
 * const result = safeCompileExpression('Join(" ", [givenName]');
 * if (!result.success) console.log(result.error.stage, result.error.position.column);
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export class MappingError extends Error {
  /** The stage that failed: `lex`, `parse`, `evaluate` or `table`. */
  readonly stage: MappingErrorStage;
  /** A stable code within the stage, for example `unterminatedString` or `arity`. */
  readonly code: string;
  /** Where the error was found (offset 0, line 1, column 1 when not tied to a place). */
  readonly position: SourcePosition;
  /** The offending token's text, or `''` at the end of input. */
  readonly token: string;
  /** Brand for {@link isMappingError}. */
  readonly [BRAND] = true;

  /**
   * Creates a mapping error.
   *
   * @param stage - the stage that failed
   * @param code - a stable code within the stage
   * @param message - what happened and what to do
   * @param position - where in the expression
   * @param token - the offending token text
   * @example
   * ```ts
   * new MappingError('parse', 'unknownFunction', 'unknown function "Joinn"', { offset: 0, line: 1, column: 1 }, 'Joinn');
   * ```
   */
  constructor(
    stage: MappingErrorStage,
    code: string,
    message: string,
    position: SourcePosition = { offset: 0, line: 1, column: 1 },
    token = '',
  ) {
    super(message);
    this.name = 'MappingError';
    this.stage = stage;
    this.code = code;
    this.position = position;
    this.token = token;
  }

  /**
   * A plain-object form for logs and editor tooling.
   *
   * @returns the stage, code, message, position and token
   * @example
   * ```ts
   * JSON.stringify(error); // {"stage":"parse","code":"arity",...}
   * ```
   */
  toJSON(): MappingErrorJSON {
    return {
      stage: this.stage,
      code: this.code,
      message: this.message,
      position: this.position,
      token: this.token,
    };
  }
}

/**
 * Whether a value is a {@link MappingError}, by brand so two copies of the package agree.
 *
 * @param value - anything caught
 * @returns true for a mapping error
 * @throws never
 * @example
 * ```ts
 * try { compileExpression('Join(') } catch (e) { if (isMappingError(e)) console.log(e.code) }
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export function isMappingError(value: unknown): value is MappingError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * The plain-object form of a {@link MappingError}.
 *
 * @example
 * ```ts
 * const result = safeCompileExpression('join([x])');
 * if (!result.success) JSON.stringify(result.error); // {"stage":"parse","code":...,"message":...,"position":...,"token":"join"}
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface MappingErrorJSON {
  /** The stage that failed. */
  stage: MappingErrorStage;
  /** The code within the stage. */
  code: string;
  /** What happened and what to do. */
  message: string;
  /** Where in the expression. */
  position: SourcePosition;
  /** The offending token. */
  token: string;
}

/**
 * A successful `safe*` result.
 *
 * @example
 * ```ts
 * const result = safeCompileExpression('ToUpper([mail])');
 * if (result.success) result.value.evaluate({ mail: 'a@b.c' }); // 'A@B.C'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface SafeSuccess<T> {
  /** Always true. */
  success: true;
  /** The value. */
  value: T;
}

/**
 * A failed `safe*` result.
 *
 * @example
 * ```ts
 * const result = safeCompileExpression('ToUpper([mail]');
 * if (!result.success) console.error(result.error.message);
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface SafeFailure {
  /** Always false. */
  success: false;
  /** The error that would have been thrown. */
  error: MappingError;
}

/**
 * The result of a `safe*` function of @scim/mapping: the value, or the {@link MappingError} instead
 * of a throw (the SCIM packages' `safeParseX` return `SafeResult`, whose error is a `ScimError`).
 *
 * @example
 * ```ts
 * const result: SafeMappingResult<CompiledExpression> = safeCompileExpression(text);
 * const value = result.success ? result.value.evaluate(user) : null;
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export type SafeMappingResult<T> = SafeSuccess<T> | SafeFailure;

/**
 * The result of a `safe*` function: the value, or the error instead of a throw.
 *
 * @deprecated Use {@link SafeMappingResult}: this name is also @scim/schemas' result, whose error
 * is a `ScimError`, not a `MappingError`.
 * @example
 * ```ts
 * const result: SafeResult<CompiledExpression> = safeCompileExpression(text);
 * const value = result.success ? result.value.evaluate(user) : null;
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export type SafeResult<T> = SafeMappingResult<T>;

/** @internal Computes line and column for an offset. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

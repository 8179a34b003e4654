import type { ExpressionComparisonOperator, ExpressionNode } from './ast.ts';
import { isMappingError, MappingError, positionAt, type SafeMappingResult } from './errors.ts';
import { lex, type Token } from './lexer.ts';

/** @internal Parses tokens into a syntax tree; throws the first syntax error. */
export function parseTokens(text: string, tokens: readonly Token[]): ExpressionNode {
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const fail = (code: string, message: string, token: Token): never => {
    throw new MappingError('parse', code, message, positionAt(text, token.start), token.raw);
  };
  const describe = (t: Token): string => (t.kind === 'eof' ? 'the end of the expression' : `"${t.raw}"`);

  function operand(): ExpressionNode {
    const t = peek();
    switch (t.kind) {
      case 'attribute':
        pos++;
        return { kind: 'attribute', name: t.value, start: t.start, end: t.end };
      case 'string':
        pos++;
        return { kind: 'string', value: t.value, start: t.start, end: t.end };
      case 'number':
        pos++;
        return { kind: 'number', value: Number(t.value), raw: t.raw, start: t.start, end: t.end };
      case 'identifier': {
        pos++;
        if (peek().kind === 'lparen') return call(t);
        if (t.value === 'vbBinaryCompare' || t.value === 'vbTextCompare') {
          return { kind: 'identifier', name: t.value, start: t.start, end: t.end };
        }
        return fail(
          'unexpectedIdentifier',
          `"${t.value}" at column ${positionAt(text, t.start).column} is neither a function call nor vbBinaryCompare/vbTextCompare: put attribute names in brackets ([${t.value}]), string constants in double quotes ("${t.value}"), or add (...) to call a function`,
          t,
        );
      }
      default:
        return fail(
          'expectedValue',
          `expected a function, an [attribute], a "string" or a number at column ${positionAt(text, t.start).column} but found ${describe(t)}`,
          t,
        );
    }
  }

  function expression(): ExpressionNode {
    const left = operand();
    const t = peek();
    if (t.kind === 'operator') {
      pos++;
      const right = operand();
      if (peek().kind === 'operator') {
        fail(
          'chainedComparison',
          `comparisons cannot be chained at column ${positionAt(text, peek().start).column}: nest IIF calls instead of writing a = b = c`,
          peek(),
        );
      }
      return {
        kind: 'comparison',
        operator: t.value as ExpressionComparisonOperator,
        left,
        right,
        start: left.start,
        end: right.end,
      };
    }
    return left;
  }

  function call(name: Token): ExpressionNode {
    pos++; // (
    const args: ExpressionNode[] = [];
    if (peek().kind === 'rparen') {
      const close = peek();
      pos++;
      return { kind: 'call', name: name.value, args, start: name.start, end: close.end };
    }
    for (;;) {
      const t = peek();
      if (t.kind === 'comma' || t.kind === 'rparen') {
        args.push({ kind: 'omitted', start: t.start, end: t.start });
      } else {
        args.push(expression());
      }
      const after = peek();
      if (after.kind === 'comma') {
        pos++;
        continue;
      }
      if (after.kind === 'rparen') {
        pos++;
        return { kind: 'call', name: name.value, args, start: name.start, end: after.end };
      }
      return fail(
        after.kind === 'eof' ? 'unclosedCall' : 'expectedCommaOrParen',
        `expected "," or ")" in the arguments of ${name.value} (opened at column ${positionAt(text, name.start).column}) but found ${describe(after)}: separate arguments with commas and close the call with ")"`,
        after,
      );
    }
  }

  if (peek().kind === 'eof') {
    fail(
      'empty',
      'the expression is empty: write a function call such as Join(" ", [givenName], [surname])',
      peek(),
    );
  }
  const root = expression();
  if (peek().kind !== 'eof') {
    fail(
      'unexpectedToken',
      `unexpected ${describe(peek())} at column ${positionAt(text, peek().start).column} after a complete expression: an expression is one function call, attribute or constant; nest calls to combine them`,
      peek(),
    );
  }
  return root;
}

/**
 * Parses an expression into its syntax tree (syntax only: function names and argument counts are
 * checked by {@link compileExpression}).
 *
 * @param text - the expression, for example `Join(" ", [givenName], [surname])`
 * @returns the root node
 * @throws {@link MappingError} with stage `lex` or `parse`
 * @example
 * ```ts
 * parseExpression('Append([userPrincipalName], ".test")').kind; // 'call'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#syntax-overview
 */
export function parseExpression(text: string): ExpressionNode {
  return parseTokens(text, lex(text));
}

/**
 * Parses an expression into its syntax tree like {@link parseExpression}, returning the error
 * instead of throwing it.
 *
 * @param text - the expression, for example `Join(" ", [givenName], [surname])`
 * @returns `{ success: true, value }` with the root node, or `{ success: false, error }` with the
 * {@link MappingError} (stage `lex` or `parse`) that `parseExpression` throws
 * @throws never for a bad expression: the error is returned
 * @example
 * ```ts
 * import { safeParseExpression } from '@scim/mapping';
 * const r = safeParseExpression('Join(" ", [givenName]');
 * if (!r.success) console.error(r.error.code, r.error.position.column); // 'unclosedCall' 22
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data#syntax-overview
 */
export function safeParseExpression(text: string): SafeMappingResult<ExpressionNode> {
  try {
    return { success: true, value: parseExpression(text) };
  } catch (error) {
    if (isMappingError(error)) return { success: false, error };
    throw error;
  }
}

import type { CallNode, ExpressionNode, NumberNode } from './ast.ts';
import { MappingError, positionAt, type SafeMappingResult } from './errors.ts';
import { type Compiled, type Env, type EvaluateOptions, FUNCTIONS, parametersFor } from './functions.ts';
import { lex } from './lexer.ts';
import { parseTokens } from './parser.ts';
import { asString, bool, type ExpressionValue, fromAttribute, type SourceObject } from './values.ts';

/**
 * A compiled expression: parse once, evaluate many times.
 *
 * @example
 * ```ts
 * const join = compileExpression('Join(" ", [givenName], [surname])');
 * join.attributes; // ['givenName', 'surname']
 * join.evaluate({ givenName: 'Babs', surname: 'Jensen' }); // 'Babs Jensen'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export interface CompiledExpression {
  /** The expression text. */
  readonly text: string;
  /** The syntax tree. */
  readonly ast: ExpressionNode;
  /** The attribute names the expression reads, in order of first use. */
  readonly attributes: readonly string[];
  /**
   * Whether the expression calls `Redact` anywhere: the value still flows to the app, but Entra
   * writes `[Redact]` instead of it in its provisioning logs, and so should a simulator's logs.
   */
  readonly redacted: boolean;
  /**
   * Evaluates the expression against a directory object.
   *
   * @param source - the directory object (attribute name to value; names match case-insensitively)
   * @param options - clock, random source, GUIDs, uniqueness check, default domain
   * @returns the value Entra computes (`null` when the attribute would not flow)
   * @throws {@link MappingError} with stage `evaluate` (bad date, invalid regex, no unique value...)
   */
  evaluate(source: SourceObject, options?: EvaluateOptions): ExpressionValue;
}

function suggest(name: string): string {
  const lower = name.toLowerCase();
  for (const key of FUNCTIONS.keys())
    if (key.toLowerCase() === lower) return `; names are case-sensitive: did you mean ${key}?`;
  for (const key of FUNCTIONS.keys()) {
    if (key.toLowerCase().startsWith(lower.slice(0, 3)) && lower.length > 2) return `; did you mean ${key}?`;
  }
  return '; see expressionFunctions for the list';
}

/** @internal Checks function names, arities and SelectUniqueValue placement; pushes every error. */
export function check(text: string, root: ExpressionNode, errors: MappingError[]): void {
  const err = (node: CallNode, code: string, message: string): void => {
    errors.push(new MappingError('parse', code, message, positionAt(text, node.start), node.name));
  };
  const visit = (node: ExpressionNode, depth: number): void => {
    if (node.kind === 'comparison') {
      visit(node.left, depth + 1);
      visit(node.right, depth + 1);
      return;
    }
    if (node.kind !== 'call') return;
    const fn = FUNCTIONS.get(node.name);
    const n = node.args.length;
    if (!fn) {
      err(
        node,
        'unknownFunction',
        `unknown function "${node.name}" at column ${positionAt(text, node.start).column}${suggest(node.name)}`,
      );
    } else if (node.name === 'Switch' && (n < 4 || n % 2 !== 0)) {
      err(
        node,
        'arity',
        `Switch expects an odd number of arguments after the source: source, default, then key/value pairs (got ${n} argument${n === 1 ? '' : 's'}); leave the default empty as in Switch([x], , "k", "v") if you have none`,
      );
    } else if (n < fn.minArgs || n > fn.maxArgs) {
      const range =
        fn.maxArgs === Number.POSITIVE_INFINITY
          ? `at least ${fn.minArgs}`
          : fn.minArgs === fn.maxArgs
            ? `${fn.minArgs}`
            : `${fn.minArgs} to ${fn.maxArgs}`;
      err(
        node,
        'arity',
        `${node.name} takes ${range} argument${fn.maxArgs === 1 ? '' : 's'} but got ${n}: ${fn.signature}`,
      );
    } else {
      const params = parametersFor(fn, n);
      const signature =
        params === fn.parameters ? fn.signature : `${fn.name}(${params.map((p) => p.name).join(', ')})`;
      params.forEach((p, i) => {
        if (
          p.required &&
          !p.repeating &&
          i < n &&
          node.args[i]?.kind === 'omitted' &&
          !(node.name === 'Switch')
        ) {
          err(
            node,
            'missingArgument',
            `${node.name}: the required argument ${p.name} (argument ${i + 1}) is empty: ${signature}`,
          );
        }
      });
    }
    const problem = fn && n >= fn.minArgs && n <= fn.maxArgs ? fn.check?.(node) : null;
    if (problem) {
      const { at, code, message } = problem;
      errors.push(
        new MappingError('parse', code, message, positionAt(text, at.start), text.slice(at.start, at.end)),
      );
    }
    if (node.name === 'SelectUniqueValue' && depth > 0) {
      err(
        node,
        'nestedSelectUniqueValue',
        'SelectUniqueValue must be the whole expression: Entra does not allow it nested inside another function',
      );
    }
    for (const a of node.args) visit(a, depth + 1);
  };
  visit(root, 0);
}

function lookup(source: SourceObject, name: string): unknown {
  if (Object.hasOwn(source, name)) return source[name];
  const lower = name.toLowerCase();
  for (const key in source) if (key.toLowerCase() === lower) return source[key];
  return undefined;
}

function compare(op: string, a: ExpressionValue, b: ExpressionValue): string {
  const x = asString(a);
  const y = asString(b);
  if (x === null || y === null) return bool(op === '<>' ? x !== y : false);
  const nx = Number(x);
  const ny = Number(y);
  const numeric = x.trim() !== '' && y.trim() !== '' && !Number.isNaN(nx) && !Number.isNaN(ny);
  const c = numeric ? Math.sign(nx - ny) : x < y ? -1 : x > y ? 1 : 0;
  switch (op) {
    case '=':
      return bool(c === 0);
    case '<>':
      return bool(c !== 0);
    case '<':
      return bool(c < 0);
    case '<=':
      return bool(c <= 0);
    case '>':
      return bool(c > 0);
    default:
      return bool(c >= 0);
  }
}

/**
 * A number constant's value; an integer beyond 2^53 (an 18- or 19-digit AD file time such as
 * 9223372036854775807) stays its exact decimal text, which a JavaScript number cannot hold.
 */
function exactNumber(node: NumberNode): number | string {
  if (Number.isSafeInteger(node.value)) return node.value;
  if (/^&h/i.test(node.raw)) return BigInt(`0x${node.raw.slice(2)}`).toString();
  return /^-?\d+$/.test(node.raw) ? BigInt(node.raw).toString() : node.value;
}

function compileNode(node: ExpressionNode): Compiled {
  switch (node.kind) {
    case 'attribute': {
      const name = node.name;
      return (env) => fromAttribute(lookup(env.source, name));
    }
    case 'string': {
      const v = node.value;
      return () => v;
    }
    case 'number': {
      const v = exactNumber(node);
      return () => v;
    }
    case 'identifier': {
      const v = node.name;
      return () => v;
    }
    case 'omitted':
      return () => null;
    case 'comparison': {
      const l = compileNode(node.left);
      const r = compileNode(node.right);
      const op = node.operator;
      return (env) => compare(op, l(env), r(env));
    }
    case 'call': {
      const fn = FUNCTIONS.get(node.name)!;
      const args = node.args.map((a) => (a.kind === 'omitted' ? null : compileNode(a)));
      const impl = fn.impl;
      return (env) => impl(args, env, node);
    }
  }
}

function collectAttributes(node: ExpressionNode, out: string[]): void {
  if (node.kind === 'attribute' && !out.includes(node.name)) out.push(node.name);
  if (node.kind === 'call') for (const a of node.args) collectAttributes(a, out);
  if (node.kind === 'comparison') {
    collectAttributes(node.left, out);
    collectAttributes(node.right, out);
  }
}

function callsFunction(node: ExpressionNode, name: string): boolean {
  if (node.kind === 'call') return node.name === name || node.args.some((a) => callsFunction(a, name));
  if (node.kind === 'comparison') return callsFunction(node.left, name) || callsFunction(node.right, name);
  return false;
}

const NO_OPTIONS: EvaluateOptions = {};

/**
 * Compiles an expression once into a reusable evaluator. Lexing, parsing and checking (function
 * names, argument counts) happen here; evaluation errors happen in `evaluate`.
 *
 * @param text - the expression, for example `Join(" ", [givenName], [surname])`
 * @returns the compiled expression
 * @throws {@link MappingError} with stage `lex` or `parse`, positioned, saying what to do
 * @example
 * ```ts
 * const displayName = compileExpression('Join(" ", [givenName], [surname])');
 * displayName.evaluate({ givenName: 'John', surname: 'Doe' }); // 'John Doe'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export function compileExpression(text: string): CompiledExpression {
  const ast = parseTokens(text, lex(text));
  const errors: MappingError[] = [];
  check(text, ast, errors);
  if (errors[0]) throw errors[0];
  const run = compileNode(ast);
  const attributes: string[] = [];
  collectAttributes(ast, attributes);
  return {
    text,
    ast,
    attributes,
    redacted: callsFunction(ast, 'Redact'),
    evaluate(source: SourceObject, options: EvaluateOptions = NO_OPTIONS): ExpressionValue {
      const env: Env = { source, options, text };
      return run(env);
    },
  };
}

/**
 * Compiles an expression, returning the error instead of throwing it.
 *
 * @param text - the expression
 * @returns `{ success: true, value }` or `{ success: false, error }`
 * @throws never for a bad expression: the error is returned
 * @example
 * ```ts
 * const r = safeCompileExpression('Join(" ", [givenName]');
 * if (!r.success) r.error.position.column; // 22
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export function safeCompileExpression(text: string): SafeMappingResult<CompiledExpression> {
  try {
    return { success: true, value: compileExpression(text) };
  } catch (error) {
    if (error instanceof MappingError) return { success: false, error };
    throw error;
  }
}

/**
 * Validates an expression for editor tooling: collects every lexing error, the first syntax error,
 * and every unknown function and wrong argument count, instead of stopping at the first.
 *
 * @param text - the expression
 * @returns the errors, in order of position (empty when the expression compiles)
 * @throws never for a bad expression: the errors are returned
 * @example
 * ```ts
 * validateExpression('Joinn(" ", [a], Lefft([b], 1))').map((e) => e.code); // ['unknownFunction', 'unknownFunction']
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export function validateExpression(text: string): MappingError[] {
  const errors: MappingError[] = [];
  const tokens = lex(text, errors);
  if (errors.length > 0) return errors;
  try {
    check(text, parseTokens(text, tokens), errors);
  } catch (error) {
    if (error instanceof MappingError) errors.push(error);
    else throw error;
  }
  return errors.sort((a, b) => a.position.offset - b.position.offset);
}

/**
 * Compiles and evaluates an expression in one call (compile once with {@link compileExpression} when
 * evaluating many objects).
 *
 * @param text - the expression
 * @param source - the directory object
 * @param options - clock, random source, GUIDs, uniqueness check, default domain
 * @returns the value
 * @throws {@link MappingError} with stage `lex`, `parse` or `evaluate`
 * @example
 * ```ts
 * evaluateExpression('Append([userPrincipalName], ".test")', { userPrincipalName: 'a@b.com' }); // 'a@b.com.test'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export function evaluateExpression(
  text: string,
  source: SourceObject,
  options?: EvaluateOptions,
): ExpressionValue {
  return compileExpression(text).evaluate(source, options);
}

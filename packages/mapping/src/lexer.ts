import { MappingError, positionAt } from './errors.ts';

/** @internal Token kinds produced by the lexer. */
export type TokenKind =
  | 'attribute'
  | 'string'
  | 'number'
  | 'identifier'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'operator'
  | 'eof';

/** @internal A token: kind, processed value, raw text and span. */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly raw: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Microsoft's documented limit on the length of an expression, in characters; longer text fails with
 * `lex/tooLong`.
 *
 * @example
 * ```ts
 * if (text.length > MAX_EXPRESSION_LENGTH) console.warn('Entra will reject this expression');
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data
 */
export const MAX_EXPRESSION_LENGTH = 10_000;

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isHex(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/**
 * @internal Splits an expression into tokens. With `errors`, lexing errors are collected and the
 * offending character skipped; without, the first error is thrown.
 */
export function lex(text: string, errors?: MappingError[]): Token[] {
  const tokens: Token[] = [];
  const fail = (code: string, message: string, offset: number, token: string): void => {
    const error = new MappingError('lex', code, message, positionAt(text, offset), token);
    if (!errors) throw error;
    errors.push(error);
  };
  if (text.length > MAX_EXPRESSION_LENGTH) {
    fail(
      'tooLong',
      `expression is ${text.length} characters long; Entra accepts at most ${MAX_EXPRESSION_LENGTH}: split the logic or shorten constants`,
      MAX_EXPRESSION_LENGTH,
      '',
    );
  }
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u00a0') {
      i++;
      continue;
    }
    const start = i;
    if (c === '[') {
      const close = text.indexOf(']', i + 1);
      const nl = text.slice(i + 1, close === -1 ? n : close).search(/[[\n]/);
      if (close === -1 || nl !== -1) {
        fail(
          'unterminatedAttribute',
          `attribute reference starting at column ${positionAt(text, i).column} has no closing "]": write attribute names as [name]`,
          i,
          '[',
        );
        i++;
        continue;
      }
      const name = text.slice(i + 1, close);
      if (name.trim() === '') {
        fail(
          'emptyAttribute',
          'empty attribute reference "[]": put an attribute name between the brackets, for example [mail]',
          i,
          '[]',
        );
        i = close + 1;
        continue;
      }
      tokens.push({ kind: 'attribute', value: name, raw: text.slice(i, close + 1), start, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (c === '"') {
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = text[j]!;
        if (d === '\\' && j + 1 < n && (text[j + 1] === '"' || text[j + 1] === '\\')) {
          value += text[j + 1];
          j += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          break;
        }
        value += d;
        j++;
      }
      if (!closed) {
        fail(
          'unterminatedString',
          'string constant has no closing double quote: end it with ", and escape quotes inside it as \\"',
          i,
          text.slice(i, Math.min(n, i + 20)),
        );
        i = n;
        continue;
      }
      tokens.push({ kind: 'string', value, raw: text.slice(i, j + 1), start, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (c === '&' && (text[i + 1] === 'H' || text[i + 1] === 'h')) {
      let j = i + 2;
      while (j < n && isHex(text[j]!)) j++;
      if (j === i + 2) {
        fail('invalidNumber', 'hexadecimal number "&H" has no digits: write it as &HFF', i, '&H');
        i += 2;
        continue;
      }
      tokens.push({
        kind: 'number',
        value: String(Number.parseInt(text.slice(i + 2, j), 16)),
        raw: text.slice(i, j),
        start,
        end: j,
      });
      i = j;
      continue;
    }
    if (
      isDigit(c) ||
      (c === '-' && isDigit(text[i + 1] ?? '')) ||
      (c === '.' && isDigit(text[i + 1] ?? ''))
    ) {
      let j = i + 1;
      while (j < n && isDigit(text[j]!)) j++;
      if (text[j] === '.' && isDigit(text[j + 1] ?? '') && !text.slice(i, j).includes('.')) {
        j++;
        while (j < n && isDigit(text[j]!)) j++;
      }
      const raw = text.slice(i, j);
      tokens.push({ kind: 'number', value: raw, raw, start, end: j });
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentPart(text[j]!)) j++;
      const raw = text.slice(i, j);
      tokens.push({ kind: 'identifier', value: raw, raw, start, end: j });
      i = j;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({
        kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma',
        value: c,
        raw: c,
        start,
        end: i + 1,
      });
      i++;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      const two = text.slice(i, i + 2);
      const op = two === '<>' || two === '<=' || two === '>=' ? two : c;
      tokens.push({ kind: 'operator', value: op, raw: op, start, end: i + op.length });
      i += op.length;
      continue;
    }
    fail(
      'unexpectedCharacter',
      `unexpected character "${c}" at column ${positionAt(text, i).column}: expressions are made of functions, [attributes], "strings", numbers and = <> < <= > >= in IIF conditions`,
      i,
      c,
    );
    i++;
  }
  tokens.push({ kind: 'eof', value: '', raw: '', start: n, end: n });
  return tokens;
}

// The shape most filters take, `attr op "text"` (Microsoft Entra ID's lookup before every write is
// `userName eq "..."`), read without the general parser: the same AST, for less work per request.
import type { AttributePath, ComparisonFilter, ComparisonOperator } from './ast.ts';
import type { ResolvedFilterOptions } from './options.ts';
import { isNameChar, isNameStart } from './parser.ts';

/** The end of the ATTRNAME at `start`, or `start` when none starts there. */
function nameEnd(text: string, start: number): number {
  if (!isNameStart(text.charCodeAt(start))) return start;
  let j = start + 1;
  while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
  return j;
}

/** The comparison operator of two characters (any case), or `undefined` (`pr` included). */
function operatorOf(a: number, b: number): ComparisonOperator | undefined {
  // biome-ignore format: a table reads better
  switch (((a | 32) << 8) | (b | 32)) {
    case 0x6571: return 'eq';
    case 0x6e65: return 'ne';
    case 0x636f: return 'co';
    case 0x7377: return 'sw';
    case 0x6577: return 'ew';
    case 0x6774: return 'gt';
    case 0x6c74: return 'lt';
    case 0x6765: return 'ge';
    case 0x6c65: return 'le';
    default: return undefined;
  }
}

/**
 * `text` read as one comparison of an attribute (with an optional sub-attribute, no schema URN) with
 * a quoted string without escapes, one space on each side of the operator and nothing around: the
 * AST the parser (`Parser.filter`) gives for it. `undefined` for any other text, which the parser
 * then reads (and reports errors for): this only spares it the common case.
 * @internal
 */
export function simpleComparison(text: string, options: ResolvedFilterOptions): ComparisonFilter | undefined {
  const n = text.length;
  // The parser's limits: a text too long, no term or no level allowed fail there.
  if (n > options.maxLength || options.maxTerms < 1 || options.maxDepth < 0) return undefined;
  const nameStop = nameEnd(text, 0);
  if (nameStop === 0) return undefined;
  let at = nameStop;
  let subStop = nameStop;
  if (text.charCodeAt(at) === 46 /* . */) {
    subStop = nameEnd(text, at + 1);
    if (subStop === at + 1) return undefined;
    at = subStop;
  }
  if (text.charCodeAt(at) !== 32 || text.charCodeAt(at + 3) !== 32 || text.charCodeAt(at + 4) !== 34) {
    return undefined;
  }
  const op = operatorOf(text.charCodeAt(at + 1), text.charCodeAt(at + 2));
  const open = at + 4;
  // The value's closing quote ends the text, and the string holds no escape.
  if (op === undefined || n - 1 <= open || text.indexOf('"', open + 1) !== n - 1) return undefined;
  if (text.indexOf('\\', open + 1) !== -1) return undefined;
  const path: AttributePath =
    subStop === nameStop
      ? { attribute: text.slice(0, nameStop) }
      : { attribute: text.slice(0, nameStop), subAttribute: text.slice(nameStop + 1, subStop) };
  return { kind: 'compare', path, op, value: text.slice(open + 1, n - 1) };
}

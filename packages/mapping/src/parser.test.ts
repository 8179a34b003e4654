import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMappingError, type MappingError } from './errors.ts';
import { parseExpression, safeParseExpression } from './parser.ts';

/** What `parseExpression` does with the text: its tree, or the MappingError it throws. */
function thrown(text: string): { value: unknown } | { error: MappingError } {
  try {
    return { value: parseExpression(text) };
  } catch (error) {
    if (!isMappingError(error)) throw error;
    return { error };
  }
}

describe('safeParseExpression', () => {
  it('returns the tree parseExpression builds', () => {
    const r = safeParseExpression('IIF([country]="USA", [country], [department])');
    expect(r).toEqual({
      success: true,
      value: parseExpression('IIF([country]="USA", [country], [department])'),
    });
    expect(r.success && r.value.kind).toBe('call');
  });

  it('returns the error parseExpression throws, with its stage and position', () => {
    const r = safeParseExpression('Join(" ", [givenName]');
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(() => parseExpression('Join(" ", [givenName]')).toThrow(r.error.message);
    expect(r.error.stage).toBe('parse');
    expect(r.error.position.column).toBe(22);
    const lexed = safeParseExpression('[unclosed');
    expect(!lexed.success && lexed.error.stage).toBe('lex');
  });

  it('agrees with parseExpression on any text: the same tree, or the same error', () => {
    // Expression-like text (brackets, quotes, operators, names) reaches the parser's error paths
    // more often than arbitrary strings do; both are drawn.
    const piece = fc.constantFrom(
      'Join(',
      'IIF(',
      ')',
      ',',
      '[mail]',
      '"a"',
      '"',
      '=',
      '<>',
      ' ',
      '&H1F',
      '12',
      '[',
      ']',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        const safe = safeParseExpression(t);
        const plain = thrown(t);
        if ('error' in plain) {
          expect(safe.success).toBe(false);
          if (safe.success) return;
          expect(safe.error.code).toBe(plain.error.code);
          expect(safe.error.message).toBe(plain.error.message);
          expect(safe.error.position).toEqual(plain.error.position);
        } else {
          expect(safe).toEqual({ success: true, value: plain.value });
        }
      }),
      { numRuns: 300 },
    );
  });
});

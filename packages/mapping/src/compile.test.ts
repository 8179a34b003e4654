import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpression, safeCompileExpression, validateExpression } from './compile.ts';
import { isMappingError } from './errors.ts';
import { expressionFunctions } from './functions.ts';
import { MAX_EXPRESSION_LENGTH } from './lexer.ts';
import { parseExpression } from './parser.ts';
import { printExpression, toGraphParseTree } from './print.ts';

describe('compileExpression', () => {
  it('compiles once and evaluates many objects', () => {
    const c = compileExpression('Join(" ", [givenName], [surname])');
    expect(c.attributes).toEqual(['givenName', 'surname']);
    expect(c.evaluate({ givenName: 'John', surname: 'Doe' })).toBe('John Doe');
    expect(c.evaluate({ givenName: 'Ann' })).toBe('Ann');
  });

  it('flows a Redact value unchanged and marks the expression as redacted for the logs', () => {
    const redacted = compileExpression('Join("@", Redact([mailNickname]), "contoso.com")');
    expect(redacted.evaluate({ mailNickname: 'jdoe' })).toBe('jdoe@contoso.com');
    expect(redacted.redacted).toBe(true);
    expect(compileExpression('IIF(Redact([a]) = "x", "y", "z")').redacted).toBe(true);
    expect(compileExpression('Join("@", [mailNickname], "contoso.com")').redacted).toBe(false);
  });

  it('evaluates lazily: the branch not taken is not evaluated', () => {
    const c = compileExpression('IIF([a] = "x", "ok", CDate("not a date"))');
    expect(c.evaluate({ a: 'x' })).toBe('ok');
    expect(() => c.evaluate({ a: 'y' })).toThrow(/not a date/);
  });

  it('accepts an expression of exactly the 10,000-character limit and rejects a longer one', () => {
    const body = (n: number) => `"${'a'.repeat(n - 2)}"`;
    expect(compileExpression(body(MAX_EXPRESSION_LENGTH)).evaluate({})).toHaveLength(
      MAX_EXPRESSION_LENGTH - 2,
    );
    const r = safeCompileExpression(body(MAX_EXPRESSION_LENGTH + 1));
    expect(r.success).toBe(false);
    if (!r.success) expect([r.error.stage, r.error.code]).toEqual(['lex', 'tooLong']);
  });

  it('says what to do when Switch has the wrong number of arguments', () => {
    const r = safeCompileExpression('Switch([a], "d", "k")');
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.message).toContain(
        'Switch expects an odd number of arguments after the source: source, default, then key/value pairs',
      );
      expect(r.error.toJSON()).toMatchObject({
        stage: 'parse',
        code: 'arity',
        token: 'Switch',
        position: { offset: 0, line: 1, column: 1 },
      });
    }
  });

  it('suggests the right case for a misspelled function name', () => {
    const r = safeCompileExpression('  toLower([a])');
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.message).toContain('did you mean ToLower?');
      expect(r.error.position.column).toBe(3);
    }
  });

  it('positions evaluation errors at the failing call', () => {
    try {
      compileExpression('Join(" ",\n  CDate([d]))').evaluate({ d: 'nope' });
      expect.unreachable();
    } catch (e) {
      expect(isMappingError(e) && [e.stage, e.position.line, e.position.column, e.token]).toEqual([
        'evaluate',
        2,
        3,
        'CDate',
      ]);
    }
  });
});

describe('validateExpression', () => {
  it('collects every unknown function and arity error', () => {
    const errors = validateExpression('Joinn(" ", [a], Lefft([b], 1), Mid("x"))');
    expect(errors.map((e) => [e.code, e.position.column])).toEqual([
      ['unknownFunction', 1],
      ['unknownFunction', 17],
      ['arity', 32],
    ]);
  });

  it('collects every lexing error', () => {
    expect(validateExpression('Join(";" ; [a] # [b])').map((e) => e.token)).toEqual([';', '#']);
  });

  it('returns nothing for a valid expression', () => {
    expect(validateExpression('Switch([IsSoftDeleted], , "False", "True", "True", "False")')).toEqual([]);
  });
});

describe('function table', () => {
  it('lists every function of the issue with a signature and an example that compiles', () => {
    const names = expressionFunctions.map((f) => f.name);
    for (const n of [
      'Append',
      'AppRoleAssignmentsComplex',
      'AssertiveAppRoleAssignmentsComplex',
      'BitAnd',
      'CBool',
      'CDate',
      'Coalesce',
      'ConvertToBase64',
      'ConvertToUTF8Hex',
      'Count',
      'CStr',
      'DateAdd',
      'DateDiff',
      'DateFromNum',
      'DefaultDomain',
      'FormatDateTime',
      'Guid',
      'IgnoreFlowIfNullOrEmpty',
      'IIF',
      'InStr',
      'IsNull',
      'IsNullOrEmpty',
      'IsPresent',
      'IsString',
      'Item',
      'Join',
      'Left',
      'Mid',
      'NormalizeDiacritics',
      'Not',
      'Now',
      'NumFromDate',
      'PCase',
      'RandomString',
      'Redact',
      'RemoveDuplicates',
      'Replace',
      'SelectUniqueValue',
      'SingleAppRoleAssignment',
      'Split',
      'StripSpaces',
      'Switch',
      'ToLower',
      'ToUpper',
      'Word',
    ]) {
      expect(names).toContain(n);
    }
    for (const f of expressionFunctions) {
      expect(f.signature.startsWith(`${f.name}(`)).toBe(true);
      expect(safeCompileExpression(f.example).success).toBe(true);
    }
  });

  it('marks the non-deterministic functions', () => {
    expect(
      expressionFunctions
        .filter((f) => !f.deterministic)
        .map((f) => f.name)
        .sort(),
    ).toEqual(['Guid', 'Now', 'RandomString']);
  });
});

describe('toGraphParseTree', () => {
  it('has the shape of Graph parseExpression: Function, Attribute and Constant nodes keyed by parameter name', () => {
    expect(toGraphParseTree(parseExpression('Join(" ", [givenName], [surname])'))).toEqual({
      expression: 'Join(" ", [givenName], [surname])',
      name: 'Join',
      type: 'Function',
      parameters: [
        { key: 'separator', value: { expression: '" "', name: ' ', type: 'Constant', parameters: [] } },
        {
          key: 'source',
          value: { expression: '[givenName]', name: 'givenName', type: 'Attribute', parameters: [] },
        },
        {
          key: 'source',
          value: { expression: '[surname]', name: 'surname', type: 'Attribute', parameters: [] },
        },
      ],
    });
  });

  it('leaves omitted arguments out and names Switch pairs key and value', () => {
    const tree = toGraphParseTree(parseExpression('Switch([IsSoftDeleted], , "False", "True")'));
    expect(tree.parameters.map((p) => p.key)).toEqual(['source', 'key', 'value']);
  });
});

// Generators for the property tests: valid expressions built from the grammar, and arbitrary text.
const leaf = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/).map((n) => `[${n}]`),
  fc.string({ maxLength: 8 }).map((s) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`),
  fc.integer({ min: -999, max: 999 }).map(String),
  fc.integer({ min: 0, max: 0xffff }).map((n) => `&H${n.toString(16).toUpperCase()}`),
);
const { expr } = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .tuple(
        fc.constantFrom('Join', 'Coalesce', 'Append', 'Left'),
        fc.array(fc.oneof(tie('expr'), fc.constant('')), { minLength: 2, maxLength: 4 }),
      )
      .map(([f, args]) => `${f}(${args.join(', ')})`),
    fc
      .tuple(tie('expr'), fc.constantFrom('=', '<>', '<', '<=', '>', '>='), leaf)
      .map(([a, op, b]) => `IIF(${a} ${op} ${b}, "t", "f")`),
  ),
}));

describe('properties', () => {
  it('any string either compiles or fails with a positioned MappingError, never a crash', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          expr.map((e) => e.slice(0, Math.max(0, e.length - 3))),
        ),
        (text) => {
          const r = safeCompileExpression(text);
          if (!r.success) {
            expect(isMappingError(r.error)).toBe(true);
            expect(r.error.position.offset).toBeGreaterThanOrEqual(0);
            expect(r.error.position.offset).toBeLessThanOrEqual(text.length);
            expect(r.error.position.line).toBeGreaterThanOrEqual(1);
            expect(r.error.position.column).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('printing a parsed expression and parsing it again gives the same tree', () => {
    fc.assert(
      fc.property(expr, (text) => {
        const strip = (o: unknown): unknown =>
          JSON.parse(JSON.stringify(o, (k, v) => (k === 'start' || k === 'end' ? undefined : v)));
        const printed = printExpression(parseExpression(text));
        expect(strip(parseExpression(printed))).toEqual(strip(parseExpression(text)));
      }),
      { numRuns: 200 },
    );
  });

  it('validateExpression finds an error exactly when compileExpression fails', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), expr), (text) => {
        expect(validateExpression(text).length > 0).toBe(!safeCompileExpression(text).success);
      }),
      { numRuns: 200 },
    );
  });

  it('Join of present values equals the values joined with the separator', () => {
    const c = compileExpression('Join([sep], [a], [b], [c])');
    fc.assert(
      fc.property(
        fc.string({ maxLength: 3 }),
        fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 3, maxLength: 3 }),
        (sep, [a, b, cc]) => {
          expect(c.evaluate({ sep, a, b, c: cc })).toBe([a, b, cc].join(sep));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('docs/mapping.md', () => {
  it('documents every function of the table with a heading and its signature', async () => {
    const { readFileSync } = await import('node:fs');
    const docs = readFileSync(new URL('../../../docs/mapping.md', import.meta.url), 'utf8');
    for (const f of expressionFunctions) {
      expect(docs).toContain(`### ${f.name}\n`);
      expect(docs).toContain(`\`${f.signature}\``);
    }
  });
});

describe('evaluation property', () => {
  it('a compiled expression returns a value or throws a MappingError for any attribute values', () => {
    const value = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 6 }),
      fc.integer(),
      fc.boolean(),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        expr,
        fc.dictionary(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/), value, { maxKeys: 6 }),
        (text, object) => {
          const compiled = safeCompileExpression(text);
          if (!compiled.success) return;
          try {
            const v = compiled.value.evaluate(object);
            expect(v === null || ['string', 'number', 'object'].includes(typeof v)).toBe(true);
          } catch (e) {
            expect(isMappingError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { examples, isLiteralOnly, literalOnlyExamples, PENDING } from './check-examples.mjs';

describe('isLiteralOnly (an @example that writes out a value instead of showing a use)', () => {
  it('finds a value written out, alone or with its imports', () => {
    expect(isLiteralOnly("const op: PatchOperation = { op: 'replace', path: 'active', value: false };")).toBe(
      true,
    );
    expect(isLiteralOnly("import { URN } from '@scim/schemas';\nconst body = { schemas: [URN.User] };")).toBe(
      true,
    );
    expect(isLiteralOnly("const t: AttributeType = 'dateTime';\nconst n: ScalarValue<'integer'> = 42;")).toBe(
      true,
    );
    expect(isLiteralOnly('({ kind: "present", path: { attribute: "title" } }) satisfies Filter;')).toBe(true);
  });

  it('accepts an example that calls something with the value, or gets it from a call', () => {
    expect(isLiteralOnly("const op = { op: 'replace' } as const;\napplyPatch(user, op, schema);")).toBe(
      false,
    );
    expect(isLiteralOnly('const user: User = userCreateParser.parse(body).value;')).toBe(false);
    expect(isLiteralOnly('const f = (x: Filter) => x.kind;')).toBe(false);
  });

  it('leaves alone an example that only declares types (a type-level helper in use) or is empty', () => {
    expect(isLiteralOnly('type AB = Simplify<{ a: 1 } & { b: 2 }>;')).toBe(false);
    expect(isLiteralOnly('')).toBe(false);
  });
});

describe('examples', () => {
  it('reads each @example fence of a comment, with the line of its tag and the declaration it documents', () => {
    const text = [
      '/**', // 1
      ' * A thing.', // 2
      ' *', // 3
      ' * @example', // 4
      ' * ```ts', // 5
      ' * const a: Thing = { x: 1 };', // 6
      ' * ```', // 7
      ' * @see https://example.com', // 8
      ' */', // 9
      'export interface Thing {', // 10
      '  x: number;', // 11
      '}', // 12
    ].join('\n');
    expect(examples(text)).toEqual([{ line: 4, name: 'Thing', code: 'const a: Thing = { x: 1 };' }]);
  });
});

describe('the packages', () => {
  const { total, found } = literalOnlyExamples();

  it('have no literal-only @example besides the pending ones', () => {
    expect(total).toBeGreaterThan(400);
    expect(found.filter((f) => !PENDING.has(f.key)).map((f) => `${f.file}:${f.line} ${f.name}`)).toEqual([]);
  });

  it('list as pending only examples that are still literal-only (rewrite one, take it out)', () => {
    expect([...PENDING].filter((k) => !found.some((f) => f.key === k))).toEqual([]);
  });
});

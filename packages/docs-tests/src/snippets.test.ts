import { describe, expect, it } from 'vitest';
import { extractSnippets, modules } from './snippets.ts';

describe('extractSnippets', () => {
  it('finds ```ts fences, indented ones too, with the line of their first code line', () => {
    const md = [
      '# Title', // 1
      '```ts', // 2
      'const a = 1;', // 3
      '```', // 4
      '- a list', // 5
      '  ```ts', // 6
      '  const b = 2;', // 7
      '    nested();', // 8
      '  ```', // 9
      '```sh', // 10
      'echo not ts', // 11
      '```', // 12
    ].join('\n');
    const found = extractSnippets(md, 'x.md');
    expect(found.map((s) => [s.line, s.code, s.mode])).toEqual([
      [3, 'const a = 1;\n', 'check'],
      [7, 'const b = 2;\n  nested();\n', 'check'],
    ]);
    expect(found[1]!.lineMap).toEqual([7, 8]);
  });

  it('reads the opt-out markers, which must give a reason', () => {
    const md = [
      '<!-- snippet: skip a fragment of the example above -->',
      '```ts',
      'x;',
      '```',
      '<!-- snippet: no-run it listens on port 8080 -->',
      '',
      '```ts',
      'listen();',
      '```',
    ].join('\n');
    expect(extractSnippets(md, 'x.md').map((s) => [s.mode, s.reason])).toEqual([
      ['skip', 'a fragment of the example above'],
      ['no-run', 'it listens on port 8080'],
    ]);
    expect(() => extractSnippets('<!-- snippet: skip -->\n```ts\nx;\n```', 'y.md')).toThrow(
      'y.md:1: "skip" needs a reason',
    );
    expect(() => extractSnippets('<!-- snippet: hide because -->\n```ts\nx;\n```', 'y.md')).toThrow(
      'unknown snippet marker "hide"',
    );
  });

  it('refuses a marker that no ```ts fence follows, and an unclosed fence', () => {
    expect(() => extractSnippets('<!-- snippet: skip old -->\nSome text.\n```ts\nx;\n```', 'z.md')).toThrow(
      'z.md:1: a snippet marker must be followed by a ```ts fence',
    );
    expect(() => extractSnippets('```ts\nx;\n', 'z.md')).toThrow('z.md:1: the ```ts fence is never closed');
  });

  it('does not take a ```ts inside another fence for a snippet', () => {
    expect(extractSnippets('````md\n```ts\nx;\n```\n````', 'x.md')).toEqual([]);
  });
});

describe('modules', () => {
  it('joins a continued snippet to the one before it, keeping each line where it came from', () => {
    const md = [
      '```ts', // 1
      'const a = 1;', // 2
      '```', // 3
      '<!-- snippet: continues -->', // 4
      '```ts', // 5
      'a + 1;', // 6
      '```', // 7
      '```ts', // 8
      'other();', // 9
      '```', // 10
    ].join('\n');
    const joined = modules(extractSnippets(md, 'x.md'));
    expect(joined.map((s) => [s.line, s.code, s.lineMap])).toEqual([
      [2, 'const a = 1;\na + 1;\n', [2, 6]],
      [9, 'other();\n', [9]],
    ]);
  });
});

#!/usr/bin/env node
// Finds the TSDoc `@example` blocks of packages/*/src that only write out a value of the documented
// type (`const op: PatchOperation = { ... }`) instead of showing a use: a call of the package's API
// that takes or returns it. `node scripts/check-examples.mjs` lists them and fails when one is found
// that is not in PENDING; `--all` lists every one, PENDING too; `--count` prints the counts only.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;

/**
 * Literal-only examples left in files other work was restructuring when this check came in, by
 * `file#declaration`; each is to be rewritten, and then taken out of this list (the check fails on
 * an entry that is no longer literal-only, so the list only shrinks).
 */
export const PENDING = new Set([]);

/** The TypeScript files of packages/<pkg>/src, tests left out. */
export function sourceFiles(dir = join(root, 'packages')) {
  const out = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== '__snippets__') walk(path);
      } else if (/\.tsx?$/.test(entry.name) && !/\.test(-d)?\.tsx?$/.test(entry.name)) out.push(path);
    }
  };
  for (const pkg of readdirSync(dir, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    const src = join(dir, pkg.name, 'src');
    try {
      walk(src);
    } catch (error) {
      if (error?.code !== 'ENOENT') throw error;
    }
  }
  return out.sort();
}

const FENCE_OPEN = /^```(?:ts|typescript|js|javascript)?\s*$/;

/**
 * The `@example` blocks of a source text: for each, the 1-based line of its `@example` tag, the
 * code of its fences joined, and the name of the declaration its comment documents.
 */
export function examples(text) {
  const out = [];
  const comment = /\/\*\*([\s\S]*?)\*\//g;
  for (let m = comment.exec(text); m !== null; m = comment.exec(text)) {
    const startLine = text.slice(0, m.index).split('\n').length;
    const lines = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    const after = text.slice(comment.lastIndex, comment.lastIndex + 400);
    const name = declarationName(after);
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*@example\b/.test(lines[i])) continue;
      const code = [];
      let inFence = false;
      let j = i + 1;
      for (; j < lines.length; j++) {
        const line = lines[j];
        if (!inFence && /^\s*@\w+/.test(line)) break;
        if (FENCE_OPEN.test(line.trim()) && !inFence) inFence = true;
        else if (line.trim() === '```' && inFence) inFence = false;
        else if (inFence) code.push(line);
      }
      out.push({ line: startLine + i, name, code: code.join('\n') });
      i = j - 1;
    }
  }
  return out;
}

/** The name of the declaration that starts a text: `export interface Foo` gives `Foo`. */
function declarationName(text) {
  const m =
    /^\s*(?:export\s+)?(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:interface|type|class|function\*?|const|let|var|enum|namespace)\s+([A-Za-z_$][\w$]*)/.exec(
      text,
    ) ?? /^\s*(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*[:(<]/.exec(text);
  return m?.[1] ?? '?';
}

/** An expression with its parentheses, `as` and `satisfies` taken off. */
function unwrap(node) {
  while (
    ts.isParenthesizedExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  )
    node = node.expression;
  return node;
}

/** A value written out: an object, an array, a string, a number, a boolean or null. */
function isLiteral(node) {
  const e = unwrap(node);
  return (
    ts.isObjectLiteralExpression(e) ||
    ts.isArrayLiteralExpression(e) ||
    ts.isStringLiteral(e) ||
    ts.isNoSubstitutionTemplateLiteral(e) ||
    ts.isNumericLiteral(e) ||
    (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand)) ||
    e.kind === ts.SyntaxKind.TrueKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    e.kind === ts.SyntaxKind.NullKeyword
  );
}

/**
 * Whether an example's code only writes out values: after its imports, every statement declares
 * variables initialised with literals, or is a literal on its own, or declares a type (an example
 * that only declares types is a use of a type-level helper, and is not counted).
 */
export function isLiteralOnly(code) {
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const statements = file.statements.filter((s) => !ts.isImportDeclaration(s) && !ts.isEmptyStatement(s));
  // Declaring types is how a type-level helper (`Simplify<...>`) is used: not literal-only alone.
  if (!statements.some((s) => ts.isVariableStatement(s) || ts.isExpressionStatement(s))) return false;
  return statements.every((s) => {
    if (ts.isVariableStatement(s))
      return s.declarationList.declarations.every(
        (d) => d.initializer !== undefined && isLiteral(d.initializer),
      );
    if (ts.isExpressionStatement(s)) return isLiteral(s.expression);
    return ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s);
  });
}

/** Every literal-only example of the packages: `{ file, line, name, key }`, `key` being `file#name`. */
export function literalOnlyExamples(files = sourceFiles()) {
  const found = [];
  let total = 0;
  for (const path of files) {
    const file = relative(root, path);
    for (const ex of examples(readFileSync(path, 'utf8'))) {
      total++;
      if (isLiteralOnly(ex.code))
        found.push({ file, line: ex.line, name: ex.name, key: `${file}#${ex.name}` });
    }
  }
  return { total, found };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { total, found } = literalOnlyExamples();
  const all = process.argv.includes('--all');
  const fresh = found.filter((f) => !PENDING.has(f.key));
  const stale = [...PENDING].filter((k) => !found.some((f) => f.key === k));
  console.log(
    `${total} @example blocks; ${found.length} only write out a value (${found.length - fresh.length} of them pending)`,
  );
  if (process.argv.includes('--count')) process.exit(0);
  for (const f of all ? found : fresh) console.log(`${f.file}:${f.line} ${f.name}`);
  for (const k of stale) console.log(`${k}: in PENDING, but no longer literal-only; take it out of the list`);
  if (fresh.length > 0)
    console.log(
      'An @example shows a use: how a caller gets or passes the value in a call of the package, not the value alone.',
    );
  process.exit(fresh.length > 0 || stale.length > 0 ? 1 : 0);
}

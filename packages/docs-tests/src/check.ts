/**
 * Compiles documentation snippets against the packages' sources (one TypeScript program, the
 * repository's strict options) and runs the ones that stand on their own.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { contextFor, supportFiles } from './context.ts';
import type { Snippet } from './snippets.ts';

const packageDir = join(import.meta.dirname, '..');

/** A snippet made into a module: the reader's objects it uses declared in front of its code. */
export interface PreparedSnippet {
  readonly snippet: Snippet;
  /** A file name for it: `docs_server_md_23.ts`. */
  readonly name: string;
  readonly source: string;
  /** How many declaration lines were put in front of the code. */
  readonly prepended: number;
  /** Why it is not run, or undefined when it is. */
  readonly noRun: string | undefined;
}

/** The names a module declares at its top level, and every identifier it refers to. */
function names(code: string): { declared: Set<string>; used: Set<string> } {
  const file = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true);
  const declared = new Set<string>();
  const used = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations) bind(d.name);
    else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement)) &&
      statement.name
    )
      declared.add(statement.name.text);
    else if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) declared.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      else if (bindings) for (const e of bindings.elements) declared.add(e.name.text);
    }
  }
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isPropertySignature(parent) && parent.name === node) ||
        (ts.isBindingElement(parent) && parent.propertyName === node);
      if (!isMemberName) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { declared, used };
}

/** Imports that make a snippet a test file, which runs under vitest, not on its own. */
const TEST_IMPORTS = /from '(vitest|@scim\/entra-mock\/vitest|@scim\/server\/testing)'/;

/** Makes a snippet a module: the reader's objects it uses declared in front, `export {}` after. */
export function prepare(snippet: Snippet): PreparedSnippet {
  const context = contextFor(snippet.file);
  const { declared, used } = names(snippet.code);
  const needed = Object.keys(context).filter((n) => used.has(n) && !declared.has(n));
  const header = needed.map((n) => context[n]!);
  const noRun =
    snippet.mode === 'no-run'
      ? snippet.reason
      : TEST_IMPORTS.test(snippet.code)
        ? 'a test file: it runs under vitest'
        : needed.length > 0
          ? `it uses the reader's ${needed.join(', ')}`
          : undefined;
  return {
    snippet,
    name: `${snippet.file.replace(/\W+/g, '_')}_${snippet.line}.ts`,
    source: `${header.join('\n')}${header.length > 0 ? '\n' : ''}${snippet.code}export {};\n`,
    prepended: header.length,
    noRun,
  };
}

/** Where a diagnostic is in the documentation: `docs/server.md:42`. */
function where(prepared: PreparedSnippet, line: number): string {
  const { snippet } = prepared;
  const k = line - prepared.prepended;
  return `${snippet.file}:${snippet.lineMap[k] ?? snippet.line}`;
}

/**
 * Type-checks every snippet as a module of its own, with the compiler options of this package
 * (the repository's strict ones) and the `@scim/source` condition, so they compile against the
 * packages' sources.
 * @returns One line per error: `docs/server.md:42 Cannot find name 'x'.`
 */
export function typecheck(snippets: readonly PreparedSnippet[]): string[] {
  const dir = join(packageDir, 'src', '__snippets__');
  const files = new Map<string, string>();
  const byFile = new Map<string, PreparedSnippet>();
  for (const [name, text] of Object.entries(supportFiles)) files.set(join(dir, name), text);
  for (const p of snippets) {
    files.set(join(dir, p.name), p.source);
    byFile.set(join(dir, p.name), p);
  }
  const config = ts.getParsedCommandLineOfConfigFile(
    join(packageDir, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (config === undefined) throw new Error('packages/docs-tests/tsconfig.json cannot be read');
  const host = ts.createCompilerHost(config.options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const dirExists = host.directoryExists?.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => files.get(f) ?? read(f);
  host.fileExists = (f) => files.has(f) || exists(f);
  host.directoryExists = (d) => d === dir || (dirExists?.(d) ?? false);
  host.getSourceFile = (f, v, ...rest) => {
    const text = files.get(f);
    return text === undefined ? getSource(f, v, ...rest) : ts.createSourceFile(f, text, v);
  };
  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.has(d.file.fileName))
    .map((d) => {
      const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file === undefined) return message;
      const p = byFile.get(d.file.fileName);
      const line = d.file.getLineAndCharacterOfPosition(d.start ?? 0).line;
      return `${p ? where(p, line) : d.file.fileName} ${message}`;
    });
}

/** What running one snippet did. */
export interface RunResult {
  readonly snippet: PreparedSnippet;
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Runs the snippets that stand on their own, each with Node (type stripping, the `@scim/source`
 * condition) in a fresh working directory, so the files they write land there.
 * @returns One result per snippet run.
 */
export function runSnippets(snippets: readonly PreparedSnippet[], timeoutMs = 30_000): RunResult[] {
  // Under this package, so that the snippets' imports resolve from its node_modules; removed after.
  const dir = mkdtempSync(join(packageDir, '.snippets-'));
  try {
    for (const [name, text] of Object.entries(supportFiles)) writeFileSync(join(dir, name), text);
    return snippets.map((p) => {
      const file = join(dir, p.name);
      writeFileSync(file, p.source);
      const cwd = mkdtempSync(join(tmpdir(), 'scim-snippet-'));
      mkdirSync(join(cwd, 'data'), { recursive: true });
      try {
        const run = spawnSync(
          process.execPath,
          ['--experimental-strip-types', '--no-warnings', '--conditions=@scim/source', file],
          { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NODE_OPTIONS: '' } },
        );
        const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
        return { snippet: p, ok: run.status === 0, output };
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The TSDoc `@example` blocks of the packages compile against the packages' sources, as the
// guides' snippets do. An example may use its own package's exports without importing them (the
// page it is on is that package's), and the names a reader brings (`body`, `store`, `tenant`) are
// declared from context.ts. Examples are compiled, not run: most need a connector, a tenant or a
// request.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { examples, sourceFiles } from '../../../scripts/check-examples.mjs';
import { prepare, typecheck } from './check.ts';
import type { Snippet } from './snippets.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

/**
 * Examples that do not compile yet (written before this test), by `file#declaration`. Take one
 * out of the list once it compiles; the test fails on a listed example that does.
 */
const NOT_YET: ReadonlySet<string> = new Set([
  'packages/create-scim-connector/src/actions/copy-template.ts#copyTemplate',
  'packages/create-scim-connector/src/actions/git-init.ts#gitInit',
  'packages/create-scim-connector/src/actions/install.ts#install',
  'packages/create-scim-connector/src/actions/next-steps.ts#nextSteps',
  'packages/create-scim-connector/src/actions/resolve-options.ts#resolveOptions',
  'packages/create-scim-connector/src/actions/transform.ts#transformTemplate',
  'packages/create-scim-connector/src/actions/validate-target.ts#validateTarget',
  'packages/create-scim-connector/src/actions/write-files.ts#writeFiles',
  'packages/create-scim-connector/src/actions/write-versions.ts#writeVersions',
  'packages/entra-mock/src/engine/types.ts#ProvisionOnDemandReport',
  'packages/entra-mock/src/engine/types.ts#ProvisionOnDemandResult',
  'packages/entra-mock/src/engine/types.ts#ProvisioningJob',
  'packages/entra-mock/src/engine/types.ts#reconfigure',
  'packages/entra-mock/src/generator/directory.ts#ImportedDirectory',
  'packages/entra-mock/src/generator/directory.ts#exportDirectory',
  'packages/entra-mock/src/generator/directory.ts#importDirectory',
  'packages/server/src/node.ts#NodeMiddleware',
  'packages/server/src/node.ts#toNodeMiddleware',
  'packages/server/src/options.ts#HandlerLogger',
  'packages/server/src/serve/env.ts#listenPort',
  'packages/server/src/serve/serve.ts#connectorServer',
  'packages/server/src/store/postgres.ts#PgClientLike',
  'packages/server/src/store/postgres.ts#PgPoolLike',
  'packages/server/src/store/postgres.ts#PgliteLike',
]);

/** What a package exports, by name: the specifier to import it from, and whether it is a type. */
function exportsOf(dir: string): Map<string, { from: string; type: boolean }> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    exports?: Record<string, { '@scim/source'?: string }>;
  };
  const out = new Map<string, { from: string; type: boolean }>();
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const entry = target['@scim/source'];
    if (entry === undefined) continue;
    const from = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    collect(join(dir, entry), from, out);
  }
  return out;
}

/** Adds the exports of one module to `out`, following `export * from` into the modules it names. */
function collect(path: string, from: string, out: Map<string, { from: string; type: boolean }>): void {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest);
  for (const s of source.statements) {
    if (
      ts.isExportDeclaration(s) &&
      !s.exportClause &&
      s.moduleSpecifier &&
      ts.isStringLiteral(s.moduleSpecifier)
    ) {
      collect(join(dirname(path), s.moduleSpecifier.text), from, out);
      continue;
    }
    const exported =
      ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause)) {
      for (const e of s.exportClause.elements)
        out.set(e.name.text, { from, type: s.isTypeOnly || e.isTypeOnly });
    } else if (exported && (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s))) {
      out.set(s.name.text, { from, type: true });
    } else if (exported && (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) {
      out.set(s.name.text, { from, type: false });
    } else if (exported && ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations)
        if (ts.isIdentifier(d.name)) out.set(d.name.text, { from, type: false });
    }
  }
}

const packages = new Map(
  readdirSync(join(repo, 'packages'))
    .filter((d) => existsSync(join(repo, 'packages', d, 'package.json')))
    .map((d) => [d, exportsOf(join(repo, 'packages', d))] as const),
);

/** The identifiers a piece of code declares (imports included) and the ones it refers to. */
function identifiers(code: string): { declared: Set<string>; used: Set<string> } {
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const declared = new Set<string>();
  const used = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      if (
        (ts.isImportSpecifier(parent) || ts.isNamespaceImport(parent) || ts.isImportClause(parent)) &&
        parent.name === node
      )
        declared.add(node.text);
      else if (
        !(ts.isPropertyAccessExpression(parent) && parent.name === node) &&
        !(ts.isQualifiedName(parent) && parent.right === node)
      )
        used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { declared, used };
}

/** Whether a statement returns from the top level (`if (!ok) return error.toResponse();`). */
function returns(node: ts.Node): boolean {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.isReturnStatement(node) || ts.forEachChild(node, returns) === true;
}

/**
 * An example as a module. Its imports, and an import of the exports of its own package it uses
 * without importing them, go on the first line (its import lines are left blank, so that lines
 * keep their numbers); an example that returns from the top level, as a request handler's body
 * does, is wrapped in a function.
 */
export function exampleModule(
  code: string,
  own: ReadonlyMap<string, { from: string; type: boolean }>,
): string {
  const file = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true);
  const { declared, used } = identifiers(code);
  const header = [...used]
    .filter((n) => !declared.has(n) && own.has(n))
    .sort()
    .map((n) => `import ${own.get(n)!.type ? 'type ' : ''}{ ${n} } from '${own.get(n)!.from}';`);
  let body = code;
  for (const s of [...file.statements].reverse()) {
    if (!ts.isImportDeclaration(s)) continue;
    header.push(s.getText(file));
    const start = s.getStart(file);
    body = `${body.slice(0, start)}${body.slice(start, s.end).replace(/[^\n]/g, ' ')}${body.slice(s.end)}`;
  }
  const wrap = file.statements.some(returns);
  return wrap
    ? `${header.join(' ')} export async function example(): Promise<unknown> {\n${body}\n}\n`
    : `${header.join(' ')}\n${body}\n`;
}

/** One example as a snippet, with the key that names it: `file#declaration`. */
interface KeyedSnippet {
  readonly key: string;
  readonly snippet: Snippet;
}

/** Each example of a source file as a snippet, at the line of its first code line. */
export function tsdocSnippets(path: string): KeyedSnippet[] {
  const file = relative(repo, path);
  const own = packages.get(file.split('/')[1]!) ?? new Map();
  return examples(readFileSync(path, 'utf8')).map((ex) => {
    const first = ex.line + 2;
    const snippet: Snippet = {
      file,
      line: first,
      code: exampleModule(ex.code, own),
      lineMap: [first, ...ex.code.split('\n').map((_, k) => first + k)],
      mode: 'no-run',
      continues: false,
      reason: 'a TSDoc example',
    };
    return { key: `${file}#${ex.name}`, snippet };
  });
}

describe('the TSDoc examples', () => {
  const keyed = sourceFiles().flatMap(tsdocSnippets);
  const errors = typecheck(keyed.map((k) => prepare(k.snippet)));
  /** The example an error (`file:line message`) is in. */
  const keyOf = (error: string): string => {
    const [, file, line] = /^([^:]+):(\d+) /.exec(error) ?? [];
    const found = keyed.find((k) => k.snippet.file === file && k.snippet.lineMap.includes(Number(line)));
    return found?.key ?? error;
  };
  const failing = new Set(errors.map(keyOf));

  it('are found, and compile against the packages', () => {
    expect(keyed.length).toBeGreaterThan(400);
    expect(errors.filter((e) => !NOT_YET.has(keyOf(e)))).toEqual([]);
  });

  it('leave NOT_YET once they compile', () => {
    expect([...NOT_YET].filter((k) => !failing.has(k))).toEqual([]);
  });
});

#!/usr/bin/env node
// `pnpm docs`: the typedoc HTML API reference of every published package into docs/api/, with the
// entry points taken from each package's exports map (their `@scim/source` condition), and warnings
// treated as errors. Each module is named by its package (`@scim/server`, `@scim/server/testing`)
// and shows the package's README; the landing page (docs/api-readme.md) lists the packages, and the
// guides (docs/*.md) are part of the site. Also checks that every guide docs/README.md links to
// exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Application, Converter, LogLevel, MinimalSourceFile, OptionDefaults, ReflectionKind } from 'typedoc';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs', 'api');

/**
 * The published packages' entry points: for each export of each package, its source file, the
 * module name users import (`@scim/entra-mock/vitest`) and, for the main export, the README.
 */
function entryPoints() {
  const entries = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.private) continue;
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const source = typeof target === 'object' ? target['@scim/source'] : undefined;
      if (!source) continue;
      const readme = join(root, 'packages', dir, 'README.md');
      entries.push({
        dir: join(root, 'packages', dir),
        subpath,
        file: join(root, 'packages', dir, source),
        name: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`,
        readme: subpath === '.' && existsSync(readme) ? readme : undefined,
      });
    }
  }
  return entries;
}

/**
 * The guides that become pages of the site, beside the API, in the order docs/README.md gives
 * them, with their titles in the navigation; any other docs/*.md follows under its first heading.
 */
const GUIDES = [
  ['getting-started.md', 'Getting started'],
  ['protocol.md', 'Protocol guide'],
  ['mapping.md', 'Mapping guide'],
  ['server.md', 'Server guide'],
  ['entra-mock.md', 'Entra simulator guide'],
  ['templates.md', 'Templates guide'],
  ['benchmarks.md', 'Benchmarks'],
];

function guidePages() {
  const files = readdirSync(join(root, 'docs')).filter(
    (f) => f.endsWith('.md') && f !== 'README.md' && f !== 'api-readme.md',
  );
  const known = GUIDES.filter(([f]) => files.includes(f));
  const others = files
    .filter((f) => !GUIDES.some(([g]) => g === f))
    .sort()
    .map((f) => [
      f,
      /^#\s+(.*)$/m.exec(readFileSync(join(root, 'docs', f), 'utf8'))?.[1]?.replaceAll('`', '') ?? f,
    ]);
  return [...known, ...others].map(([f, title]) => ({ path: join(root, 'docs', f), title }));
}

/**
 * The landing page: docs/api-readme.md, then the packages and the guides, each linked. A package is
 * described by its package.json, a subpath export by the first paragraph of its module comment.
 */
function landingPage(guides, summaries) {
  const intro = readFileSync(join(root, 'docs', 'api-readme.md'), 'utf8').trim();
  const packages = [];
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const pkg = JSON.parse(readFileSync(join(e.dir, 'package.json'), 'utf8'));
    const what = (e.subpath === '.' ? pkg.description : summaries.get(e.name)) ?? '';
    packages.push(`| {@link "${e.name}"! | ${e.name}} | ${what.replaceAll('|', '\\|')} |`);
  }
  const links = guides.map((g) => `- [${g.title}](${relative(join(root, 'docs'), g.path)})`);
  return [
    intro,
    '',
    '## Packages',
    '',
    '| Package | What it is |',
    '| --- | --- |',
    ...packages,
    '',
    '## Guides',
    '',
    ...links,
    '',
  ].join('\n');
}

function checkGuides() {
  const index = join(root, 'docs', 'README.md');
  if (!existsSync(index)) return ['docs/README.md is missing'];
  const problems = [];
  for (const [, target] of readFileSync(index, 'utf8').matchAll(/\]\((?!https?:|#)([^)#]+)[^)]*\)/g)) {
    const path = join(dirname(index), target);
    if (!existsSync(path) && !target.startsWith('api/'))
      problems.push(`docs/README.md links to ${target}, which does not exist`);
  }
  return problems;
}

const entries = entryPoints();
const guides = guidePages();
const app = await Application.bootstrapWithPlugins({
  entryPoints: entries.map((e) => e.file),
  entryPointStrategy: 'resolve',
  projectDocuments: guides.map((g) => g.path),
  navigation: { includeCategories: false, includeGroups: false, includeFolders: false },
  tsconfig: join(root, 'configs', 'tsconfig.typedoc.json'),
  out,
  name: 'SCIM SDK',
  readme: join(root, 'docs', 'api-readme.md'),
  treatWarningsAsErrors: true,
  // openapi-typescript writes `@description` on the generated OpenAPI types.
  blockTags: [...OptionDefaults.blockTags, '@description'],
  treatValidationWarningsAsErrors: true,
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  githubPages: false,
  disableGit: true,
  basePath: root,
  sourceLinkTemplate: 'https://github.com/scim-sdk/scim-sdk/blob/main/{path}#L{line}',
  includeVersion: false,
  sort: ['kind', 'instance-first', 'alphabetical-ignoring-documents'],
  validation: {
    notExported: true,
    invalidLink: true,
    notDocumented: true,
    rewrittenLink: true,
    unusedMergeModuleWith: true,
  },
  requiredToBeDocumented: [
    'Enum',
    'EnumMember',
    'Variable',
    'Function',
    'Class',
    'Interface',
    'Property',
    'Method',
    'Accessor',
    'TypeAlias',
  ],
  logLevel: LogLevel.Warn,
});

// Name each module by its package and give the main one the package's README as its page.
app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
  const { project } = context;
  const summaries = new Map();
  for (const mod of project.getReflectionsByKind(ReflectionKind.Module)) {
    const file = project.getSymbolIdFromReflection(mod)?.fileName;
    const entry = entries.find((e) => e.file === file);
    if (entry === undefined) continue;
    mod.name = entry.name;
    // Inline links name declarations of the module, which the landing page cannot resolve: as code.
    const parts = (mod.comment?.summary ?? []).map((p) =>
      p.kind === 'inline-tag' ? `\`${p.text}\`` : p.text,
    );
    const summary = parts.join('').split(/\n\s*\n/)[0];
    summaries.set(entry.name, summary?.replace(/\s+/g, ' ').trim());
    if (entry.readme === undefined) continue;
    const text = readFileSync(entry.readme, 'utf8');
    mod.readme = app.converter.parseRawComment(
      new MinimalSourceFile(text, entry.readme),
      project.files,
    ).content;
    project.files.registerReflectionPath(entry.readme, mod);
  }
  const landing = join(root, 'docs', 'api-readme.md');
  project.readme = app.converter.parseRawComment(
    new MinimalSourceFile(landingPage(guides, summaries), landing),
    project.files,
  ).content;
  for (const doc of project.documents ?? []) {
    const guide = guides.find((g) => relative(root, g.path).replace(/\.md$/, '') === doc.name);
    if (guide) doc.name = guide.title;
  }
});

const project = await app.convert();
let failed = !project || app.logger.hasErrors() || app.logger.hasWarnings();
if (project) {
  app.validate(project);
  failed ||= app.logger.hasErrors() || app.logger.hasWarnings();
}
if (project && !failed) await app.generateDocs(project, out);
const problems = checkGuides();
for (const problem of problems) console.error(`docs: ${problem}`);
if (failed) console.error('docs: typedoc reported problems (warnings count as errors); see above');
if (failed || problems.length > 0) process.exit(1);
console.log(`docs: API reference written to ${relative(root, out)}/ from ${entries.length} entry points`);

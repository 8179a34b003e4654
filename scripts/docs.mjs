#!/usr/bin/env node
// `pnpm docs`: the typedoc HTML API reference of every published package into docs/api/, with the
// entry points taken from each package's exports map (their `@scim/source` condition), and warnings
// treated as errors. Also checks that every guide docs/README.md links to exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Application, LogLevel, OptionDefaults } from 'typedoc';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs', 'api');

/** The published packages and the source file behind each of their exports. */
function entryPoints() {
  const entries = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.private) continue;
    for (const target of Object.values(pkg.exports ?? {})) {
      const source = typeof target === 'object' ? target['@scim/source'] : undefined;
      if (source) entries.push(join(root, 'packages', dir, source));
    }
  }
  return entries;
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

const app = await Application.bootstrapWithPlugins({
  entryPoints: entryPoints(),
  entryPointStrategy: 'resolve',
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

const project = await app.convert();
let failed = !project || app.logger.hasErrors() || app.logger.hasWarnings();
if (project) {
  app.validate(project);
  failed ||= app.logger.hasErrors() || app.logger.hasWarnings();
}
if (project && !failed) await app.generateDocs(project, out);
const guides = checkGuides();
for (const problem of guides) console.error(`docs: ${problem}`);
if (failed) console.error('docs: typedoc reported problems (warnings count as errors); see above');
if (failed || guides.length > 0) process.exit(1);
console.log(
  `docs: API reference written to ${relative(root, out)}/ from ${entryPoints().length} entry points`,
);

#!/usr/bin/env node
// `pnpm api` / `pnpm api:update`: the API reports of the published packages (API Extractor, see
// docs/decisions/0013-api-reports.md). For each entry point of each package's exports map (`.`,
// `./testing`, `./vitest`) API Extractor reads the built declarations (dist/<entry>.d.ts, so run the
// build first) and writes what they export, declaration by declaration, to
// packages/<pkg>/api/<entry>.api.md. Without `--update` the reports are compared with the committed
// ones: any difference fails with the diff and the command to run. A public API change is then a
// visible diff in review, and it comes with its changeset.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = new URL('..', import.meta.url).pathname;
const update = process.argv.includes('--update');

/** Every typed entry point of the published packages: the package folder, entry name and .d.ts. */
function entries() {
  const found = [];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const folder = join(root, 'packages', dir);
    const file = join(folder, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.private) continue;
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const types = typeof target === 'object' ? target.import?.types : undefined;
      if (!types) continue;
      const name = subpath === '.' ? 'index' : subpath.replace(/^\.\//, '');
      found.push({ pkg: pkg.name, folder, name, types: join(folder, types), packageJson: file });
    }
  }
  return found;
}

/** API Extractor's configuration for one entry: an API report only, messages that matter kept. */
function configFor(entry) {
  const tempFolder = join(root, '.cache', 'api', entry.pkg.replace('/', '+'));
  mkdirSync(tempFolder, { recursive: true });
  mkdirSync(join(entry.folder, 'api'), { recursive: true });
  return ExtractorConfig.prepare({
    configObjectFullPath: join(entry.folder, 'api-extractor.json'),
    packageJsonFullPath: entry.packageJson,
    configObject: {
      projectFolder: entry.folder,
      newlineKind: 'lf',
      mainEntryPointFilePath: entry.types,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2023',
            lib: ['ES2023', 'DOM', 'DOM.Iterable'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            types: ['node'],
            skipLibCheck: true,
          },
          files: [entry.types],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.name,
        reportFolder: join(entry.folder, 'api'),
        reportTempFolder: tempFolder,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // TSDoc, missing docs and links are typedoc's to check (scripts/docs.mjs, warnings as
        // errors); release tags (@public, @beta) are not used.
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        extractorMessageReporting: {
          default: { logLevel: 'warning' },
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-undocumented': { logLevel: 'none' },
          'ae-unresolved-link': { logLevel: 'none' },
          'ae-misplaced-package-tag': { logLevel: 'none' },
          // A type a public declaration names without exporting it: kept in the report, not fatal.
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
        },
        compilerMessageReporting: { default: { logLevel: 'error' } },
      },
    },
  });
}

/** The built .d.ts files of a package that still hold an `@internal` declaration. */
function internalsIn(folder) {
  const dist = join(folder, 'dist');
  return readdirSync(dist)
    .filter((f) => /\.d\.c?ts$/.test(f) && readFileSync(join(dist, f), 'utf8').includes('@internal'))
    .map((f) => `dist/${f}`);
}

let stale = 0;
let failed = 0;
for (const entry of entries()) {
  const label = `${entry.pkg}${entry.name === 'index' ? '' : `/${entry.name}`}`;
  if (!existsSync(entry.types)) {
    process.stdout.write(`✗ ${label}: ${entry.types} is missing; run \`pnpm build\` first\n`);
    failed++;
    continue;
  }
  const leaked = internalsIn(entry.folder);
  if (leaked.length > 0) {
    process.stdout.write(`✗ ${label}: @internal declarations in ${leaked.join(', ')} (stripInternal?)\n`);
    failed++;
  }
  const config = configFor(entry);
  let problems = 0;
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message) => {
      // Our own summary replaces API Extractor's notes about the report ("You have changed the
      // public API ...", "the report file was missing"); anything else it warns about fails.
      if (message.messageId.startsWith('console-api-report')) message.handled = true;
      else if (message.logLevel === 'warning' || message.logLevel === 'error') problems++;
      if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true;
    },
  });
  const report = join(entry.folder, 'api', `${entry.name}.api.md`);
  if (problems > 0) {
    process.stdout.write(`✗ ${label}: API Extractor reported ${problems} problem(s), above\n`);
    failed++;
  } else if (result.apiReportChanged && !update) {
    process.stdout.write(`✗ ${label}: the public API differs from ${report.slice(root.length)}\n`);
    const temp = join(config.reportTempFolder, `${entry.name}.api.md`);
    spawnSync('git', ['--no-pager', 'diff', '--no-index', '--color=auto', report, temp], {
      stdio: 'inherit',
    });
    stale++;
  } else {
    process.stdout.write(`✓ ${label}${result.apiReportChanged ? ' (updated)' : ''}\n`);
  }
}

if (stale > 0) {
  process.stdout.write(
    `\n${stale} API report(s) are stale. If the change is intended, run \`pnpm api:update\`, commit the reports, and add a changeset (\`pnpm changeset\`) that says what changed.\n`,
  );
}
process.exit(stale + failed > 0 ? 1 : 0);

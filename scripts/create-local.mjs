#!/usr/bin/env node
// `./dev create <dir> [flags]`: the pre-release path. Until the packages are on npm, a project
// scaffolded with `npm create scim-connector` could not install them; this builds the packages of
// this checkout, packs them, and runs the scaffolder with CREATE_SCIM_CONNECTOR_PACKAGES pointing at
// the tarballs: they are copied into the project's vendor/ and installed from there (every package
// manager: npm, pnpm, yarn and bun take `file:` specs and the project's overrides), so the project
// installs and runs anywhere, offline, with no registry. The flags are create-scim-connector's
// (`--template keeper`, `--package-manager pnpm`, ...); a relative <dir> is relative to where
// `./dev` was run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
let cwd = process.cwd();
if (args[0] === '--cwd') {
  cwd = args[1] ?? cwd;
  args.splice(0, 2);
}

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const quiet =
  args.includes('--help') || args.includes('-h') || args.includes('--version') || args.includes('-v');
const packed = mkdtempSync(join(tmpdir(), 'scim-packages-'));
try {
  if (!quiet) {
    run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
    for (const dir of readdirSync(join(root, 'packages'))) {
      const pkgDir = join(root, 'packages', dir);
      let pkg;
      try {
        pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      if (pkg.private || pkg.name === 'create-scim-connector') continue;
      run('pnpm', ['pack', '--pack-destination', packed], {
        cwd: pkgDir,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    }
  }
  const cli = join(root, 'packages', 'create-scim-connector', 'dist', 'cli.js');
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    stdio: 'inherit',
    env: { ...process.env, CREATE_SCIM_CONNECTOR_PACKAGES: packed },
  });
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(packed, { recursive: true, force: true });
}

// The package managers the registry e2e scaffolds with, each at a pinned version, installed from
// npm into .cache/package-managers/ (reused while the versions stay the same): pnpm 10 and 11
// (pnpm 12 is the repository's own), Yarn 1 (`yarn`) and Yarn 4 (`@yarnpkg/cli-dist`), bun, and the
// lowest Node.js a generated project supports. Each gets a directory of shims to put first on PATH.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..', '..');

/** The versions installed; change one and the cache is rebuilt. */
export const toolVersions = {
  pnpm10: '10.34.9',
  pnpm11: '11.29.0',
  yarn1: '1.22.22',
  yarnBerry: '4.18.1',
  bun: '1.4.5',
  nodeMinimum: '22.20.0',
} as const;

/** The package managers of the matrix; `pnpm12` is the repository's own pnpm. */
export type Tool = 'npm' | 'pnpm10' | 'pnpm11' | 'pnpm12' | 'yarn1' | 'yarnBerry' | 'bun';

/** What was installed: a shim directory per tool, and the minimum Node's directory. */
export interface Tools {
  /** The directory to put first on PATH for a tool (empty for npm: the machine's npm is used). */
  readonly shims: Record<Tool, string>;
  /** The directory of the Node.js binary of `toolVersions.nodeMinimum`. */
  readonly nodeMinimumDir: string;
  /** Why bun cannot run here, when it cannot. */
  readonly bunProblem: string | undefined;
}

function shim(dir: string, name: string, script: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`);
  chmodSync(join(dir, name), 0o755);
}

/** Installs the tools (once per set of versions) and writes their shims. */
export function installTools(): Tools {
  const key = Object.values(toolVersions).join('_');
  const dir = join(repo, '.cache', 'package-managers', key);
  const modules = join(dir, 'node_modules');
  const manifest = {
    private: true,
    dependencies: {
      pnpm10: `npm:pnpm@${toolVersions.pnpm10}`,
      pnpm11: `npm:pnpm@${toolVersions.pnpm11}`,
      yarn: toolVersions.yarn1,
      '@yarnpkg/cli-dist': toolVersions.yarnBerry,
      bun: toolVersions.bun,
      'node-minimum': `npm:node-${process.platform}-${process.arch}@${toolVersions.nodeMinimum}`,
    },
  };
  mkdirSync(dir, { recursive: true });
  const stamp = join(dir, 'installed.json');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== JSON.stringify(manifest)) {
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock'], {
      cwd: dir,
      stdio: 'pipe',
      timeout: 600_000,
      // The tools come from npm itself, whatever registry the caller points npm at.
      env: { ...process.env, npm_config_registry: 'https://registry.npmjs.org/' },
    });
    writeFileSync(stamp, JSON.stringify(manifest));
  }
  const node = process.execPath;
  const shims = join(dir, 'shims');
  const pnpm12 = execFileSync('sh', ['-c', 'command -v pnpm'], { encoding: 'utf8' }).trim();
  shim(join(shims, 'pnpm10'), 'pnpm', `exec "${node}" "${join(modules, 'pnpm10', 'bin', 'pnpm.cjs')}" "$@"`);
  shim(join(shims, 'pnpm11'), 'pnpm', `exec "${node}" "${join(modules, 'pnpm11', 'bin', 'pnpm.mjs')}" "$@"`);
  shim(join(shims, 'pnpm12'), 'pnpm', `exec "${pnpm12}" "$@"`);
  shim(join(shims, 'yarn1'), 'yarn', `exec "${node}" "${join(modules, 'yarn', 'bin', 'yarn.js')}" "$@"`);
  shim(
    join(shims, 'yarnBerry'),
    'yarn',
    `exec "${node}" "${join(modules, '@yarnpkg', 'cli-dist', 'bin', 'yarn.js')}" "$@"`,
  );
  const bunBin = join(modules, 'bun', 'bin', 'bun.exe');
  mkdirSync(join(shims, 'bun'), { recursive: true });
  for (const name of ['bun', 'bunx']) {
    if (!existsSync(join(shims, 'bun', name))) symlinkSync(bunBin, join(shims, 'bun', name));
  }
  mkdirSync(join(shims, 'npm'), { recursive: true });
  const bun = spawnSync(bunBin, ['--version'], { encoding: 'utf8' });
  return {
    shims: {
      npm: join(shims, 'npm'),
      pnpm10: join(shims, 'pnpm10'),
      pnpm11: join(shims, 'pnpm11'),
      pnpm12: join(shims, 'pnpm12'),
      yarn1: join(shims, 'yarn1'),
      yarnBerry: join(shims, 'yarnBerry'),
      bun: join(shims, 'bun'),
    },
    nodeMinimumDir: join(modules, 'node-minimum', 'bin'),
    bunProblem:
      bun.status === 0 ? undefined : `bun ${toolVersions.bun} does not run here: ${bun.stderr || bun.error}`,
  };
}

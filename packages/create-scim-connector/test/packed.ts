// Packing the workspace as users get it, shared by the end-to-end tests (test/e2e.test.ts) and the
// walkthrough of docs/getting-started.md (packages/docs-tests): the CLI built, packed and installed
// outside the repository, and the libraries packed into a directory of tarballs, which the
// scaffolder copies into a project's vendor/ and installs from (CREATE_SCIM_CONNECTOR_PACKAGES: the
// pre-release path of `./dev create`).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pkgDir = join(import.meta.dirname, '..');
/** The repository's root. */
export const repo = join(pkgDir, '..', '..');

/**
 * Runs `fn` while holding this checkout's packing lock: test files run in parallel, and two of them
 * building the same package at once (tsup empties dist/ first) would pack a half-written dist/. A
 * lock left by a process that died is taken over.
 */
function packingLock<T>(fn: () => T): T {
  const id = createHash('sha256').update(repo).digest('hex').slice(0, 12);
  const lock = join(tmpdir(), `scim-packing-${id}.lock`);
  const until = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }));
      if (holder > 0 && !alive(holder)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > until) throw new Error(`${lock} was held for 10 minutes by process ${holder}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What a command did. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command as a user's shell would: CI=1, and without what pnpm sets for the tests' process:
 * its user agent (so the CLI does not take pnpm for the user's choice) and NODE_PATH into the
 * workspace's modules (so a project resolves only what it installed).
 */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): RunResult {
  const { npm_config_user_agent: _, NODE_PATH: _path, ...rest } = process.env;
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...rest, CI: '1', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The packed CLI, installed into a project in `dir` as `npm create` would fetch it. */
export interface PackedCli {
  /** The tarball `pnpm pack` wrote. */
  tarball: string;
  /** The files it holds (`package/dist/cli.js`, ...). */
  files: string[];
  /** The installed `create-scim-connector` bin. */
  bin: string;
}

/** Builds create-scim-connector, packs it into `dir` and installs the tarball into `dir`/consumer. */
export function packCli(dir: string): PackedCli {
  packingLock(() => {
    execFileSync('pnpm', ['run', 'build'], { cwd: pkgDir, stdio: 'pipe' });
    execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: pkgDir, stdio: 'pipe' });
  });
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);
  const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
  const project = join(dir, 'consumer');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
    cwd: project,
    stdio: 'pipe',
  });
  return { tarball, files, bin: join(project, 'node_modules', '.bin', 'create-scim-connector') };
}

/** The published libraries of the workspace (not the CLI), which the templates depend on. */
export function libraries(): string[] {
  const packages = join(repo, 'packages');
  return readdirSync(packages)
    .map((d) => join(packages, d))
    .filter((d) => existsSync(join(d, 'package.json')))
    .filter((d) => {
      const pkg = JSON.parse(readFileSync(join(d, 'package.json'), 'utf8'));
      return !pkg.private && pkg.name !== 'create-scim-connector';
    });
}

/** Packs every library into `dir` (building the ones never built) and returns the tarballs. */
export function packLibraries(dir: string): string[] {
  packingLock(() => {
    for (const lib of libraries()) {
      // `./dev test` builds every package before the tests; build here only what was never built.
      if (!existsSync(join(lib, 'dist'))) execFileSync('pnpm', ['run', 'build'], { cwd: lib, stdio: 'pipe' });
      execFileSync('pnpm', ['pack', '--pack-destination', dir], { cwd: lib, stdio: 'pipe' });
    }
  });
  return readdirSync(dir).map((f) => join(dir, f));
}

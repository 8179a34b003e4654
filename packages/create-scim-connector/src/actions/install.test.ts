import { describe, expect, it } from 'vitest';
import { mockContext } from '../../test/helpers.ts';
import type { ResolvedOptions } from '../types.ts';
import { install } from './install.ts';

const options = {
  targetDir: '/w/app',
  packageManager: 'pnpm',
  install: true,
  dryRun: false,
} as ResolvedOptions;

describe('install', () => {
  it('runs the package manager in the project', async () => {
    const context = mockContext();
    expect(await install(options, context)).toBe(true);
    expect(context.commands).toEqual([{ command: 'pnpm', args: ['install'], cwd: '/w/app' }]);
  });

  it('lets Yarn write the first lockfile even where CI makes it --immutable', async () => {
    const context = mockContext();
    expect(await install({ ...options, packageManager: 'yarn' }, context)).toBe(true);
    expect(context.commands).toEqual([
      { command: 'yarn', args: ['install'], cwd: '/w/app', env: { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' } },
    ]);
  });

  it('runs nothing with --no-install or --dry-run', async () => {
    const context = mockContext();
    expect(await install({ ...options, install: false }, context)).toBe(false);
    expect(await install({ ...options, dryRun: true }, context)).toBe(false);
    expect(context.commands).toEqual([]);
    expect(context.lines).toEqual([
      // Said the same whether --no-install or a "No" to the question skipped it.
      'info: Not installing the dependencies now: the next steps say how.',
      'step: Would run `pnpm install` in /w/app',
    ]);
  });

  it('warns, with the output, when the install fails', async () => {
    const context = mockContext({ spawn: () => ({ code: 1, output: 'ERR_PNPM_FETCH_404\n' }) });
    expect(await install(options, context)).toBe(false);
    expect(context.lines.at(-1)).toBe(
      'warn: `pnpm install` failed (exit code 1):\nERR_PNPM_FETCH_404\nRun it yourself once fixed.',
    );
  });

  it('warns when the package manager is not installed', async () => {
    const context = mockContext({
      spawn: () => {
        throw new Error('spawn pnpm ENOENT');
      },
    });
    expect(await install(options, context)).toBe(false);
    expect(context.lines.at(-1)).toBe(
      'warn: Could not run `pnpm install`: spawn pnpm ENOENT. Is pnpm installed?',
    );
  });
});

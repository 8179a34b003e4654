import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { mockContext, tempDir } from '../../test/helpers.ts';
import type { ResolvedOptions } from '../types.ts';
import { gitInit, initialCommitMessage } from './git-init.ts';

const options = { targetDir: '/w/app', git: true, dryRun: false } as ResolvedOptions;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('gitInit', () => {
  it('creates a repository with a first commit', async () => {
    const context = mockContext({
      spawn: (_, args) => ({ code: args[0] === 'rev-parse' ? 128 : 0, output: '' }),
    });
    expect(await gitInit(options, context)).toBe(true);
    expect(context.commands.map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'git rev-parse --is-inside-work-tree',
      'git init --quiet',
      'git add -A',
      `git commit --quiet --no-verify -m ${initialCommitMessage}`,
    ]);
    expect(context.commands.every((c) => c.cwd === '/w/app')).toBe(true);
  });

  it('leaves a directory inside a repository alone', async () => {
    const context = mockContext({ spawn: () => ({ code: 0, output: 'true\n' }) });
    expect(await gitInit(options, context)).toBe(false);
    expect(context.commands).toHaveLength(1);
  });

  it('keeps the repository and warns when the commit fails', async () => {
    const context = mockContext({
      spawn: (_, args) =>
        args[0] === 'rev-parse'
          ? { code: 128, output: '' }
          : args[0] === 'commit'
            ? { code: 128, output: 'Please tell me who you are.' }
            : { code: 0, output: '' },
    });
    expect(await gitInit(options, context)).toBe(true);
    expect(context.lines.at(-1)).toBe(
      'warn: Created a git repository, but did not commit: git does not know your name yet. Set it (`git config --global user.name "Your Name"` and `git config --global user.email you@example.com`), then `git commit -m "Initial commit"`.',
    );
  });

  it('quotes git when the commit fails for another reason', async () => {
    const context = mockContext({
      spawn: (_, args) =>
        args[0] === 'rev-parse'
          ? { code: 128, output: '' }
          : args[0] === 'commit'
            ? { code: 1, output: 'gpg failed to sign the data' }
            : { code: 0, output: '' },
    });
    expect(await gitInit(options, context)).toBe(true);
    expect(context.lines.at(-1)).toBe(
      'warn: Created a git repository, but could not commit:\ngpg failed to sign the data',
    );
  });

  it('warns when git is missing', async () => {
    const context = mockContext({
      spawn: () => {
        throw new Error('spawn git ENOENT');
      },
    });
    expect(await gitInit(options, context)).toBe(false);
    expect(context.lines.at(-1)).toBe('warn: Could not run git: spawn git ENOENT. Is git installed?');
  });

  it('runs nothing with --no-git or --dry-run', async () => {
    const context = mockContext();
    expect(await gitInit({ ...options, git: false }, context)).toBe(false);
    expect(await gitInit({ ...options, dryRun: true }, context)).toBe(false);
    expect(context.commands).toEqual([]);
  });

  it.runIf(spawnSync('git', ['--version']).status === 0)('makes a real commit with real git', async () => {
    const temp = tempDir();
    cleanups.push(temp.remove);
    writeFileSync(`${temp.dir}/a.txt`, 'a');
    const context = mockContext({
      spawn: (command, args) => {
        const r = spawnSync(command, args, {
          cwd: temp.dir,
          encoding: 'utf8',
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 't',
            GIT_AUTHOR_EMAIL: 't@e.st',
            GIT_COMMITTER_NAME: 't',
            GIT_COMMITTER_EMAIL: 't@e.st',
          },
        });
        return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
      },
    });
    expect(await gitInit({ ...options, targetDir: temp.dir }, context)).toBe(true);
    const log = execFileSync('git', ['log', '--format=%s'], { cwd: temp.dir, encoding: 'utf8' });
    expect(log.trim()).toBe(initialCommitMessage);
  });
});

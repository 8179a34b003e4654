import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturesDir, mockContext, tempDir } from '../test/helpers.ts';
import type { ScaffoldFileSystem } from './context.ts';
import { createConnector } from './create-connector.ts';
import { isCreateConnectorError } from './errors.ts';

let out: { dir: string; remove: () => void };
beforeEach(() => {
  out = tempDir();
});
afterEach(() => out.remove());

const env = {
  CREATE_SCIM_CONNECTOR_TEMPLATES: fixturesDir,
  npm_config_user_agent: 'pnpm/10.0.0 npm/? node/v24',
};

describe('createConnector', () => {
  it('scaffolds a project from the flags alone, asking nothing', async () => {
    const context = mockContext({ cwd: out.dir, env, isTTY: true });
    const result = await createConnector(
      { dir: 'acme-scim', template: 'fixture-basic', yes: true, install: false, git: false },
      context,
    );
    const project = join(out.dir, 'acme-scim');
    expect(context.asked).toEqual([]);
    expect(result.files).toEqual([
      '.env.example',
      '.gitignore',
      'README.md',
      'package.json',
      'src/index.ts',
      'src/lib/nested.ts',
      '.env',
      'pnpm-workspace.yaml',
    ]);
    expect(readdirSync(project).sort()).toEqual([
      '.env',
      '.env.example',
      '.gitignore',
      'README.md',
      'package.json',
      'pnpm-workspace.yaml',
      'src',
    ]);
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).name).toBe('acme-scim');
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toContain('|userName|String|&check;|&check;|');
    expect(readFileSync(join(project, '.env.example'), 'utf8')).toContain(
      'DATABASE_URL=file:./data/fixture.db',
    );
    expect(result.installed).toBe(false);
    expect(result.gitInitialized).toBe(false);
    expect(result.nextSteps).toEqual([
      'cd acme-scim',
      'pnpm install',
      'pnpm run token create',
      'pnpm start',
      'pnpm test',
    ]);
    expect(context.commands).toEqual([]);
  });

  it('installs and commits with the package manager that ran it', async () => {
    const context = mockContext({
      cwd: out.dir,
      env,
      spawn: (_, args) => ({ code: args[0] === 'rev-parse' ? 128 : 0, output: '' }),
    });
    const result = await createConnector({ dir: 'app', template: 'fixture-basic' }, context);
    expect(context.commands.map((c) => `${c.command} ${c.args[0]}`)).toEqual([
      'pnpm install',
      'git rev-parse',
      'git init',
      'git add',
      'git commit',
    ]);
    expect(result.installed).toBe(true);
    expect(result.gitInitialized).toBe(true);
    expect(result.nextSteps).not.toContain('pnpm install');
  });

  it('asks on a terminal, then scaffolds what was answered', async () => {
    const context = mockContext({
      cwd: out.dir,
      env,
      isTTY: true,
      answers: {
        text: ['asked-app', 'postgres://scim@db.internal:5432/acme'],
        select: ['fixture-basic', 'postgres'],
        confirm: [false, false],
      },
    });
    const result = await createConnector({}, context);
    expect(result.options.store.id).toBe('postgres');
    expect(context.asked).toContain('Which PostgreSQL database? (written to .env as DATABASE_URL)');
    expect(readFileSync(join(out.dir, 'asked-app', '.env.example'), 'utf8')).toContain(
      'DATABASE_URL=postgres://localhost:5432/fixture',
    );
    // The database chosen is the one the project reads.
    expect(readFileSync(join(out.dir, 'asked-app', '.env'), 'utf8')).toContain(
      'DATABASE_URL=postgres://scim@db.internal:5432/acme',
    );
  });

  it('writes and runs nothing with --dry-run, and says what it would do', async () => {
    const context = mockContext({ cwd: out.dir, env });
    const result = await createConnector({ dir: 'dry', template: 'fixture-basic', dryRun: true }, context);
    expect(existsSync(join(out.dir, 'dry'))).toBe(false);
    expect(readdirSync(out.dir)).toEqual([]);
    expect(context.commands).toEqual([]);
    expect(result.files).toHaveLength(8);
    const steps = context.lines.filter((l) => l.startsWith('step: '));
    expect(steps.length).toBeGreaterThanOrEqual(7);
    expect(steps.every((l) => l.startsWith('step: Would '))).toBe(true);
    expect(steps.some((l) => l.includes('Would run `pnpm install`'))).toBe(true);
    expect(steps.some((l) => l.includes('Would run `git init`'))).toBe(true);
  });

  it('goes through the injected file system, and only reads from it with --dry-run', async () => {
    const calls: string[] = [];
    const real = nodeFs as unknown as ScaffoldFileSystem;
    const record = <T>(name: string, result: T): T => {
      calls.push(name);
      return result;
    };
    const recording: ScaffoldFileSystem = {
      readFile: (p, e) => record('readFile', real.readFile(p, e)),
      readdir: (p) => record('readdir', real.readdir(p)),
      stat: (p) => record('stat', real.stat(p)),
      writeFile: async () => record('writeFile', undefined),
      copyFile: async () => record('copyFile', undefined),
      mkdir: async () => record('mkdir', undefined),
    };
    const context = { ...mockContext({ cwd: out.dir, env }), fs: recording };
    await createConnector({ dir: 'dry', template: 'fixture-basic', dryRun: true }, context);
    expect(new Set(calls)).toEqual(new Set(['readFile', 'readdir', 'stat']));
    calls.length = 0;
    await createConnector({ dir: 'wet', template: 'fixture-basic', install: false, git: false }, context);
    expect(calls.filter((c) => c === 'writeFile' || c === 'copyFile')).toHaveLength(8);
    expect(readdirSync(out.dir)).toEqual([]);
  });

  it('catches a non-empty directory as soon as it is named, and offers another name or to cancel', async () => {
    mkdirSync(join(out.dir, 'taken'));
    writeFileSync(join(out.dir, 'taken', 'keep.txt'), 'mine');
    const context = mockContext({
      cwd: out.dir,
      env,
      isTTY: true,
      answers: {
        text: ['taken', 'fresh'],
        select: ['rename', 'fixture-basic', 'sqlite'],
        confirm: [false, false],
      },
    });
    const result = await createConnector({}, context);
    expect(context.asked.slice(0, 3)).toEqual([
      'Where should the connector be created?',
      `${join(out.dir, 'taken')} is not empty (keep.txt…). What now?`,
      'Where should the connector be created?',
    ]);
    expect(result.options.targetDir).toBe(join(out.dir, 'fresh'));
    expect(readdirSync(join(out.dir, 'taken'))).toEqual(['keep.txt']);

    const cancelling = mockContext({ cwd: out.dir, env, isTTY: true, answers: { select: ['cancel'] } });
    await expect(createConnector({ dir: 'taken' }, cancelling)).rejects.toSatisfy(
      (error) => isCreateConnectorError(error) && error.code === 'cancelled',
    );
    // Nothing else was asked first: not the template, not the store.
    expect(cancelling.asked).toEqual([`${join(out.dir, 'taken')} is not empty (keep.txt…). What now?`]);
  });

  it('sets a package name apart from the directory with --name', async () => {
    const context = mockContext({ cwd: out.dir, env });
    const result = await createConnector(
      {
        dir: 'Acme SCIM',
        name: '@acme/scim-connector',
        template: 'fixture-basic',
        install: false,
        git: false,
      },
      context,
    );
    expect(result.options.packageName).toBe('@acme/scim-connector');
    expect(JSON.parse(readFileSync(join(out.dir, 'Acme SCIM', 'package.json'), 'utf8')).name).toBe(
      '@acme/scim-connector',
    );
    expect(result.nextSteps[0]).toBe('cd "Acme SCIM"');
  });

  it('refuses a non-empty directory before writing anything', async () => {
    mkdirSync(join(out.dir, 'taken'));
    writeFileSync(join(out.dir, 'taken', 'keep.txt'), 'mine');
    const context = mockContext({ cwd: out.dir, env });
    await expect(createConnector({ dir: 'taken', template: 'fixture-basic' }, context)).rejects.toSatisfy(
      (error) => isCreateConnectorError(error) && error.code === 'directoryNotEmpty',
    );
    expect(readdirSync(join(out.dir, 'taken'))).toEqual(['keep.txt']);
    expect(context.commands).toEqual([]);
  });

  it('takes the templates it is given instead of the bundled ones', async () => {
    const context = mockContext({ cwd: out.dir, env: {} });
    await expect(
      createConnector({ dir: 'x', template: 'fixture-basic', install: false, git: false }, context, []),
    ).rejects.toSatisfy((error) => isCreateConnectorError(error) && error.code === 'unknownTemplate');
  });
});

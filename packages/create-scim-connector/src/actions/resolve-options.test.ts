import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, type MockContext, mockContext } from '../../test/helpers.ts';
import type { ScaffoldFileSystem } from '../context.ts';
import { CreateConnectorError, isCreateConnectorError } from '../errors.ts';
import type { CreateConnectorErrorCode } from '../errors-data.ts';
import { listTemplates, type TemplateInfo } from '../templates.ts';
import { resolveOptions } from './resolve-options.ts';

let templates: TemplateInfo[];
beforeAll(async () => {
  templates = await listTemplates(fixturesDir, fs as unknown as ScaffoldFileSystem);
});

async function failure(promise: Promise<unknown>): Promise<CreateConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (isCreateConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected a CreateConnectorError');
}

function expectCode(error: CreateConnectorError, code: CreateConnectorErrorCode): void {
  expect(error.code).toBe(code);
}

describe('resolveOptions without a terminal', () => {
  it('takes the flags as given and asks nothing', async () => {
    const context = mockContext({
      cwd: '/work/x',
      env: { npm_config_user_agent: 'yarn/4.0.0 npm/? node/v24' },
    });
    const resolved = await resolveOptions(
      { dir: 'app', template: 'fixture-basic', store: 'postgres', install: false, git: false },
      templates,
      context,
    );
    expect(resolved).toMatchObject({
      targetDir: join('/work/x', 'app'),
      dir: 'app',
      packageName: 'app',
      store: { id: 'postgres' },
      packageManager: 'yarn',
      install: false,
      git: false,
      dryRun: false,
    });
    expect(resolved.template.manifest.id).toBe('fixture-basic');
    expect(context.asked).toEqual([]);
  });

  it('defaults the directory, the first store, install and git', async () => {
    const context = mockContext({ cwd: '/w' });
    const resolved = await resolveOptions({ template: 'fixture-basic' }, templates, context);
    expect(resolved).toMatchObject({
      dir: 'my-scim-connector',
      packageName: 'my-scim-connector',
      store: { id: 'sqlite' },
      packageManager: 'npm',
      install: true,
      git: true,
    });
  });

  it('scaffolds into the current directory with "."', async () => {
    const resolved = await resolveOptions(
      { dir: '.', template: 'fixture-basic' },
      templates,
      mockContext({ cwd: '/w/acme' }),
    );
    expect(resolved).toMatchObject({ targetDir: '/w/acme', packageName: 'acme' });
  });

  it('needs --template when there is no blank template to default to', async () => {
    const error = await failure(resolveOptions({ dir: 'a' }, templates, mockContext()));
    expectCode(error, 'missingOption');
    expect(error.fix).toBe('Pass --template <id>.');
  });

  it('names the closest template when the one asked for does not exist', async () => {
    const error = await failure(resolveOptions({ template: 'fixture-basik' }, templates, mockContext()));
    expectCode(error, 'unknownTemplate');
    expect(error.fix).toBe(
      'Did you mean "fixture-basic"? Pass --template with one of: fixture-basic, fixture-draft.',
    );
  });

  it('refuses a template whose files are not written yet', async () => {
    const error = await failure(resolveOptions({ template: 'fixture-draft' }, templates, mockContext()));
    expectCode(error, 'templateNotReady');
    expect(error.fix).toContain('fixture-basic');
  });

  it('refuses a store the template does not offer', async () => {
    const error = await failure(
      resolveOptions({ template: 'fixture-basic', store: 'mysql' }, templates, mockContext()),
    );
    expectCode(error, 'unknownStore');
    expect(error.fix).toBe('Pass --store with one of: sqlite, postgres.');
  });

  it('refuses an unknown package manager before asking anything', async () => {
    const context = mockContext({ isTTY: true });
    const error = await failure(resolveOptions({ packageManager: 'pip' }, templates, context));
    expectCode(error, 'unknownPackageManager');
    expect(error.fix).toBe('Pass --package-manager with one of: npm, pnpm, yarn, bun.');
    expect(context.asked).toEqual([]);
  });
});

describe('resolveOptions on a terminal', () => {
  it('asks for everything the flags did not give', async () => {
    const context = mockContext({
      isTTY: true,
      cwd: '/w',
      answers: {
        text: ['./acme-scim', 'postgres://db:5432/acme'],
        select: ['fixture-basic', 'postgres'],
        confirm: [false, true],
      },
    });
    const resolved = await resolveOptions({}, templates, context);
    expect(context.asked).toEqual([
      'Where should the connector be created?',
      'Which app is the connector for?',
      'Where should the connector keep its users and groups?',
      'Which PostgreSQL database? (written to .env as DATABASE_URL)',
      'Install dependencies with npm?',
      'Create a git repository?',
    ]);
    expect(resolved.databaseUrl).toBe('postgres://db:5432/acme');
    expect(resolved).toMatchObject({
      targetDir: '/w/acme-scim',
      packageName: 'acme-scim',
      store: { id: 'postgres' },
      install: false,
      git: true,
    });
  });

  it('asks only for what is missing', async () => {
    const context = mockContext({ isTTY: true, answers: { select: ['sqlite'] } });
    await resolveOptions(
      { dir: 'a', template: 'fixture-basic', install: true, git: false },
      templates,
      context,
    );
    expect(context.asked).toEqual(['Where should the connector keep its users and groups?']);
  });

  it('asks nothing with --yes', async () => {
    const context = mockContext({ isTTY: true });
    const resolved = await resolveOptions({ yes: true, template: 'fixture-basic' }, templates, context);
    expect(context.asked).toEqual([]);
    expect(resolved.dir).toBe('my-scim-connector');
  });

  it('shows the default directory as a placeholder, takes it for an empty answer, and validates what is typed', async () => {
    let question: Parameters<MockContext['prompt']['text']>[0] | undefined;
    const context = mockContext({
      isTTY: true,
      cwd: '/w',
      answers: { select: ['fixture-basic', 'sqlite'], confirm: [true, true] },
    });
    context.prompt.text = async (asked) => {
      question = asked;
      return '';
    };
    const resolved = await resolveOptions({}, templates, context);
    // A placeholder: typing replaces it (an initial value would have to be deleted first).
    expect(question).toMatchObject({
      placeholder: './my-scim-connector',
      defaultValue: './my-scim-connector',
    });
    expect(question?.initialValue).toBeUndefined();
    expect(resolved).toMatchObject({ dir: 'my-scim-connector', targetDir: '/w/my-scim-connector' });
    expect(question?.validate?.('./Bad Name')).toBe(
      'Not a valid package name: it must be lowercase; it must not contain spaces (or pass --name)',
    );
    expect(question?.validate?.('./good-name')).toBeUndefined();
  });

  it('refuses a PostgreSQL URL that is not one, while it is typed and from the flag', async () => {
    let validate: ((value: string) => string | undefined) | undefined;
    const context = mockContext({ isTTY: true, answers: { confirm: [true, true] } });
    context.prompt.text = async (asked) => {
      validate = asked.validate;
      return 'postgres://db/acme';
    };
    await resolveOptions({ dir: 'a', template: 'fixture-basic', store: 'postgres' }, templates, context);
    expect(validate?.('mysql://db/acme')).toBe('it must start with postgres:// or postgresql://');
    expect(validate?.('')).toBeUndefined();
    const error = await failure(
      resolveOptions(
        { dir: 'a', template: 'fixture-basic', store: 'postgres', databaseUrl: 'postgres://' },
        templates,
        mockContext(),
      ),
    );
    expectCode(error, 'invalidDatabaseUrl');
  });

  it('stops at a cancelled prompt', async () => {
    const context = mockContext({ isTTY: true });
    context.prompt.text = async () => {
      throw new CreateConnectorError('cancelled', {});
    };
    const error = await failure(resolveOptions({ template: 'fixture-basic' }, templates, context));
    expectCode(error, 'cancelled');
  });
});

import { describe, expect, it } from 'vitest';
import { isCreateConnectorError } from '../errors.ts';
import { helpText, parseArgs } from './parse-args.ts';

describe('parseArgs', () => {
  it('reads the directory and every flag', () => {
    const parsed = parseArgs([
      'my-app',
      '--template',
      'keeper',
      '--store',
      'postgres',
      '--package-manager',
      'pnpm',
      '--no-install',
      '--no-git',
      '--yes',
      '--dry-run',
    ]);
    expect(parsed).toEqual({
      options: {
        dir: 'my-app',
        template: 'keeper',
        store: 'postgres',
        packageManager: 'pnpm',
        install: false,
        git: false,
        yes: true,
        dryRun: true,
      },
      help: false,
      version: false,
    });
  });

  it('gives nothing for what was not passed, so it can be asked', () => {
    expect(parseArgs([]).options).toEqual({});
  });

  it('accepts the short and = forms', () => {
    expect(parseArgs(['-t', 'blank', '-y', '--store=sqlite']).options).toEqual({
      template: 'blank',
      yes: true,
      store: 'sqlite',
    });
    expect(parseArgs(['-h']).help).toBe(true);
    expect(parseArgs(['--version']).version).toBe(true);
  });

  it('reads --name and --database-url', () => {
    expect(parseArgs(['--name', '@acme/scim', '--database-url', 'postgres://db/acme']).options).toEqual({
      name: '@acme/scim',
      databaseUrl: 'postgres://db/acme',
    });
  });

  it.each([
    [['--templat', 'x'], '--template'],
    [['--packge-manager', 'pnpm'], '--package-manager'],
    [['--dryrun'], '--dry-run'],
    [['--nme', 'x'], '--name'],
    [['--frobnicate'], undefined],
  ])('refuses the unknown flag in %j, with the one it resembles: %s', (argv, closest) => {
    try {
      parseArgs(argv);
      expect.unreachable();
    } catch (error) {
      expect(isCreateConnectorError(error) && error.code).toBe('unknownFlag');
      expect(isCreateConnectorError(error) && error.args.closest).toBe(closest);
    }
  });

  it.each([
    [['--template'], /--template/],
    [['a', 'b'], /expected at most one directory, got "a" "b"/],
  ])('refuses %j', (argv, message) => {
    try {
      parseArgs(argv);
      expect.unreachable();
    } catch (error) {
      expect(isCreateConnectorError(error) && error.code).toBe('invalidArguments');
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('helpText', () => {
  it('lists every flag and the templates', () => {
    const text = helpText(['blank', 'keeper']);
    for (const flag of [
      '--template',
      '--name',
      '--store',
      '--database-url',
      '--package-manager',
      '--no-install',
      '--no-git',
      '--yes',
      '--dry-run',
      '--help',
      '--version',
    ]) {
      expect(text).toContain(flag);
    }
    expect(text).toContain('the template: blank, keeper');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCreateConnectorError } from '../errors.ts';
import { helpText, parseArgs, safeParseArgs } from './parse-args.ts';

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

describe('safeParseArgs', () => {
  it('returns what parseArgs returns', () => {
    const argv = ['my-app', '--template', 'keeper', '--no-git', '-y'];
    expect(safeParseArgs(argv)).toEqual({ success: true, value: parseArgs(argv) });
  });

  it('returns the error parseArgs throws', () => {
    const r = safeParseArgs(['my-app', '--templat', 'keeper']);
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.error.code).toBe('unknownFlag');
    expect(r.error.args).toMatchObject({ closest: '--template' });
    expect(() => parseArgs(['my-app', '--templat', 'keeper'])).toThrow(r.error.message);
    const two = safeParseArgs(['a', 'b']);
    expect(!two.success && two.error.code).toBe('invalidArguments');
  });

  it('agrees with parseArgs on any argument list: the same result, or the same error', () => {
    const arg = fc.oneof(
      fc.constantFrom(
        '--template',
        '-t',
        '--store',
        '--no-git',
        '--git',
        '-y',
        '--help',
        '-v',
        '--',
        '-',
        '--x',
        '-tz',
      ),
      fc
        .constantFrom('--name=', '--store=', '--templat=')
        .chain((f) => fc.string({ maxLength: 5 }).map((v) => f + v)),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (argv) => {
        const safe = safeParseArgs(argv);
        let plain: { value: unknown } | { code: string; message: string };
        try {
          plain = { value: parseArgs(argv) };
        } catch (error) {
          if (!isCreateConnectorError(error)) throw error;
          plain = { code: error.code, message: error.message };
        }
        if ('code' in plain) {
          expect(safe.success).toBe(false);
          expect(!safe.success && [safe.error.code, safe.error.message]).toEqual([plain.code, plain.message]);
        } else {
          expect(safe).toEqual({ success: true, value: plain.value });
        }
      }),
      { numRuns: 300 },
    );
  });
});

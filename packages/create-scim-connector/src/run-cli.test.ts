import { readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixturesDir, mockContext, tempDir } from '../test/helpers.ts';
import { runCli, supportsNode } from './run-cli.ts';
import { cliVersion } from './versions.ts';

let out: { dir: string; remove: () => void };
let printed: { out: string[]; err: string[] };
const print = { out: (t: string) => printed.out.push(t), err: (t: string) => printed.err.push(t) };
beforeEach(() => {
  out = tempDir();
  printed = { out: [], err: [] };
});
afterEach(() => out.remove());

const env = { CREATE_SCIM_CONNECTOR_TEMPLATES: fixturesDir };

describe('runCli', () => {
  it('prints the version', async () => {
    expect(await runCli(['--version'], mockContext({ env }), print)).toBe(0);
    expect(printed.out).toEqual([cliVersion]);
  });

  it('prints the help with the templates that can be scaffolded', async () => {
    expect(await runCli(['--help'], mockContext({ env }), print)).toBe(0);
    expect(printed.out[0]).toContain('the template: fixture-basic\n');
  });

  it('scaffolds and exits with 0', async () => {
    const context = mockContext({ cwd: out.dir, env });
    const code = await runCli(
      ['app', '--template', 'fixture-basic', '--yes', '--no-install', '--no-git'],
      context,
      print,
    );
    expect(code).toBe(0);
    expect(readdirSync(out.dir)).toEqual(['app']);
  });

  it('prints what happened, why and what to do, and exits with 1', async () => {
    const context = mockContext({ cwd: out.dir, env });
    const code = await runCli(['app', '--template', 'fixture-basics', '--yes'], context, print);
    expect(code).toBe(1);
    expect(printed.err).toEqual([
      [
        'There is no template named "fixture-basics".',
        'A connector is scaffolded from one of the templates bundled with this version of create-scim-connector.',
        'Did you mean "fixture-basic"? Pass --template with one of: fixture-basic, fixture-draft.',
      ].join('\n'),
    ]);
    expect(readdirSync(out.dir)).toEqual([]);
  });

  it('names the flag it does not know, and the one that was probably meant', async () => {
    expect(await runCli(['--stor', 'x'], mockContext({ env }), print)).toBe(1);
    expect(printed.err[0]).toBe(
      [
        'There is no flag --stor.',
        'create-scim-connector could not tell what you asked for.',
        'Did you mean --store? Run `npm create scim-connector -- --help` for the flags it accepts.',
      ].join('\n'),
    );
    expect(await runCli(['--tempalte=keeper'], mockContext({ env }), print)).toBe(1);
    expect(printed.err[1]).toContain('Did you mean --template?');
  });

  it('refuses a Node.js too old for the project before writing anything, and says what to do', async () => {
    const context = { ...mockContext({ cwd: out.dir, env }), nodeVersion: '22.18.0' };
    const code = await runCli(['app', '--template', 'fixture-basic', '--yes'], context, print);
    expect(code).toBe(1);
    expect(printed.err[0]).toMatch(
      /^This is Node\.js 22\.18\.0; a SCIM connector project needs Node\.js 22\.20 \(or 24\.7 on Node\.js 24\) or later\.\n.*node:sqlite.*\nInstall a newer Node\.js/,
    );
    expect(readdirSync(out.dir)).toEqual([]);
    expect(context.commands).toEqual([]);
    // The version and the help still answer.
    expect(await runCli(['--help'], context, print)).toBe(0);
  });

  it.each([
    ['20.19.0', false],
    ['22.18.0', false],
    ['22.19.0', false],
    ['22.20.0', true],
    ['23.11.0', false],
    ['24.6.0', false],
    ['v24.7.0', true],
    ['25.0.0', true],
  ])('on Node.js %s, scaffolds: %s', (version, ok) => {
    expect(supportsNode(version)).toBe(ok);
  });

  it('lets a bug through to the bin', async () => {
    const context = mockContext({ cwd: out.dir, env });
    context.log.step = () => {
      throw new TypeError('boom');
    };
    await expect(runCli(['app', '-t', 'fixture-basic', '-y'], context, print)).rejects.toThrow('boom');
  });
});

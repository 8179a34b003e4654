import { describe, expect, it } from 'vitest';
import { detectPackageManager, forPackageManager, runScriptCommand } from './package-manager.ts';

describe('detectPackageManager', () => {
  it.each([
    ['pnpm/10.2.0 npm/? node/v24.1.0 linux x64', 'pnpm'],
    ['yarn/4.5.0 npm/? node/v24.1.0 darwin arm64', 'yarn'],
    ['bun/1.2.0 npm/? node/v24.1.0 linux x64', 'bun'],
    ['npm/11.0.0 node/v24.1.0 linux x64 workspaces/false', 'npm'],
    ['deno/2.0.0', 'npm'],
    [undefined, 'npm'],
  ])('reads %j as %s', (agent, pm) => {
    expect(detectPackageManager(agent)).toBe(pm);
  });
});

describe('runScriptCommand', () => {
  it('writes each package manager its own way, as it runs', () => {
    expect(runScriptCommand('npm', 'token', ['create'])).toBe('npm run token -- create');
    expect(runScriptCommand('npm', 'start')).toBe('npm start');
    expect(runScriptCommand('npm', 'test')).toBe('npm test');
    // `pnpm token` is pnpm's own registry-token command: the script needs `run`.
    expect(runScriptCommand('pnpm', 'token', ['create', '--node', 'engineering'])).toBe(
      'pnpm run token create --node engineering',
    );
    expect(runScriptCommand('pnpm', 'start')).toBe('pnpm start');
    expect(runScriptCommand('yarn', 'token', ['create'])).toBe('yarn token create');
    expect(runScriptCommand('yarn', 'start')).toBe('yarn start');
    // `bun test` is bun's own test runner: the script needs `run`.
    expect(runScriptCommand('bun', 'test')).toBe('bun run test');
    expect(runScriptCommand('bun', 'token', ['create'])).toBe('bun run token create');
  });
});

describe('forPackageManager', () => {
  it("rewrites a template's npm commands for the package manager chosen", () => {
    const text =
      'Run `npm run token -- create --node <node>`, then `npm start`; `npm install pg` for PostgreSQL.';
    expect(forPackageManager(text, 'npm')).toBe(text);
    expect(forPackageManager(text, 'pnpm')).toBe(
      'Run `pnpm run token create --node <node>`, then `pnpm start`; `pnpm add pg` for PostgreSQL.',
    );
    expect(forPackageManager(text, 'bun')).toBe(
      'Run `bun run token create --node <node>`, then `bun run start`; `bun add pg` for PostgreSQL.',
    );
    expect(forPackageManager('`npm run token -- list`', 'yarn')).toBe('`yarn token list`');
  });
});

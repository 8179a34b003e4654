import { describe, expect, it } from 'vitest';
import { detectPackageManager, runScriptCommand } from './package-manager.ts';

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
  it('writes each package manager its own way', () => {
    expect(runScriptCommand('npm', 'token', ['create'])).toBe('npm run token -- create');
    expect(runScriptCommand('npm', 'start')).toBe('npm start');
    expect(runScriptCommand('npm', 'test')).toBe('npm test');
    expect(runScriptCommand('pnpm', 'token', ['create'])).toBe('pnpm token create');
    expect(runScriptCommand('yarn', 'start')).toBe('yarn start');
    expect(runScriptCommand('bun', 'test')).toBe('bun run test');
  });
});

import { describe, expect, it } from 'vitest';
import { mockContext } from '../../test/helpers.ts';
import type { ResolvedOptions } from '../types.ts';
import { nextSteps } from './next-steps.ts';

const manifest = { id: 'blank' } as ResolvedOptions['template']['manifest'];
const options = {
  targetDir: '/w/my-app',
  packageManager: 'npm',
  dryRun: false,
  template: { manifest, dir: '/t/blank', ready: true },
} as ResolvedOptions;

describe('nextSteps', () => {
  it('goes to the project, installs if needed, and runs the token, start and test scripts', () => {
    const context = mockContext({ cwd: '/w' });
    expect(nextSteps(options, false, context)).toEqual([
      'cd my-app',
      'npm install',
      'npm run token -- create',
      'npm start',
      'npm test',
    ]);
    expect(context.lines[0]).toContain('README.md tells you the Tenant URL and Secret Token');
  });

  it('skips the install once done, and writes the package manager own commands', () => {
    expect(nextSteps({ ...options, packageManager: 'pnpm' }, true, mockContext({ cwd: '/w' }))).toEqual([
      'cd my-app',
      'pnpm run token create',
      'pnpm start',
      'pnpm test',
    ]);
  });

  it('needs no cd in the project itself, and an absolute one outside the cwd, quoted when needed', () => {
    expect(nextSteps(options, true, mockContext({ cwd: '/w/my-app' }))[0]).toBe('npm run token -- create');
    expect(nextSteps({ ...options, targetDir: '/other/my app' }, true, mockContext({ cwd: '/w' }))[0]).toBe(
      'cd "/other/my app"',
    );
  });

  it("issues the token with the template's own commands, one step each", () => {
    const vault = {
      ...options,
      packageManager: 'bun',
      template: {
        ...options.template,
        manifest: {
          ...manifest,
          tokenCommands: [
            ['create', '--organization', 'contoso'],
            ['activate', '--organization', 'contoso'],
          ],
        },
      },
    } as ResolvedOptions;
    expect(nextSteps(vault, true, mockContext({ cwd: '/w' }))).toEqual([
      'cd my-app',
      'bun run token create --organization contoso',
      'bun run token activate --organization contoso',
      'bun run start',
      'bun run test',
    ]);
  });

  it('says that a dry run wrote nothing', () => {
    const context = mockContext({ cwd: '/w' });
    nextSteps({ ...options, dryRun: true }, false, context);
    expect(context.lines[0]).toMatch(/^info: Dry run: nothing was written\. Next steps:/);
  });
});

// End to end: builds the CLI, packs it with `pnpm pack`, installs the tarball into a project outside
// the repository, and runs the installed bin as `npm create` would.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, tempDir } from './helpers.ts';

const pkgDir = join(import.meta.dirname, '..');
const repo = join(pkgDir, '..', '..');
const self = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };

let temp: { dir: string; remove: () => void };
let tarball: string;
let bin: string;
let packed: string[];

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const { npm_config_user_agent: _, ...rest } = process.env;
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...rest, CI: '1', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  temp = tempDir('create-scim-connector-e2e-');
  execFileSync('pnpm', ['run', 'build'], { cwd: pkgDir, stdio: 'pipe' });
  execFileSync('pnpm', ['pack', '--pack-destination', temp.dir], { cwd: pkgDir, stdio: 'pipe' });
  tarball = join(temp.dir, readdirSync(temp.dir).find((f) => f.endsWith('.tgz'))!);
  packed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
  const project = join(temp.dir, 'consumer');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
    cwd: project,
    stdio: 'pipe',
  });
  bin = join(project, 'node_modules', '.bin', 'create-scim-connector');
}, 180_000);

afterAll(() => temp?.remove());

describe('the packed create-scim-connector', () => {
  it('ships the bin, the library and the templates, and no sources or tests', () => {
    expect(temp.dir.startsWith(repo)).toBe(false);
    expect(packed).toContain('package/dist/cli.js');
    expect(packed).toContain('package/dist/index.js');
    expect(packed).toContain('package/dist/index.cjs');
    for (const id of ['blank', 'cybsafe', 'hoxhunt', 'hypervault', 'keeper', 'vault-platform']) {
      expect(packed).toContain(`package/templates/${id}/template.json`);
    }
    expect(packed.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toBe(false);
    expect(packed.some((f) => f.includes('node_modules'))).toBe(false);
  });

  it('prints its version', () => {
    const result = run(bin, ['--version'], temp.dir);
    expect(result.stdout.trim()).toBe(self.version);
  });

  it('reads its bundled templates, and refuses one not written yet', () => {
    const result = run(bin, ['app', '--template', 'keeper', '--yes'], temp.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: The "keeper" template is not available in this version yet.');
  });

  it('scaffolds a template with --yes --no-install --no-git', () => {
    const result = run(
      bin,
      ['my-app', '--template', 'fixture-basic', '--yes', '--no-install', '--no-git'],
      temp.dir,
      {
        CREATE_SCIM_CONNECTOR_TEMPLATES: fixturesDir,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const app = join(temp.dir, 'my-app');
    expect(readdirSync(app).sort()).toEqual([
      '.env.example',
      '.gitignore',
      'README.md',
      'package.json',
      'src',
    ]);
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-app');
    expect(pkg.dependencies['@scim/schemas']).toMatch(/^\^\d+\.\d+\.\d+/);
    expect(JSON.stringify(pkg)).not.toContain('workspace:');
    expect(readFileSync(join(app, 'README.md'), 'utf8')).toContain('https://{host}/fixture/scim/v2');
    expect(existsSync(join(app, '.git'))).toBe(false);
    expect(result.stdout).toContain('npm run token -- create');
  });

  it('refuses a non-empty directory with what to do', () => {
    const result = run(bin, ['my-app', '--template', 'fixture-basic', '--yes'], temp.dir, {
      CREATE_SCIM_CONNECTOR_TEMPLATES: fixturesDir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not empty');
    expect(result.stderr).toContain('Pass the name of a new or empty directory');
  });
});

// End to end: builds the CLI, packs it with `pnpm pack`, installs the tarball into a project outside
// the repository, and runs the installed bin as `npm create` would. With SCIM_E2E_TEMPLATES=1 it also
// builds and packs the libraries, scaffolds every template on the pre-release path (the tarballs
// copied into the project's vendor/, the rest from the registry), and runs its typecheck and tests:
// several minutes. Building and packing go through test/packed.ts, one checkout-wide lock shared
// with the walkthrough of docs/getting-started.md. test/registry.test.ts scaffolds from a local
// registry with every package manager.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, tempDir } from './helpers.ts';
import { packCli, packLibraries, repo, run } from './packed.ts';

const pkgDir = join(import.meta.dirname, '..');
const self = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };

const templateIds = ['blank', 'cybsafe', 'hoxhunt', 'hypervault', 'keeper', 'vault-platform'];

/**
 * A Node.js older than a project needs on this machine, to run the bin with (the system's, when
 * `./dev` brought a newer one into .tools/): undefined when there is none.
 */
const nodeBelowMinimum = ['/usr/bin/node', '/usr/local/bin/node'].find((node) => {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  const [major = 0, minor = 0] = (version ?? '').replace(/^v/, '').split('.').map(Number);
  return version !== undefined && major >= 18 && (major < 22 || (major === 22 && minor < 20));
});

let temp: { dir: string; remove: () => void };
let bin: string;
let packed: string[];

beforeAll(() => {
  temp = tempDir('create-scim-connector-e2e-');
  ({ bin, files: packed } = packCli(temp.dir));
}, 180_000);

afterAll(() => temp?.remove());

describe('the packed create-scim-connector', () => {
  it('ships the bin, the library and the templates, and no sources or tests', () => {
    expect(temp.dir.startsWith(repo)).toBe(false);
    expect(packed).toContain('package/dist/cli.js');
    expect(packed).toContain('package/dist/index.js');
    expect(packed).toContain('package/dist/index.cjs');
    for (const id of templateIds) {
      expect(packed).toContain(`package/templates/${id}/template.json`);
      expect(packed).toContain(`package/templates/${id}/package.json`);
      expect(packed).toContain(`package/templates/${id}/_gitignore`);
      expect(packed).toContain(`package/templates/${id}/entra/mapping.json`);
      expect(packed).toContain(`package/templates/${id}/src/connector.ts`);
    }
    expect(packed.some((f) => f.startsWith('package/src/') || f.startsWith('package/test/'))).toBe(false);
    expect(packed.some((f) => f.includes('node_modules'))).toBe(false);
  });

  it('prints its version', () => {
    const result = run(bin, ['--version'], temp.dir);
    expect(result.stdout.trim()).toBe(self.version);
  });

  it('scaffolds a bundled template: its sources, mappings and tests, without the manifest or the repository-only lines', () => {
    const result = run(
      bin,
      ['keeper-app', '--template', 'keeper', '--yes', '--no-install', '--no-git'],
      temp.dir,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const app = join(temp.dir, 'keeper-app');
    const files = readdirSync(app, { recursive: true }).map(String).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        '.env.example',
        '.gitignore',
        'README.md',
        'entra/mapping.json',
        'src/connector.ts',
      ]),
    );
    expect(files.some((f) => f.includes('template.json') || f.includes('node_modules'))).toBe(false);
    expect(readFileSync(join(app, 'tsconfig.json'), 'utf8')).not.toContain('@scim/source');
    expect(readFileSync(join(app, 'vitest.config.ts'), 'utf8')).not.toContain('@scim/source');
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies['@scim/server']).toBe(
      `^${self.version}`,
    );
    expect(result.stdout).toContain('npm run token -- create --node engineering');
    // SQLite was chosen: the PostgreSQL driver is left out.
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies.pg).toBeUndefined();
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
      '.env',
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

  it.runIf(nodeBelowMinimum !== undefined)(
    'refuses, on a Node.js older than a project needs, before writing anything and with what to do',
    () => {
      const result = spawnSync(nodeBelowMinimum!, [bin, 'old-node-app', '--template', 'keeper', '--yes'], {
        cwd: temp.dir,
        encoding: 'utf8',
        env: { ...process.env, CI: '1' },
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        /This is Node\.js 2\d\.\d+\.\d+; a SCIM connector project needs Node\.js 22\.20 \(or 24\.7 on Node\.js 24\) or later/,
      );
      expect(result.stderr).toContain('Install a newer Node.js');
      expect(existsSync(join(temp.dir, 'old-node-app'))).toBe(false);
    },
  );

  it('refuses a non-empty directory with what to do', () => {
    const result = run(bin, ['my-app', '--template', 'fixture-basic', '--yes'], temp.dir, {
      CREATE_SCIM_CONNECTOR_TEMPLATES: fixturesDir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not empty');
    expect(result.stderr).toContain('Pass the name of a new or empty directory');
  });
});

describe.runIf(process.env.SCIM_E2E_TEMPLATES === '1')(
  'every template, scaffolded and installed from the tarballs',
  () => {
    let tarballs: string[];
    let tarballDir: string;

    beforeAll(() => {
      tarballDir = join(temp.dir, 'tarballs');
      tarballs = packLibraries(tarballDir);
    }, 600_000);

    it.each(templateIds)(
      '%s typechecks and passes its tests outside the repository',
      (id) => {
        const name = `${id}-e2e`;
        // The pre-release path (`./dev create`): the scaffolder copies the packed packages into the
        // project's vendor/ and installs from there (npm here; the registry e2e runs the others).
        const scaffold = run(
          bin,
          [name, '--template', id, '--yes', '--no-git', '--package-manager', 'npm'],
          temp.dir,
          { CREATE_SCIM_CONNECTOR_PACKAGES: tarballDir, npm_config_prefer_offline: 'true' },
        );
        expect(scaffold.code, scaffold.stderr).toBe(0);
        expect(scaffold.stdout).not.toMatch(/failed \(exit code/);
        const project = join(temp.dir, name);
        expect(project.startsWith(repo)).toBe(false);
        expect(readdirSync(join(project, 'vendor')).sort()).toEqual(tarballs.map((t) => basename(t)).sort());
        expect(existsSync(join(project, 'node_modules', '@scim', 'server', 'src'))).toBe(false);
        const typecheck = run('npm', ['run', 'typecheck'], project);
        expect(typecheck.code, typecheck.stdout + typecheck.stderr).toBe(0);
        const test = run('npm', ['test'], project, { NO_COLOR: '1' });
        expect(test.code, test.stdout + test.stderr).toBe(0);
        expect(test.stdout).toMatch(/Tests\s+\d+ passed/);
        // The generated project's tests include the Entra conformance kit.
        expect(test.stdout).toContain('conformance.test.ts');
      },
      600_000,
    );
  },
);

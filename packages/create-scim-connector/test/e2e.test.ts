// End to end: builds the CLI, packs it with `pnpm pack`, installs the tarball into a project outside
// the repository, and runs the installed bin as `npm create` would. With SCIM_E2E_TEMPLATES=1 it also
// builds and packs the libraries, scaffolds every template, installs each project from the tarballs
// (and the registry, for vitest and typescript), and runs its typecheck and tests: several minutes.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, tempDir } from './helpers.ts';
import { installTarballs, packCli, packLibraries, repo, run } from './packed.ts';

const pkgDir = join(import.meta.dirname, '..');
const self = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };

const templateIds = ['blank', 'cybsafe', 'hoxhunt', 'hypervault', 'keeper', 'vault-platform'];

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
    expect(result.stdout).toContain('npm run token -- create --node <node>');
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

describe.runIf(process.env.SCIM_E2E_TEMPLATES === '1')(
  'every template, scaffolded and installed from the tarballs',
  () => {
    let tarballs: string[];

    beforeAll(() => {
      tarballs = packLibraries(join(temp.dir, 'tarballs'));
    }, 600_000);

    it.each(templateIds)(
      '%s typechecks and passes its tests outside the repository',
      (id) => {
        const name = `${id}-e2e`;
        const scaffold = run(bin, [name, '--template', id, '--yes', '--no-install', '--no-git'], temp.dir);
        expect(scaffold.code, scaffold.stderr).toBe(0);
        const project = join(temp.dir, name);
        expect(project.startsWith(repo)).toBe(false);
        const install = installTarballs(project, tarballs);
        expect(install.code, install.stderr).toBe(0);
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

// The copy, transform, version and write steps, which share one plan.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFixtures, mockContext, tempDir } from '../../test/helpers.ts';
import type { ScaffoldFileSystem } from '../context.ts';
import { listTemplates } from '../templates.ts';
import type { ResolvedOptions } from '../types.ts';
import { copyTemplate } from './copy-template.ts';
import { transformTemplate } from './transform.ts';
import { writeFiles } from './write-files.ts';
import { writeVersions } from './write-versions.ts';

let fixtures: { dir: string; remove: () => void };
let out: { dir: string; remove: () => void };
let options: ResolvedOptions;

beforeEach(async () => {
  fixtures = copyFixtures();
  out = tempDir();
  // Build output and installed modules in a template are never copied.
  for (const junk of ['node_modules/x', 'dist', '.turbo'])
    mkdirSync(join(fixtures.dir, 'fixture-basic', junk), { recursive: true });
  writeFileSync(join(fixtures.dir, 'fixture-basic', 'node_modules', 'x', 'index.js'), '');
  writeFileSync(join(fixtures.dir, 'fixture-basic', 'dist', 'index.js'), '');
  writeFileSync(join(fixtures.dir, 'fixture-basic', 'tsconfig.tsbuildinfo'), '');
  const [template] = await listTemplates(fixtures.dir, fs as unknown as ScaffoldFileSystem);
  options = {
    targetDir: join(out.dir, 'acme-scim'),
    dir: 'acme-scim',
    packageName: 'acme-scim',
    template: template!,
    store: template!.manifest.stores[1]!,
    databaseUrl: 'postgres://scim:s3cret@db.internal:5432/acme',
    packageManager: 'npm',
    install: false,
    git: false,
    dryRun: false,
  };
});

afterEach(() => {
  fixtures.remove();
  out.remove();
});

const versions = { '@scim/schemas': '1.4.0', '@scim/protocol': '1.3.0' };

describe('copyTemplate', () => {
  it('plans every file but the manifest and build output, with dotfiles renamed', async () => {
    const plan = await copyTemplate(options, mockContext());
    expect(plan.files.map((f) => f.path)).toEqual([
      '.env.example',
      '.gitignore',
      'README.md',
      'package.json',
      'src/index.ts',
      'src/lib/nested.ts',
    ]);
    expect(plan.files.find((f) => f.path === '.gitignore')?.source).toBe(
      join(fixtures.dir, 'fixture-basic', '_gitignore'),
    );
  });
});

describe('transformTemplate and writeVersions', () => {
  it('set the name, the store, the README and the versions in the plan', async () => {
    const context = mockContext();
    const plan = await copyTemplate(options, context);
    await transformTemplate(plan, options, context);
    await writeVersions(plan, options, context, versions);
    const content = (path: string) => plan.files.find((f) => f.path === path)?.content ?? '';
    const pkg = JSON.parse(content('package.json'));
    expect(pkg.name).toBe('acme-scim');
    expect(pkg.dependencies).toEqual({ '@scim/schemas': '^1.4.0', 'left-alone': '^1.0.0', pg: '^8.0.0' });
    expect(pkg.devDependencies).toEqual({ '@scim/protocol': '^1.3.0' });
    expect(content('.env.example')).toBe(
      '# The connector reads these.\nPORT=3000\nDATABASE_URL=postgres://localhost:5432/fixture\n',
    );
    expect(content('README.md')).toMatch(/^# acme-scim\n/);
    expect(content('src/index.ts')).toBe(
      "export const conditions = ['node'];\nexport const hello = 'fixture';\n",
    );
    expect(plan.files.find((f) => f.path === 'src/lib/nested.ts')?.content).toBeUndefined();
    expect(context.lines).toContain('step: Pinning @scim/schemas@^1.4.0, @scim/protocol@^1.3.0');
  });

  it('configure the store: .env gets the database chosen, .env.example the example', async () => {
    const context = mockContext();
    const plan = await copyTemplate(options, context);
    await transformTemplate(plan, options, context);
    const content = (path: string) => plan.files.find((f) => f.path === path)?.content ?? '';
    expect(content('.env')).toBe(
      '# The connector reads these.\nPORT=3000\nDATABASE_URL=postgres://scim:s3cret@db.internal:5432/acme\n',
    );
    expect(content('.env.example')).not.toContain('s3cret');
    // .env is git-ignored by the template: the password never reaches the first commit.
    expect(readFileSync(join(fixtures.dir, 'fixture-basic', '_gitignore'), 'utf8')).toContain('.env\n');
  });

  it('leave out what only another store needs: no pg for SQLite', async () => {
    const sqlite = {
      ...options,
      store: options.template.manifest.stores[0]!,
      databaseUrl: 'file:./data/fixture.db',
    };
    const context = mockContext();
    const plan = await copyTemplate(sqlite, context);
    await transformTemplate(plan, sqlite, context);
    const pkg = JSON.parse(plan.files.find((f) => f.path === 'package.json')?.content ?? '{}');
    expect(pkg.dependencies).toEqual({ '@scim/schemas': 'workspace:^', 'left-alone': '^1.0.0' });
    expect(context.lines).toContain('step: Leaving out pg, which the sqlite store does not need');
  });

  it.each([
    ['pnpm', 'pnpm-workspace.yaml', 'allowBuilds:\n  msw: false\n'],
    ['yarn', '.yarnrc.yml', 'nodeLinker: node-modules\n'],
  ] as const)('write what %s needs to install cleanly: %s', async (packageManager, path, setting) => {
    const context = mockContext();
    const chosen = { ...options, packageManager };
    const plan = await copyTemplate(chosen, context);
    await transformTemplate(plan, chosen, context);
    expect(plan.files.find((f) => f.path === path)?.content).toContain(setting);
    // Yarn 4 warns about msw's build script unless package.json says not to build it.
    const pkg = JSON.parse(plan.files.find((f) => f.path === 'package.json')?.content ?? '{}');
    expect(pkg.dependenciesMeta).toEqual(packageManager === 'yarn' ? { msw: { built: false } } : undefined);
    for (const other of ['pnpm-workspace.yaml', '.yarnrc.yml'].filter((p) => p !== path)) {
      expect(plan.files.some((f) => f.path === other)).toBe(false);
    }
  });

  it('install the packages from packed tarballs on the pre-release path', async () => {
    const packed = tempDir();
    try {
      writeFileSync(join(packed.dir, 'scim-schemas-1.4.0.tgz'), 'tarball');
      writeFileSync(join(packed.dir, 'scim-protocol-1.3.0.tgz'), 'tarball');
      const context = mockContext({ env: { CREATE_SCIM_CONNECTOR_PACKAGES: packed.dir } });
      const chosen = { ...options, packageManager: 'pnpm' as const };
      const plan = await copyTemplate(chosen, context);
      await transformTemplate(plan, chosen, context);
      await writeVersions(plan, chosen, context, versions);
      const pkg = JSON.parse(plan.files.find((f) => f.path === 'package.json')?.content ?? '{}');
      const pins = {
        '@scim/schemas': 'file:vendor/scim-schemas-1.4.0.tgz',
        '@scim/protocol': 'file:vendor/scim-protocol-1.3.0.tgz',
      };
      expect(pkg.dependencies['@scim/schemas']).toBe(pins['@scim/schemas']);
      expect(pkg.devDependencies['@scim/protocol']).toBe(pins['@scim/protocol']);
      expect(pkg.overrides).toEqual(pins);
      expect(pkg.resolutions).toEqual(pins);
      expect(plan.files.find((f) => f.path === 'vendor/scim-schemas-1.4.0.tgz')?.source).toBe(
        join(packed.dir, 'scim-schemas-1.4.0.tgz'),
      );
      expect(plan.files.find((f) => f.path === 'pnpm-workspace.yaml')?.content).toContain(
        'overrides:\n  "@scim/schemas": "file:vendor/scim-schemas-1.4.0.tgz"\n',
      );
    } finally {
      packed.remove();
    }
  });

  it('add a .env.example when the template has none', async () => {
    const context = mockContext();
    const plan = await copyTemplate(options, context);
    plan.files = plan.files.filter((f) => f.path !== '.env.example');
    await transformTemplate(plan, options, context);
    expect(plan.files.find((f) => f.path === '.env.example')?.content).toBe(
      'DATABASE_URL=postgres://localhost:5432/fixture\n',
    );
  });

  it('use the version table generated at build time by default', async () => {
    const context = mockContext();
    const plan = await copyTemplate(options, context);
    await writeVersions(plan, options, context);
    const pkg = JSON.parse(plan.files.find((f) => f.path === 'package.json')?.content ?? '{}');
    expect(pkg.dependencies['@scim/schemas']).toMatch(/^\^\d+\.\d+\.\d+/);
  });
});

describe('writeFiles', () => {
  it('writes the plan into the target directory', async () => {
    const context = mockContext();
    const plan = await copyTemplate(options, context);
    await transformTemplate(plan, options, context);
    await writeVersions(plan, options, context, versions);
    const files = await writeFiles(plan, options, context);
    expect(files).toHaveLength(7);
    const target = options.targetDir;
    expect(readdirSync(target).sort()).toEqual([
      '.env',
      '.env.example',
      '.gitignore',
      'README.md',
      'package.json',
      'src',
    ]);
    expect(readFileSync(join(target, '.gitignore'), 'utf8')).toBe('node_modules/\ndata/\n.env\n');
    expect(readFileSync(join(target, 'src', 'lib', 'nested.ts'), 'utf8')).toBe(
      'export const nested = true;\n',
    );
    expect(readFileSync(join(target, 'package.json'), 'utf8')).not.toContain('workspace:');
    expect(existsSync(join(target, 'template.json'))).toBe(false);
    expect(existsSync(join(target, 'node_modules'))).toBe(false);
  });

  it('writes nothing with --dry-run, and lists what it would write', async () => {
    const dry = { ...options, dryRun: true };
    const context = mockContext();
    const plan = await copyTemplate(dry, context);
    await transformTemplate(plan, dry, context);
    await writeVersions(plan, dry, context, versions);
    await writeFiles(plan, dry, context);
    expect(existsSync(dry.targetDir)).toBe(false);
    expect(context.lines.every((l) => !l.startsWith('step: ') || /^step: Would /.test(l))).toBe(true);
    expect(context.lines.at(-1)).toContain('  src/lib/nested.ts');
  });
});

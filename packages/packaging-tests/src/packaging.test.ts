import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(import.meta.dirname, '..', 'fixtures');

interface Published {
  name: string;
  dir: string;
}

/** Every published (non-private) package of the workspace, whatever its dependencies. */
function publishedPackages(): Published[] {
  return readdirSync(join(repo, 'packages'))
    .map((dir) => join(repo, 'packages', dir))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private && pkg.exports?.['.'])
    .map(({ dir, pkg }) => ({ name: pkg.name as string, dir }));
}

function run(cmd: string, args: string[], cwd: string): string {
  // A stuck registry fetch must fail the test, not hang CI.
  return execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 240_000,
  });
}

const packages = publishedPackages();
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'scim-packaging-'));
  const tarballs = join(project, 'tarballs');
  for (const { name, dir } of packages) {
    if (!existsSync(join(dir, 'dist'))) {
      throw new Error(
        `${name} has no dist/: run \`pnpm build\` (./dev test does) before the packaging tests`,
      );
    }
    run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  }
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'scim-packaging-consumer', private: true, version: '0.0.0' }),
  );
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--fetch-retries=1', ...files],
    project,
  );
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe.each(packages)('$name as installed from its tarball', ({ name }) => {
  it('installs outside the repository with no source files', () => {
    const installed = join(project, 'node_modules', ...name.split('/'));
    expect(existsSync(join(installed, 'package.json'))).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(project.startsWith(repo)).toBe(false);
  });

  it('depends on the other @scim packages through ranges, never an exact version', () => {
    // `workspace:*` publishes as the exact version: a user would get a second copy of a package
    // at any other patch level. `workspace:^` publishes as a caret range.
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', ...name.split('/'), 'package.json'), 'utf8'),
    ) as Record<string, Record<string, string> | undefined>;
    const ranges = ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
      Object.entries(manifest[field] ?? {}).filter(([dep]) => dep.startsWith('@scim/')),
    );
    for (const [dep, range] of ranges) expect(range, `${name} -> ${dep}`).toMatch(/^\^\d+\.\d+\.\d+/);
  });

  it('imports from ESM and from CJS with the same exports', () => {
    const esm = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).sort()))`,
      ],
      project,
    );
    const cjs = run(
      process.execPath,
      ['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)})).sort()))`],
      project,
    );
    const esmNames = JSON.parse(esm) as string[];
    expect(esmNames.length).toBeGreaterThan(0);
    expect(JSON.parse(cjs)).toEqual(esmNames.filter((n) => n !== 'default' && n !== 'module.exports'));
  });
});

describe('@scim/server consumer', () => {
  it("runs a SQLite scan on the store's reader thread (dist/sqlite-reader) and its checkpoint on the checkpoint thread (dist/sqlite-checkpoint), from ESM and CJS", () => {
    const script = `const { sqliteStore } = MOD;
      const { normalizeFilter, parseFilter } = PROTOCOL;
      const { userResourceSchema } = SCHEMAS;
      const { mkdtempSync } = require('node:fs');
      const path = require('node:path').join(mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'scim-pack-')), 'x.db');
      const store = sqliteStore({ path });
      (async () => {
        await store.open([{ name: 'User' }]);
        await store.create('t', 'User', { data: { userName: 'bjensen' }, unique: [{ attribute: 'userName', value: 'bjensen' }], change: { type: 'user.created' } });
        const filter = normalizeFilter(parseFilter('userName co "JENS"'), userResourceSchema);
        const page = await store.list('t', { resourceType: 'User', filter, startIndex: 1, count: 10 });
        // The checkpoint due after the write (its timer does not hold the process open: this does).
        const keep = setInterval(() => {}, 1000);
        await store.checkpointer.settled();
        clearInterval(keep);
        const checkpoints = store.checkpointer;
        console.log(JSON.stringify([page.totalResults, store.readers.started, store.readers.unusable === undefined, checkpoints.started, checkpoints.unusable === undefined, checkpoints.last.checkpointed > 0]));
        await store.close();
      })();`;
    const esm = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
         ${script
           .replace('MOD', "await import('@scim/server')")
           .replace('PROTOCOL', "await import('@scim/protocol')")
           .replace('SCHEMAS', "await import('@scim/schemas')")}`,
      ],
      project,
    );
    const cjs = run(
      process.execPath,
      [
        '-e',
        script
          .replace('MOD', "require('@scim/server')")
          .replace('PROTOCOL', "require('@scim/protocol')")
          .replace('SCHEMAS', "require('@scim/schemas')"),
      ],
      project,
    );
    expect(JSON.parse(esm)).toEqual([1, 1, true, 1, true, true]);
    expect(JSON.parse(cjs)).toEqual([1, 1, true, 1, true, true]);
  });
});

describe('@scim/schemas consumer', () => {
  it('builds working objects from ESM and CJS', () => {
    const script = `const { ScimError, URN } = MOD;
      const body = new ScimError('uniqueness', 'userName taken').toJSON();
      console.log(JSON.stringify([URN.User, body.status, body.scimType]));`;
    const expected = ['urn:ietf:params:scim:schemas:core:2.0:User', '409', 'uniqueness'];
    const esm = run(
      process.execPath,
      ['--input-type=module', '-e', script.replace('MOD', "await import('@scim/schemas')")],
      project,
    );
    const cjs = run(process.execPath, ['-e', script.replace('MOD', "require('@scim/schemas')")], project);
    expect(JSON.parse(esm)).toEqual(expected);
    expect(JSON.parse(cjs)).toEqual(expected);
  });

  it('typechecks ESM and CJS consumer files against the packed types', () => {
    // consumer-engines.mts also uses @scim/protocol and @scim/mapping with @scim/schemas.
    const consumers = ['consumer.mts', 'consumer.cts', 'consumer-engines.mts'];
    for (const file of consumers) copyFileSync(join(fixtures, file), join(project, file));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2023',
          lib: ['es2023', 'dom'],
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          types: [],
        },
        files: consumers,
      }),
    );
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      output = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });
});

describe('@scim/entra-mock', () => {
  it("plugs into the user's MSW: msw is a peer dependency, with the range it supports", () => {
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', '@scim', 'entra-mock', 'package.json'), 'utf8'),
    ) as { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
    expect(manifest.dependencies?.msw).toBeUndefined();
    expect(manifest.peerDependencies?.msw).toMatch(/^\^2\./);
  });
});

// A local npm registry on loopback (verdaccio), with every published package of the workspace
// published to it exactly as `pnpm publish` will publish it, and the rest of npm proxied through:
// what users will install, before it is on npm. Storage lives in a temporary directory, removed on
// close; the registry never answers on another interface.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const repo = join(import.meta.dirname, '..', '..', '..');

/** A running local registry. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The npmrc that publishes to it (registry and token). */
  readonly npmrc: string;
  /** Where its storage and configuration are (removed on close). */
  readonly dir: string;
  /** Stops it and removes its storage. */
  close(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** Every public package of the workspace, in dependency order (libraries first, the CLI last). */
export function workspacePackages(): { name: string; dir: string; version: string }[] {
  const order = ['schemas', 'protocol', 'mapping', 'server', 'entra-mock', 'create-scim-connector'];
  return order
    .map((d) => join(repo, 'packages', d))
    .filter((d) => existsSync(join(d, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({ name: pkg.name as string, dir, version: pkg.version as string }));
}

function config(dir: string): string {
  // Our packages are served from local storage only (never proxied: a package of the same name on
  // npm must not answer); everything else comes from npm through the registry's cache.
  const local = (name: string) => `  '${name}':\n    access: $all\n    publish: $authenticated\n`;
  return `storage: ${join(dir, 'storage')}
auth:
  htpasswd:
    file: ${join(dir, 'htpasswd')}
    max_users: 10
uplinks:
  npmjs:
    url: https://registry.npmjs.org/
    timeout: 60s
    max_fails: 5
packages:
${local('@scim/*')}${local('create-scim-connector')}  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
server:
  keepAliveTimeout: 60
log: { type: stdout, format: pretty, level: warn }
web:
  enable: false
`;
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`verdaccio did not answer at ${url} within 60 s:\n${output()}`);
}

/** Starts verdaccio (a devDependency) on a free loopback port, with storage in a temporary directory. */
export async function startRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'scim-registry-'));
  mkdirSync(join(dir, 'storage'));
  writeFileSync(join(dir, 'config.yaml'), config(dir));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const bin = join(
    dirname(createRequire(import.meta.url).resolve('verdaccio/package.json')),
    'bin',
    'verdaccio',
  );
  const child = spawn(
    process.execPath,
    [bin, '--config', join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, () => output);
    const response = await fetch(`${url}-/user/org.couchdb.user:ci`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', password: `ci-${port}-${Date.now()}` }),
    });
    const { token } = (await response.json()) as { token?: string };
    if (!token) throw new Error(`verdaccio refused to add a user (${response.status})`);
    const npmrc = join(dir, 'npmrc');
    writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
    return { url, npmrc, dir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Publishes every public package of the workspace to the registry with `pnpm publish` (which turns
 * `workspace:` ranges into the published ones, and runs the CLI's prepack that bundles the
 * templates), building what was never built.
 */
export function publishWorkspace(registry: LocalRegistry): string[] {
  const published: string[] = [];
  for (const { name, dir, version } of workspacePackages()) {
    if (!existsSync(join(dir, 'dist'))) execFileSync('pnpm', ['run', 'build'], { cwd: dir, stdio: 'pipe' });
    execFileSync('pnpm', ['publish', '--no-git-checks', '--registry', registry.url], {
      cwd: dir,
      stdio: 'pipe',
      env: { ...process.env, NPM_CONFIG_USERCONFIG: registry.npmrc },
      timeout: 120_000,
    });
    published.push(`${name}@${version}`);
  }
  return published;
}

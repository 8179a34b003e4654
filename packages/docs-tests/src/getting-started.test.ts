// docs/getting-started.md walked through as a new user would: its commands, read from the guide, run
// in order in a temporary directory outside the repository against the packages as they will be
// published (packed with create-scim-connector's end-to-end machinery, test/packed.ts, under its
// lock). One step differs from a user's until the packages are on the registry, and only in how the
// packages are found: `npm create scim-connector@latest <args>` runs what npm runs for it,
// `npm exec create-scim-connector <args>`, with the packed CLI as the package and
// CREATE_SCIM_CONNECTOR_PACKAGES naming the packed libraries. That is the pre-release path of
// `./dev create` (README, docs/templates.md): the scaffolder copies the tarballs into the project's
// vendor/ and runs its own `npm install` from there (the registry for the rest), as it will from the
// registry once they are published. `npm start` gets a free PORT (the guide names the variable), is
// asked for the Tenant URL with the token `npm run token` printed, and is stopped. Several minutes:
// it runs with SCIM_E2E_TEMPLATES=1, as the templates' end-to-end test does (`./dev test` sets it).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packCli, packLibraries, repo, run } from '../../create-scim-connector/test/packed.ts';
import { type ShellCommand, shellCommands } from './shell.ts';

const guide = readFileSync(join(repo, 'docs', 'getting-started.md'), 'utf8');
const commands = shellCommands(guide);

describe('docs/getting-started.md, its commands', () => {
  it('are the ones a new user types: create, cd, test, token, start', () => {
    expect(commands.map((c) => c.argv.slice(0, 2).join(' '))).toEqual([
      'npm create',
      'cd my-app',
      'npm test',
      'npm run',
      'npm start',
    ]);
    expect(commands[0]!.argv[2]).toBe('scim-connector@latest');
  });
});

/** A free port on loopback. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** Polls `url` until it answers (any status), for at most `ms`. */
async function waitFor(url: string, ms: number, child: ChildProcess): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > until) throw new Error(`nothing answered at ${url} after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

describe.runIf(process.env.SCIM_E2E_TEMPLATES === '1')('docs/getting-started.md, walked through', () => {
  let dir: string;
  let cli: { tarball: string };
  let tarballDir: string;
  let tarballs: string[];
  let cwd: string;
  let token = '';
  let tenantUrl = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'scim-getting-started-'));
    cli = packCli(join(dir, 'cli'));
    tarballDir = join(dir, 'tarballs');
    tarballs = packLibraries(tarballDir);
    cwd = join(dir, 'work');
    run('mkdir', ['-p', cwd], dir);
  }, 600_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const step = (n: number): ShellCommand =>
    commands[n] ?? { line: 0, text: `(step ${n + 1} is missing)`, argv: [] };

  it(`${step(0).text}`, () => {
    const [, , , ...rest] = step(0).argv; // npm create scim-connector@latest <rest>
    const args = rest.filter((a) => a !== '--');
    const created = run(
      'npm',
      ['exec', '--yes', `--package=${cli.tarball}`, '--', 'create-scim-connector', ...args],
      cwd,
      { CREATE_SCIM_CONNECTOR_PACKAGES: tarballDir, npm_config_prefer_offline: 'true' },
    );
    expect(created.code, created.stdout + created.stderr).toBe(0);
    // It installed (nothing failed) and printed the next steps the guide goes on with.
    expect(created.stdout).not.toMatch(/failed \(exit code/);
    expect(created.stdout).toContain('Next steps');
  }, 600_000);

  it(`${step(1).text}: the project, installed from the packed packages`, () => {
    cwd = resolve(cwd, step(1).argv[1]!);
    expect(cwd.startsWith(repo)).toBe(false);
    expect(readdirSync(join(cwd, 'vendor')).sort()).toEqual(tarballs.map((t) => basename(t)).sort());
    expect(existsSync(join(cwd, 'node_modules', '@scim', 'server', 'package.json'))).toBe(true);
    expect(existsSync(join(cwd, 'node_modules', '@scim', 'server', 'src'))).toBe(false);
  });

  it(`${step(2).text}`, () => {
    const test = run(step(2).argv[0]!, step(2).argv.slice(1), cwd, { NO_COLOR: '1' });
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/Tests\s+\d+ passed/);
  }, 600_000);

  it(`${step(3).text}`, () => {
    const issued = run(step(3).argv[0]!, step(3).argv.slice(1), cwd);
    expect(issued.code, issued.stdout + issued.stderr).toBe(0);
    const output = issued.stdout + issued.stderr;
    token = /\bscim_[0-9a-f]+_[\w-]+/.exec(output)?.[0] ?? '';
    tenantUrl = /https?:\/\/\S+\/scim\/engineering\b/.exec(output)?.[0] ?? '';
    expect(token, output).not.toBe('');
    expect(tenantUrl, output).not.toBe('');
  }, 120_000);

  it(`${step(4).text}: the Tenant URL answers with the Secret Token`, async () => {
    const port = await freePort();
    // A user's shell: not pnpm's user agent or its NODE_PATH into the workspace (as `run` does).
    const { npm_config_user_agent: _, NODE_PATH: _path, ...shell } = process.env;
    const child = spawn(step(4).argv[0]!, step(4).argv.slice(1), {
      cwd,
      env: { ...shell, PORT: String(port), CI: '1' },
      stdio: 'pipe',
      detached: true,
    });
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    try {
      const path = new URL(tenantUrl).pathname;
      const base = `http://127.0.0.1:${port}${path}`;
      await waitFor(`${base}/ServiceProviderConfig`, 60_000, child);
      const users = await fetch(`${base}/Users?filter=${encodeURIComponent('userName eq "nobody"')}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(users.status, output).toBe(200);
      expect(await users.json()).toMatchObject({ totalResults: 0 });
      const denied = await fetch(`${base}/Users`, { headers: { authorization: 'Bearer wrong' } });
      expect(denied.status).toBe(401);
    } finally {
      // npm start runs node under npm: stop the whole process group.
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await new Promise((done) => (child.exitCode === null ? child.on('exit', done) : done(undefined)));
    }
  }, 120_000);
});

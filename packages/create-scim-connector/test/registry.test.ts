// The first hour of a new user, as users will have it once the packages are published: every
// package is published to a local registry on loopback (verdaccio), then, in a clean directory
// outside the repository, `npm create scim-connector@latest`, `pnpm create`, `yarn create` and
// `bun create` scaffold a template, and each printed next step is run as written: the token
// command, `start` (the connector answers with the token it issued), and the project's tests.
// Every package manager runs once and every template is scaffolded once (see `matrix`); the npm
// run uses the lowest Node.js a project supports. `./dev test` runs it as its own step
// (SCIM_E2E_REGISTRY=1); it takes a few minutes.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installTools, type Tool, type Tools, toolVersions } from './package-managers.ts';
import { freePort, type LocalRegistry, publishWorkspace, startRegistry } from './registry.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

interface Entry {
  /** The package manager. */
  tool: Tool;
  /** The template scaffolded. */
  template: string;
  /** The command a user types, as the README writes it. */
  create: string;
  /** Run on the lowest Node.js a project supports instead of the current one. */
  minimumNode?: boolean;
  /** Keep the data in PostgreSQL (the test server), through `--store postgres --database-url`. */
  postgres?: boolean;
}

/** Each package manager once, each template at least once. */
const matrix: Entry[] = [
  {
    tool: 'npm',
    template: 'keeper',
    create: 'npm create scim-connector@latest my-app -- --template keeper',
    minimumNode: true,
    postgres: true,
  },
  {
    tool: 'pnpm12',
    template: 'hypervault',
    create: 'pnpm create scim-connector my-app --template hypervault',
  },
  {
    tool: 'pnpm11',
    template: 'vault-platform',
    create: 'pnpm create scim-connector my-app --template vault-platform',
  },
  { tool: 'pnpm10', template: 'cybsafe', create: 'pnpm create scim-connector my-app --template cybsafe' },
  { tool: 'yarn1', template: 'hoxhunt', create: 'yarn create scim-connector my-app --template hoxhunt' },
  { tool: 'yarnBerry', template: 'blank', create: 'yarn create scim-connector my-app --template blank' },
  { tool: 'bun', template: 'keeper', create: 'bun create scim-connector my-app --template keeper' },
];

/** The PostgreSQL test server (as the store tests find it), or undefined. */
function testPostgres(): string | undefined {
  const url = process.env.SCIM_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const probe = spawnSync('psql', [url, '-Atc', 'select 1'], { encoding: 'utf8', timeout: 5_000 });
  return probe.status === 0 ? url : undefined;
}

let registry: LocalRegistry;
let tools: Tools;
let home: string;
const timings: string[] = [];

/** The environment of a user's shell on this machine, pointed at the local registry. */
function userEnv(entry: Entry, port: number): Record<string, string> {
  // What pnpm and vitest set for this process (NODE_PATH points into the workspace's modules) is
  // not in a user's shell.
  const {
    CI: _ci,
    npm_config_user_agent: _agent,
    NODE_OPTIONS: _options,
    NODE_PATH: _path,
    INIT_CWD: _init,
    ...inherited
  } = process.env;
  const keep = (name: string) => !/^(npm_|pnpm_|PNPM_|YARN_|BUN_|VITEST|TURBO_)/i.test(name);
  const base = Object.fromEntries(
    Object.entries(inherited).filter((e): e is [string, string] => e[1] !== undefined && keep(e[0])),
  );
  const node = entry.minimumNode ? tools.nodeMinimumDir : dirname(process.execPath);
  const npm = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  const path = [tools.shims[entry.tool], node, dirname(npm), '/usr/local/bin', '/usr/bin', '/bin'];
  const url = registry.url;
  return {
    ...base,
    HOME: home,
    PATH: [...new Set(path)].join(delimiter),
    PORT: String(port),
    // npm, pnpm (10 reads npm_config_, 11 and later pnpm_config_), Yarn 1, Yarn 4, bun.
    npm_config_registry: url,
    pnpm_config_registry: url,
    YARN_REGISTRY: url,
    YARN_NPM_REGISTRY_SERVER: url,
    YARN_UNSAFE_HTTP_WHITELIST: '127.0.0.1',
    // Yarn 4 refuses versions published less than a day ago (npmMinimalAgeGate): ours are minutes old.
    YARN_NPM_MINIMAL_AGE_GATE: '0',
    BUN_CONFIG_REGISTRY: url,
    NPM_CONFIG_REGISTRY: url,
    // Yarn 1's `yarn create` installs globally: keep that in the test's home, not /usr/local.
    ...(entry.tool === 'yarn1'
      ? { YARN_PREFIX: join(home, '.yarn-global'), YARN_GLOBAL_FOLDER: join(home, '.yarn-global', 'folder') }
      : {}),
    npm_config_update_notifier: 'false',
    GIT_AUTHOR_NAME: 'First User',
    GIT_AUTHOR_EMAIL: 'first.user@example.com',
    GIT_COMMITTER_NAME: 'First User',
    GIT_COMMITTER_EMAIL: 'first.user@example.com',
    NO_COLOR: '1',
  };
}

function sh(command: string, cwd: string, env: Record<string, string>, timeout = 600_000) {
  const result = spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8', timeout });
  return { code: result.status, output: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

/** The commands the scaffolder printed under "Next steps:". */
function printedSteps(output: string): string[] {
  const after = output.split('Next steps:\n')[1] ?? '';
  return after
    .split('\n\n')[0]!
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Runs `start` as written, until its banner, and returns the process and what it printed. */
async function startConnector(step: string, cwd: string, env: Record<string, string>) {
  const child = spawn('sh', ['-c', step], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const banner = new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no banner within 120 s:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Secret Token: .*\n/.test(output)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`\`${step}\` exited with ${code} before listening:\n${output}`));
    });
  });
  await banner;
  return { child, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((done) => child.once('exit', done));
  process.kill(-child.pid, 'SIGTERM');
  await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
}

describe.runIf(process.env.SCIM_E2E_REGISTRY === '1')(
  'npm, pnpm, yarn and bun create against the packages published to a local registry',
  () => {
    const postgres = testPostgres();

    beforeAll(async () => {
      registry = await startRegistry();
      publishWorkspace(registry);
      tools = installTools();
      home = mkdtempSync(join(tmpdir(), 'scim-first-user-'));
    }, 900_000);

    afterAll(async () => {
      await registry?.close();
      if (home) rmSync(home, { recursive: true, force: true });
      const versions = Object.entries(toolVersions).map(([k, v]) => `${k} ${v}`);
      const pnpm12 = sh('pnpm --version', repo, process.env as Record<string, string>).stdout.trim();
      const npm = sh('npm --version', repo, process.env as Record<string, string>).stdout.trim();
      console.log(
        `registry e2e: ${versions.join(', ')}, pnpm12 ${pnpm12}, npm ${npm}\n${timings.join('\n')}`,
      );
    });

    it.for(matrix)(
      '$create: scaffolds, installs cleanly, and every next step it prints runs as written',
      { timeout: 900_000 },
      async (entry, context) => {
        if (entry.tool === 'bun' && tools.bunProblem) context.skip(tools.bunProblem);
        const started = Date.now();
        const clean = mkdtempSync(join(tmpdir(), `scim-${entry.tool}-`));
        const port = await freePort();
        const env = userEnv(entry, port);
        const schema = `scim_test_e2e_${process.pid}_${entry.tool.toLowerCase()}`;
        let create = entry.create;
        if (entry.postgres && postgres) {
          create += ` --store postgres --database-url '${postgres}?schema=${schema}'`;
        }
        let server: ChildProcess | undefined;
        try {
          expect(clean.startsWith(repo)).toBe(false);
          const scaffold = sh(create, clean, env);
          expect(scaffold.code, scaffold.output).toBe(0);
          // Installed cleanly: no failed install, no warning of ours, no pnpm build-script error.
          expect(scaffold.output).not.toMatch(/failed \(exit code|^warning: |ERR_PNPM_IGNORED_BUILDS/m);
          // Anything a package manager warned about, for the summary (not a failure: upstream
          // deprecations come and go).
          const notes = scaffold.output.split('\n').filter((l) => /\bwarn|deprecat|blocked|ignored/i.test(l));
          if (notes.length > 0) timings.push(`  ${entry.tool}: ${notes.map((n) => n.trim()).join(' | ')}`);
          const steps = printedSteps(scaffold.stdout);
          expect(steps[0]).toBe('cd my-app');
          // Nothing to substitute: a step with <placeholder> would be a shell redirection.
          expect(steps.join('\n')).not.toMatch(/[<>]/);
          const project = join(clean, 'my-app');
          const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8'));
          expect(Boolean(pkg.dependencies.pg)).toBe(Boolean(entry.postgres && postgres));
          expect(existsSync(join(project, '.git'))).toBe(true);

          let cwd = clean;
          let secret: string | undefined;
          let tenantUrl: string | undefined;
          for (const step of steps) {
            if (step.startsWith('cd ')) {
              cwd = resolve(cwd, step.slice(3));
              continue;
            }
            if (/ start$/.test(step)) {
              const running = await startConnector(step, cwd, env);
              server = running.child;
              const banner = running.output();
              // The banner names the token command of this package manager, as the next steps do.
              const tokenStep = steps.find((s) => / token .*create/.test(s))!;
              const prefix = tokenStep.slice(0, tokenStep.indexOf(' create'));
              expect(banner).toContain(`Secret Token: ${prefix} create`);
              expect(tenantUrl, 'the token step printed a Tenant URL').toBeDefined();
              const users = await fetch(`${tenantUrl}/Users?count=1`, {
                headers: { authorization: `Bearer ${secret}`, 'x-request-id': 'first-user-0001' },
              });
              expect(users.status).toBe(200);
              await new Promise((done) => setTimeout(done, 200));
              expect(running.output()).toMatch(/GET \/\S*\/Users\?count=1 200 \S+ms first-user-0001/);
              await stop(server);
              server = undefined;
              continue;
            }
            const result = sh(step, cwd, env);
            expect(result.code, `\`${step}\`:\n${result.output}`).toBe(0);
            const url = /Tenant URL: +(\S+)/.exec(result.output)?.[1];
            if (url) {
              tenantUrl = url;
              // The token command prints the port the server will really use.
              expect(url.startsWith(`http://localhost:${port}/`), url).toBe(true);
            }
            secret = /Secret Token: +(\S+)/.exec(result.output)?.[1] ?? secret;
            if (/ test$/.test(step)) {
              expect(result.output).toMatch(/Tests\s+\d+ passed/);
              expect(result.output).toContain('conformance.test.ts');
            }
          }
          expect(steps.some((s) => / test$/.test(s))).toBe(true);
          // The install the scaffolder ran printed nothing (it keeps the output for a failure), so
          // install again as a user does after a pull: nothing about build scripts may show (pnpm
          // stops at one it was not told about, Yarn 4 warns, bun blocks).
          const reinstall = sh(`${entry.tool.replace(/\d+$|Berry$|1$/, '')} install`, project, env);
          expect(reinstall.code, reinstall.output).toBe(0);
          expect(reinstall.output).not.toMatch(
            /ERR_PNPM|ignored build|lists build scripts|Blocked \d+ postinstall/i,
          );
          if (!(entry.postgres && postgres)) {
            // SQLite projects do not install the PostgreSQL driver.
            const installed = readdirSync(join(project, 'node_modules'));
            expect(installed).not.toContain('pg');
          }
        } finally {
          if (server) await stop(server);
          if (entry.postgres && postgres)
            sh(
              `psql '${postgres}' -qc 'DROP SCHEMA IF EXISTS ${schema} CASCADE'`,
              clean,
              process.env as Record<string, string>,
            );
          rmSync(clean, { recursive: true, force: true });
          timings.push(
            `  ${entry.tool.padEnd(10)} ${entry.template.padEnd(15)} ${((Date.now() - started) / 1000).toFixed(0)} s`,
          );
        }
      },
    );

    it("installs as docs/entra-mock.md says, with one copy of msw: the user's", async () => {
      const clean = mkdtempSync(join(tmpdir(), 'scim-entra-mock-docs-'));
      try {
        const env = userEnv({ tool: 'npm', template: '', create: '' }, await freePort());
        expect(sh('npm init -y', clean, env).code).toBe(0);
        const install = sh('npm install -D @scim/entra-mock msw@2', clean, env);
        expect(install.code, install.output).toBe(0);
        const tree = sh('npm ls msw --all --parseable', clean, env);
        expect(tree.stdout.trim().split('\n')).toEqual([join(clean, 'node_modules', 'msw')]);
        const peer = JSON.parse(readFileSync(join(clean, 'node_modules', 'msw', 'package.json'), 'utf8'));
        expect(peer.version).toMatch(/^2\./);
      } finally {
        rmSync(clean, { recursive: true, force: true });
      }
    }, 300_000);
  },
);

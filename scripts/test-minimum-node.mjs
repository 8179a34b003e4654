#!/usr/bin/env node
// `./dev test`'s "minimum node" step: each published package's own test suite under the lowest
// Node.js its `engines.node` allows, so that a range we publish is one we have run. One Node.js per
// distinct minimum, from npm's `node-<platform>-<arch>` packages (the only registry CI reaches),
// kept in .cache/node-minimum/<version>/ so that reruns are offline. Run it alone with
// `node scripts/test-minimum-node.mjs [package name...]`. The runner fits: vitest 4 declares Node
// ^20 || ^22 || >=24, and vite 8 (which loads the configs) ^20.19 || >=22.12.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
/** A bound on one package's suite (the slowest, @scim/server, takes about two minutes). */
const SUITE_TIMEOUT_MS = 10 * 60_000;

/**
 * What a package's test harness needs beyond its own code on its minimum Node.js. Each entry says
 * why; the package's code itself gets no exception (if it needs a newer Node.js, its `engines`
 * says so).
 */
const harness = {
  '@scim/protocol': {
    nodeOptions: '--experimental-sqlite',
    why: 'test/sql-agreement.test.ts checks the SQL form of filters on node:sqlite, which Node.js 22.12 has behind a flag; the package never loads it',
  },
  '@scim/entra-mock': {
    exclude: ['test/conformance-server.test.ts', 'test/logs-on-sqlite.test.ts'],
    why: "these two drive @scim/server (a dev dependency) on its stores, SQLite among them, which need Node.js 22.20: they run in the tests step, and @scim/server's own suite runs on 22.20 here",
  },
  'create-scim-connector': {
    env: { SCIM_E2E_TEMPLATES: '0' },
    why: "the templates' end-to-end run is the tests step's; the registry step runs generated projects on their minimum Node.js",
  },
};

/** The published packages (not `private`), with their directory and `engines.node`. */
function publishedPackages() {
  return readdirSync(join(root, 'packages'))
    .map((dir) => ({ dir: join(root, 'packages', dir), file: join(root, 'packages', dir, 'package.json') }))
    .filter(({ file }) => existsSync(file))
    .map(({ dir, file }) => ({ dir, manifest: JSON.parse(readFileSync(file, 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ dir, name: manifest.name, range: manifest.engines?.node }));
}

/**
 * The lowest version a range allows, for ranges written as alternatives of `>=X.Y.Z`, `^X.Y.Z`,
 * `~X.Y.Z` or `X.Y.Z` (missing parts are 0): what our manifests use.
 */
export function lowestVersion(range) {
  const bounds = range.split('||').map((part) => {
    const m = /^\s*(?:>=|\^|~)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(part);
    if (m === null)
      throw new Error(
        `cannot read the lowest version of "${range}"; write it as >=X.Y.Z or ^X.Y.Z alternatives`,
      );
    return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  });
  bounds.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return bounds[0].join('.');
}

/** The `node` binary of a version, installed from npm on first use. */
function nodeBinary(version) {
  const dir = join(root, '.cache', 'node-minimum', version);
  const bin = join(dir, 'node_modules', 'node-bin', 'bin', 'node');
  const found = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (found === `v${version}`) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const spec = `node-bin@npm:node-${process.platform}-${process.arch}@${version}`;
  process.stdout.write(`installing Node.js ${version} (${spec}) into ${dir}\n`);
  const install = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec],
    { cwd: dir, stdio: 'inherit', timeout: 5 * 60_000 },
  );
  if (install.status !== 0) throw new Error(`npm could not install ${spec}`);
  return bin;
}

function runSuite(pkg, node) {
  const extra = harness[pkg.name] ?? {};
  const args = [vitest, 'run', ...(extra.exclude ?? []).flatMap((file) => ['--exclude', file])];
  const binDir = join(node, '..');
  const env = {
    ...process.env,
    ...extra.env,
    // Whatever the tests spawn as `node` is this Node.js too.
    PATH: `${binDir}:${process.env.PATH}`,
    ...(extra.nodeOptions ? { NODE_OPTIONS: extra.nodeOptions } : {}),
  };
  if (extra.why) process.stdout.write(`  harness: ${extra.why}\n`);
  const started = Date.now();
  const run = spawnSync(node, args, {
    cwd: pkg.dir,
    stdio: 'inherit',
    env,
    timeout: SUITE_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  const seconds = (Date.now() - started) / 1000;
  const why =
    run.error?.code === 'ETIMEDOUT' ? `timed out after ${SUITE_TIMEOUT_MS / 60_000} min` : undefined;
  return { ok: run.status === 0, seconds, why };
}

function main(names) {
  const packages = publishedPackages().filter((p) => names.length === 0 || names.includes(p.name));
  const results = [];
  for (const pkg of packages) {
    if (pkg.range === undefined) {
      results.push({ name: pkg.name, ok: false, why: 'no engines.node in its package.json' });
      continue;
    }
    const version = lowestVersion(pkg.range);
    process.stdout.write(
      `\n\x1b[1m» ${pkg.name} (engines.node "${pkg.range}") on Node.js ${version}\x1b[0m\n`,
    );
    const result = runSuite(pkg, nodeBinary(version));
    results.push({ name: pkg.name, version, ...result });
  }
  process.stdout.write('\n');
  for (const r of results) {
    const detail = r.why ?? `${r.seconds.toFixed(1)}s`;
    process.stdout.write(
      `${r.ok ? '✓' : '✗'} ${r.name.padEnd(24)} ${(r.version ?? '').padEnd(8)} ${detail}\n`,
    );
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main(process.argv.slice(2)));

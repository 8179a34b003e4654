#!/usr/bin/env node
// `./dev test`: every check CI runs, in one go. Each step runs even when an earlier one failed, so a
// single run shows everything that is wrong; the exit code is non-zero if anything failed. The last
// line is the test runner's summary.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reportFile = join(root, '.cache', 'vitest-report.json');
const steps = [
  ['lint', ['pnpm', 'exec', 'biome', 'ci', '.']],
  ['typecheck', ['pnpm', 'exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']],
  ['build', ['pnpm', 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only']],
  // The public API of every published entry point against its committed report
  // (packages/*/api/*.api.md, docs/decisions/0013-api-reports.md): after the build, which it reads.
  ['api', ['node', 'scripts/api-report.mjs']],
  [
    'tests',
    [
      'pnpm',
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reportFile}`,
      ...process.argv.slice(2),
    ],
  ],
  // Each published package's own tests under the lowest Node.js its `engines` allows (22.12 and
  // 22.20 today; scripts/test-minimum-node.mjs says which harness exceptions apply and why). About
  // half the tests step's time; the Node.js binaries come from npm once, then from
  // .cache/node-minimum/.
  ['minimum node', ['node', 'scripts/test-minimum-node.mjs'], { timeout: 30 * 60_000 }],
  // Every package manager as users will run it: the packages published to a local registry on
  // loopback, then npm/pnpm/yarn/bun create and each printed next step (create-scim-connector's
  // test/registry.test.ts). A few minutes; bounded at 30.
  [
    'registry',
    ['pnpm', '--filter', 'create-scim-connector', 'exec', 'vitest', 'run', 'test/registry.test.ts'],
    { env: { SCIM_E2E_REGISTRY: '1' }, timeout: 30 * 60_000 },
  ],
  ['docs', ['node', 'scripts/docs.mjs']],
  // The generated API reference in headless Chromium (packages/docs-tests/site): after the docs.
  ['api site', ['pnpm', '--filter', '@scim/docs-tests', 'run', 'test:site']],
];

// The browser test needs a Chromium; ./dev test installs none (see docs/decisions/0009).
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const missing = {
  'api site': existsSync(chromium)
    ? undefined
    : `Chromium is missing at ${chromium}. Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH)`,
};

mkdirSync(join(root, '.cache'), { recursive: true });
rmSync(reportFile, { force: true });
const results = [];
for (const [name, [cmd, ...args], options = {}] of steps) {
  process.stdout.write(`\n\x1b[1m» ${name}: ${[cmd, ...args].join(' ')}\x1b[0m\n`);
  const started = Date.now();
  const docsFailed = name === 'api site' && results.some((r) => r.name === 'docs' && !r.ok);
  const why = missing[name] ?? (docsFailed ? 'not run: the docs step failed' : undefined);
  if (why) {
    process.stdout.write(`\x1b[1;31m${name}: ${why}\x1b[0m\n`);
    results.push({ name, ok: false, seconds: 0, why });
    continue;
  }
  // CI runs the slow end-to-end check too: every template scaffolded, installed from the packed
  // tarballs outside the repository, typechecked and tested (create-scim-connector's test/e2e).
  const env = {
    ...process.env,
    SCIM_E2E_TEMPLATES: process.env.SCIM_E2E_TEMPLATES ?? '1',
    ...options.env,
  };
  const run = spawnSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env,
    ...(options.timeout ? { timeout: options.timeout, killSignal: 'SIGKILL' } : {}),
  });
  results.push({ name, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

let summary = 'tests: no test report was written';
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const skipped = report.numPendingTests + report.numTodoTests;
  summary = `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`;
} catch {}

process.stdout.write('\n');
for (const r of results) {
  process.stdout.write(`${r.ok ? '✓' : '✗'} ${r.name.padEnd(12)} ${r.why ?? `${r.seconds.toFixed(1)}s`}\n`);
}
const failed = results.filter((r) => !r.ok).map((r) => r.name);
if (failed.length > 0) process.stdout.write(`failed steps: ${failed.join(', ')}\n`);
process.stdout.write(`${summary}\n`);
process.exit(failed.length > 0 ? 1 : 0);

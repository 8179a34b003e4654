// Scaffold plus install, side by side with create-vite: both through one local registry (ours
// published to it, the rest of npm proxied and cached), with npm, in interleaved rounds after a
// warm-up of each (warm npm cache, as on a developer's machine). Prints the wall time of each
// round, node_modules' size and package count, the ratios to create-vite, and what our project's
// node_modules is made of. Run: pnpm --filter create-scim-connector bench (after `pnpm build`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishWorkspace, startRegistry } from '../test/registry.ts';

const rounds = Number(process.env.ROUNDS ?? 3);
const templateId = process.env.TEMPLATE ?? 'blank';

/** Bytes on disk under a directory (allocated blocks, as `du` counts them). */
function diskSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) total += diskSize(path);
    else total += statSync(path).blocks * 512;
  }
  return total;
}

/** The packages installed: every package.json directly under a node_modules (scoped or not). */
function packages(modules: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) continue;
      const entries = name.startsWith('@') ? readdirSync(join(dir, name)).map((n) => `${name}/${n}`) : [name];
      for (const pkg of entries) {
        if (!existsSync(join(dir, pkg, 'package.json'))) continue;
        found.push(pkg);
        walk(join(dir, pkg, 'node_modules'));
      }
    }
  };
  walk(modules);
  return found;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

const registry = await startRegistry();
const work = mkdtempSync(join(tmpdir(), 'scim-install-bench-'));
try {
  publishWorkspace(registry);
  const { npm_config_user_agent: _, NODE_PATH: _path, ...inherited } = process.env;
  const env = {
    ...inherited,
    HOME: join(work, 'home'),
    npm_config_registry: registry.url,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  const commands = {
    'create-vite': (dir: string) =>
      `npm create vite@latest ${dir} -- --template vanilla-ts --no-interactive && cd ${dir} && npm install`,
    'create-scim-connector': (dir: string) =>
      `npm create scim-connector@latest ${dir} -- --template ${templateId} --yes --no-git`,
  } as const;
  const time = (name: keyof typeof commands, dir: string): number => {
    const started = performance.now();
    const run = spawnSync('sh', ['-c', commands[name](dir)], { cwd: work, env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${name} failed:\n${run.stdout}${run.stderr}`);
    return (performance.now() - started) / 1000;
  };
  time('create-vite', 'warm-vite');
  time('create-scim-connector', 'warm-scim');
  const seconds: Record<string, number[]> = { 'create-vite': [], 'create-scim-connector': [] };
  for (let round = 1; round <= rounds; round++) {
    for (const name of Object.keys(commands) as (keyof typeof commands)[]) {
      seconds[name]!.push(time(name, `${name}-${round}`));
    }
  }
  const vite = join(work, 'create-vite-1', 'node_modules');
  const scim = join(work, 'create-scim-connector-1', 'node_modules');
  const size = { vite: diskSize(vite), scim: diskSize(scim) };
  const count = { vite: packages(vite).length, scim: packages(scim).length };
  console.log(
    `npm ${spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim()}, node ${process.version}, ${rounds} interleaved rounds, template ${templateId}`,
  );
  console.log('round  create-vite  create-scim-connector  ratio');
  for (let i = 0; i < rounds; i++) {
    const v = seconds['create-vite']![i]!;
    const s = seconds['create-scim-connector']![i]!;
    console.log(
      `${String(i + 1).padEnd(7)}${v.toFixed(1).padStart(9)} s${s.toFixed(1).padStart(21)} s  ${(s / v).toFixed(1)}x`,
    );
  }
  console.log(
    `node_modules: create-vite ${mb(size.vite)} MB, ${count.vite} packages; create-scim-connector ${mb(size.scim)} MB, ${count.scim} packages (${(size.scim / size.vite).toFixed(1)}x, ${(count.scim / count.vite).toFixed(1)}x)`,
  );
  // What our project pulls, by the direct dependency that brings it.
  const pkg = JSON.parse(readFileSync(join(work, 'create-scim-connector-1', 'package.json'), 'utf8'));
  const direct = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  console.log(`direct dependencies: ${direct.join(', ')}`);
  const top = readdirSync(scim)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => (n.startsWith('@') ? readdirSync(join(scim, n)).map((m) => `${n}/${m}`) : [n]))
    .map((n) => ({ n, size: diskSize(join(scim, n)) }))
    .sort((a, b) => b.size - a.size)
    .slice(0, 12);
  console.log(`largest: ${top.map((t) => `${t.n} ${mb(t.size)} MB`).join(', ')}`);
} finally {
  await registry.close();
  rmSync(work, { recursive: true, force: true });
}

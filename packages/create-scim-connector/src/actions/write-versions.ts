import { join } from 'node:path';
import type { ScaffoldContext } from '../context.ts';
import { replaceWorkspaceRanges } from '../transform.ts';
import type { ResolvedOptions, ScaffoldPlan } from '../types.ts';
import { packageVersions } from '../versions.ts';
import { fileSystem } from './fs.ts';
import { findPlanned, readPlanned, setPlanned } from './plan.ts';

/**
 * The environment variable naming a directory of packed SDK packages (`npm pack` tarballs, such as
 * `scim-server-0.0.0.tgz`) to install from instead of the registry: the pre-release path of
 * `./dev create`, before the packages are published.
 *
 * @internal
 */
export const packagesDirEnv = 'CREATE_SCIM_CONNECTOR_PACKAGES';

/** The file name `npm pack` and `pnpm pack` give a package's tarball: `@scim/server` 1.0.0 -> `scim-server-1.0.0.tgz`. */
function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * The SDK packages found packed in `$CREATE_SCIM_CONNECTOR_PACKAGES`, each with the `file:` spec the
 * project installs it from once its tarball is copied into `vendor/`.
 */
async function localPackages(
  versions: Readonly<Record<string, string>>,
  context: ScaffoldContext,
): Promise<{ name: string; source: string; path: string; spec: string }[]> {
  const dir = context.env[packagesDirEnv];
  if (!dir) return [];
  const found = [];
  for (const [name, version] of Object.entries(versions)) {
    if (name === 'create-scim-connector') continue;
    const file = tarballName(name, version);
    try {
      await fileSystem(context).stat(join(dir, file));
    } catch {
      continue;
    }
    found.push({ name, source: join(dir, file), path: `vendor/${file}`, spec: `file:vendor/${file}` });
  }
  return found;
}

/**
 * Points the project at packed tarballs instead of the registry: each SDK dependency becomes a
 * `file:vendor/...` spec, and every SDK package (the ones they depend on too) is pinned to its
 * tarball with `overrides` (npm, bun), `resolutions` (yarn) and pnpm's `overrides`.
 */
function useLocalPackages(
  plan: ScaffoldPlan,
  text: string,
  local: readonly { name: string; source: string; path: string; spec: string }[],
  pnpmFile: string | undefined,
): string {
  const pkg = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
  const pins = Object.fromEntries(local.map((l) => [l.name, l.spec]));
  for (const field of ['dependencies', 'devDependencies'] as const) {
    for (const name of Object.keys(pkg[field] ?? {})) {
      if (pins[name] !== undefined) pkg[field]![name] = pins[name];
    }
  }
  pkg.overrides = { ...pkg.overrides, ...pins };
  pkg.resolutions = { ...pkg.resolutions, ...pins };
  for (const l of local) plan.files.push({ path: l.path, source: l.source });
  if (pnpmFile !== undefined) {
    const lines = local.map((l) => `  "${l.name}": "${l.spec}"`).join('\n');
    setPlanned(
      plan,
      'pnpm-workspace.yaml',
      `${pnpmFile}# The SDK's packages, from vendor/ (./dev create).\noverrides:\n${lines}\n`,
    );
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/**
 * Writes the library versions into the project's package.json, in the plan: each `workspace:`
 * range of the template becomes the version of that package this CLI was released with. When
 * `$CREATE_SCIM_CONNECTOR_PACKAGES` names a directory of packed SDK packages (the pre-release
 * path, `./dev create`), they are copied into the project's `vendor/` and installed from there.
 *
 * @param plan - The plan, edited in place.
 * @param options - The resolved options.
 * @param context - The injected context (its `fs`, `env` and `log`).
 * @param versions - The version table; the one generated at build time by default.
 * @returns The same plan.
 * @throws {@link CreateConnectorError} `unknownWorkspaceDependency` for a `workspace:` dependency
 * missing from the table.
 * @example
 * ```ts
 * await writeVersions(plan, resolved, context, { '@scim/server': '1.2.0' });
 * ```
 * @see https://pnpm.io/workspaces#workspace-protocol-workspace
 */
export async function writeVersions(
  plan: ScaffoldPlan,
  options: ResolvedOptions,
  context: ScaffoldContext,
  versions: Readonly<Record<string, string>> = packageVersions,
): Promise<ScaffoldPlan> {
  const pkg = findPlanned(plan, 'package.json');
  if (!pkg) return plan;
  const replaced = replaceWorkspaceRanges(
    await readPlanned(pkg, context),
    versions,
    options.template.manifest.id,
  );
  let text = replaced.text;
  const local = await localPackages(versions, context);
  if (local.length > 0) {
    const pnpmFile = findPlanned(plan, 'pnpm-workspace.yaml');
    text = useLocalPackages(plan, text, local, pnpmFile ? await readPlanned(pnpmFile, context) : undefined);
    context.log.step(
      `${options.dryRun ? 'Would install' : 'Installing'} ${local.map((l) => l.name).join(', ')} from vendor/ (the tarballs of ${packagesDirEnv})`,
    );
  } else {
    const list = Object.entries(replaced.replaced).map(([name, range]) => `${name}@${range}`);
    if (list.length > 0) context.log.step(`${options.dryRun ? 'Would pin' : 'Pinning'} ${list.join(', ')}`);
  }
  setPlanned(plan, 'package.json', text);
  return plan;
}

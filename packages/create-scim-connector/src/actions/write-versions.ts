import type { ScaffoldContext } from '../context.ts';
import { replaceWorkspaceRanges } from '../transform.ts';
import type { ResolvedOptions, ScaffoldPlan } from '../types.ts';
import { packageVersions } from '../versions.ts';
import { findPlanned, readPlanned, setPlanned } from './plan.ts';

/**
 * Writes the library versions into the project's package.json, in the plan: each `workspace:`
 * range of the template becomes the version of that package this CLI was released with.
 *
 * @param plan - The plan, edited in place.
 * @param options - The resolved options.
 * @param context - The injected context (its `fs` and `log`).
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
  const { text, replaced } = replaceWorkspaceRanges(
    await readPlanned(pkg, context),
    versions,
    options.template.manifest.id,
  );
  setPlanned(plan, 'package.json', text);
  const list = Object.entries(replaced).map(([name, range]) => `${name}@${range}`);
  if (list.length > 0) {
    context.log.step(`${options.dryRun ? 'Would pin' : 'Pinning'} ${list.join(', ')}`);
  }
  return plan;
}

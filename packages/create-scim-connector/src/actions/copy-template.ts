import { join } from 'node:path';
import type { ScaffoldContext } from '../context.ts';
import { projectFileName } from '../transform.ts';
import type { ResolvedOptions, ScaffoldPlan } from '../types.ts';
import { fileSystem } from './fs.ts';

/** What a template holds that is not part of the project. */
const excluded = new Set(['template.json', 'node_modules', 'dist', '.turbo', 'coverage', '.DS_Store']);

/**
 * Plans the copy of the template's files into the project: every file but the manifest and build
 * output, with dotfiles stored as `_gitignore` renamed to `.gitignore`. Nothing is written yet.
 *
 * @param options - The resolved options (the template's directory).
 * @param context - The injected context (its `fs` and `log`).
 * @returns The plan, which the transform and version steps edit and the write step writes.
 * @throws Whatever the file system throws when the template cannot be read.
 * @example
 * ```ts
 * const plan = await copyTemplate(resolved, context);
 * plan.files.map((f) => f.path); // ['.gitignore', 'package.json', 'src/connector.ts', ...]
 * ```
 * @see {@link createConnector}
 */
export async function copyTemplate(
  options: ResolvedOptions,
  context: ScaffoldContext,
): Promise<ScaffoldPlan> {
  const fs = fileSystem(context);
  const plan: ScaffoldPlan = { files: [] };
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const name of (await fs.readdir(dir)).sort()) {
      if (excluded.has(name) || name.endsWith('.tsbuildinfo')) continue;
      const source = join(dir, name);
      const path = `${prefix}${projectFileName(name)}`;
      if ((await fs.stat(source)).isDirectory()) await walk(source, `${path}/`);
      else plan.files.push({ path, source });
    }
  }
  await walk(options.template.dir, '');
  plan.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  context.log.step(
    `${options.dryRun ? 'Would copy' : 'Copying'} ${plan.files.length} files from the ${options.template.manifest.id} template`,
  );
  return plan;
}

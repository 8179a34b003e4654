import { dirname, join } from 'node:path';
import type { ScaffoldContext } from '../context.ts';
import type { ResolvedOptions, ScaffoldPlan } from '../types.ts';
import { fileSystem } from './fs.ts';

/**
 * Writes the planned files into the target directory; with `--dry-run`, lists them and writes nothing.
 *
 * @param plan - The plan, after the transform and version steps.
 * @param options - The resolved options.
 * @param context - The injected context (its `fs` and `log`).
 * @returns The relative paths written (or that would be).
 * @throws Whatever the file system throws.
 * @example
 * ```ts
 * const files = await writeFiles(plan, resolved, context);
 * ```
 * @see {@link copyTemplate}
 */
export async function writeFiles(
  plan: ScaffoldPlan,
  options: ResolvedOptions,
  context: ScaffoldContext,
): Promise<string[]> {
  const paths = plan.files.map((f) => f.path);
  if (options.dryRun) {
    context.log.step(
      `Would write ${paths.length} files into ${options.targetDir}:\n${paths.map((p) => `  ${p}`).join('\n')}`,
    );
    return paths;
  }
  const fs = fileSystem(context);
  await fs.mkdir(options.targetDir, { recursive: true });
  for (const file of plan.files) {
    const target = join(options.targetDir, ...file.path.split('/'));
    await fs.mkdir(dirname(target), { recursive: true });
    if (file.content !== undefined) await fs.writeFile(target, file.content, 'utf8');
    else if (file.source !== undefined) await fs.copyFile(file.source, target);
  }
  context.log.step(`Wrote ${paths.length} files into ${options.targetDir}`);
  return paths;
}

import type { ScaffoldContext } from '../context.ts';
import { CreateConnectorError } from '../errors.ts';
import { packageNameProblems, suggestPackageName } from '../package-name.ts';
import type { ResolvedOptions } from '../types.ts';
import { fileSystem } from './fs.ts';

/** Entries a directory may hold and still count as empty. */
const ignorable = new Set(['.git', '.DS_Store', 'Thumbs.db', '.idea', '.vscode']);

/**
 * Checks that the project can be written: its package name (the directory's base name) is a valid
 * npm name, and the directory does not exist or is empty (a `.git` or editor folder aside).
 *
 * @param options - The resolved options.
 * @param context - The injected context (its `fs` and `log`).
 * @returns Nothing; it throws when the target cannot be used.
 * @throws {@link CreateConnectorError} `invalidPackageName`, `targetIsFile` or `directoryNotEmpty`.
 * @example
 * ```ts
 * await validateTarget(resolved, context);
 * ```
 * @see https://docs.npmjs.com/cli/configuring-npm/package-json#name
 */
export async function validateTarget(options: ResolvedOptions, context: ScaffoldContext): Promise<void> {
  const problems = packageNameProblems(options.packageName);
  if (problems.length > 0) {
    throw new CreateConnectorError('invalidPackageName', {
      name: options.packageName,
      problems,
      suggestion: suggestPackageName(options.packageName),
    });
  }
  const fs = fileSystem(context);
  let isDirectory: boolean;
  try {
    isDirectory = (await fs.stat(options.targetDir)).isDirectory();
  } catch {
    context.log.step(`${options.dryRun ? 'Would create' : 'Creating'} ${options.targetDir}`);
    return;
  }
  if (!isDirectory) throw new CreateConnectorError('targetIsFile', { dir: options.targetDir });
  const entries = (await fs.readdir(options.targetDir)).filter((e) => !ignorable.has(e)).sort();
  if (entries.length > 0)
    throw new CreateConnectorError('directoryNotEmpty', { dir: options.targetDir, entries });
  context.log.step(`${options.dryRun ? 'Would use' : 'Using'} the empty directory ${options.targetDir}`);
}

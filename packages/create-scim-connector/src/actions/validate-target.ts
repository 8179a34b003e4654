import type { ScaffoldContext } from '../context.ts';
import { CreateConnectorError } from '../errors.ts';
import { packageNameProblems, suggestPackageName } from '../package-name.ts';
import type { ResolvedOptions } from '../types.ts';
import { fileSystem } from './fs.ts';

/** Entries a directory may hold and still count as empty. */
const ignorable = new Set(['.git', '.DS_Store', 'Thumbs.db', '.idea', '.vscode']);

/**
 * What is at the target path: nothing yet, a file, an empty directory (a `.git` or editor folder
 * aside), or a directory with files in it.
 *
 * @internal
 */
export type TargetState =
  | { kind: 'missing' }
  | { kind: 'file' }
  | { kind: 'empty' }
  | { kind: 'notEmpty'; entries: string[] };

/**
 * Looks at the target path, without changing anything.
 *
 * @internal
 */
export async function inspectTarget(dir: string, context: ScaffoldContext): Promise<TargetState> {
  const fs = fileSystem(context);
  let isDirectory: boolean;
  try {
    isDirectory = (await fs.stat(dir)).isDirectory();
  } catch {
    return { kind: 'missing' };
  }
  if (!isDirectory) return { kind: 'file' };
  const entries = (await fs.readdir(dir)).filter((e) => !ignorable.has(e)).sort();
  return entries.length === 0 ? { kind: 'empty' } : { kind: 'notEmpty', entries };
}

/**
 * The error for a target that cannot be written into, if it is one.
 *
 * @internal
 */
export function targetError(dir: string, state: TargetState): CreateConnectorError | undefined {
  if (state.kind === 'file') return new CreateConnectorError('targetIsFile', { dir });
  if (state.kind === 'notEmpty') {
    return new CreateConnectorError('directoryNotEmpty', { dir, entries: state.entries });
  }
  return undefined;
}

/**
 * The error for a package name npm refuses, if it is one.
 *
 * @internal
 */
export function packageNameError(name: string): CreateConnectorError | undefined {
  const problems = packageNameProblems(name);
  if (problems.length === 0) return undefined;
  return new CreateConnectorError('invalidPackageName', {
    name,
    problems,
    suggestion: suggestPackageName(name),
  });
}

/**
 * Checks, once more just before writing, that the project can be written: its package name is a
 * valid npm name, and the directory does not exist or is empty (a `.git` or editor folder aside).
 * {@link resolveOptions} checks the same as soon as it knows the directory, so that a non-empty
 * directory is caught before any other question.
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
  const invalid = packageNameError(options.packageName);
  if (invalid) throw invalid;
  const state = await inspectTarget(options.targetDir, context);
  const error = targetError(options.targetDir, state);
  if (error) throw error;
  const verb =
    state.kind === 'missing'
      ? options.dryRun
        ? 'Would create'
        : 'Creating'
      : options.dryRun
        ? 'Would use the empty directory'
        : 'Using the empty directory';
  context.log.step(`${verb} ${options.targetDir}`);
}

import type { ScaffoldContext } from '../context.ts';
import { installCommand, installEnv } from '../package-manager.ts';
import type { ResolvedOptions } from '../types.ts';

/**
 * Installs the project's dependencies with the chosen package manager, unless `--no-install`.
 * A failed install does not undo the scaffold: it warns, and the next steps then include the install.
 *
 * @param options - The resolved options.
 * @param context - The injected context (its `spawn` and `log`).
 * @returns Whether dependencies were installed.
 * @throws Nothing: a failure to start or to finish is reported as a warning.
 * @example
 * ```ts
 * const installed = await install(resolved, context);
 * ```
 * @see https://docs.npmjs.com/cli/commands/npm-install
 */
export async function install(options: ResolvedOptions, context: ScaffoldContext): Promise<boolean> {
  if (!options.install) {
    context.log.info('Not installing the dependencies now: the next steps say how.');
    return false;
  }
  const command = installCommand(options.packageManager);
  if (options.dryRun) {
    context.log.step(`Would run \`${command}\` in ${options.targetDir}`);
    return false;
  }
  context.log.step(`Running \`${command}\``);
  try {
    const result = await context.spawn(options.packageManager, ['install'], {
      cwd: options.targetDir,
      env: installEnv(options.packageManager),
    });
    if (result.code === 0) return true;
    context.log.warn(
      `\`${command}\` failed (exit code ${result.code}):\n${result.output.trim()}\nRun it yourself once fixed.`,
    );
  } catch (error) {
    context.log.warn(
      `Could not run \`${command}\`: ${(error as Error).message}. Is ${options.packageManager} installed?`,
    );
  }
  return false;
}

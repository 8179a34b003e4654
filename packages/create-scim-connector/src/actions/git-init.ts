import type { ScaffoldContext } from '../context.ts';
import type { ResolvedOptions } from '../types.ts';

/** The message of the project's first commit. */
export const initialCommitMessage = 'Initial commit from create-scim-connector';

/**
 * Creates a git repository in the project with a first commit, unless `--no-git` or the directory
 * is already inside a repository. A failure (git missing, no user name configured) only warns.
 *
 * @param options - The resolved options.
 * @param context - The injected context (its `spawn` and `log`).
 * @returns Whether a repository was created.
 * @throws Nothing: failures are reported as warnings.
 * @example
 * ```ts
 * const created = await gitInit(resolved, context);
 * ```
 * @see https://git-scm.com/docs/git-init
 */
export async function gitInit(options: ResolvedOptions, context: ScaffoldContext): Promise<boolean> {
  if (!options.git) {
    context.log.info('Not creating a git repository.');
    return false;
  }
  if (options.dryRun) {
    context.log.step(`Would run \`git init\`, \`git add -A\` and \`git commit\` in ${options.targetDir}`);
    return false;
  }
  const run = (args: string[]) => context.spawn('git', args, { cwd: options.targetDir });
  try {
    const inside = await run(['rev-parse', '--is-inside-work-tree']);
    if (inside.code === 0 && inside.output.trim() === 'true') {
      context.log.info('Skipping git init: the directory is already inside a git repository.');
      return false;
    }
    const init = await run(['init', '--quiet']);
    if (init.code !== 0) {
      context.log.warn(`\`git init\` failed:\n${init.output.trim()}`);
      return false;
    }
    const add = await run(['add', '-A']);
    const commit =
      add.code === 0 ? await run(['commit', '--quiet', '--no-verify', '-m', initialCommitMessage]) : add;
    if (commit.code !== 0 && /Author identity unknown|tell me who you are/i.test(commit.output)) {
      context.log.warn(
        'Created a git repository, but did not commit: git does not know your name yet. Set it (`git config --global user.name "Your Name"` and `git config --global user.email you@example.com`), then `git commit -m "Initial commit"`.',
      );
    } else if (commit.code !== 0) {
      context.log.warn(`Created a git repository, but could not commit:\n${commit.output.trim()}`);
    } else {
      context.log.step('Created a git repository with a first commit');
    }
    return true;
  } catch (error) {
    context.log.warn(`Could not run git: ${(error as Error).message}. Is git installed?`);
    return false;
  }
}

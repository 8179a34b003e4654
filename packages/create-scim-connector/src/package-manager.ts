/**
 * The package managers the scaffolder can install with and print next steps for.
 *
 * @example
 * ```ts
 * const pm: PackageManager = 'pnpm';
 * ```
 * @see {@link detectPackageManager}
 */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** @internal */
export const packageManagers: readonly PackageManager[] = ['npm', 'pnpm', 'yarn', 'bun'];

/** @internal */
export function isPackageManager(value: string): value is PackageManager {
  return (packageManagers as readonly string[]).includes(value);
}

/**
 * The package manager that ran the command, from the `npm_config_user_agent` it sets
 * (`pnpm/10.0.0 npm/? node/v24.0.0 linux x64`); npm when it cannot tell.
 *
 * @param userAgent - The value of `npm_config_user_agent`, if any.
 * @returns The package manager.
 * @throws Never: anything unknown is npm.
 * @example
 * ```ts
 * detectPackageManager(process.env.npm_config_user_agent); // 'pnpm' under `pnpm create`
 * ```
 * @see https://docs.npmjs.com/cli/using-npm/config#user-agent
 */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0] ?? '';
  return isPackageManager(name) ? name : 'npm';
}

/**
 * The command line that runs a package script with the given package manager.
 *
 * @internal
 */
export function runScriptCommand(pm: PackageManager, script: string, args: readonly string[] = []): string {
  const extra = args.length > 0 ? ` ${args.join(' ')}` : '';
  if (pm === 'npm') {
    if (script === 'start' || script === 'test') return `npm ${script}${extra}`;
    return `npm run ${script}${args.length > 0 ? ` --${extra}` : ''}`;
  }
  if (pm === 'bun') return `bun run ${script}${extra}`;
  return `${pm} ${script}${extra}`;
}

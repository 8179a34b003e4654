/**
 * The package managers the scaffolder can install with and print next steps for.
 *
 * @example
 * ```ts
 * import { createConnector, detectPackageManager, type PackageManager } from 'create-scim-connector';
 * const packageManager: PackageManager = detectPackageManager(process.env.npm_config_user_agent); // 'pnpm' under pnpm create
 * await createConnector({ dir: 'app', packageManager, yes: true }, { cwd: process.cwd(), env: process.env, isTTY: false, prompt, spawn, log });
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
 * The command line that runs a package script with the given package manager, as written it runs:
 * `npm run token -- create`, `pnpm run token create` (`pnpm token` is pnpm's own registry-token
 * command), `yarn token create`, `bun run token create` (`bun test` would be bun's test runner);
 * `npm start`, `npm test`, `pnpm start`, `yarn test`...
 *
 * @internal
 */
export function runScriptCommand(pm: PackageManager, script: string, args: readonly string[] = []): string {
  const extra = args.length > 0 ? ` ${args.join(' ')}` : '';
  const builtIn = script === 'start' || script === 'test';
  if (pm === 'npm')
    return builtIn ? `npm ${script}${extra}` : `npm run ${script}${args.length > 0 ? ` --${extra}` : ''}`;
  if (pm === 'pnpm') return builtIn ? `pnpm ${script}${extra}` : `pnpm run ${script}${extra}`;
  if (pm === 'bun') return `bun run ${script}${extra}`;
  return `yarn ${script}${extra}`;
}

/**
 * The command that installs the project's dependencies.
 *
 * @internal
 */
export function installCommand(pm: PackageManager): string {
  return `${pm} install`;
}

/**
 * Rewrites the npm commands of a template's texts (`npm run token -- create`, `npm start`,
 * `npm test`, `npm install pg`) for another package manager, so that a README says what runs.
 *
 * @internal
 */
export function forPackageManager(text: string, pm: PackageManager): string {
  if (pm === 'npm') return text;
  // The arguments run to the end of the line or to a closing backtick (\x60) of Markdown code.
  return text
    .replace(/\bnpm run ([\w:-]+)(?: --)?((?: [^\x60\n]*)?)/g, (_, script: string, rest: string) => {
      const args = rest.trim() === '' ? [] : [rest.trim()];
      return runScriptCommand(pm, script, args);
    })
    .replace(/\bnpm (start|test)\b/g, (_, script: string) => runScriptCommand(pm, script))
    .replace(/\bnpm install ([\w@./^~-]+)/g, (_, name: string) => `${pm} add ${name}`);
}

/**
 * The files a project gets for the package manager it is installed with, so that the install is
 * clean and the scripts run: for pnpm (10 and later refuse to finish while a dependency's install
 * script is neither allowed nor denied), `pnpm-workspace.yaml` denying msw's, which only copies its
 * browser worker; for Yarn 2 and later, `.yarnrc.yml` choosing `node_modules` over Plug'n'Play,
 * which `node src/server.ts` and vitest do not load (Yarn 1 ignores the file).
 *
 * @internal
 */
export function packageManagerFiles(pm: PackageManager): Record<string, string> {
  if (pm === 'pnpm') {
    return {
      'pnpm-workspace.yaml': `# pnpm (10 and later) runs no dependency's install script unless it is allowed here, and stops
# at one it was not told about. msw's only copies its browser worker, which a connector never uses.
allowBuilds:
  msw: false
`,
    };
  }
  if (pm === 'yarn') {
    return {
      '.yarnrc.yml': `# Yarn 2 and later: install into node_modules (not Plug'n'Play), which node src/server.ts and
# vitest load as they are. Yarn 1 ignores this file.
nodeLinker: node-modules
`,
    };
  }
  return {};
}

/**
 * The environment the install runs with: Yarn 2 and later install with `--immutable` when `CI` is
 * set, which refuses to write the new project's first lockfile.
 *
 * @internal
 */
export function installEnv(pm: PackageManager): Record<string, string> {
  return pm === 'yarn' ? { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' } : {};
}

/**
 * What a project's package.json gets for the package manager it is installed with: for Yarn 2 and
 * later, `dependenciesMeta` marking msw as not to be built (Yarn 4 runs no build script by default,
 * and says so with a warning; the other package managers ignore the field).
 *
 * @internal
 */
export function packageManagerFields(pm: PackageManager): Record<string, unknown> {
  return pm === 'yarn' ? { dependenciesMeta: { msw: { built: false } } } : {};
}

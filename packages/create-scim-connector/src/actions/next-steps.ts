import { isAbsolute, relative } from 'node:path';
import type { ScaffoldContext } from '../context.ts';
import { tokenCommandsOf } from '../manifest.ts';
import { installCommand, runScriptCommand } from '../package-manager.ts';
import type { ResolvedOptions } from '../types.ts';

function quote(path: string): string {
  return /^[\w./@-]+$/.test(path) ? path : `"${path.replace(/"/g, '\\"')}"`;
}

/**
 * Lists, and logs, the commands to run next, each as it runs under the chosen package manager: go
 * to the project, install if that was skipped or failed, issue a Secret Token (with the template's
 * example arguments: `--node engineering`), start the connector, run its tests, and read its README.
 *
 * @param options - The resolved options.
 * @param installed - Whether the install step installed the dependencies.
 * @param context - The injected context (its `cwd` and `log`).
 * @returns The commands, one a line.
 * @throws Nothing.
 * @example
 * ```ts
 * nextSteps(resolved, false, context); // ['cd my-app', 'npm install', 'npm run token -- create', ...]
 * ```
 * @see {@link createConnector}
 */
export function nextSteps(options: ResolvedOptions, installed: boolean, context: ScaffoldContext): string[] {
  const pm = options.packageManager;
  const rel = relative(context.cwd, options.targetDir);
  const steps: string[] = [];
  if (rel !== '')
    steps.push(`cd ${quote(rel.startsWith('..') || isAbsolute(rel) ? options.targetDir : rel)}`);
  if (!installed) steps.push(installCommand(pm));
  steps.push(
    ...tokenCommandsOf(options.template.manifest).map((args) => runScriptCommand(pm, 'token', args)),
    runScriptCommand(pm, 'start'),
    runScriptCommand(pm, 'test'),
  );
  context.log.info(
    `${options.dryRun ? 'Dry run: nothing was written. ' : ''}Next steps:\n${steps.map((s) => `  ${s}`).join('\n')}\n\nREADME.md tells you the Tenant URL and Secret Token to paste into Entra.`,
  );
  return steps;
}

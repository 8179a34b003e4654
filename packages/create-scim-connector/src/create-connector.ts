import { copyTemplate } from './actions/copy-template.ts';
import { fileSystem } from './actions/fs.ts';
import { gitInit } from './actions/git-init.ts';
import { install } from './actions/install.ts';
import { nextSteps } from './actions/next-steps.ts';
import { resolveOptions } from './actions/resolve-options.ts';
import { transformTemplate } from './actions/transform.ts';
import { validateTarget } from './actions/validate-target.ts';
import { writeFiles } from './actions/write-files.ts';
import { writeVersions } from './actions/write-versions.ts';
import type { ScaffoldContext } from './context.ts';
import { findTemplates, type TemplateInfo } from './templates.ts';
import type { CreateConnectorOptions, CreateConnectorResult } from './types.ts';

/**
 * Scaffolds a SCIM connector project from a template: resolves the options (asking on a terminal
 * for what is missing), checks the target, copies and transforms the template, writes the library
 * versions, installs, creates a git repository and prints the next steps. With `dryRun`, each step
 * says what it would do and nothing is written or run.
 *
 * @param options - What the user asked for; see {@link CreateConnectorOptions}.
 * @param context - The injected world: `cwd`, `fs`, `prompt`, `spawn`, `log`, `env`, `isTTY`.
 * @param templates - The templates to choose from; by default the ones bundled with the package.
 * @returns What was done, and the next steps.
 * @throws {@link CreateConnectorError} for an unknown template, store or package manager, an
 * invalid package name, a non-empty directory, or a cancelled prompt.
 * @example
 * ```ts
 * import { createConnector } from 'create-scim-connector';
 * const result = await createConnector(
 *   { dir: 'my-connector', template: 'blank', yes: true, install: false, git: false },
 *   { cwd: process.cwd(), env: process.env, isTTY: false, prompt, spawn, log },
 * );
 * ```
 * @see https://github.com/scim-sdk/scim-sdk/blob/main/docs/templates.md
 */
export async function createConnector(
  options: CreateConnectorOptions,
  context: ScaffoldContext,
  templates?: readonly TemplateInfo[],
): Promise<CreateConnectorResult> {
  const available = templates ?? (await findTemplates(context.env, fileSystem(context)));
  const resolved = await resolveOptions(options, available, context);
  await validateTarget(resolved, context);
  const plan = await copyTemplate(resolved, context);
  await transformTemplate(plan, resolved, context);
  await writeVersions(plan, resolved, context);
  const files = await writeFiles(plan, resolved, context);
  const installed = await install(resolved, context);
  const gitInitialized = await gitInit(resolved, context);
  return {
    options: resolved,
    files,
    installed,
    gitInitialized,
    nextSteps: nextSteps(resolved, installed, context),
  };
}

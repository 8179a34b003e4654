import type { ScaffoldContext } from '../context.ts';
import { generateReadme } from '../readme.ts';
import {
  repositoryOnlyFiles,
  repositoryOnlyMarker,
  setEnvValue,
  setPackageName,
  stripRepositoryOnlyLines,
} from '../transform.ts';
import type { ResolvedOptions, ScaffoldPlan } from '../types.ts';
import { findPlanned, readPlanned, setPlanned } from './plan.ts';

/**
 * Makes the template the user's project, in the plan: sets the package name, removes the lines
 * that only make sense in the SDK's repository (marked `sdk-repository-only`), writes the chosen
 * store's `DATABASE_URL` into `.env.example`, and generates the README from the template's manifest.
 *
 * @param plan - The plan from {@link copyTemplate}, edited in place.
 * @param options - The resolved options.
 * @param context - The injected context (its `fs` and `log`).
 * @returns The same plan.
 * @throws `SyntaxError` when the template's package.json is not JSON.
 * @example
 * ```ts
 * await transformTemplate(plan, resolved, context);
 * ```
 * @see {@link generateReadme}
 */
export async function transformTemplate(
  plan: ScaffoldPlan,
  options: ResolvedOptions,
  context: ScaffoldContext,
): Promise<ScaffoldPlan> {
  const verb = options.dryRun ? 'Would set' : 'Setting';
  const pkg = findPlanned(plan, 'package.json');
  if (pkg) {
    setPlanned(plan, 'package.json', setPackageName(await readPlanned(pkg, context), options.packageName));
    context.log.step(`${verb} the package name to ${options.packageName}`);
  }
  let stripped = 0;
  for (const file of plan.files) {
    if (!repositoryOnlyFiles.test(file.path)) continue;
    const text = await readPlanned(file, context);
    if (!text.includes(repositoryOnlyMarker)) continue;
    setPlanned(plan, file.path, stripRepositoryOnlyLines(text));
    stripped++;
  }
  if (stripped > 0) {
    context.log.step(
      `${options.dryRun ? 'Would remove' : 'Removing'} the SDK repository's source condition from ${stripped} ${stripped === 1 ? 'file' : 'files'}`,
    );
  }
  const env = findPlanned(plan, '.env.example');
  setPlanned(
    plan,
    '.env.example',
    setEnvValue(env ? await readPlanned(env, context) : '', 'DATABASE_URL', options.store.databaseUrl),
  );
  context.log.step(`${verb} DATABASE_URL in .env.example for the ${options.store.id} store`);
  setPlanned(
    plan,
    'README.md',
    generateReadme(options.template.manifest, {
      name: options.packageName,
      store: options.store,
      packageManager: options.packageManager,
    }),
  );
  context.log.step(
    `${options.dryRun ? 'Would generate' : 'Generating'} README.md from the template's manifest`,
  );
  return plan;
}

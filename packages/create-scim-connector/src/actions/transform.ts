import type { ScaffoldContext } from '../context.ts';
import { packageManagerFields, packageManagerFiles } from '../package-manager.ts';
import { generateReadme } from '../readme.ts';
import {
  removeOtherStoresDependencies,
  repositoryOnlyFiles,
  repositoryOnlyMarker,
  setEnvValue,
  setPackageName,
  stripRepositoryOnlyLines,
} from '../transform.ts';
import type { ResolvedOptions, ScaffoldPlan } from '../types.ts';
import { findPlanned, readPlanned, setPlanned } from './plan.ts';

/**
 * Configures the chosen store: `.env.example` shows its example `DATABASE_URL`, `.env` (which the
 * project reads, and git ignores) gets the one chosen, and the dependencies only other stores need
 * (`pg`, for SQLite) leave package.json.
 */
async function configureStore(plan: ScaffoldPlan, options: ResolvedOptions, context: ScaffoldContext) {
  const verb = options.dryRun ? 'Would set' : 'Setting';
  const example = findPlanned(plan, '.env.example');
  const exampleText = setEnvValue(
    example ? await readPlanned(example, context) : '',
    'DATABASE_URL',
    options.store.databaseUrl,
  );
  setPlanned(plan, '.env.example', exampleText);
  setPlanned(plan, '.env', setEnvValue(exampleText, 'DATABASE_URL', options.databaseUrl));
  context.log.step(`${verb} DATABASE_URL in .env (and .env.example) for the ${options.store.id} store`);
  const pkg = findPlanned(plan, 'package.json');
  if (!pkg) return;
  const { text, removed } = removeOtherStoresDependencies(
    await readPlanned(pkg, context),
    options.template.manifest.stores,
    options.store.id,
  );
  setPlanned(plan, 'package.json', text);
  if (removed.length > 0) {
    context.log.step(
      `${options.dryRun ? 'Would leave out' : 'Leaving out'} ${removed.join(', ')}, which the ${options.store.id} store does not need`,
    );
  }
}

/**
 * Makes the template the user's project, in the plan: sets the package name, removes the lines
 * that only make sense in the SDK's repository (marked `sdk-repository-only`), configures the
 * chosen store (`.env`, `.env.example`, its dependencies), writes the files the package manager
 * needs (`pnpm-workspace.yaml`, `.yarnrc.yml`), and generates the README from the template's
 * manifest.
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
  await configureStore(plan, options, context);
  const fields = packageManagerFields(options.packageManager);
  const manifest = findPlanned(plan, 'package.json');
  if (manifest && Object.keys(fields).length > 0) {
    const pkg = { ...JSON.parse(await readPlanned(manifest, context)), ...fields };
    setPlanned(plan, 'package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  }
  for (const [path, content] of Object.entries(packageManagerFiles(options.packageManager))) {
    setPlanned(plan, path, content);
    context.log.step(`${options.dryRun ? 'Would write' : 'Writing'} ${path} for ${options.packageManager}`);
  }
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

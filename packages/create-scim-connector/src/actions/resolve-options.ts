import { basename, resolve } from 'node:path';
import type { ScaffoldContext } from '../context.ts';
import { CreateConnectorError } from '../errors.ts';
import type { TemplateStore } from '../manifest.ts';
import {
  detectPackageManager,
  isPackageManager,
  type PackageManager,
  packageManagers,
} from '../package-manager.ts';
import { packageNameProblems } from '../package-name.ts';
import { closestMatch, type TemplateInfo } from '../templates.ts';
import type { CreateConnectorOptions, ResolvedOptions } from '../types.ts';
import { inspectTarget, packageNameError, targetError } from './validate-target.ts';

/** The directory used when none is given and nothing may be asked. */
export const defaultDir = 'my-scim-connector';

/** The template used when none is given and nothing may be asked. */
export const defaultTemplate = 'blank';

/**
 * Picks the template the user named, or explains why it cannot be used.
 *
 * @internal
 */
export function pickTemplate(id: string, templates: readonly TemplateInfo[]): TemplateInfo {
  const found = templates.find((t) => t.manifest.id === id);
  const ready = templates.filter((t) => t.ready).map((t) => t.manifest.id);
  if (!found) {
    const valid = templates.map((t) => t.manifest.id);
    throw new CreateConnectorError('unknownTemplate', {
      template: id,
      valid,
      closest: closestMatch(id, valid),
    });
  }
  if (!found.ready) throw new CreateConnectorError('templateNotReady', { template: id, ready });
  return found;
}

function pickPackageManager(options: CreateConnectorOptions, context: ScaffoldContext): PackageManager {
  if (options.packageManager === undefined) return detectPackageManager(context.env.npm_config_user_agent);
  if (!isPackageManager(options.packageManager)) {
    throw new CreateConnectorError('unknownPackageManager', {
      packageManager: options.packageManager,
      valid: packageManagers,
    });
  }
  return options.packageManager;
}

/**
 * Asks where to create the project (the default shown as a placeholder, taken when the answer is
 * empty), and at once whether it can be written there: a non-empty directory or a file offers to
 * pick another name or to cancel, before any other question.
 */
async function askDirectory(options: CreateConnectorOptions, context: ScaffoldContext): Promise<string> {
  let dir = options.dir;
  for (;;) {
    dir ??= await context.prompt.text({
      message: 'Where should the connector be created?',
      placeholder: `./${defaultDir}`,
      defaultValue: `./${defaultDir}`,
      validate: (value) => {
        if (options.name !== undefined) return undefined;
        const problems = packageNameProblems(basename(resolve(context.cwd, value || defaultDir)));
        return problems.length > 0
          ? `Not a valid package name: ${problems.join('; ')} (or pass --name)`
          : undefined;
      },
    });
    const targetDir = resolve(context.cwd, dir || defaultDir);
    const state = await inspectTarget(targetDir, context);
    const error = targetError(targetDir, state);
    if (!error) return dir || defaultDir;
    const held =
      state.kind === 'notEmpty' ? `is not empty (${state.entries.slice(0, 3).join(', ')}…)` : 'is a file';
    const choice = await context.prompt.select({
      message: `${targetDir} ${held}. What now?`,
      options: [
        { value: 'rename', label: 'Choose another directory' },
        { value: 'cancel', label: 'Cancel (nothing is written)' },
      ],
      initialValue: 'rename',
    });
    if (choice === 'cancel') throw new CreateConnectorError('cancelled', {});
    dir = undefined;
  }
}

async function askTemplate(
  templates: readonly TemplateInfo[],
  interactive: boolean,
  context: ScaffoldContext,
) {
  const ready = templates.filter((t) => t.ready);
  if (interactive && ready.length > 0) {
    const id = await context.prompt.select({
      message: 'Which app is the connector for?',
      options: ready.map((t) => ({
        value: t.manifest.id,
        label: t.manifest.title,
        hint: t.manifest.description,
      })),
      ...(ready.some((t) => t.manifest.id === defaultTemplate) ? { initialValue: defaultTemplate } : {}),
    });
    return pickTemplate(id, templates);
  }
  if (ready.some((t) => t.manifest.id === defaultTemplate)) return pickTemplate(defaultTemplate, templates);
  throw new CreateConnectorError('missingOption', { option: 'template', flag: '--template <id>' });
}

async function askStore(
  template: TemplateInfo,
  options: CreateConnectorOptions,
  interactive: boolean,
  context: ScaffoldContext,
): Promise<TemplateStore> {
  const stores = template.manifest.stores;
  const first = stores[0]!;
  if (options.store !== undefined) {
    const found = stores.find((s) => s.id === options.store);
    if (!found)
      throw new CreateConnectorError('unknownStore', {
        store: options.store,
        valid: stores.map((s) => s.id),
      });
    return found;
  }
  if (!interactive || stores.length < 2) return first;
  const id = await context.prompt.select({
    message: 'Where should the connector keep its users and groups?',
    options: stores.map((s) => ({ value: s.id, label: s.title })),
    initialValue: first.id,
  });
  return stores.find((s) => s.id === id) ?? first;
}

/**
 * What is wrong with a PostgreSQL URL, in words; `undefined` when it is one the connector opens.
 *
 * @internal
 */
export function postgresUrlProblem(url: string): string | undefined {
  if (!/^postgres(ql)?:\/\//i.test(url)) return 'it must start with postgres:// or postgresql://';
  try {
    const parsed = new URL(url);
    return parsed.hostname === '' ? 'it names no host' : undefined;
  } catch {
    return 'it is not a valid URL';
  }
}

/** The `DATABASE_URL` for the project's `.env`: given, asked (for PostgreSQL on a terminal), or the store's example. */
async function askDatabaseUrl(
  store: TemplateStore,
  options: CreateConnectorOptions,
  interactive: boolean,
  context: ScaffoldContext,
): Promise<string> {
  const postgres = /^postgres(ql)?:/i.test(store.databaseUrl);
  if (options.databaseUrl !== undefined) {
    const problem = postgres ? postgresUrlProblem(options.databaseUrl) : undefined;
    if (problem) throw new CreateConnectorError('invalidDatabaseUrl', { problem });
    return options.databaseUrl;
  }
  if (!interactive || !postgres) return store.databaseUrl;
  return context.prompt.text({
    message: 'Which PostgreSQL database? (written to .env as DATABASE_URL)',
    placeholder: store.databaseUrl,
    defaultValue: store.databaseUrl,
    validate: (value) => (value === '' ? undefined : postgresUrlProblem(value)),
  });
}

/**
 * Turns what the user gave into complete options: asks on a terminal for whatever is missing
 * (directory, template, store and its database, install, git), or takes the defaults with `--yes`
 * or without a terminal. The target directory is checked as soon as it is known, so that a
 * non-empty one is caught before any other question. The package manager is never asked: it is
 * the one running the command unless a flag names another.
 *
 * @param options - What the flags gave.
 * @param templates - The templates available.
 * @param context - The injected context (its `prompt`, `isTTY`, `env`, `cwd` and `fs`).
 * @returns The resolved options.
 * @throws {@link CreateConnectorError} `unknownTemplate`, `templateNotReady`, `unknownStore`,
 * `unknownPackageManager`, `invalidPackageName`, `invalidDatabaseUrl`, `directoryNotEmpty` or
 * `targetIsFile` (without a terminal), `cancelled`, or `missingOption` when no template can be
 * chosen without asking.
 * @example
 * ```ts
 * const resolved = await resolveOptions({ dir: 'app', template: 'blank', yes: true }, templates, context);
 * ```
 * @see {@link createConnector}
 */
export async function resolveOptions(
  options: CreateConnectorOptions,
  templates: readonly TemplateInfo[],
  context: ScaffoldContext,
): Promise<ResolvedOptions> {
  const interactive = context.isTTY && options.yes !== true;

  // Fail fast on flags that are wrong, before asking anything.
  const packageManager = pickPackageManager(options, context);
  const given = options.template === undefined ? undefined : pickTemplate(options.template, templates);
  const named = options.name === undefined ? undefined : packageNameError(options.name);
  if (named) throw named;

  let dir: string;
  if (interactive) {
    dir = await askDirectory(options, context);
  } else {
    dir = options.dir ?? defaultDir;
    const targetDir = resolve(context.cwd, dir);
    const error = targetError(targetDir, await inspectTarget(targetDir, context));
    if (error) throw error;
  }
  const targetDir = resolve(context.cwd, dir);
  const packageName = options.name ?? basename(targetDir);
  const invalid = packageNameError(packageName);
  if (invalid) throw invalid;

  const template = given ?? (await askTemplate(templates, interactive, context));
  const store = await askStore(template, options, interactive, context);
  const databaseUrl = await askDatabaseUrl(store, options, interactive, context);
  const install =
    options.install ??
    (interactive
      ? await context.prompt.confirm({
          message: `Install dependencies with ${packageManager}?`,
          initialValue: true,
        })
      : true);
  const git =
    options.git ??
    (interactive
      ? await context.prompt.confirm({ message: 'Create a git repository?', initialValue: true })
      : true);

  return {
    targetDir,
    dir,
    packageName,
    template,
    store,
    databaseUrl,
    packageManager,
    install,
    git,
    dryRun: options.dryRun === true,
  };
}

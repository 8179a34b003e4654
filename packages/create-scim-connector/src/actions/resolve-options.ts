import { basename, resolve } from 'node:path';
import type { ScaffoldContext } from '../context.ts';
import { CreateConnectorError } from '../errors.ts';
import { detectPackageManager, isPackageManager, packageManagers } from '../package-manager.ts';
import { packageNameProblems } from '../package-name.ts';
import { closestMatch, type TemplateInfo } from '../templates.ts';
import type { CreateConnectorOptions, ResolvedOptions } from '../types.ts';

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

/**
 * Turns what the user gave into complete options: asks on a terminal for whatever is missing
 * (directory, template, store, install, git), or takes the defaults with `--yes` or without a terminal.
 * The package manager is never asked: it is the one running the command unless a flag names another.
 *
 * @param options - What the flags gave.
 * @param templates - The templates available.
 * @param context - The injected context (its `prompt`, `isTTY`, `env` and `cwd`).
 * @returns The resolved options.
 * @throws {@link CreateConnectorError} `unknownTemplate`, `templateNotReady`, `unknownStore`,
 * `unknownPackageManager`, or `missingOption` when no template can be chosen without asking.
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
  let packageManager = detectPackageManager(context.env.npm_config_user_agent);
  if (options.packageManager !== undefined) {
    if (!isPackageManager(options.packageManager)) {
      throw new CreateConnectorError('unknownPackageManager', {
        packageManager: options.packageManager,
        valid: packageManagers,
      });
    }
    packageManager = options.packageManager;
  }
  let template = options.template === undefined ? undefined : pickTemplate(options.template, templates);

  let dir = options.dir;
  if (dir === undefined) {
    dir = interactive
      ? await context.prompt.text({
          message: 'Where should the connector be created?',
          placeholder: `./${defaultDir}`,
          initialValue: `./${defaultDir}`,
          validate: (value) => {
            const problems = packageNameProblems(basename(resolve(context.cwd, value || '.')));
            return problems.length > 0 ? `Not a valid package name: ${problems.join('; ')}` : undefined;
          },
        })
      : defaultDir;
  }

  if (template === undefined) {
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
      template = pickTemplate(id, templates);
    } else if (ready.some((t) => t.manifest.id === defaultTemplate)) {
      template = pickTemplate(defaultTemplate, templates);
    } else {
      throw new CreateConnectorError('missingOption', { option: 'template', flag: '--template <id>' });
    }
  }

  const stores = template.manifest.stores;
  let store = stores[0]!;
  if (options.store !== undefined) {
    const found = stores.find((s) => s.id === options.store);
    if (!found) {
      throw new CreateConnectorError('unknownStore', {
        store: options.store,
        valid: stores.map((s) => s.id),
      });
    }
    store = found;
  } else if (interactive && stores.length > 1) {
    const id = await context.prompt.select({
      message: 'Where should the connector keep its users and groups?',
      options: stores.map((s) => ({ value: s.id, label: s.title })),
      initialValue: store.id,
    });
    store = stores.find((s) => s.id === id) ?? store;
  }

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

  const targetDir = resolve(context.cwd, dir);
  return {
    targetDir,
    dir,
    packageName: basename(targetDir),
    template,
    store,
    packageManager,
    install,
    git,
    dryRun: options.dryRun === true,
  };
}

import type { TemplateStore } from './manifest.ts';
import type { PackageManager } from './package-manager.ts';
import type { TemplateInfo } from './templates.ts';

/**
 * What the user asked for, from flags or the programmatic API. Anything left out is asked on a
 * terminal, or takes its default with `yes` or without a terminal.
 *
 * @example
 * ```ts
 * import { type CreateConnectorOptions, createConnector } from 'create-scim-connector';
 * const options: CreateConnectorOptions = { dir: 'my-connector', template: 'keeper', yes: true, install: false };
 * const { nextSteps } = await createConnector(options, { cwd: process.cwd(), env: process.env, isTTY: false, prompt, spawn, log });
 * ```
 * @see {@link createConnector}
 */
export interface CreateConnectorOptions {
  /** The target directory, relative to the context's `cwd`; its base name is the package name unless `name` is given. */
  dir?: string;
  /** The package name (`--name`), when it is not the directory's base name. */
  name?: string;
  /** The template id (`--template`). */
  template?: string;
  /** The store id (`--store`), one the template offers; its first by default. */
  store?: string;
  /**
   * The `DATABASE_URL` the project's `.env` gets (`--database-url`); the store's example URL by
   * default. Asked on a terminal for a PostgreSQL store.
   */
  databaseUrl?: string;
  /** The package manager (`--package-manager`); detected from `npm_config_user_agent` by default. */
  packageManager?: string;
  /** Whether to install dependencies (`--no-install` sets false); true by default. */
  install?: boolean;
  /** Whether to create a git repository with a first commit (`--no-git` sets false); true by default. */
  git?: boolean;
  /** Ask nothing: take the defaults for whatever is not given (`--yes`). */
  yes?: boolean;
  /** Print what each step would do and write nothing (`--dry-run`). */
  dryRun?: boolean;
}

/**
 * The options once every question is answered and every default applied.
 *
 * @example
 * ```ts
 * const { options } = await createConnector({ dir: 'app', yes: true }, context);
 * options.targetDir; // an absolute path
 * ```
 * @see {@link createConnector}
 */
export interface ResolvedOptions {
  /** The target directory, absolute. */
  targetDir: string;
  /** The target directory as given, for the next steps' `cd`. */
  dir: string;
  /** The package name: `--name`, or the directory's base name. */
  packageName: string;
  /** The template. */
  template: TemplateInfo;
  /** The store. */
  store: TemplateStore;
  /** The `DATABASE_URL` written to the project's `.env`. */
  databaseUrl: string;
  /** The package manager. */
  packageManager: PackageManager;
  /** Whether to install dependencies. */
  install: boolean;
  /** Whether to create a git repository. */
  git: boolean;
  /** Whether to write nothing. */
  dryRun: boolean;
}

/**
 * One file of the project to write: copied byte for byte from `source`, or written from `content`.
 *
 * @example
 * ```ts
 * import type { PlannedFile } from 'create-scim-connector';
 * // Generated files carry their text, copied ones the template file they come from.
 * const describe = (file: PlannedFile) => (file.content === undefined ? `copy ${file.source} to ${file.path}` : `write ${file.path}`);
 * ```
 * @see {@link ScaffoldPlan}
 */
export interface PlannedFile {
  /** The path in the project, with `/` separators. */
  path: string;
  /** The template file to copy, when `content` is absent. */
  source?: string;
  /** The text to write, when the file is generated or transformed. */
  content?: string;
}

/**
 * The project's files, planned by the copy step, edited by the transform and version steps, and
 * written (or, with `--dry-run`, listed) by the write step.
 *
 * @example
 * ```ts
 * import type { ScaffoldPlan } from 'create-scim-connector';
 * // What the copy step hands the transform, version and write steps.
 * const readmeOf = (plan: ScaffoldPlan) => plan.files.find((f) => f.path === 'README.md')?.content;
 * ```
 * @see {@link createConnector}
 */
export interface ScaffoldPlan {
  /** The files, in the order they are written. */
  files: PlannedFile[];
}

/**
 * What {@link createConnector} did.
 *
 * @example
 * ```ts
 * const result = await createConnector({ dir: 'app', template: 'blank', yes: true }, context);
 * result.nextSteps.forEach((line) => console.log(line));
 * ```
 * @see {@link createConnector}
 */
export interface CreateConnectorResult {
  /** The options as resolved. */
  options: ResolvedOptions;
  /** The project's files (relative paths), written or, with `dryRun`, that would be. */
  files: string[];
  /** Whether dependencies were installed. */
  installed: boolean;
  /** Whether a git repository was created. */
  gitInitialized: boolean;
  /** The commands to run next. */
  nextSteps: string[];
}

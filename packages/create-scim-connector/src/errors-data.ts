/**
 * One entry of the scaffolder's error catalog: what happened (`message`), why it is a problem
 * (`why`), and what to do (`fix`).
 *
 * @internal
 */
export interface ErrorCatalogEntry<Args> {
  /** What happened, for the case at hand. */
  message: (args: Args) => string;
  /** Why it stops the scaffold. */
  why: string;
  /** What to do about it. */
  fix: (args: Args) => string;
}

function entry<Args>(e: ErrorCatalogEntry<Args>): ErrorCatalogEntry<Args> {
  return e;
}

const list = (values: readonly string[]): string => values.join(', ');

/**
 * The code of one of the scaffolder's errors.
 *
 * @example
 * ```ts
 * if (isCreateConnectorError(error) && error.code === 'directoryNotEmpty') process.exitCode = 2;
 * ```
 * @see {@link CreateConnectorError}
 */
export type CreateConnectorErrorCode =
  | 'unknownTemplate'
  | 'templateNotReady'
  | 'invalidTemplateManifest'
  | 'directoryNotEmpty'
  | 'targetIsFile'
  | 'invalidPackageName'
  | 'unknownStore'
  | 'unknownPackageManager'
  | 'invalidArguments'
  | 'unknownFlag'
  | 'unsupportedNode'
  | 'invalidDatabaseUrl'
  | 'missingOption'
  | 'unknownWorkspaceDependency'
  | 'templatesNotFound'
  | 'cancelled';

/**
 * The catalog of every error the scaffolder raises, keyed by code.
 *
 * @internal
 */
export const errorsData = {
  unknownTemplate: entry<{ template: string; valid: readonly string[]; closest: string | undefined }>({
    message: ({ template }) => `There is no template named "${template}".`,
    why: 'A connector is scaffolded from one of the templates bundled with this version of create-scim-connector.',
    fix: ({ valid, closest }) =>
      `${closest ? `Did you mean "${closest}"? ` : ''}Pass --template with one of: ${list(valid)}.`,
  }),
  templateNotReady: entry<{ template: string; ready: readonly string[] }>({
    message: ({ template }) => `The "${template}" template is not available in this version yet.`,
    why: 'Its manifest is written but its source files are still in progress.',
    fix: ({ ready }) =>
      ready.length > 0
        ? `Pick one of the available templates: ${list(ready)}; or try a later version.`
        : 'Try a later version of create-scim-connector.',
  }),
  invalidTemplateManifest: entry<{ file: string; problem: string }>({
    message: ({ file, problem }) => `The template manifest ${file} is invalid: ${problem}.`,
    why: 'The README and the options of a scaffolded project are generated from the manifest.',
    fix: () =>
      'Fix the manifest as docs/templates.md describes (this is a bug in the template; please report it).',
  }),
  directoryNotEmpty: entry<{ dir: string; entries: readonly string[] }>({
    message: ({ dir, entries }) =>
      `The directory ${dir} is not empty (it holds ${list(entries.slice(0, 5))}${entries.length > 5 ? ', ...' : ''}).`,
    why: 'Scaffolding into it could overwrite your files; nothing was written.',
    fix: () =>
      'Pass the name of a new or empty directory, for example `npm create scim-connector my-connector`.',
  }),
  targetIsFile: entry<{ dir: string }>({
    message: ({ dir }) => `${dir} exists and is a file, not a directory.`,
    why: 'The project is written into a directory.',
    fix: () => 'Pass the name of a new or empty directory.',
  }),
  invalidPackageName: entry<{ name: string; problems: readonly string[]; suggestion: string | undefined }>({
    message: ({ name, problems }) => `"${name}" is not a valid npm package name: ${problems.join('; ')}.`,
    why: "The project's package name is its directory's name unless --name gives one, and npm refuses invalid names.",
    fix: ({ suggestion }) =>
      suggestion
        ? `Pass --name ${suggestion} (or use a directory of that name).`
        : 'Pass --name with lowercase letters, digits and dashes.',
  }),
  unknownStore: entry<{ store: string; valid: readonly string[] }>({
    message: ({ store }) => `There is no store named "${store}".`,
    why: 'The connector keeps its users and groups in one of the stores the template supports.',
    fix: ({ valid }) => `Pass --store with one of: ${list(valid)}.`,
  }),
  unknownPackageManager: entry<{ packageManager: string; valid: readonly string[] }>({
    message: ({ packageManager }) =>
      `"${packageManager}" is not a package manager create-scim-connector knows.`,
    why: 'Dependencies are installed, and the next steps printed, with the package manager you pick.',
    fix: ({ valid }) => `Pass --package-manager with one of: ${list(valid)}.`,
  }),
  invalidArguments: entry<{ problem: string }>({
    message: ({ problem }) => `The command line is invalid: ${problem}.`,
    why: 'create-scim-connector could not tell what you asked for.',
    fix: () => 'Run `npm create scim-connector -- --help` for the flags it accepts.',
  }),
  unknownFlag: entry<{ flag: string; closest: string | undefined }>({
    message: ({ flag }) => `There is no flag ${flag}.`,
    why: 'create-scim-connector could not tell what you asked for.',
    fix: ({ closest }) =>
      `${closest ? `Did you mean ${closest}? ` : ''}Run \`npm create scim-connector -- --help\` for the flags it accepts.`,
  }),
  unsupportedNode: entry<{ version: string; required: string }>({
    message: ({ version, required }) =>
      `This is Node.js ${version}; a SCIM connector project needs Node.js ${required} or later.`,
    why: 'The generated project runs its TypeScript sources directly (`node src/server.ts`, without a flag from Node.js 22.18 on) and keeps its data with node:sqlite, which binds its queries from 22.20 on (24.7 on the 24 line).',
    fix: () =>
      'Install a newer Node.js (the current LTS is best: https://nodejs.org, or `nvm install --lts`), then run the command again. Nothing was written.',
  }),
  invalidDatabaseUrl: entry<{ problem: string }>({
    message: ({ problem }) => `The database URL is not one the connector can open: ${problem}.`,
    why: "The project's .env gets it, and the connector reads it when it starts.",
    fix: () =>
      'Pass --database-url with a postgres:// URL, like postgres://user:password@localhost:5432/connector.',
  }),
  missingOption: entry<{ option: string; flag: string }>({
    message: ({ option }) => `No ${option} was given, and there is no terminal to ask on.`,
    why: 'With --yes or without a terminal, create-scim-connector asks nothing.',
    fix: ({ flag }) => `Pass ${flag}.`,
  }),
  unknownWorkspaceDependency: entry<{ dependency: string; template: string }>({
    message: ({ dependency, template }) =>
      `The "${template}" template depends on ${dependency} through a workspace: range, and no version of it is known.`,
    why: 'Workspace ranges are replaced by the published versions bundled with this CLI.',
    fix: () => 'This is a bug in the template or the CLI build; please report it.',
  }),
  templatesNotFound: entry<{ searched: readonly string[] }>({
    message: ({ searched }) => `No templates were found (looked in ${list(searched)}).`,
    why: 'The templates ship inside the create-scim-connector package.',
    fix: () =>
      'Reinstall create-scim-connector, or from the repository run `pnpm --filter create-scim-connector build`.',
  }),
  cancelled: entry<Record<string, never>>({
    message: () => 'Cancelled.',
    why: 'You stopped the prompts.',
    fix: () => 'Run the command again when you are ready; nothing was written.',
  }),
} as const satisfies Record<CreateConnectorErrorCode, ErrorCatalogEntry<never>>;

/**
 * The arguments the message of an error code takes.
 *
 * @internal
 */
export type CreateConnectorErrorArgs<C extends CreateConnectorErrorCode> = Parameters<
  (typeof errorsData)[C]['message']
>[0];

import { parseArgs as parseNodeArgs } from 'node:util';
import { CreateConnectorError, isCreateConnectorError, type SafeCreateConnectorResult } from '../errors.ts';
import { closestMatch } from '../templates.ts';
import type { CreateConnectorOptions } from '../types.ts';

/**
 * The command line, parsed: the options, and whether `--help` or `--version` was asked.
 *
 * @example
 * ```ts
 * const { options, help } = parseArgs(['my-app', '--template', 'keeper', '--yes']);
 * ```
 * @see {@link parseArgs}
 */
export interface ParsedArgs {
  /** The scaffold options given. */
  options: CreateConnectorOptions;
  /** `--help` / `-h`. */
  help: boolean;
  /** `--version` / `-v`. */
  version: boolean;
}

/**
 * Parses the CLI's arguments (`process.argv.slice(2)`) with `node:util`'s `parseArgs`.
 *
 * @param argv - The arguments after the script name.
 * @returns The options and the `--help` / `--version` switches.
 * @throws {@link CreateConnectorError} `invalidArguments` for an unknown flag, a missing value, or
 * more than one directory.
 * @example
 * ```ts
 * parseArgs(['my-app', '--store', 'postgres', '--no-git']).options;
 * // { dir: 'my-app', store: 'postgres', git: false }
 * ```
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
      throw new CreateConnectorError('unknownFlag', { flag: unknown, closest: closestFlag(unknown) });
    }
    throw new CreateConnectorError('invalidArguments', { problem: message.replace(/\.$/, '') });
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new CreateConnectorError('invalidArguments', {
      problem: `expected at most one directory, got ${positionals.map((p) => `"${p}"`).join(' ')}`,
    });
  }
  const options: CreateConnectorOptions = {};
  if (positionals[0] !== undefined) options.dir = positionals[0];
  if (values.name !== undefined) options.name = values.name;
  if (values.template !== undefined) options.template = values.template;
  if (values.store !== undefined) options.store = values.store;
  if (values['database-url'] !== undefined) options.databaseUrl = values['database-url'];
  if (values['package-manager'] !== undefined) options.packageManager = values['package-manager'];
  if (values.install !== undefined) options.install = values.install;
  if (values['no-install']) options.install = false;
  if (values.git !== undefined) options.git = values.git;
  if (values['no-git']) options.git = false;
  if (values.yes) options.yes = true;
  if (values['dry-run']) options.dryRun = true;
  return { options, help: values.help === true, version: values.version === true };
}

/**
 * Parses the CLI's arguments like {@link parseArgs}, returning the error instead of throwing it.
 *
 * @param argv - The arguments after the script name.
 * @returns `{ success: true, value }` with the options and switches, or `{ success: false, error }`
 * with the {@link CreateConnectorError} (`unknownFlag` or `invalidArguments`) `parseArgs` throws.
 * @throws Never for bad arguments: the error is returned.
 * @example
 * ```ts
 * import { safeParseArgs } from 'create-scim-connector';
 * const parsed = safeParseArgs(['my-app', '--templat', 'keeper']);
 * if (!parsed.success) console.error(parsed.error.format()); // There is no flag --templat. (and the fix: --template)
 * ```
 * @see https://nodejs.org/api/util.html#utilparseargsconfig
 */
export function safeParseArgs(argv: readonly string[]): SafeCreateConnectorResult<ParsedArgs> {
  try {
    return { success: true, value: parseArgs(argv) };
  } catch (error) {
    if (isCreateConnectorError(error)) return { success: false, error };
    throw error;
  }
}

const flags = {
  template: { type: 'string', short: 't' },
  name: { type: 'string' },
  store: { type: 'string' },
  'database-url': { type: 'string' },
  'package-manager': { type: 'string' },
  install: { type: 'boolean' },
  'no-install': { type: 'boolean' },
  git: { type: 'boolean' },
  'no-git': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The flag closest to an unknown one (`--templat` -> `--template`), if one is a likely typo. */
function closestFlag(unknown: string): string | undefined {
  const typed = unknown.replace(/^-+/, '').split('=')[0] ?? '';
  const found = closestMatch(typed, Object.keys(flags));
  return found === undefined ? undefined : `--${found}`;
}

function parse(argv: readonly string[]) {
  return parseNodeArgs({ args: [...argv], allowPositionals: true, strict: true, options: flags });
}

/**
 * The text `--help` prints.
 *
 * @internal
 */
export function helpText(templateIds: readonly string[]): string {
  return `Usage: npm create scim-connector@latest [dir] -- [flags]
       pnpm create scim-connector [dir] [flags]
       yarn create scim-connector [dir] [flags]
       bun create scim-connector [dir] [flags]

Scaffolds a SCIM 2.0 connector that Microsoft Entra ID provisions into.

Flags:
  -t, --template <id>         the template: ${templateIds.join(', ') || '(none available in this version yet)'}
      --name <name>           the package name (default: the directory's name)
      --store <id>            sqlite (default) or postgres
      --database-url <url>    the DATABASE_URL written to .env (asked for PostgreSQL on a terminal)
      --package-manager <pm>  npm, pnpm, yarn or bun (default: the one running this command)
      --no-install            do not install dependencies
      --no-git                do not create a git repository
  -y, --yes                   ask nothing; take the defaults for what is not given
      --dry-run               print what would be done, write nothing
  -h, --help                  print this help
  -v, --version               print the version

Needs Node.js 22.20 or later (24.7 or later on Node.js 24). Without a terminal, nothing is asked either. Docs: https://github.com/scim-sdk/scim-sdk/blob/main/docs/templates.md
`;
}

import packageJson from '../../package.json' with { type: 'json' };
import { isCliError } from '../settings/errors.ts';
import type { CliContext } from './context.ts';
import { importCommand, importHelp } from './import.ts';
import { migrateCommand, migrateHelp } from './migrate.ts';
import { startCommand, startHelp } from './start.ts';
import { tokensCommand, tokensHelp } from './tokens.ts';

/** Help for `scim-server`. */
export const mainHelp = `Usage: scim-server <command> [options]

A SCIM 2.0 service provider (RFC 7644) for Microsoft Entra ID provisioning.

Commands:
  start                  serve SCIM over HTTP (PORT, HOST, DATABASE_URL, BASE_PATH)
  migrate                create or upgrade the database
  import --tenant T <file|->
                         load users and groups (NDJSON or JSON), validated as POST would
  tokens create|list|revoke|rotate --tenant T
                         manage the bearer tokens of a tenant

Run \`scim-server <command> --help\` for a command's options, \`scim-server --version\` for the version.
Environment: DATABASE_URL is a SQLite file (default ./scim.db) or a postgres:// URL
(?schema=<name> picks the PostgreSQL schema; default public).`;

/** A command: its arguments and the context in, an exit code out. */
type Command = (argv: readonly string[], context: CliContext) => Promise<number>;

/**
 * Runs the `scim-server` command line: dispatches to a command, prints help, and turns an error
 * the operator can fix (a bad flag, an unknown token) into its message and exit code. Other errors
 * (a database that cannot be reached, a bug) are thrown for the bin to report.
 *
 * @param argv - the arguments after the script name (`process.argv.slice(2)`)
 * @param context - the injected world
 * @param commands - extra or replacement commands (for tests)
 * @returns the exit code: 0 on success, 1 on an error, 2 on a bad command line
 * @internal
 */
export async function runCli(
  argv: readonly string[],
  context: CliContext,
  commands: Readonly<Record<string, Command>> = {},
): Promise<number> {
  const all: Readonly<Record<string, Command>> = {
    start: startCommand,
    migrate: migrateCommand,
    import: importCommand,
    tokens: tokensCommand,
    ...commands,
  };
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    context.out(packageJson.version);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const helps: Readonly<Record<string, string>> = {
      start: startHelp,
      migrate: migrateHelp,
      import: importHelp,
      tokens: tokensHelp,
    };
    context.out((topic !== undefined && helps[topic]) || mainHelp);
    return name === undefined ? 2 : 0;
  }
  const command = all[name];
  if (command === undefined) {
    context.err(`error: "${name}" is not a scim-server command; use one of: ${Object.keys(all).join(', ')}.`);
    return 2;
  }
  try {
    return await command(rest, context);
  } catch (error) {
    if (isCliError(error)) {
      context.err(`error: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      context.err(`error: ${error.message}. Run \`scim-server ${name} --help\` for the options.`);
      return 2;
    }
    throw error;
  }
}

// The `entra-mock` command line: a list of small commands, each in its own file.
import { isScimError } from '@scim/schemas';
import packageJson from '../../package.json' with { type: 'json' };
import { generateCommand } from './commands/generate.ts';
import { provisionCommand } from './commands/provision.ts';
import { testConnectionCommand } from './commands/test-connection.ts';
import { type CliContext, CliUsageError } from './context.ts';

/** @internal The help text. */
export const HELP = `entra-mock: Microsoft Entra ID's provisioning service, offline, against any SCIM endpoint.

Usage:
  entra-mock provision --url <Tenant URL> --token <Secret Token> [directory] [options]
  entra-mock test-connection --url <Tenant URL> --token <Secret Token>
  entra-mock generate [directory] [--out <file.json>]
  entra-mock --version

Directory (provision, generate):
  --tenant <file.json>   a directory description (users, groups, applications), as generate writes it
  --users <n>            generate this many users (default 25)
  --groups <n>           generate this many groups (default: one per department)
  --members <n>          members per generated group
  --seed <n>             the generator's seed (default 1)

Provision options:
  --app <name>           the application whose assignments set the scope (default: the first)
  --scope assigned|all   sync assigned users and groups (default) or all of them
  --no-groups            do not provision groups
  --cycles <n>           cycles to run, 40 simulated minutes apart (default 1)
  --table auto|all|failures|none   the provisioning log table (auto: all up to 100 entries, then failures)
  --logs <file.json>     write the provisioning logs (Graph's provisioningObjectSummary) as JSON

Add ?aadOptscim062020 to the Tenant URL for Entra's SCIM-compliant dialect.
Exit status: 0 on success, 1 when Test Connection or an event fails or the job is quarantined, 2 on usage errors.`;

const COMMANDS: Record<string, (args: string[], context: CliContext) => Promise<number>> = {
  provision: provisionCommand,
  'test-connection': testConnectionCommand,
  generate: generateCommand,
};

/** @internal Runs the CLI with its arguments (without `node` and the script) and returns the exit status. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    context.out(HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    context.out(packageJson.version);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    context.err(
      `entra-mock: unknown command "${name}"; use provision, test-connection or generate (entra-mock --help)`,
    );
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    context.out(HELP);
    return 0;
  }
  try {
    return await command(args, context);
  } catch (error) {
    if (
      error instanceof CliUsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      context.err(`entra-mock ${name}: ${error.message}`);
      return 2;
    }
    if (isScimError(error)) {
      context.err(`entra-mock ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

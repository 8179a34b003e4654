// `npm run token -- create --organization <slug>`: what an organization's administrator does under
// Administration > Data Integration, from the command line: sets a new bearer Secret (generated, or
// `--secret <value>`) and prints it with the organization's Tenant URL. `activate` and `deactivate`
// turn "Set as active SCIM Provider" on and off; `list` lists the organization's Secrets.
// Environment: DATABASE_URL (the connector's store), ORGANIZATIONS_FILE (the switches, default
// ./data/organizations.json), PUBLIC_URL (the https:// address Entra reaches; else the local
// address, from HOST and PORT, as `npm start` serves it).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { explainDatabaseError, listTokens, publicUrl, scriptCommand } from '@scim/server';
import { basePath } from './connector.ts';
import {
  fileOrganizationSettings,
  generateSecret,
  organizationsFile,
  setOrganizationSecret,
} from './organizations.ts';
import { connector } from './server.ts';

/** Where the command writes, and the environment it reads. */
export interface TokenCommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

function usage(command: string): string {
  return `Usage: ${command} <command> --organization <slug>

  create --organization <slug> [--secret <value>]   set the organization's Secret (generated unless
                                                    given) and print it with the Tenant URL
  activate --organization <slug>                    turn "Set as active SCIM Provider" on
  deactivate --organization <slug>                  turn it off: the endpoint refuses every request
  list --organization <slug>                        list the Secrets set: id, label, status, last use`;
}

/** The Tenant URL to paste into Entra for an organization. */
export function tenantUrl(env: TokenCommandContext['env'], organization: string): string {
  return `${publicUrl(env)}${basePath.replace('{tenant}', encodeURIComponent(organization))}`;
}

/** Lines of a table: the header, then the rows, each column padded to its widest cell. */
function columns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      organization: { type: 'string' },
      secret: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** Runs the token command; returns the exit code. */
export async function runTokenCommand(
  argv: readonly string[],
  context: TokenCommandContext,
): Promise<number> {
  const command = scriptCommand('token', context.env);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    context.err(`${(error as Error).message}\n\n${usage(command)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action] = positionals;
  if (values.help || action === undefined || !['create', 'activate', 'deactivate', 'list'].includes(action)) {
    (values.help ? context.out : context.err)(usage(command));
    return values.help ? 0 : 2;
  }
  const organization = values.organization?.trim();
  if (organization === undefined || organization === '') {
    context.err(`Name the organization: ${command} ${action} --organization <slug>`);
    return 2;
  }
  const organizations = fileOrganizationSettings(organizationsFile(context.env));
  if (action === 'activate' || action === 'deactivate') {
    await organizations.setScimProviderActive(organization, action === 'activate');
    context.out(`SCIM provider ${action === 'activate' ? 'active' : 'inactive'} for ${organization}.`);
    return 0;
  }
  try {
    // Opening the connector migrates the store; the app is not called.
    const { store, handler } = await connector.open(context.env);
    try {
      if (action === 'create') {
        const secret = values.secret ?? generateSecret();
        await setOrganizationSecret(store.tokens, organization, secret);
        context.out(`Tenant URL:   ${tenantUrl(context.env, organization)}`);
        context.out(`Secret Token: ${secret}`);
        if (!(await organizations.isScimProviderActive(organization))) {
          context.out(`The SCIM provider is off: ${command} activate --organization ${organization}`);
        }
      } else {
        const listed = await listTokens(store.tokens, organization);
        if (listed.length === 0) {
          context.out(`No Secret yet: ${command} create --organization ${organization} sets one.`);
        } else {
          const rows = listed.map((t) => [t.id, t.label ?? '', t.status, t.lastUsed ?? 'never']);
          for (const line of columns(['ID', 'LABEL', 'STATUS', 'LAST USED'], rows)) context.out(line);
        }
      }
      return 0;
    } finally {
      await handler.close();
    }
  } catch (error) {
    const explained = explainDatabaseError(error, context.env);
    if (explained === undefined) throw error;
    context.err(explained);
    return 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    process.loadEnvFile();
  } catch {
    // No .env file: the environment alone.
  }
  process.exitCode = await runTokenCommand(process.argv.slice(2), {
    env: process.env,
    out: (text) => console.log(text),
    err: (text) => console.error(text),
  });
}

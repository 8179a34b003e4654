// `npm run token -- create --organization <slug>`: what an organization's administrator does under
// Administration > Data Integration, from the command line: sets a new bearer Secret (generated, or
// `--secret <value>`) and prints it with the organization's Tenant URL. `activate` and `deactivate`
// turn "Set as active SCIM Provider" on and off; `list` lists the organization's Secrets.
// Environment: DATABASE_URL (the connector's store), ORGANIZATIONS_FILE (the switches, default
// ./data/organizations.json), PUBLIC_URL (the https:// address Entra reaches).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { listTokens } from '@scim/server';
import { memoryVaultPlatformApp } from './app.ts';
import { basePath, createConnector } from './connector.ts';
import {
  fileOrganizationSettings,
  generateSecret,
  organizationsFile,
  setOrganizationSecret,
} from './organizations.ts';
import { openStore } from './store.ts';

/** Where the command writes, and the environment it reads. */
export interface TokenCommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const usage = `Usage: npm run token -- <command> --organization <slug>

  create --organization <slug> [--secret <value>]   set the organization's Secret (generated unless
                                                    given) and print it with the Tenant URL
  activate --organization <slug>                    turn "Set as active SCIM Provider" on
  deactivate --organization <slug>                  turn it off: the endpoint refuses every request
  list --organization <slug>                        list the Secrets set: id, status, last use`;

/** The Tenant URL to paste into Entra for an organization. */
export function tenantUrl(env: TokenCommandContext['env'], organization: string): string {
  const base = (env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
  return `${base}${basePath.replace('{tenant}', encodeURIComponent(organization))}`;
}

/** Runs the token command; returns the exit code. */
export async function runTokenCommand(
  argv: readonly string[],
  context: TokenCommandContext,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      organization: { type: 'string' },
      secret: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action] = positionals;
  if (values.help || action === undefined || !['create', 'activate', 'deactivate', 'list'].includes(action)) {
    (values.help ? context.out : context.err)(usage);
    return values.help ? 0 : 2;
  }
  const organization = values.organization;
  if (organization === undefined || organization === '') {
    context.err(`Name the organization: npm run token -- ${action} --organization <slug>`);
    return 2;
  }
  const organizations = fileOrganizationSettings(organizationsFile(context.env));
  if (action === 'activate' || action === 'deactivate') {
    await organizations.setScimProviderActive(organization, action === 'activate');
    context.out(`SCIM provider ${action === 'activate' ? 'active' : 'inactive'} for ${organization}.`);
    return 0;
  }
  const store = openStore(context.env.DATABASE_URL);
  // Opening the connector migrates the store; the app is not called.
  const handler = createConnector({ store, organizations, app: memoryVaultPlatformApp() });
  try {
    await handler.ready;
    if (action === 'create') {
      const secret = values.secret ?? generateSecret();
      await setOrganizationSecret(store.tokens, organization, secret);
      context.out(`Tenant URL:   ${tenantUrl(context.env, organization)}`);
      context.out(`Secret Token: ${secret}`);
      if (!(await organizations.isScimProviderActive(organization))) {
        context.out(`The SCIM provider is off: npm run token -- activate --organization ${organization}`);
      }
    } else {
      for (const t of await listTokens(store.tokens, organization)) {
        context.out([t.id, t.status, t.label ?? '', t.lastUsed ?? 'never used'].join('\t'));
      }
    }
    return 0;
  } finally {
    await handler.close();
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

// `npm run token -- create`: issues a Secret Token to paste into Entra, and prints the Tenant URL.
// `npm run token -- list` lists the tokens (ids, labels, status, last use), `npm run token -- revoke
// <id>` stops one at once. Only a token's SHA-256 hash is stored: it is shown once, when created.
// Environment: DATABASE_URL (the connector's store), PUBLIC_URL (the https:// address Entra reaches).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { issueToken, listTokens, revokeToken } from '@scim/server';
import { memoryHoxhuntApp } from './app.ts';
import { basePath, createConnector, tenantName } from './connector.ts';
import { openStore } from './store.ts';

/** Where the command writes, and the environment it reads. */
export interface TokenCommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The flag naming the `{tenant}` segment of the base path, when it has one. */
const flag = tenantName ?? 'tenant';
const perTenant = basePath.includes('{tenant}');
const tenantUsage = perTenant ? ` --${flag} <${flag}>` : '';

const usage = `Usage: npm run token -- <command>

  create${tenantUsage} [--label <label>]   issue a Secret Token (shown once) and print the Tenant URL
  list${tenantUsage}                       list the tokens: id, label, status, last use
  revoke <id>${tenantUsage}                stop a token at once`;

/** The Tenant URL to paste into Entra for a tenant. */
export function tenantUrl(env: TokenCommandContext['env'], tenant: string): string {
  const base = (env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
  return `${base}${basePath.replace('{tenant}', encodeURIComponent(tenant))}`;
}

/** Runs the token command; returns the exit code. */
export async function runTokenCommand(
  argv: readonly string[],
  context: TokenCommandContext,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { [flag]: { type: 'string' }, label: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [action, id] = positionals;
  if (values.help || action === undefined || !['create', 'list', 'revoke'].includes(action)) {
    (values.help ? context.out : context.err)(usage);
    return values.help ? 0 : 2;
  }
  const named = values[flag];
  const tenant = perTenant ? (typeof named === 'string' ? named : undefined) : 'default';
  if (tenant === undefined || tenant === '') {
    context.err(`Name the ${flag}: npm run token -- ${action} --${flag} <${flag}>`);
    return 2;
  }
  if (action === 'revoke' && id === undefined) {
    context.err('Name the token to revoke: npm run token -- revoke <id> (see npm run token -- list)');
    return 2;
  }
  const store = openStore(context.env.DATABASE_URL);
  // Opening the connector migrates the store; the app is not called.
  const handler = createConnector({ store, app: memoryHoxhuntApp() });
  try {
    await handler.ready;
    if (action === 'create') {
      const label = typeof values.label === 'string' ? values.label : 'Entra provisioning';
      const { token, record } = await issueToken(store.tokens, tenant, { label });
      context.out(`Tenant URL:   ${tenantUrl(context.env, tenant)}`);
      context.out(`Secret Token: ${token}`);
      context.out(`(token ${record.id}; it is shown once: paste it into Entra now)`);
    } else if (action === 'list') {
      for (const t of await listTokens(store.tokens, tenant)) {
        context.out([t.id, t.status, t.label ?? '', t.lastUsed ?? 'never used'].join('\t'));
      }
    } else {
      if (!(await revokeToken(store.tokens, tenant, id!))) {
        context.err(`There is no token ${id}: npm run token -- list shows the tokens.`);
        return 1;
      }
      context.out(`Revoked ${id}.`);
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

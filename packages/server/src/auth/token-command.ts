import { parseArgs } from 'node:util';
import type { TokenStore } from '../store/types.ts';
import { issueToken, listTokens, revokeToken } from './tokens.ts';

/**
 * Options of {@link tokenCommand}: where the connector is reached, how its token store opens, and
 * where the command writes.
 *
 * @example
 * ```ts
 * const options: TokenCommandOptions = {
 *   basePath: '/api/scim/{tenant}',
 *   tenantOption: 'organization',
 *   publicUrl: 'https://scim.example.com',
 *   open: async () => ({ tokens: store.tokens, close: () => store.close() }),
 *   out: console.log,
 *   err: console.error,
 * };
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750
 */
export interface TokenCommandOptions {
  /**
   * The connector's base path as its handler has it, with `{tenant}` where the tenant goes
   * (`/scim/v2`, `/api/scim/{tenant}`). Without `{tenant}` every token is for the tenant `default`.
   */
  readonly basePath: string;
  /**
   * The name of the option that names the tenant (`organization` gives `--organization <slug>`),
   * when the base path has `{tenant}`. Default `tenant`.
   */
  readonly tenantOption?: string | undefined;
  /** The public origin Entra reaches (`https://scim.example.com`), for the Tenant URL it prints. */
  readonly publicUrl: string;
  /** How users start the command, for its usage and hints. Default `npm run token --`. */
  readonly command?: string;
  /** The label of a new token when `--label` is not given. Default `Entra provisioning`. */
  readonly defaultLabel?: string;
  /**
   * Opens the connector's token store (migrated), and how to close it; called once the command
   * line is valid, and closed when the command is done.
   */
  readonly open: () => Promise<{ readonly tokens: TokenStore; close(): Promise<void> }>;
  /** Writes a line of the command's output. */
  readonly out: (text: string) => void;
  /** Writes a line of usage or an error. */
  readonly err: (text: string) => void;
}

/**
 * The token command of a connector (`npm run token -- create|list|revoke`): issues a Secret Token
 * for Entra and prints it once with the Tenant URL to paste next to it, lists a tenant's tokens
 * (id, status, label, last use), or revokes one at once. Only a token's SHA-256 hash is stored
 * (see {@link issueToken}). The `scim-server tokens` CLI does the same for a server it runs; this
 * is for an app that serves `createScimHandler` itself and wants the command in its own scripts.
 *
 * Exit codes: 0 done, 1 no such token to revoke, 2 a bad command line (with the usage or what to
 * fix written to `err`).
 *
 * @param argv - the arguments after the command (`['create', '--label', 'Entra']`)
 * @param options - base path, tenant option, public URL, store, output
 * @returns the exit code
 * @example
 * ```ts
 * // scripts/token.ts, run as `npm run token -- create --organization contoso`
 * import { bearerTokens, createScimHandler, sqliteStore, tokenCommand } from '@scim/server';
 * const store = sqliteStore({ path: './data/connector.db' });
 * const basePath = '/api/scim/{tenant}';
 * process.exitCode = await tokenCommand(process.argv.slice(2), {
 *   basePath,
 *   tenantOption: 'organization',
 *   publicUrl: process.env.PUBLIC_URL ?? 'http://localhost:3000',
 *   open: async () => {
 *     // Opening the handler migrates the store.
 *     const handler = createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }), basePath });
 *     await handler.ready;
 *     return { tokens: store.tokens, close: () => handler.close() };
 *   },
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 * });
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6750#section-2.1
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export async function tokenCommand(argv: readonly string[], options: TokenCommandOptions): Promise<number> {
  const command = options.command ?? 'npm run token --';
  const flag = options.tenantOption ?? 'tenant';
  const perTenant = options.basePath.includes('{tenant}');
  const tenantUsage = perTenant ? ` --${flag} <${flag}>` : '';
  const usage = `Usage: ${command} <command>

  create${tenantUsage} [--label <label>]   issue a Secret Token (shown once) and print the Tenant URL
  list${tenantUsage}                       list the tokens: id, label, status, last use
  revoke <id>${tenantUsage}                stop a token at once`;

  const parse = () =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        [flag]: { type: 'string' },
        label: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    options.err(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [action, id, ...extra] = positionals;
  if (values.help || action === undefined || !['create', 'list', 'revoke'].includes(action)) {
    (values.help ? options.out : options.err)(usage);
    return values.help ? 0 : 2;
  }
  const named = values[flag];
  const tenant = perTenant ? (typeof named === 'string' ? named.trim() : undefined) : 'default';
  if (tenant === undefined || tenant === '') {
    options.err(`Name the ${flag}: ${command} ${action} --${flag} <${flag}>`);
    return 2;
  }
  if (action === 'revoke' && id === undefined) {
    options.err(`Name the token to revoke: ${command} revoke <id> (see ${command} list)`);
    return 2;
  }
  const unexpected = action === 'revoke' ? extra[0] : id;
  if (unexpected !== undefined) {
    options.err(`Unexpected argument "${unexpected}".\n\n${usage}`);
    return 2;
  }
  const { tokens, close } = await options.open();
  try {
    if (action === 'create') {
      const label =
        typeof values.label === 'string' ? values.label : (options.defaultLabel ?? 'Entra provisioning');
      const { token, record } = await issueToken(tokens, tenant, { label });
      const base = options.publicUrl.replace(/\/+$/, '');
      options.out(`Tenant URL:   ${base}${options.basePath.replace('{tenant}', encodeURIComponent(tenant))}`);
      options.out(`Secret Token: ${token}`);
      options.out(`(token ${record.id}; it is shown once: paste it into Entra now)`);
    } else if (action === 'list') {
      const listed = await listTokens(tokens, tenant);
      if (listed.length === 0) {
        options.out(`No tokens yet: ${command} create${perTenant ? ` --${flag} ${tenant}` : ''} issues one.`);
      } else {
        const rows = listed.map((t) => [t.id, t.label ?? '', t.status, t.lastUsed ?? 'never']);
        for (const line of columns(['ID', 'LABEL', 'STATUS', 'LAST USED'], rows)) options.out(line);
      }
    } else if (!(await revokeToken(tokens, tenant, id!))) {
      options.err(`There is no token ${id}: ${command} list shows the tokens.`);
      return 1;
    } else {
      options.out(`Revoked ${id}.`);
    }
    return 0;
  } finally {
    await close();
  }
}

/** Lines of a table: the header, then the rows, each column padded to its widest cell. */
function columns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}

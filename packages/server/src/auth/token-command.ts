import { parseArgs } from 'node:util';
import { isScimError } from '@scim/schemas';
import { parseDuration } from '../settings/duration.ts';
import type { TokenStore } from '../store/types.ts';
import { issueToken, listTokens, revokeToken, rotateToken, type TokenSummary } from './tokens.ts';

/**
 * Options of {@link tokenCommand}: where the connector is reached, how its token store opens, and
 * where the command writes.
 *
 * @example
 * ```ts
 * import { type TokenCommandOptions, tokenCommand } from '@scim/server';
 * const options: TokenCommandOptions = {
 *   basePath: '/api/scim/{tenant}',
 *   tenantOption: 'organization',
 *   publicUrl: 'https://scim.example.com',
 *   open: async () => ({ tokens: store.tokens, close: () => store.close() }),
 *   out: console.log,
 *   err: console.error,
 * };
 * process.exitCode = await tokenCommand(['create', '--organization', 'contoso'], options);
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
  /**
   * Whether the tenant option is needed even when the base path has no `{tenant}` (`scim-server
   * tokens`, whose server may run with another BASE_PATH). Default `false`: such a base path
   * serves the tenant `default` alone.
   */
  readonly requireTenant?: boolean;
  /** A paragraph the usage ends with (the environment the command reads). */
  readonly usageNote?: string;
  /** The current time in milliseconds since the epoch, for token records. Default `Date.now`. */
  readonly clock?: () => number;
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
 * The token command over a connector's store: `create`, `list`, `revoke` and `rotate`, with
 * `--label`, `--expires`, `--overlap` and `--json`. It is both `scim-server tokens` and a
 * connector's own `npm run token` (see `connectorServer`): one set of options, one output. `create`
 * prints the Tenant URL and the Secret Token to paste into Entra, once (only the token's SHA-256
 * hash is stored, see {@link issueToken}); `list` prints a tenant's tokens (id, label, status,
 * created, expires, last use); `revoke` stops one at once; `rotate` issues a replacement while the
 * old token keeps working for the overlap (default 24h, see {@link rotateToken}). `--json` prints
 * one JSON value instead of text.
 *
 * Exit codes: 0 done, 1 no such token, 2 a bad command line (with the usage or what to fix
 * written to `err`).
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
  const request = parseTokenCommand(argv, options);
  if (typeof request === 'number') return request;
  const { tokens, close } = await options.open();
  try {
    return await runAction(request, tokens, options);
  } finally {
    await close();
  }
}

/**
 * The usage of {@link tokenCommand} for its options: the command, the tenant option, and the note.
 *
 * @param options - the command, base path, tenant option and usage note
 * @returns the usage text
 * @example
 * ```ts
 * console.log(tokenCommandUsage({ basePath: '/scim/{tenant}', tenantOption: 'node', command: 'pnpm run token' }));
 * ```
 * @see {@link tokenCommand}
 */
export function tokenCommandUsage(
  options: Pick<TokenCommandOptions, 'basePath' | 'tenantOption' | 'command' | 'requireTenant' | 'usageNote'>,
): string {
  const command = options.command ?? 'npm run token --';
  const flag = options.tenantOption ?? 'tenant';
  const t = needsTenant(options) ? ` --${flag} <${flag}>` : '';
  const pad = (text: string) => text.padEnd(38 + t.length);
  return `Usage: ${command} <command>

  ${pad(`create${t} [--label <label>]`)}issue a Secret Token (shown once) and print the Tenant URL
  ${pad(`list${t}`)}list the tokens: id, label, status, created, expires, last use
  ${pad(`revoke <id>${t}`)}stop a token at once
  ${pad(`rotate <id>${t} [--overlap 24h]`)}issue a new token; the old one keeps working for the overlap

Options:
  --label <label>     a note for operators (default "Entra provisioning")
  --expires <date>    when the token stops working (ISO 8601 date or time, 2027-12-31)
  --overlap <time>    how long a rotated token keeps working: 30m, 24h, 7d (default 24h)
  --json              print JSON instead of text${options.usageNote === undefined ? '' : `\n\n${options.usageNote}`}`;
}

type Action = 'create' | 'list' | 'revoke' | 'rotate';

interface TokenRequest {
  readonly action: Action;
  readonly tenant: string;
  readonly id: string | undefined;
  readonly label: string | undefined;
  readonly expiresAt: Date | undefined;
  readonly overlap: number;
  readonly json: boolean;
}

function needsTenant(options: Pick<TokenCommandOptions, 'basePath' | 'requireTenant'>): boolean {
  return options.basePath.includes('{tenant}') || options.requireTenant === true;
}

/** The command line read and checked, or the exit code when it is not valid (what to fix written to `err`). */
function parseTokenCommand(argv: readonly string[], options: TokenCommandOptions): TokenRequest | number {
  const command = options.command ?? 'npm run token --';
  const flag = options.tenantOption ?? 'tenant';
  const usage = tokenCommandUsage(options);
  const parse = () =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        ...(needsTenant(options)
          ? { [flag]: { type: 'string' as const, ...(flag === 'tenant' ? { short: 't' } : {}) } }
          : {}),
        label: { type: 'string', short: 'l' },
        expires: { type: 'string' },
        overlap: { type: 'string' },
        id: { type: 'string' },
        json: { type: 'boolean' },
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
  const [action, ...rest] = positionals;
  if (values.help || action === undefined || !['create', 'list', 'revoke', 'rotate'].includes(action)) {
    (values.help ? options.out : options.err)(usage);
    return values.help ? 0 : 2;
  }
  const named = (values as Record<string, unknown>)[flag];
  const tenant = needsTenant(options) ? (typeof named === 'string' ? named.trim() : undefined) : 'default';
  if (tenant === undefined || tenant === '') {
    options.err(`Name the ${flag}: ${command} ${action} --${flag} <${flag}>`);
    return 2;
  }
  const byId = action === 'revoke' || action === 'rotate';
  const id = typeof values.id === 'string' ? values.id : byId ? rest.shift() : undefined;
  if (byId && id === undefined) {
    options.err(`Name the token to ${action}: ${command} ${action} <id> (see ${command} list)`);
    return 2;
  }
  if (rest[0] !== undefined) {
    options.err(`Unexpected argument "${rest[0]}".\n\n${usage}`);
    return 2;
  }
  try {
    return {
      action: action as Action,
      tenant,
      id,
      label: typeof values.label === 'string' ? values.label : undefined,
      expiresAt: typeof values.expires === 'string' ? parseDate(values.expires) : undefined,
      overlap: parseDuration(typeof values.overlap === 'string' ? values.overlap : '24h', '--overlap'),
      json: values.json === true,
    };
  } catch (error) {
    options.err((error as Error).message);
    return 2;
  }
}

function parseDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new Error(`--expires "${text}" is not a date; write it like 2027-12-31 or 2027-12-31T23:59:59Z.`);
  }
  return date;
}

/** Runs a checked request on the open token store; returns the exit code. */
async function runAction(
  request: TokenRequest,
  tokens: TokenStore,
  options: TokenCommandOptions,
): Promise<number> {
  const command = options.command ?? 'npm run token --';
  const clock = options.clock ?? Date.now;
  const { tenant, json } = request;
  const tenantArg =
    options.basePath.includes('{tenant}') || options.requireTenant
      ? ` --${options.tenantOption ?? 'tenant'} ${tenant}`
      : '';
  const tenantUrl = `${options.publicUrl.replace(/\/+$/, '')}${options.basePath.replace('{tenant}', encodeURIComponent(tenant))}`;
  const expiresAt = request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt };
  switch (request.action) {
    case 'create': {
      const label = request.label ?? options.defaultLabel ?? 'Entra provisioning';
      const { token, record } = await issueToken(tokens, tenant, { label, clock, ...expiresAt });
      if (json) {
        options.out(
          JSON.stringify({
            id: record.id,
            tenant,
            tenantUrl,
            token,
            label: record.label,
            expires: record.expires,
          }),
        );
      } else {
        options.out(`Tenant URL:   ${tenantUrl}`);
        options.out(`Secret Token: ${token}`);
        options.out(`(token ${record.id}; it is shown once: paste it into Entra now)`);
      }
      return 0;
    }
    case 'list': {
      const listed = await listTokens(tokens, tenant, { clock });
      if (json) options.out(JSON.stringify(listed));
      else if (listed.length === 0) options.out(`No tokens yet: ${command} create${tenantArg} issues one.`);
      else for (const line of tokenTable(listed)) options.out(line);
      return 0;
    }
    case 'revoke': {
      if (!(await revokeToken(tokens, tenant, request.id!, { clock }))) {
        options.err(`There is no token ${request.id}: ${command} list shows the tokens.`);
        return 1;
      }
      options.out(
        json ? JSON.stringify({ id: request.id, tenant, revoked: true }) : `Revoked ${request.id}.`,
      );
      return 0;
    }
    default:
      return rotate(request, tokens, options, tenantUrl);
  }
}

async function rotate(
  request: TokenRequest,
  tokens: TokenStore,
  options: TokenCommandOptions,
  tenantUrl: string,
): Promise<number> {
  const { tenant } = request;
  let rotated: Awaited<ReturnType<typeof rotateToken>>;
  try {
    rotated = await rotateToken(tokens, tenant, request.id!, {
      overlap: request.overlap,
      clock: options.clock ?? Date.now,
      ...(request.label === undefined ? {} : { label: request.label }),
      ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt }),
    });
  } catch (error) {
    if (!isScimError(error)) throw error;
    options.err(error.message);
    return 1;
  }
  const { token, record, previousId, previousExpires } = rotated;
  if (request.json) {
    options.out(
      JSON.stringify({
        id: record.id,
        tenant,
        tenantUrl,
        token,
        label: record.label,
        previousId,
        previousExpires,
      }),
    );
  } else {
    options.out(`Tenant URL:   ${tenantUrl}`);
    options.out(`Secret Token: ${token}`);
    options.out(
      `(token ${record.id}; it is shown once: paste it into Entra now. ${previousId} keeps working until ${previousExpires})`,
    );
  }
  return 0;
}

/** The table `list` prints: the header, then a row per token, each column padded to its widest cell. */
function tokenTable(listed: readonly TokenSummary[]): string[] {
  const header = ['ID', 'LABEL', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED'];
  const rows = listed.map((t) => [
    t.id,
    t.label ?? '',
    t.status,
    t.created,
    t.expires ?? 'never',
    t.lastUsed ?? 'never',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}

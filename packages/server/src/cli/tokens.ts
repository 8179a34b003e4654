import { parseArgs } from 'node:util';
import { isScimError } from '@scim/schemas';
import { issueToken, listTokens, revokeToken, rotateToken } from '../auth/tokens.ts';
import type { CliContext } from './context.ts';
import { parseDuration } from './duration.ts';
import { CliError } from './errors.ts';
import { withStore } from './store.ts';

/** Help for `scim-server tokens`. */
export const tokensHelp = `Usage: scim-server tokens <create|list|revoke|rotate> --tenant <tenant> [options]

Bearer tokens for a tenant. A token is shown once, when created; only its SHA-256 hash is stored.

  tokens create --tenant T [--label L] [--expires 2027-12-31]   issue a token, print it once
  tokens list   --tenant T                                       list ids, labels, status, last use
  tokens revoke --tenant T <id>                                  stop a token (a running server: within 5 s)
  tokens rotate --tenant T <id> [--overlap 24h] [--label L]      issue a new token; the old one
                                                                 keeps working for the overlap

Options:
  --tenant <tenant>   the tenant (for a server without {tenant} in BASE_PATH: default)
  --label <label>     a note for operators, for example "Entra provisioning"
  --expires <date>    when the token stops working (ISO 8601 date or time)
  --overlap <time>    how long a rotated token keeps working: 30m, 24h, 7d (default 24h)
  --json              print JSON instead of text
Environment: DATABASE_URL (default ./scim.db).`;

const DEFAULT_OVERLAP = '24h';

/**
 * Runs `scim-server tokens <action>`.
 *
 * @param argv - the arguments after `tokens`
 * @param context - the injected world
 * @returns the exit code
 * @throws CliError for a bad command line or an unknown token
 * @internal
 */
export async function tokensCommand(argv: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      tenant: { type: 'string', short: 't' },
      label: { type: 'string', short: 'l' },
      expires: { type: 'string' },
      overlap: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, ...rest] = positionals;
  if (values.help || action === undefined) {
    context.out(tokensHelp);
    return action === undefined && !values.help ? 2 : 0;
  }
  if (!['create', 'list', 'revoke', 'rotate'].includes(action)) {
    throw new CliError(`"tokens ${action}" is not a command; use tokens create, list, revoke or rotate.`, 2);
  }
  const tenant = values.tenant?.trim();
  if (!tenant) {
    throw new CliError(
      `tokens ${action} needs --tenant: the tenant the token opens (use --tenant default when BASE_PATH has no {tenant} segment).`,
      2,
    );
  }
  const clock = context.clock ?? Date.now;
  const expiresAt = values.expires === undefined ? undefined : parseDate(values.expires);
  const id = values.id ?? rest[0];
  if ((action === 'revoke' || action === 'rotate') && id === undefined) {
    throw new CliError(
      `tokens ${action} needs the token's id (tok_...); \`scim-server tokens list --tenant ${tenant}\` shows them.`,
      2,
    );
  }
  if (rest.length > (values.id === undefined && (action === 'revoke' || action === 'rotate') ? 1 : 0)) {
    throw new CliError(`tokens ${action}: unexpected argument "${rest.at(-1)}".`, 2);
  }

  return withStore(context, async (store) => {
    switch (action) {
      case 'create': {
        const { token, record } = await issueToken(store.tokens, tenant, {
          clock,
          ...(values.label === undefined ? {} : { label: values.label }),
          ...(expiresAt === undefined ? {} : { expiresAt }),
        });
        if (values.json) {
          context.out(
            JSON.stringify({ id: record.id, tenant, token, label: record.label, expires: record.expires }),
          );
        } else {
          context.err(
            `Created token ${record.id} for tenant "${tenant}"${record.label ? ` (${record.label})` : ''}:`,
          );
          context.out(token);
          context.err(
            'Copy it now: only its hash is stored, so it cannot be shown again. ' +
              `Revoke it with \`scim-server tokens revoke --tenant ${tenant} ${record.id}\`.`,
          );
        }
        return 0;
      }
      case 'list': {
        const tokens = await listTokens(store.tokens, tenant, { clock });
        if (values.json) {
          context.out(JSON.stringify(tokens));
        } else if (tokens.length === 0) {
          context.err(
            `Tenant "${tenant}" has no tokens; create one with \`scim-server tokens create --tenant ${tenant}\`.`,
          );
        } else {
          context.out(
            table(
              ['ID', 'STATUS', 'LABEL', 'CREATED', 'EXPIRES', 'LAST USED'],
              tokens.map((t) => [
                t.id,
                t.status,
                t.label ?? '',
                t.created,
                t.expires ?? '',
                t.lastUsed ?? '',
              ]),
            ),
          );
        }
        return 0;
      }
      case 'revoke': {
        if (!(await revokeToken(store.tokens, tenant, id!, { clock }))) {
          throw new CliError(
            `Tenant "${tenant}" has no token ${id}; \`scim-server tokens list --tenant ${tenant}\` shows its tokens.`,
          );
        }
        if (values.json) context.out(JSON.stringify({ id, tenant, revoked: true }));
        else context.err(`Revoked token ${id} of tenant "${tenant}": it no longer opens anything.`);
        return 0;
      }
      default: {
        const overlap = parseDuration(values.overlap ?? DEFAULT_OVERLAP, '--overlap');
        let rotated: Awaited<ReturnType<typeof rotateToken>>;
        try {
          rotated = await rotateToken(store.tokens, tenant, id!, {
            overlap,
            clock,
            ...(values.label === undefined ? {} : { label: values.label }),
            ...(expiresAt === undefined ? {} : { expiresAt }),
          });
        } catch (error) {
          if (isScimError(error)) throw new CliError(error.message);
          throw error;
        }
        const { token, record, previousId, previousExpires } = rotated;
        if (values.json) {
          context.out(
            JSON.stringify({
              id: record.id,
              tenant,
              token,
              label: record.label,
              previousId,
              previousExpires,
            }),
          );
        } else {
          context.err(`Created token ${record.id} for tenant "${tenant}" to replace ${previousId}:`);
          context.out(token);
          context.err(
            `Copy it now: it cannot be shown again. ${previousId} keeps working until ${previousExpires}; ` +
              'put the new token in place before then.',
          );
        }
        return 0;
      }
    }
  });
}

function parseDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new CliError(
      `--expires "${text}" is not a date; write it like 2027-12-31 or 2027-12-31T23:59:59Z.`,
      2,
    );
  }
  return date;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

import { tokenCommand, tokenCommandUsage } from '../auth/token-command.ts';
import { parsePort, publicUrl } from '../serve/env.ts';
import { DEFAULT_DATABASE } from '../settings/database-url.ts';
import type { CliContext } from './context.ts';
import { DEFAULT_PORT } from './start-settings.ts';
import { DEFAULT_RESOURCE_TYPES } from './store.ts';

const note = `Each token opens one tenant (--tenant default for a server without {tenant} in BASE_PATH).
A running scim-server start keeps accepting a revoked token for up to 5 s (it caches verified tokens).
Environment: DATABASE_URL (default ./scim.db); BASE_PATH and PUBLIC_URL (or HOST and PORT), for the
Tenant URL printed.`;

/** The token command's options that `scim-server tokens` sets, from the environment. */
function cliOptions(env: CliContext['env']) {
  return {
    // As scim-server start serves: at the root unless BASE_PATH says where.
    basePath: env.BASE_PATH?.trim() || '',
    tenantOption: 'tenant',
    requireTenant: true,
    command: 'scim-server tokens',
    usageNote: note,
  } as const;
}

/** Help for `scim-server tokens`. */
export const tokensHelp = tokenCommandUsage(cliOptions({}));

/**
 * Runs `scim-server tokens <action>`: the token command of @scim/server ({@link tokenCommand}) on
 * the store DATABASE_URL names.
 *
 * @param argv - the arguments after `tokens`
 * @param context - the injected world
 * @returns the exit code
 * @internal
 */
export async function tokensCommand(argv: readonly string[], context: CliContext): Promise<number> {
  const { env } = context;
  return tokenCommand(argv, {
    ...cliOptions(env),
    publicUrl: tenantOrigin(env),
    ...(context.clock === undefined ? {} : { clock: context.clock }),
    out: context.out,
    err: context.err,
    open: async () => {
      const store = await context.openStore(env.DATABASE_URL || DEFAULT_DATABASE);
      try {
        await store.open(DEFAULT_RESOURCE_TYPES);
      } catch (error) {
        await store.close();
        throw error;
      }
      return { tokens: store.tokens, close: () => store.close() };
    },
  });
}

/**
 * Where `scim-server start` is reached with the same environment, for the Tenant URL: PUBLIC_URL,
 * else HOST and PORT (start's default port when PORT is unset or not a port).
 */
function tenantOrigin(env: CliContext['env']): string {
  return publicUrl(env, parsePort(env.PORT?.trim() || DEFAULT_PORT) ?? Number(DEFAULT_PORT));
}

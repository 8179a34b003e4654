// `npm run token -- create`: issues a Secret Token to paste into Entra, and prints the Tenant URL.
// `npm run token -- list` lists the tokens (id, label, status, last use), `npm run token -- revoke
// <id>` stops one at once. Only a token's SHA-256 hash is stored: it is shown once, when created.
// Environment: DATABASE_URL (the connector's store), PUBLIC_URL (the https:// address Entra
// reaches; else the local address, from HOST and PORT, as `npm start` serves it).
import { fileURLToPath } from 'node:url';
import { tokenCommand } from '@scim/server';
import { memoryCybSafeApp } from './app.ts';
import { publicUrl, scriptCommand } from './commands.ts';
import { basePath, createConnector, tenantName } from './connector.ts';
import { explainStoreError, openStore } from './store.ts';

/** Where the command writes, and the environment it reads. */
export interface TokenCommandContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Runs the token command (`tokenCommand` of @scim/server on this connector's store); returns the exit code. */
export async function runTokenCommand(
  argv: readonly string[],
  context: TokenCommandContext,
): Promise<number> {
  try {
    return await tokenCommand(argv, {
      basePath,
      tenantOption: tenantName,
      publicUrl: publicUrl(context.env),
      command: scriptCommand('token', context.env),
      out: context.out,
      err: context.err,
      open: async () => {
        const store = openStore(context.env.DATABASE_URL);
        // Opening the connector migrates the store; the app is not called.
        const handler = createConnector({ store, app: memoryCybSafeApp() });
        try {
          await handler.ready;
        } catch (error) {
          await handler.close().catch(() => {});
          throw error;
        }
        return { tokens: store.tokens, close: () => handler.close() };
      },
    });
  } catch (error) {
    const explained = explainStoreError(error, context.env);
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

import type { Readable } from 'node:stream';
import type { StoreLogger } from '../store/fault-log.ts';
import type { ScimStore } from '../store/types.ts';

/**
 * Everything the `scim-server` commands take from the outside world, injected so that each
 * command can be tested without a terminal, a database or a network port.
 *
 * @example
 * ```ts
 * // A command under test: what it prints is kept, and the store is in memory.
 * const printed: string[] = [];
 * const code = await runCli(['tokens', 'create', '--tenant', 'contoso'], {
 *   env: { DATABASE_URL: 'postgres://db/scim' }, cwd: '/srv/scim',
 *   out: (text) => printed.push(text), err: (text) => printed.push(text),
 *   openStore: async () => memoryStore(), // instead of the database DATABASE_URL names
 * });
 * code; // 0; printed[0] is 'Tenant URL:   http://localhost:8080', printed[1] the Secret Token
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-2
 */
export interface CliContext {
  /** The environment: `DATABASE_URL`, `PORT`, `HOST`, `BASE_PATH`, `LOG_LEVEL`, `TRUST_PROXY`, `JWT_*`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory; a relative SQLite path resolves against it. */
  readonly cwd: string;
  /** Prints a result (standard output). */
  readonly out: (text: string) => void;
  /** Prints a hint, a warning or an error (standard error). */
  readonly err: (text: string) => void;
  /**
   * Opens the store a `DATABASE_URL` names (not yet migrated), reporting database faults to
   * `logger` when given, with `queryTimeoutMs` as each list query's budget when given; the bin
   * uses `openStoreFromUrl`.
   */
  readonly openStore: (
    url: string,
    options?: { readonly logger?: StoreLogger; readonly queryTimeoutMs?: number },
  ) => Promise<ScimStore>;
  /** Standard input (`scim-server import -` reads it). */
  readonly stdin?: Readable;
  /** The current time in milliseconds since the epoch; `Date.now` when absent. */
  readonly clock?: () => number;
  /**
   * Called by `start` once it listens; resolves when the server should shut down (the bin: on
   * SIGINT or SIGTERM). Without it the server runs until the process ends.
   */
  readonly waitForShutdown?: () => Promise<unknown>;
  /** Where `start` writes its JSON log lines (default standard output). */
  readonly logDestination?: { write(line: string): void };
}

// What the CLI says when the Tenant URL cannot be reached: the engine sees a request that answered
// nothing (status 0); the CLI keeps the network error behind it and names it.
import type { CliContext } from './context.ts';

/** @internal A fetch that remembers the last network error, and that error in words. */
export interface WatchedFetch {
  readonly fetch: CliContext['fetch'];
  /** "connection refused at <url>" (or what else went wrong), or undefined when every request got an answer. */
  readonly failure: () => string | undefined;
}

/** @internal The error behind a failed fetch, in words: `connection refused`, `no such host`. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    default:
      return `no answer (${cause?.message ?? (error instanceof Error ? error.message : String(error))})`;
  }
}

/** @internal Wraps `fetch` so that a network error can be reported against the Tenant URL. */
export function watchFetch(fetch: CliContext['fetch'], tenantUrl: string): WatchedFetch {
  let last: string | undefined;
  return {
    fetch: async (request) => {
      try {
        const response = await fetch(request);
        last = undefined;
        return response;
      } catch (error) {
        last = `${describeNetworkError(error)} at ${tenantUrl}`;
        throw error;
      }
    },
    failure: () => last,
  };
}

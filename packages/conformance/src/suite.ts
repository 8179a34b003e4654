/**
 * Runs Microsoft's SCIM test collection (`microsoft/microsoft-scim-tests.postman_collection.json`)
 * against a SCIM base URL with newman, and reports each failure by folder, request and assertion.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The collection, as kept in the repository (see microsoft/README.md for its source and licence). */
export const collectionFile = join(
  import.meta.dirname,
  '..',
  'microsoft',
  'microsoft-scim-tests.postman_collection.json',
);

/**
 * The folders that are run, in order. The collection's "Get Token" folder is left out: it asks a
 * development-token endpoint of Microsoft's sample server, which is no part of SCIM.
 */
export const folders = [
  'Endpoint tests',
  'User tests',
  'Group tests',
  'ComplexAttribute tests',
  'User tests with garbage',
  'Group tests with garbage',
  'Teardown garbage',
] as const;

/** One failed check of a run: an assertion that did not hold, or a request or script that failed. */
export interface SuiteFailure {
  readonly folder: string;
  readonly request: string;
  /** The assertion's name (`Status code is 204`), or where the error happened (`request`). */
  readonly assertion: string;
  readonly message: string;
}

/** What a run of the collection found. */
export interface SuiteResult {
  /** Every assertion the run made. */
  readonly assertions: number;
  readonly failures: readonly SuiteFailure[];
}

/** The variables the collection builds its URLs from: `{{Protocol}}://{{Server}}{{Port}}/{{Api}}/Users`. */
export function collectionVariables(baseUrl: string, token: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`"${baseUrl}" is not a URL; pass the SCIM base URL, e.g. http://localhost:3000/scim/v2`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`"${baseUrl}" is not an http(s) URL`);
  return {
    Protocol: url.protocol.slice(0, -1),
    Server: url.hostname,
    Port: url.port === '' ? '' : `:${url.port}`,
    Api: url.pathname.replace(/^\/+|\/+$/g, ''),
    token,
  };
}

interface NewmanFailure {
  error: { name?: string; test?: string; message?: string };
  at: string;
  source?: { name?: string };
  parent?: { name?: string };
}
interface NewmanSummary {
  run: { failures: NewmanFailure[]; stats: { assertions: { total: number } } };
}
interface Newman {
  run(
    options: Record<string, unknown>,
    done: (error: Error | null, summary: NewmanSummary) => void,
  ): { on(event: string, listener: (...args: unknown[]) => void): void };
}

/** Options of {@link runSuite}. */
export interface RunSuiteOptions {
  /** Print newman's report of every request and assertion (default true). */
  readonly report?: boolean;
  /** How long a request may take, in milliseconds (default 30 s). */
  readonly timeoutRequest?: number;
}

/**
 * Runs the collection against `baseUrl`, sending `token` as the bearer token. The server must start
 * empty: the collection creates, lists, pages and deletes its own users and groups, and counts them.
 */
export async function runSuite(
  baseUrl: string,
  token: string,
  options: RunSuiteOptions = {},
): Promise<SuiteResult> {
  const variables = collectionVariables(baseUrl, token);
  // newman is CommonJS without an ESM entry.
  const newman = createRequire(import.meta.url)('newman') as Newman;
  const summary = await new Promise<NewmanSummary>((resolve, reject) => {
    newman.run(
      {
        collection: collectionFile,
        envVar: Object.entries(variables).map(([key, value]) => ({ key, value })),
        folder: [...folders],
        reporters: options.report === false ? [] : ['cli'],
        timeoutRequest: options.timeoutRequest ?? 30_000,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  return {
    assertions: summary.run.stats.assertions.total,
    failures: summary.run.failures.map((f) => ({
      folder: f.parent?.name ?? '',
      request: f.source?.name ?? '',
      assertion: f.error.test ?? f.at,
      message: f.error.message ?? f.error.name ?? 'failed',
    })),
  };
}

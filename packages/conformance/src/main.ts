/**
 * `pnpm run conformance <base-url> <token>`: runs Microsoft's SCIM test collection against a SCIM
 * endpoint and compares its failures with microsoft/expected-failures.json. Exits 0 when the run
 * failed exactly the expected assertions, 1 on any other failure (or an expected one that passed),
 * 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import {
  applicable,
  compareFailures,
  describeFailure,
  expectedFailuresFile,
  readExpectedFailures,
} from './expected.ts';
import { type RunSuiteOptions, runSuite, type SuiteResult } from './suite.ts';

export const usage = `usage: pnpm run conformance <base-url> <token> [--expected <file>] [--quiet]

Runs Microsoft's SCIM test collection (packages/conformance/microsoft, from AzureAD/SCIMReferenceCode,
MIT) against a SCIM service provider that starts empty, and compares its failures with the expected
ones (packages/conformance/microsoft/expected-failures.json). Exit code 0 when exactly the expected
assertions failed.

  <base-url>         the SCIM base URL (the Tenant URL), e.g. http://localhost:3000/scim/v2
  <token>            the bearer token the collection sends
  --expected <file>  another expected-failures file (the same shape)
  --quiet            print only the comparison, not newman's report of every request

Environment:
  USER_PATCH_RESPONSE=204  the server answers a user PATCH with 204 (scim-server's switch of the
                           same name): the two assertions that want 204 are then expected to pass`;

/** Where {@link main} writes, and what it runs: replaced in tests. */
export interface MainIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly run?: (url: string, token: string, options: RunSuiteOptions) => Promise<SuiteResult>;
}

/** Undefined when something answers HTTP at `url`, else what went wrong ("connection refused"). */
async function unreachable(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'ECONNREFUSED') return 'connection refused';
    return `no answer (${cause?.message ?? (error as Error).message})`;
  }
}

export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`conformance: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (parsed.values.help) {
    io.out(usage);
    return 0;
  }
  const [url, token] = parsed.positionals;
  if (url === undefined || token === undefined || parsed.positionals.length > 2) {
    io.err(usage);
    return 2;
  }
  const expectedFile = parsed.values.expected ?? expectedFailuresFile;
  const expected = applicable(readExpectedFailures(expectedFile), io.env);
  const down = await unreachable(url);
  if (down !== undefined) {
    io.err(`conformance: ${down} at ${url}; start the SCIM server first, empty, and pass its base URL`);
    return 1;
  }
  const result = await (io.run ?? runSuite)(url, token, { report: !parsed.values.quiet });
  const { unexpected, fixed } = compareFailures(result.failures, expected);
  const failed = result.failures.length;
  io.out(
    `conformance: ${result.assertions - failed} of ${result.assertions} assertions passed; ` +
      `${failed - unexpected.length} failed as expected, ${unexpected.length} unexpectedly` +
      (fixed.length > 0 ? `; ${fixed.length} expected to fail passed` : ''),
  );
  for (const f of unexpected) io.err(`  ✗ unexpected failure: ${describeFailure(f)}: ${f.message}`);
  for (const e of fixed)
    io.err(`  ✗ expected to fail but passed: ${describeFailure(e)} (remove it from ${expectedFile})`);
  return unexpected.length === 0 && fixed.length === 0 ? 0 : 1;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      expected: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

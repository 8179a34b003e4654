/**
 * The failures a run of Microsoft's collection is expected to have (microsoft/expected-failures.json),
 * and the comparison of a run's failures with them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteFailure } from './suite.ts';

/** The expected-failures file kept next to the collection. */
export const expectedFailuresFile = join(import.meta.dirname, '..', 'microsoft', 'expected-failures.json');

/** One assertion expected to fail, and why. */
export interface ExpectedFailure {
  readonly folder: string;
  readonly request: string;
  readonly assertion: string;
  readonly why: string;
  /**
   * Environment variables under which the assertion passes instead: `{ "USER_PATCH_RESPONSE": "204" }`
   * for the two that want 204 for a user PATCH. The runner reads them from its own environment, so
   * one setting configures the server and the expectation alike.
   */
  readonly unless?: Readonly<Record<string, string>>;
}

/** Reads an expected-failures file: `{ "failures": ExpectedFailure[] }`. */
export function readExpectedFailures(file = expectedFailuresFile): ExpectedFailure[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { failures?: unknown };
  if (!Array.isArray(data.failures)) throw new Error(`${file}: expected { "failures": [...] }`);
  for (const [i, f] of data.failures.entries()) {
    for (const key of ['folder', 'request', 'assertion', 'why'])
      if (typeof f?.[key] !== 'string') throw new Error(`${file}: failures[${i}].${key} must be a string`);
  }
  return data.failures as ExpectedFailure[];
}

/** The expected failures that apply under `env`: those whose `unless` does not hold. */
export function applicable(
  expected: readonly ExpectedFailure[],
  env: Readonly<Record<string, string | undefined>>,
): ExpectedFailure[] {
  return expected.filter(
    (e) => e.unless === undefined || !Object.entries(e.unless).every(([k, v]) => env[k] === v),
  );
}

/** A run's failures set against the expected ones. */
export interface Comparison {
  /** Failures the list does not expect: each fails the run. */
  readonly unexpected: readonly SuiteFailure[];
  /** Expected failures that did not happen: each fails the run too (the list must stay true). */
  readonly fixed: readonly ExpectedFailure[];
  /** Failures the list expects. */
  readonly expected: readonly SuiteFailure[];
}

const key = (f: { folder: string; request: string; assertion: string }) =>
  `${f.folder}\u0000${f.request}\u0000${f.assertion}`;

/** Matches failures with expected failures one for one (a request name can occur twice in a folder). */
export function compareFailures(
  failures: readonly SuiteFailure[],
  expected: readonly ExpectedFailure[],
): Comparison {
  const left = new Map<string, ExpectedFailure[]>();
  for (const e of expected) left.set(key(e), [...(left.get(key(e)) ?? []), e]);
  const unexpected: SuiteFailure[] = [];
  const matched: SuiteFailure[] = [];
  for (const f of failures) {
    const pending = left.get(key(f));
    if (pending !== undefined && pending.length > 0) {
      pending.shift();
      matched.push(f);
    } else unexpected.push(f);
  }
  return { unexpected, fixed: [...left.values()].flat(), expected: matched };
}

/** Names a failure on one line: `User tests with garbage › Patch user omalley new username › Status code is 204`. */
export function describeFailure(f: { folder: string; request: string; assertion: string }): string {
  return `${f.folder} › ${f.request} › ${f.assertion}`;
}

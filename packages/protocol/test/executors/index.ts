// The registry of case executors: test/cases/<group>/*.json is run by executors[<group>].
// Add one line per group.
import { filterEvaluate, filterParse } from './filter.ts';
import { patch } from './patch.ts';
import { projection, sortPage } from './projection.ts';

/** One case of a case file: a name, and whatever its group's executor reads. */
export interface TestCase {
  readonly name: string;
  readonly [key: string]: unknown;
}

/** A case file: an optional description, the cases, and whatever shared data its group reads. */
export interface CaseFile {
  readonly description?: string;
  readonly cases: readonly TestCase[];
  readonly [key: string]: unknown;
}

/** Runs one case; throws (through `expect`) when the case fails. */
export type Executor = (testCase: TestCase, file: CaseFile) => void | Promise<void>;

export const executors: Readonly<Record<string, Executor>> = {
  'filter-parse': filterParse,
  'filter-evaluate': filterEvaluate,
  patch,
  projection,
  'sort-page': sortPage,
};

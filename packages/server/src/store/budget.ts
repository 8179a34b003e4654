/**
 * The time budget of one list query (`queryTimeoutMs` of every store): its default, how an option
 * is read, and the error a query that runs out of it answers.
 *
 * @internal
 * @packageDocumentation
 */
import { ScimError } from '@scim/schemas';

/**
 * How long one list query (its count, its page and its members) may run, in milliseconds, unless
 * a store is told otherwise: issue 11's goal for the worst request the limits allow on 100,000
 * users is 250 ms for the whole request, and 50 ms of it are left for the rest of the request
 * (parsing, the page's JSON). @internal
 */
export const DEFAULT_QUERY_TIMEOUT_MS = 200;

/**
 * The budget a `queryTimeoutMs` option gives: the default when absent, `Infinity` (no budget) for
 * `0`.
 *
 * @throws ScimError `invalidValue` for a negative or non-numeric value
 * @internal
 */
export function queryBudget(option: number | undefined, store: string): number {
  if (option === undefined) return DEFAULT_QUERY_TIMEOUT_MS;
  if (typeof option !== 'number' || Number.isNaN(option) || option < 0) {
    throw new ScimError(
      'invalidValue',
      `${store}: queryTimeoutMs ${String(option)} is not a duration; give milliseconds (a positive number), or 0 for no limit`,
      { token: String(option) },
    );
  }
  return option === 0 ? Number.POSITIVE_INFINITY : option;
}

/**
 * The 400 `tooMany` of a list query that ran out of its budget: RFC 7644 section 3.12 gives
 * `tooMany` to "a filter [that] yields many more results than the server is willing to calculate
 * or process". It is not a 503: the same query would run out again, so the client has to narrow
 * it, not retry it. @internal
 */
export function overBudget(resourceType: string, budgetMs: number, cause?: unknown): ScimError {
  return new ScimError(
    'tooMany',
    `this ${resourceType} query needs more than the ${formatMs(budgetMs)} this service provider gives one query (it reads too many resources); narrow the filter with an indexed comparison (id, userName, externalId or displayName eq, emails.value eq), or sort by an indexed attribute, or ask for a smaller count`,
    { cause },
  );
}

function formatMs(ms: number): string {
  return ms >= 1 ? `${Math.round(ms)} ms` : `${ms} ms`;
}

// The rate limit of Graph's provisionOnDemand: 5 requests per 10 seconds. Internal to the package.

/** Requests allowed in one window. */
const LIMIT = 5;
/** The window, in milliseconds of the tenant's clock. */
const WINDOW_MS = 10_000;

/**
 * Counts a provisionOnDemand request of a job at `now` (epoch ms on the tenant's clock), keeping the
 * job's recent requests in `calls`. Graph: "The rate limit for this API is 5 requests per 10
 * seconds."
 *
 * @param calls - the job's recent requests, oldest first; updated in place
 * @param now - the request's time
 * @returns `null` when the request may run, else the seconds to wait (for `Retry-After`)
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 * @internal
 */
export function throttleOnDemand(calls: number[], now: number): number | null {
  while (calls.length > 0 && calls[0]! <= now - WINDOW_MS) calls.shift();
  if (calls.length >= LIMIT) return Math.max(1, Math.ceil((calls[0]! + WINDOW_MS - now) / 1000));
  calls.push(now);
  return null;
}

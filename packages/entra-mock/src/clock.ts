import { ScimError } from '@scim/schemas';

/**
 * A clock the tenant reads instead of `Date.now()`, so tests control time: soft-deleted objects
 * expire after 30 days of simulated time and tokens after an hour, with no real waiting.
 *
 * @example
 * ```ts
 * import { createEntraTenant, type EntraClock } from '@scim/entra-mock';
 * const clock: EntraClock = { now: () => new Date('2026-01-01T00:00:00Z') }; // time stands still
 * const tenant = createEntraTenant({ clock }); // every createdDateTime is that instant
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/users/users-restore
 */
export interface EntraClock {
  /**
   * The current instant.
   *
   * @returns a new `Date` for the simulated now
   */
  now(): Date;
}

/**
 * A clock that only moves when told to.
 *
 * @example
 * ```ts
 * const clock = createManualClock('2026-01-01T00:00:00Z');
 * clock.advance(40 * 60_000); // one provisioning interval later
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 */
export interface ManualClock extends EntraClock {
  /**
   * Moves the clock forward.
   *
   * @param milliseconds - how far, at least 0
   * @returns the new now
   */
  advance(milliseconds: number): Date;
  /**
   * Moves the clock to an instant, which must not be before the current one.
   *
   * @param instant - the new now
   * @returns the new now
   */
  set(instant: Date | string | number): Date;
}

/** The instant a {@link createManualClock} starts at when given none. */
const DEFAULT_START = Date.UTC(2026, 0, 1, 8, 0, 0);

/**
 * Creates a clock that starts at `start` and moves only through `advance` and `set`.
 *
 * @param start - the first instant (a `Date`, an ISO string or epoch milliseconds); defaults to
 *   2026-01-01T08:00:00Z so that runs are reproducible
 * @returns a {@link ManualClock}
 * @throws ScimError `invalidValue` when `start` is not a valid date, or when `advance` / `set` would move
 *   time backwards
 * @example
 * ```ts
 * const clock = createManualClock('2026-03-01T00:00:00Z');
 * const tenant = createEntraTenant({ clock });
 * clock.advance(31 * 24 * 3_600_000); // soft-deleted users are now purged
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/users/users-restore
 */
export function createManualClock(start: Date | string | number = DEFAULT_START): ManualClock {
  let current = toEpoch(start);
  return {
    now: () => new Date(current),
    advance(milliseconds) {
      if (!Number.isFinite(milliseconds) || milliseconds < 0) {
        throw new ScimError(
          'invalidValue',
          `clock: cannot advance by ${milliseconds} ms; pass a finite number >= 0`,
        );
      }
      current += milliseconds;
      return new Date(current);
    },
    set(instant) {
      const next = toEpoch(instant);
      if (next < current) {
        throw new ScimError(
          'invalidValue',
          `clock: cannot move back from ${new Date(current).toISOString()} to ${new Date(next).toISOString()}; time only moves forward`,
        );
      }
      current = next;
      return new Date(current);
    },
  };
}

function toEpoch(value: Date | string | number): number {
  const epoch =
    value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(epoch))
    throw new ScimError('invalidValue', `clock: ${String(value)} is not a valid date`);
  return epoch;
}

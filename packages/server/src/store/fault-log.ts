/**
 * How a store reports that its database became unavailable, and available again: one line per
 * cause, not one per request. Internal, apart from {@link StoreLogger}, which the stores' options
 * name (so no internal tag here: it would strip that interface from the declarations too).
 *
 * @packageDocumentation
 */

/**
 * Where a store reports database faults: pino's `error` and `info`, or anything shaped like them
 * (`createLogger()` fits). The store logs each cause once, when it starts, and once when the
 * database is back; never per request.
 *
 * @example
 * ```ts
 * import { createLogger, sqliteStore } from '@scim/server';
 * const store = sqliteStore({ path: 'scim.db', logger: createLogger() });
 * ```
 * @see https://getpino.io/#/docs/api?id=logging-method-parameters
 */
export interface StoreLogger {
  /** Logs that the database became unavailable, with the cause. */
  error(object: object, message?: string): void;
  /** Logs that the database is available again. */
  info(object: object, message?: string): void;
}

/** The current fault of a store, logged when it changes. @internal */
export class FaultLog {
  private readonly logger: StoreLogger | undefined;
  private readonly store: string;
  private current: string | undefined;
  /** Whether only a successful write ends the current fault (reads succeed while writes fail). */
  private writesOnly = false;

  constructor(store: string, logger: StoreLogger | undefined) {
    this.store = store;
    this.logger = logger;
  }

  /** Whether a fault is being reported. */
  get failing(): boolean {
    return this.current !== undefined;
  }

  /**
   * Records a fault: logged when its cause differs from the fault already reported (a new cause
   * is a new line; the same one again is not). With `writesOnly` (a write failed: the file is
   * read-only, another process holds the lock), reads that still succeed do not end it.
   */
  down(cause: string, detail: Readonly<Record<string, unknown>> = {}, writesOnly = false): void {
    if (this.current === cause) return;
    this.current = cause;
    this.writesOnly = writesOnly;
    this.logger?.error({ store: this.store, cause, ...detail }, `the ${this.store} database ${cause}`);
  }

  /** Records that the database answered (`byWrite`: a write committed): logged once after a fault. */
  up(byWrite: boolean, detail: Readonly<Record<string, unknown>> = {}): void {
    if (this.current === undefined || (this.writesOnly && !byWrite)) return;
    const was = this.current;
    this.current = undefined;
    this.logger?.info(
      { store: this.store, recovered: was, ...detail },
      `the ${this.store} database is available again`,
    );
  }
}

// The fault tests' load: concurrent POST /Users through the handler (the path production takes),
// a fault injected after a number of acknowledged writes, healed after a while, and the figures:
// which writes were acknowledged (2xx), what the others were answered, how long until the first
// failure after the fault and the first success after healing. Bounded by attempts and time.
import { URN } from '@scim/schemas';

export interface LoadOptions {
  readonly handler: (request: Request) => Promise<Response>;
  /** Names the users (`<prefix>-<n>`). */
  readonly prefix: string;
  /** Concurrent writers. */
  readonly workers: number;
  /** Acknowledged writes before the fault. */
  readonly before: number;
  /** Injects the fault. */
  readonly fault: () => void | Promise<void>;
  /** The fault lasts until this many requests failed after it, or this long (ms), whichever comes first. */
  readonly during: { readonly failures: number; readonly maxMs: number };
  /** Ends the fault. */
  readonly heal: () => void | Promise<void>;
  /** Acknowledged writes after healing, then the load stops. */
  readonly after: number;
  /** At most this many requests, and this long (ms), in all. */
  readonly maxAttempts: number;
  readonly maxMs: number;
}

export interface LoadReport {
  /** userNames of the acknowledged (201) creates. */
  readonly acknowledged: readonly string[];
  /** userNames of the creates answered otherwise (they may or may not have committed). */
  readonly unacknowledged: readonly string[];
  /** How many requests got each status. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Milliseconds from the fault to the first failed request (undefined: none failed). */
  readonly detectMs: number | undefined;
  /** Milliseconds from the end of the fault to the first acknowledged write after it. */
  readonly recoveryMs: number | undefined;
  /** Whether every 503 carried Retry-After. */
  readonly retryAfterOnEvery503: boolean;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const started = performance.now();
  const acknowledged: string[] = [];
  const unacknowledged: string[] = [];
  const statuses: Record<string, number> = {};
  let retryAfterOnEvery503 = true;
  let phase: 'before' | 'fault' | 'during' | 'heal' | 'after' = 'before';
  let faultAt = 0;
  let healedAt = 0;
  let failuresDuring = 0;
  let firstFailure: number | undefined;
  let firstSuccessAfter: number | undefined;
  let ackedAfter = 0;
  let attempts = 0;
  let next = 0;

  const done = () =>
    attempts >= options.maxAttempts ||
    performance.now() - started > options.maxMs ||
    (phase === 'after' && ackedAfter >= options.after);

  const step = async () => {
    if (phase === 'before' && acknowledged.length >= options.before) {
      phase = 'fault';
      await options.fault();
      faultAt = performance.now();
      phase = 'during';
    }
    if (
      phase === 'during' &&
      (failuresDuring >= options.during.failures || performance.now() - faultAt >= options.during.maxMs)
    ) {
      phase = 'heal';
      await options.heal();
      healedAt = performance.now();
      phase = 'after';
    }
  };

  const worker = async () => {
    while (!done()) {
      // Requests reach a server through its sockets: let the event loop turn between them (the
      // SQLite store answers without waiting on I/O, so back-to-back calls would never yield).
      await new Promise((resolve) => setImmediate(resolve));
      await step();
      attempts++;
      const userName = `${options.prefix}-${next++}`;
      const inPhase = phase;
      let status: number;
      try {
        const response = await options.handler(
          new Request('http://faults.test/Users', {
            method: 'POST',
            headers: { authorization: 'Bearer fault', 'content-type': 'application/scim+json' },
            body: JSON.stringify({ schemas: [URN.User], userName }),
          }),
        );
        status = response.status;
        if (status === 503 && response.headers.get('retry-after') === null) retryAfterOnEvery503 = false;
        await response.arrayBuffer();
      } catch {
        status = 0; // the handler threw: it never should
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      const now = performance.now();
      if (status === 201) {
        acknowledged.push(userName);
        if (phase === 'after' || inPhase === 'after') {
          ackedAfter++;
          firstSuccessAfter ??= now;
        }
      } else {
        unacknowledged.push(userName);
        if (faultAt > 0) firstFailure ??= now;
        if (phase === 'during') failuresDuring++;
        // A client backs off on 503 (Entra retries later); a short pause keeps the loop bounded.
        await pause(10);
      }
    }
  };

  await Promise.all(Array.from({ length: options.workers }, worker));
  return {
    acknowledged,
    unacknowledged,
    statuses,
    detectMs: firstFailure === undefined ? undefined : Math.max(0, firstFailure - faultAt),
    recoveryMs: firstSuccessAfter === undefined ? undefined : Math.max(0, firstSuccessAfter - healedAt),
    retryAfterOnEvery503,
  };
}

/** One line with the figures, for the test output (and the report). */
export function printReport(name: string, report: LoadReport, extra: Record<string, unknown> = {}): void {
  const round = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms));
  console.log(
    `fault ${name}: ${JSON.stringify({
      acknowledged: report.acknowledged.length,
      unacknowledged: report.unacknowledged.length,
      statuses: report.statuses,
      detectMs: round(report.detectMs),
      recoveryMs: round(report.recoveryMs),
      ...extra,
    })}`,
  );
}

import { readFileSync } from 'node:fs';
/**
 * What every benchmark server shares: the generated directory (the same users for every server),
 * and the message a server sends its parent once it listens.
 */

/** The bench's bearer token (loopback only). */
export const TOKEN = 'bench-secret-token';

/** How many users to load (100,000 by default, as the issue asks). */
export const USERS = Number(process.env.BENCH_USERS ?? 100_000);

/** Members of the small and of the large group. */
export const SMALL_GROUP = 10;
export const LARGE_GROUP = Math.min(10_000, Math.floor(USERS / 2));

/** The i-th user of the directory, as a SCIM create body. */
export function benchUser(i: number): Record<string, unknown> {
  const n = String(i).padStart(6, '0');
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `user${n}@example.com`,
    externalId: `ext-${n}`,
    active: true,
    displayName: `User ${n}`,
    name: { givenName: 'User', familyName: n },
    emails: [{ value: `user${n}@example.com`, type: 'work', primary: true }],
  };
}

/** What a server process reports to the bench once it is ready. */
export interface ReadyMessage {
  readonly ready: true;
  readonly port: number;
  /** Resident set size after loading, in bytes (after a GC). */
  readonly rss: number;
  /** How long loading took, in ms. */
  readonly loadMs: number;
  /** The id of one user in the middle of the directory. */
  readonly userId: string;
  /** Ids of users that belong to no group, for member PATCHes. */
  readonly spareUserIds: readonly string[];
  readonly smallGroupId: string;
  readonly largeGroupId: string;
  /** The SQLite file the server serves, when it has one (for the as-shipped CLI case). */
  readonly database?: string;
}

/** CPU time a process has used so far (user + system, all threads), in µs, from /proc; NaN when unknown. */
export function cpuMicros(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of the line (11 and 12 after the command), in ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/** Resident set size after a GC (the benchmark runs servers with --expose-gc). */
function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

/**
 * Sends the ready message (the process is a forked child), and from then on answers the parent's
 * `{ memory: true }` with `{ memory: true, rss }`.
 */
export function ready(message: Omit<ReadyMessage, 'ready' | 'rss'>): void {
  process.send?.({ ready: true, rss: rss(), ...message } satisfies ReadyMessage);
  process.on('message', (m: { memory?: boolean }) => {
    if (m.memory) {
      const resident = rss();
      process.send?.({ memory: true, ...process.memoryUsage(), rss: resident });
    }
  });
}

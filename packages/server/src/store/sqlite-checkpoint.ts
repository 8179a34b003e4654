/**
 * The checkpoint thread of a SQLite store (a `worker_threads` worker started by
 * `SqliteCheckpointer`): copies the commits of the store's write-ahead log into the database file
 * (`PRAGMA wal_checkpoint(PASSIVE)`) off the event loop, so that no request waits for it. SQLite
 * would otherwise run it inside the commit that crosses `wal_autocheckpoint` pages, on the event
 * loop: 22 to 30 ms for the store's largest writes (docs/decisions/0010).
 *
 * Per request it opens a writable connection of its own, checkpoints, and closes it: the store's
 * connection stays open meanwhile, so closing this one never ends the database's last connection
 * (which would delete the `-wal`), and a connection is never kept on a file the store has since
 * found replaced. Before it opens the file, it checks that the database and its `-wal` are still
 * the files the store opened (device and inode): it never opens a file put in their place, nor
 * recovers a log that is not the store's. A `PASSIVE` checkpoint never waits for a lock and never
 * holds up the store's writes; one that ran while the store wrote is run again at once, a few
 * times, so that it ends with every commit copied and the next write can start the log anew.
 *
 * Messages in: `{ id, identity }`, or `{ end: true }` (end the thread). Messages out: `{ ready: true }`
 * once started; per request `{ id, ok: true, busy, log, checkpointed, runs }` (SQLite's answer to the
 * last run: `log` frames in the log, `checkpointed` of them copied), `{ id, ok: false, moved: true }`
 * (the files are not the store's any more: nothing opened), or `{ id, ok: false, error }`.
 *
 * @internal
 * @packageDocumentation
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { type FileIdentity, stillAt } from './sqlite-identity.ts';

/** What the store gives the thread when it starts it. @internal */
export interface CheckpointData {
  /** What the connection opens (the store's own path or `file:` URI). */
  readonly path: string;
  /** The database file's absolute path, whose identity is checked. */
  readonly file: string;
  /** SQLite's own busy wait (a `PASSIVE` checkpoint does not wait; opening may). */
  readonly busySliceMs: number;
}

/** A request to checkpoint the files the store opened. @internal */
export interface CheckpointJob {
  readonly id: number;
  readonly identity: FileIdentity;
}

/** What the store sends: a checkpoint, or the word to end. @internal */
export type CheckpointRequest = CheckpointJob | { readonly end: true };

/** SQLite's answer to `PRAGMA wal_checkpoint`. @internal */
export interface CheckpointResult {
  /** 1 when another connection's checkpoint or a lock held it back. */
  readonly busy: number;
  /** Frames in the log. */
  readonly log: number;
  /** Frames of the log copied into the database file. */
  readonly checkpointed: number;
}

/** What the thread answers. @internal */
export type CheckpointReply =
  | { readonly ready: true }
  | ({ readonly id: number; readonly ok: true; readonly runs: number } & CheckpointResult)
  | { readonly id: number; readonly ok: false; readonly moved: true }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly message: string; readonly errcode?: number };
    };

/** How many times one request checkpoints while the store's writes keep adding to the log. */
const RUNS = 4;

const data = workerData as CheckpointData;

/** Checkpoints until every commit is copied (or {@link RUNS} times); the last run's answer. */
function checkpoint(db: DatabaseSync): CheckpointResult & { runs: number } {
  const statement = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  let result: CheckpointResult = { busy: 0, log: 0, checkpointed: 0 };
  let runs = 0;
  while (runs < RUNS) {
    runs++;
    result = statement.get() as unknown as CheckpointResult;
    if (result.busy !== 0 || result.checkpointed >= result.log) break;
  }
  return { ...result, runs };
}

function handle(job: CheckpointJob): CheckpointReply {
  if (!stillAt(data.file, job.identity)) return { id: job.id, ok: false, moved: true };
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(data.path);
    db.exec(`PRAGMA busy_timeout = ${data.busySliceMs}`);
    // As the store's own connection: the checkpoint syncs the log before it copies it, and the
    // file after, whatever this says; it only saves the sync of a log this connection would write.
    db.exec('PRAGMA synchronous = NORMAL');
    return { id: job.id, ok: true, ...checkpoint(db) };
  } catch (error) {
    const e = error as { message?: unknown; errcode?: unknown };
    return {
      id: job.id,
      ok: false,
      error: {
        message: typeof e.message === 'string' ? e.message : String(error),
        ...(typeof e.errcode === 'number' ? { errcode: e.errcode } : {}),
      },
    };
  } finally {
    try {
      db?.close();
    } catch {}
  }
}

const port = parentPort;
if (port !== null) {
  port.on('message', (request: CheckpointRequest) => {
    if ('end' in request) process.exit(0);
    else port.postMessage(handle(request));
  });
  port.postMessage({ ready: true } satisfies CheckpointReply);
}

/**
 * The identity of a SQLite store's files (device and inode of the database and its `-wal`), so
 * the store notices when its file is deleted or replaced while it holds it open, instead of
 * writing on into a file no one will ever open again.
 *
 * @internal
 * @packageDocumentation
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { ScimError } from '@scim/schemas';
import { RETRY_AFTER_SECONDS } from '../retry-after.ts';
import { type FileIdentity, type Identity, identityOf, same } from './sqlite-identity.ts';

/** What happened to a database file since it was opened. @internal */
export type FileProblem =
  /** The path names no file: deleted or moved away. */
  | 'gone'
  /** The path names another file: replaced (a restore, a `mv` over it). */
  | 'replaced'
  /** The database is in place but its `-wal` was deleted or replaced. */
  | 'wal-gone';

/** A database file and the identity it had when the store opened it. @internal */
export class DatabaseFile {
  /** The absolute path (a relative one is resolved once, so a later `chdir` changes nothing). */
  readonly path: string;
  private db: Identity | undefined;
  private wal: Identity | undefined;
  private shm: Identity | undefined;

  private constructor(path: string) {
    this.path = resolve(path);
  }

  /**
   * The file behind a store path (a file name, or a `file:` URI as SQLite reads it), or
   * `undefined` for an in-memory database.
   */
  static of(path: string): DatabaseFile | undefined {
    if (path === '' || path === ':memory:') return undefined;
    if (!path.startsWith('file:')) return new DatabaseFile(path);
    const [name = '', query = ''] = path.slice('file:'.length).split(/[?#]/, 2);
    if (/(?:^|&)mode=memory(?:&|$)/.test(query)) return undefined;
    // `file:///x` and `file://localhost/x` name /x; `file:x` and `file:/x` name x and /x.
    const local = name.replace(/^\/\/(?:localhost)?(?=\/)/, '');
    let decoded = local;
    try {
      decoded = decodeURIComponent(local);
    } catch {}
    return decoded === '' || decoded === ':memory:' ? undefined : new DatabaseFile(decoded);
  }

  /** Records the identity of the files just opened (`-wal` and `-shm` only when they exist). */
  remember(): void {
    this.db = identityOf(this.path);
    this.wal = identityOf(`${this.path}-wal`);
    this.shm = identityOf(`${this.path}-shm`);
  }

  /**
   * Deletes the `-wal` and `-shm` of the database that was opened, once its handle is closed, if
   * they are still at the path. SQLite does not checkpoint nor delete them when its database file
   * was deleted or replaced, and left there they would be replayed into whatever file is put at
   * the path next (a restored backup): another database's pages. Files at those names that are
   * not the ones recorded (the new file's own) are left alone.
   */
  removeStale(): void {
    for (const [suffix, recorded] of [
      ['-wal', this.wal],
      ['-shm', this.shm],
    ] as const) {
      const now = identityOf(`${this.path}${suffix}`);
      if (recorded !== undefined && now !== undefined && same(now, recorded)) {
        rmSync(`${this.path}${suffix}`, { force: true });
      }
    }
  }

  /** The identity recorded by {@link remember}, if any. */
  identity(): FileIdentity | undefined {
    return this.db === undefined ? undefined : { db: this.db, wal: this.wal };
  }

  /** Whether the path names a file. */
  exists(): boolean {
    return identityOf(this.path) !== undefined;
  }

  /** What happened to the files since {@link remember}: two `stat` calls, no exception. */
  problem(): FileProblem | undefined {
    if (this.db === undefined) return undefined;
    const now = identityOf(this.path);
    if (now === undefined) return 'gone';
    if (!same(now, this.db)) return 'replaced';
    if (this.wal !== undefined) {
      const wal = identityOf(`${this.path}-wal`);
      if (wal === undefined || !same(wal, this.wal)) return 'wal-gone';
    }
    return undefined;
  }

  /** Where to write a copy of a database whose file is gone: next to it, named by the time. */
  rescuePath(at: Date): string {
    return `${this.path}.rescued-${at.toISOString().replace(/[:.]/g, '-')}`;
  }
}

/**
 * What a database file holds: a SCIM database (it has `scim_migrations`), nothing (a new or 0-byte
 * file), or another application's tables. Reads `sqlite_master` only: nothing is written.
 *
 * @internal
 */
export function databaseContents(db: DatabaseSync): 'scim' | 'empty' | 'foreign' {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
    name: string;
  }[];
  if (tables.length === 0) return 'empty';
  return tables.some((t) => t.name === 'scim_migrations') ? 'scim' : 'foreign';
}

/**
 * The cause logged for a database file whose content changed under the store: truncated or
 * overwritten in place (SQLite answers "corrupt" or "not a database"), or emptied and created anew.
 *
 * @internal
 */
export function damaged(path: string): string {
  return `file ${path} no longer holds the SCIM database the store opened (truncated, overwritten, or replaced by an empty file); put the database back (a copy the store rescued, if any, is next to it as ${path}.rescued-<time>), or restart the server to start with an empty one`;
}

/** @internal The cause logged for another application's SQLite database at the store's path. */
export function foreign(path: string): string {
  return `file ${path} is another application's database (it has tables but no scim_migrations table); it is left untouched: point the store at its SCIM database or at a new file`;
}

/**
 * The 503 of a file the store will not set up: another application's database, or an empty one
 * put in place of the SCIM database the store opened before.
 *
 * @internal
 */
export function refusal(found: 'empty' | 'foreign', path: string): ScimError {
  const cause = found === 'foreign' ? foreign(path) : damaged(path);
  return new ScimError(
    'unavailable',
    `the SQLite database ${cause}; retry after ${RETRY_AFTER_SECONDS} seconds`,
    {
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    },
  );
}

/**
 * Files by identity (device and inode), apart from the rest of `sqlite-file.ts`: the SQLite
 * store's checkpoint thread (`sqlite-checkpoint.ts`, a bundle of its own) checks with it that the
 * file is still the store's before it opens it.
 *
 * @internal
 * @packageDocumentation
 */
import { statSync } from 'node:fs';

/** A file's device and inode. @internal */
export interface Identity {
  readonly dev: number;
  readonly ino: number;
}

/** The identity of a database and of its `-wal` (absent when there was none), as recorded. @internal */
export interface FileIdentity {
  readonly db: Identity;
  readonly wal: Identity | undefined;
}

/** The identity of the file at `path`, if there is one. @internal */
export function identityOf(path: string): Identity | undefined {
  // No exception for a missing file: a stat that finds nothing costs the same as one that does.
  const s = statSync(path, { throwIfNoEntry: false });
  return s === undefined ? undefined : { dev: s.dev, ino: s.ino };
}

/** Whether two identities name the same file. @internal */
export function same(a: Identity, b: Identity): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * Whether the files at `path` are still the ones `identity` recorded (the database, and its
 * `-wal` when one was recorded): what a connection other than the store's checks before it opens
 * the file, so that it never opens (and never recovers a log into) a database put in its place.
 * @internal
 */
export function stillAt(path: string, identity: FileIdentity): boolean {
  const db = identityOf(path);
  if (db === undefined || !same(db, identity.db)) return false;
  if (identity.wal === undefined) return true;
  const wal = identityOf(`${path}-wal`);
  return wal !== undefined && same(wal, identity.wal);
}

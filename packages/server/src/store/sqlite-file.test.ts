import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseFile } from './sqlite-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'scim-sqlite-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DatabaseFile', () => {
  it('reads file names and file: URIs as SQLite does; in-memory databases have no file', () => {
    expect(DatabaseFile.of('file:/tmp/a.db')?.path).toBe('/tmp/a.db');
    expect(DatabaseFile.of('file:///tmp/a.db?mode=rw')?.path).toBe('/tmp/a.db');
    expect(DatabaseFile.of('file://localhost/tmp/a%20b.db')?.path).toBe('/tmp/a b.db');
    expect(DatabaseFile.of('file:rel.db')?.path).toBe(resolve('rel.db'));
    expect(DatabaseFile.of('scim.db')?.path).toBe(resolve('scim.db'));
    for (const memory of [':memory:', '', 'file::memory:', 'file:x?mode=memory&cache=shared']) {
      expect(DatabaseFile.of(memory)).toBeUndefined();
    }
  });

  it('tells a deleted, a replaced and an intact file, and a deleted -wal, apart', () => {
    const path = join(dir, 'x.db');
    writeFileSync(path, 'a');
    writeFileSync(`${path}-wal`, '');
    const file = DatabaseFile.of(path) as DatabaseFile;
    expect(file.problem()).toBeUndefined(); // nothing remembered yet
    file.remember();
    expect(file.problem()).toBeUndefined();
    writeFileSync(path, 'b'); // written in place: the same file
    expect(file.problem()).toBeUndefined();
    rmSync(`${path}-wal`);
    expect(file.problem()).toBe('wal-gone');
    writeFileSync(join(dir, 'y.db'), 'c');
    renameSync(join(dir, 'y.db'), path);
    expect(file.problem()).toBe('replaced');
    rmSync(path);
    expect(file.problem()).toBe('gone');
    expect(file.exists()).toBe(false);
  });
});

// Fault tests: a SQLite file deleted, locked by another process, and made read-only in the middle
// of a write load, then restored. Every acknowledged write must be in the file afterwards, no write
// may be half there, and the store recovers by itself (for a deleted file: once the rescued copy is
// put back). Recovery times are printed, not asserted.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createScimHandler } from '../../src/handler/index.ts';
import { makeReadOnly, makeWritable, readOnlyMethod } from '../../src/store/read-only.fixture.ts';
import { sqliteStore } from '../../src/store/sqlite.ts';
import { type LoadReport, printReport, runLoad } from './load.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'scim-faults-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) {
    for (const f of existsSync(d) ? readdirSync(d) : []) makeWritable(join(d, f));
    rmSync(d, { recursive: true, force: true });
  }
});

function serve(path: string, busyTimeoutMs?: number) {
  const store = sqliteStore({ path, ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }) });
  const handler = createScimHandler({
    store,
    authenticate: async (_request, tenant) => ({ tenant, kind: 'bearer', id: 'fault' }),
  });
  return { store, handler };
}

/** Checks the file after the load: every acknowledged write there, none half there. */
function verify(path: string, report: LoadReport) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const stored = new Set(
      (
        db.prepare("SELECT json_extract(data, '$.userName') AS name FROM resources").all() as {
          name: string;
        }[]
      ).map((r) => r.name),
    );
    const partial = db
      .prepare(
        `SELECT
           (SELECT count(*) FROM resources r WHERE NOT EXISTS
              (SELECT 1 FROM uniques u WHERE u.tenant = r.tenant AND u.id = r.id)) AS no_unique,
           (SELECT count(*) FROM resources r WHERE NOT EXISTS
              (SELECT 1 FROM changes c WHERE c.tenant = r.tenant AND c.id = r.id AND c.type = 'user.created')) AS no_change,
           (SELECT count(*) FROM changes c WHERE NOT EXISTS
              (SELECT 1 FROM resources r WHERE r.tenant = c.tenant AND r.id = c.id)) AS orphan_change,
           (SELECT count(*) FROM resources) - (SELECT COALESCE(SUM(n), 0) FROM resource_counts) AS miscounted`,
      )
      .get();
    const integrity = db.prepare('PRAGMA integrity_check').get();
    const missing = report.acknowledged.filter((name) => !stored.has(name));
    const committedAnyway = report.unacknowledged.filter((name) => stored.has(name)).length;
    return { stored, partial, integrity, missing, committedAnyway };
  } finally {
    db.close();
  }
}

describe('SQLite file faults mid-load', () => {
  it('deleted (with -wal and -shm): 503s and a failing /health, no write into the lost file; the rescued copy, put back, holds every acknowledged write', async () => {
    const dir = tempDir();
    const path = join(dir, 'scim.db');
    const { handler } = serve(path);
    await handler.ready;
    let health: number | undefined;
    const report = await runLoad({
      handler,
      prefix: 'deleted',
      workers: 4,
      before: 60,
      fault: () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
      },
      during: { failures: 20, maxMs: 2000 },
      heal: async () => {
        health = (await handler(new Request('http://faults.test/health'))).status;
        // The operator puts the rescued copy back in place.
        const rescued = readdirSync(dir).filter((f) => f.startsWith('scim.db.rescued-'));
        expect(rescued).toHaveLength(1);
        renameSync(join(dir, rescued[0] as string), path);
      },
      after: 60,
      maxAttempts: 1000,
      maxMs: 20_000,
    });
    expect((await handler(new Request('http://faults.test/health'))).status).toBe(200);
    await handler.close();
    expect(health).toBe(503);
    expect(Object.keys(report.statuses).sort()).toEqual(['201', '503']);
    expect(report.retryAfterOnEvery503).toBe(true);
    const after = verify(path, report);
    expect(after.missing).toEqual([]);
    expect(after.partial).toEqual({ no_unique: 0, no_change: 0, orphan_change: 0, miscounted: 0 });
    expect(after.integrity).toEqual({ integrity_check: 'ok' });
    // Nothing answered 503 was written anywhere the operator cannot see.
    expect(after.committedAnyway).toBe(0);
    printReport('sqlite file deleted, rescued copy restored', report, {
      present: report.acknowledged.length - after.missing.length,
      partial: 0,
    });
  }, 60_000);

  it('locked by another process: writes wait without blocking, 503 past busyTimeoutMs, and go on once the lock is released', async () => {
    const path = join(tempDir(), 'scim.db');
    const { handler } = serve(path, 200);
    await handler.ready;
    let holder: ReturnType<typeof spawn> | undefined;
    let healthWhileLocked: number | undefined;
    const report = await runLoad({
      handler,
      prefix: 'locked',
      workers: 4,
      before: 60,
      fault: async () => {
        holder = spawn(
          process.execPath,
          [
            '-e',
            `const { DatabaseSync } = require('node:sqlite');
             const db = new DatabaseSync(process.argv[1]);
             db.exec('PRAGMA busy_timeout = 10000');
             db.exec('BEGIN IMMEDIATE');
             console.log('locked');
             process.stdin.once('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });`,
            path,
          ],
          { stdio: ['pipe', 'pipe', 'inherit'] },
        );
        const line = await new Promise<string>((resolve, reject) => {
          createInterface({ input: holder?.stdout as NodeJS.ReadableStream }).once('line', resolve);
          holder?.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
        });
        expect(line).toBe('locked');
      },
      during: { failures: 8, maxMs: 1500 },
      heal: async () => {
        healthWhileLocked = (await handler(new Request('http://faults.test/health'))).status;
        const exited = new Promise((resolve) => holder?.once('exit', resolve));
        holder?.stdin?.end('go\n');
        await exited;
      },
      after: 60,
      maxAttempts: 5000,
      maxMs: 20_000,
    });
    await handler.close();
    expect(healthWhileLocked).toBe(200); // reads and health checks do not wait for the write lock
    expect(Object.keys(report.statuses).sort()).toEqual(['201', '503']);
    expect(report.retryAfterOnEvery503).toBe(true);
    const after = verify(path, report);
    expect(after.missing).toEqual([]);
    expect(after.partial).toEqual({ no_unique: 0, no_change: 0, orphan_change: 0, miscounted: 0 });
    expect(after.committedAnyway).toBe(0);
    printReport('sqlite write lock held by another process', report, {
      present: report.acknowledged.length - after.missing.length,
      partial: 0,
    });
  }, 60_000);

  const readOnly = readOnlyMethod(tempDir());
  it.skipIf('skip' in readOnly)(
    `made read-only (${'skip' in readOnly ? readOnly.skip : readOnly.method}), then writable: writes 503 meanwhile, then recover by themselves`,
    async () => {
      const path = join(tempDir(), 'scim.db');
      const { handler } = serve(path);
      await handler.ready;
      const report = await runLoad({
        handler,
        prefix: 'read-only',
        workers: 4,
        before: 60,
        // As root the files become immutable (writes through the open handle fail, as on a file
        // system remounted read-only); otherwise their mode becomes 0444, which the open handle
        // does not notice (then no write fails, and the counts still hold).
        fault: () => makeReadOnly(path, `${path}-wal`),
        during: { failures: 20, maxMs: 1500 },
        heal: () => makeWritable(path, `${path}-wal`),
        after: 60,
        maxAttempts: 1000,
        maxMs: 20_000,
      });
      await handler.close();
      expect(report.statuses['201']).toBeGreaterThanOrEqual(120);
      for (const status of Object.keys(report.statuses)) expect(['201', '503']).toContain(status);
      if ('method' in readOnly && readOnly.method === 'chattr')
        expect(report.statuses['503']).toBeGreaterThan(0);
      expect(report.retryAfterOnEvery503).toBe(true);
      const after = verify(path, report);
      expect(after.missing).toEqual([]);
      expect(after.partial).toEqual({ no_unique: 0, no_change: 0, orphan_change: 0, miscounted: 0 });
      expect(after.integrity).toEqual({ integrity_check: 'ok' });
      printReport('sqlite file made read-only, then writable', report, {
        present: report.acknowledged.length - after.missing.length,
        partial: 0,
        committedThough503: after.committedAnyway,
      });
    },
    60_000,
  );
});

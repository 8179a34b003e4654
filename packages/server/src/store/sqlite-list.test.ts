import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMarkedPages } from './sql/page-marks.fixture.ts';
import { sqliteStore } from './sqlite.ts';

// Two instances on one file: one with a reader thread, one reading on its event loop.
describeMarkedPages('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scim-marks-'));
  const path = join(dir, 'scim.db');
  const store = sqliteStore({ path, readers: 1 });
  const other = sqliteStore({ path, readers: 0 });
  await store.open([{ name: 'User' }]);
  await other.open([{ name: 'User' }]);
  return {
    store,
    other,
    close: async () => {
      await store.close();
      await other.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

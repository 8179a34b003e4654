import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { describeStoreContract, failure, freshTenant } from './contract.ts';
import { postgresStore } from './postgres.ts';
import { describeMarkedPages } from './sql/page-marks.fixture.ts';

describeStoreContract('postgres (PGlite)', () => postgresStore({ pglite: new PGlite(), schema: 'scim' }), {
  setupTimeoutMs: 120_000,
});

describe('postgresStore on PGlite', () => {
  it('answers 503 with Retry-After once its PGlite instance is closed', async () => {
    const db = new PGlite();
    const store = postgresStore({ pglite: db, schema: 'closing' });
    await store.open([{ name: 'User' }]);
    const t = freshTenant();
    const data = { userName: 'x' };
    await store.create(t, 'User', { data, unique: [], change: { type: 'user.created' } });
    await db.close();
    expect(
      await failure(store.create(t, 'User', { data, unique: [], change: { type: 'user.created' } })),
    ).toMatchObject({
      status: 503,
      headers: { 'retry-after': '5' },
    });
    expect((await failure(store.ping())).status).toBe(503);
  }, 120_000);
});

// Two instances on one PGlite database (the PostgreSQL server's run is in postgres.test.ts).
describeMarkedPages(
  'PGlite',
  async () => {
    const db = new PGlite();
    const store = postgresStore({ pglite: db, schema: 'marks' });
    const other = postgresStore({ pglite: db, schema: 'marks' });
    await store.open([{ name: 'User' }]);
    await other.open([{ name: 'User' }]);
    return {
      store,
      other,
      close: async () => {
        await store.close();
        await other.close();
        await db.close();
      },
    };
  },
  10,
);

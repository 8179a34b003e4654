import { foldCase } from '@scim/protocol';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CONTRACT_TYPES } from './contract.ts';
import { type PgPoolLike, postgresStore } from './postgres.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';

// A list page's statement, prepared as the store prepares it (by name, once per connection), must
// get PostgreSQL's generic plan instead of a plan made again at every run: a page of 100 on
// 100,000 users cost the database some 150 µs with the plan made at each run, 87 µs without
// (docs/benchmarks.md). With its LIMIT and OFFSET as parameters, PostgreSQL never took the generic
// plan. On the server on 127.0.0.1:5432 when one answers, else on PGlite.

const target = await postgresTarget();

/** Runs `text` in one session of its own: the server's (a `pg` client) or the file's PGlite. */
async function session(): Promise<{ run: (text: string) => Promise<unknown[]>; end: () => Promise<void> }> {
  if (target.url === undefined) {
    const db = target.pglite();
    return { run: async (text) => (await db.query(text)).rows, end: async () => {} };
  }
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  return { run: async (text) => (await client.query(text)).rows, end: () => client.end() };
}

/** A store whose statements are recorded (text and values) as it sends them. */
function recordingStore(schema: string) {
  const sent: { text: string; values: unknown[] }[] = [];
  const record = (text: string, values?: unknown[]) => sent.push({ text, values: values ?? [] });
  if (target.url === undefined) {
    // The store's PGlite, its queries recorded, also those of its transactions (a budgeted list runs in one).
    const recorded = <T extends object>(db: T): T =>
      new Proxy(db, {
        get(on, key) {
          const value: unknown = Reflect.get(on, key);
          if (typeof value !== 'function') return value;
          if (key === 'query') {
            return (text: string, values?: unknown[]) => {
              record(text, values);
              return value.call(on, text, values);
            };
          }
          if (key === 'transaction') {
            return (fn: (tx: object) => unknown) => value.call(on, (tx: object) => fn(recorded(tx)));
          }
          return value.bind(on);
        },
      });
    return { store: postgresStore({ pglite: recorded(target.pglite()), schema }), sent };
  }
  const real = new pg.Pool({ connectionString: target.url, max: 2 });
  const pool: PgPoolLike = {
    connect: async () => {
      const client = await real.connect();
      return {
        query: (text: string, values?: unknown[]) => {
          record(text, values);
          return client.query(text, values);
        },
        release: (destroy?: boolean | Error) => client.release(destroy),
      };
    },
    end: () => real.end(),
  };
  return { store: postgresStore({ pool, schema }), sent };
}

/** A value of a statement as SQL text (the test's own values: text and integers). */
function literal(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`no literal for ${String(value)}`);
}

describe(`postgresStore list plans (${target.url === undefined ? 'PGlite' : 'server'})`, () => {
  it("plans a first page's statement once: PostgreSQL keeps its generic plan", async () => {
    const schema = target.schema();
    const { store, sent } = recordingStore(schema);
    await store.open(CONTRACT_TYPES);
    await store.createMany!(
      'default',
      'User',
      Array.from({ length: 3_000 }, (_, i) => ({
        data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `plan${i}` },
        unique: [{ attribute: 'userName', value: foldCase(`plan${i}`) }],
        change: { type: 'user.created' },
      })),
    );
    await store.analyze();
    sent.length = 0;
    const page = await store.list('default', { resourceType: 'User', startIndex: 1, count: 100 });
    expect(page.resources).toHaveLength(100);
    const statement = sent.find((s) => s.text.includes(' ORDER BY ') && s.text.includes(' LIMIT '));
    expect(statement).toBeDefined();
    const { run, end } = await session();
    try {
      await run(`PREPARE first_page AS ${statement!.text}`);
      const execute = `EXECUTE first_page(${statement!.values.map(literal).join(', ')})`;
      for (let i = 0; i < 8; i++) expect(await run(execute)).toHaveLength(100);
      const [plans] = (await run(
        `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'first_page'`,
      )) as { generic_plans: number | string; custom_plans: number | string }[];
      // PostgreSQL tries five plans for the values first, then keeps the generic one when it is no dearer.
      expect(Number(plans!.generic_plans)).toBeGreaterThan(0);
      await run('DEALLOCATE first_page');
    } finally {
      await end();
      await store.close();
    }
  }, 120_000);
});

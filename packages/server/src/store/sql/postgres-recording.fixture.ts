// Test helper shared by the PostgreSQL tests: a pool that records what a store sends.
import pg from 'pg';
import type { PgPoolLike } from '../postgres.ts';

/**
 * A pool of `max` connections to the server at `url` that records the first word of each
 * statement sent, in `sent` (and the whole text, in `texts`; its values, in `values`).
 */
export function recordingPool(
  url: string | undefined,
  max: number,
): { pool: PgPoolLike; sent: string[]; texts: string[]; values: (readonly unknown[] | undefined)[] } {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  const sent: string[] = [];
  const texts: string[] = [];
  const sentValues: (readonly unknown[] | undefined)[] = [];
  return {
    pool: {
      async connect() {
        const client = await pool.connect();
        return {
          query: (text: string, values?: unknown[]) => {
            sent.push(text.trim().split(/\s+/)[0]!.toUpperCase());
            texts.push(text);
            sentValues.push(values);
            return client.query(text, values);
          },
          release: (destroy?: boolean | Error) => client.release(destroy),
        };
      },
      end: () => pool.end(),
    },
    sent,
    texts,
    values: sentValues,
  };
}

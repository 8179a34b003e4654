/**
 * The commits of the PostgreSQL store's writes (issue 14), what any change to how they commit (a
 * change-feed lock held for less, commits grouped) must keep: an answered write is on disk (its
 * commit flushed) and the connection goes back to its pool with `synchronous_commit` as it was;
 * concurrent writes of one resource lose nothing (versions, `ifVersion`); the change feed commits
 * in cursor order (a reader following it with its cursor, while writers run, misses no entry).
 */
import { foldCase } from '@scim/protocol';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { harness } from '../handler/test-helpers.ts';
import { freshTenant } from './contract.ts';
import { type PgPoolLike, postgresStore } from './postgres.ts';
import { postgresTarget } from './sql/postgres-target.fixture.ts';
import type { ChangeEvent } from './types.ts';

const target = await postgresTarget();
const { url } = target;
const schema = target.schema;

const TYPES = [{ name: 'User' }, { name: 'Group', referenceAttribute: 'members' }];
const user = (userName: string, title?: string) => ({
  data: { userName, ...(title === undefined ? {} : { title }) },
  unique: [{ attribute: 'userName', value: foldCase(userName) }],
  change: { type: 'user.updated' },
});

describe.skipIf(url === undefined)('postgresStore: the commit of a write', () => {
  it('answers a write once its commit is flushed, and leaves synchronous_commit on for the next', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => {});
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    /** After each commit: the WAL insert position (past its commit record) and the setting. */
    const after: { lsn: string; setting: string }[] = [];
    const sent: string[] = [];
    let within = false;
    const watching: PgPoolLike = {
      async connect() {
        const client = await pool.connect();
        return {
          query: async (text: string, values?: unknown[]) => {
            const out = await client.query(text, values);
            const verb = text.trim().split(/\s+/)[0]!.toUpperCase();
            sent.push(verb);
            if (verb === 'BEGIN') within = true;
            // A statement on its own commits as it ends; one in a transaction at COMMIT.
            if ((verb === 'WITH' && !within) || verb === 'COMMIT') {
              within = false;
              const { rows } = await client.query(
                `SELECT pg_current_wal_insert_lsn()::text AS lsn, current_setting('synchronous_commit') AS setting`,
              );
              after.push(rows[0] as { lsn: string; setting: string });
            }
            return out;
          },
          release: (destroy?: boolean | Error) => client.release(destroy),
        };
      },
      end: () => pool.end(),
    };
    const store = postgresStore({ pool: watching, schema: schema() });
    const flushedPast = async (lsn: string) =>
      (await observer.query('SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn AS ok', [lsn])).rows[0].ok;
    try {
      await store.open(TYPES);
      const t = freshTenant();
      sent.length = 0;
      after.length = 0;
      const a = await store.create(t, 'User', user('a'));
      await store.update(t, 'User', a.id, { ...user('a', 'x'), ifVersion: 1 });
      await store.delete(t, 'User', a.id, { change: { type: 'user.deleted' } });
      // A create and an update: one statement each (autocommit); a delete: its statement, then the
      // feed's, in a transaction. Each then waits for its flush on the same connection (SELECT).
      expect(sent).toEqual([
        'WITH',
        'SELECT',
        'WITH',
        'SELECT',
        'BEGIN',
        'DELETE',
        'WITH',
        'COMMIT',
        'SELECT',
      ]);
      expect(after.map((x) => x.setting)).toEqual(['on', 'on', 'on']);
      for (const x of after) expect(await flushedPast(x.lsn)).toBe(true);
      // The pooled connection's own setting, once the write returned it.
      const client = await pool.connect();
      expect((await client.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
      client.release();
    } finally {
      await store.close();
      await observer.end();
    }
  }, 60_000);

  it('keeps every version of one user under concurrent PATCHes: one success per ifVersion, the rest 412', async () => {
    const store = postgresStore({ connectionString: url as string, schema: schema(), maxConnections: 8 });
    try {
      await store.open(TYPES);
      const t = freshTenant();
      const a = await store.create(t, 'User', { ...user('racer'), change: { type: 'user.created' } });
      // 16 writers, each 5 times: read, then write with the version read (the handler's PATCH).
      let won = 0;
      let refused = 0;
      const writer = async (w: number) => {
        for (let i = 0; i < 5; i++) {
          const current = await store.get(t, 'User', a.id);
          try {
            await store.update(t, 'User', a.id, {
              ...user('racer', `${w}.${i}`),
              ifVersion: current?.version as number,
            });
            won++;
          } catch (error) {
            if ((error as { status?: number }).status !== 412) throw error;
            refused++;
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, (_, w) => writer(w)));
      expect(won + refused).toBe(80);
      const final = await store.get(t, 'User', a.id);
      expect(final?.version).toBe(1 + won);
      const versions = (await store.changes(t))
        .filter((c) => c.type === 'user.updated')
        .map((c) => c.version);
      expect(versions).toEqual(Array.from({ length: won }, (_, i) => i + 2));
    } finally {
      await store.close();
    }
  }, 120_000);

  it('commits the change feed in cursor order: a reader following it with its cursor misses nothing', async () => {
    const shared = schema();
    const store = postgresStore({ connectionString: url as string, schema: shared, maxConnections: 8 });
    const follower = postgresStore({ connectionString: url as string, schema: shared });
    try {
      await store.open(TYPES);
      await follower.open(TYPES);
      const t = freshTenant();
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await store.create(t, 'User', user(`u${i}`))).id);
      const seen: ChangeEvent[] = [];
      let cursor: string | undefined;
      const follow = async () => {
        const next = await follower.changes(t, cursor === undefined ? {} : { after: cursor });
        seen.push(...next);
        cursor = next.at(-1)?.cursor ?? cursor;
      };
      let writing = true;
      const following = (async () => {
        while (writing) await follow();
      })();
      // 8 writers, each PATCHing its own user 20 times, while the follower reads behind them.
      await Promise.all(
        ids.map(async (id, w) => {
          for (let i = 0; i < 20; i++) await store.update(t, 'User', id, user(`u${w}`, `${i}`));
        }),
      );
      writing = false;
      await following;
      await follow();
      const all = await store.changes(t, { limit: 10_000 });
      expect(all).toHaveLength(8 + 160);
      expect(seen.map((c) => c.cursor)).toEqual(all.map((c) => c.cursor));
    } finally {
      await store.close();
      await follower.close();
    }
  }, 120_000);

  /**
   * A pool whose FLUSH statements (the store's wait for the disk) can be held, logging `read` after
   * each read of one resource, `committed` after each update statement and `sent n` / `flushed n`
   * around the n-th flush.
   */
  function flushWatch() {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', () => {});
    const events: string[] = [];
    let flushes = 0;
    /** While set, the next flush's answer waits for it. */
    let hold: Promise<void> | undefined;
    let release: () => void = () => {};
    const watched: PgPoolLike = {
      async connect() {
        const client = await pool.connect();
        return {
          query: async (text: string, values?: unknown[]) => {
            const flush = text.includes('pg_logical_emit_message') ? ++flushes : 0;
            if (flush > 0) events.push(`sent ${flush}`);
            const out = await client.query(text, values);
            if (flush > 0 && hold !== undefined) {
              // Its answer is held: as if the disk were slow.
              const held = hold;
              hold = undefined;
              events.push('flush held');
              await held;
            }
            if (flush > 0) events.push(`flushed ${flush}`);
            // The update statement (its sort keys read first, see `movedKeysSql`).
            else if (/^\s*WITH o AS \([\s\S]*?\), r AS \(\s*UPDATE/.test(text)) events.push('committed');
            else if (
              /^\s*SELECT r\.id, r\.resource_type, r\.version, r\.created, r\.last_modified, r\.data/.test(
                text,
              )
            )
              events.push('read');
            return out;
          },
          release: (destroy?: boolean | Error) => client.release(destroy),
        };
      },
      end: () => pool.end(),
    };
    return {
      events,
      store: postgresStore({ pool: watched, schema: schema() }),
      holdNextFlush() {
        hold = new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      release: () => release(),
      /** Waits (a few seconds at most) until `ready()`. */
      async until(ready: () => boolean) {
        for (let i = 0; i < 500 && !ready(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      },
      /** Whether a flush sent after `events[commit]` returned before `events[answer]`. */
      covered(commit: number, answer: number): boolean {
        return events.some((e, i) => {
          const sent = /^sent (\d+)$/.exec(e);
          return sent !== null && i > commit && events.indexOf(`flushed ${sent[1]}`, i) < answer;
        });
      },
    };
  }
  const patchTitle = (title: string) => ({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'title', value: title }],
  });

  it("passes a user's turn to its next PATCH at the commit; each answer waits for a flush after it, in order", async () => {
    const w = flushWatch();
    try {
      const h = harness({}, w.store);
      const created = await h.createUser('turns');
      w.holdNextFlush();
      w.events.length = 0;
      const patch = (title: string) =>
        h.call('PATCH', `/Users/${created.id}`, patchTitle(title)).then((r) => {
          w.events.push(`answered ${title}`);
          return r;
        });
      const first = patch('one');
      const second = patch('two');
      // The second PATCH reads and commits while the first one's flush is held.
      await w.until(() => w.events.filter((e) => e === 'committed').length === 2);
      // It starts from what the first one committed: no read of its own. (Whether the first one's
      // flush has come back to be held by then is PostgreSQL's timing: not asserted.)
      expect(w.events.filter((e) => ['read', 'committed'].includes(e))).toEqual([
        'read',
        'committed',
        'committed',
      ]);
      expect(w.events.some((e) => e.startsWith('flushed'))).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(w.events.filter((e) => e.startsWith('answered'))).toEqual([]);
      w.release();
      const [one, two] = await Promise.all([first, second]);
      expect(w.events.filter((e) => e.startsWith('answered'))).toEqual(['answered one', 'answered two']);
      const commits = w.events.flatMap((e, i) => (e === 'committed' ? [i] : []));
      expect(w.covered(commits[0] as number, w.events.indexOf('answered one'))).toBe(true);
      expect(w.covered(commits[1] as number, w.events.indexOf('answered two'))).toBe(true);
      expect([one.status, one.headers.get('etag'), one.body.title]).toEqual([200, 'W/"2"', 'one']);
      expect([two.status, two.headers.get('etag'), two.body.title]).toEqual([200, 'W/"3"', 'two']);
      const feed = (await w.store.changes('default')).filter((c) => c.type === 'user.updated');
      expect(feed.map((c) => c.version)).toEqual([2, 3]);
    } finally {
      await w.store.close();
    }
  }, 60_000);

  it('shares a flush between writes, but never one sent before a write committed', async () => {
    const w = flushWatch();
    try {
      const h = harness({}, w.store);
      const a = await h.createUser('flush-a');
      const b = await h.createUser('flush-b');
      const c = await h.createUser('flush-c');
      w.holdNextFlush();
      w.events.length = 0;
      const patch = (id: string, title: string) =>
        h.call('PATCH', `/Users/${id}`, patchTitle(title)).then((r) => {
          w.events.push(`answered ${title}`);
          return r;
        });
      const first = patch(a.id, 'a');
      await w.until(() => w.events.includes('flush held'));
      // B and C commit while A's flush, sent before, is held: they must not be answered by it.
      const others = [patch(b.id, 'b'), patch(c.id, 'c')];
      await w.until(() => w.events.filter((e) => e === 'committed').length === 3);
      await new Promise((resolve) => setTimeout(resolve, 50));
      w.release();
      const replies = await Promise.all([first, ...others]);
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
      const commits = w.events.flatMap((e, i) => (e === 'committed' ? [i] : []));
      for (const [k, title] of ['a', 'b', 'c'].entries()) {
        expect(w.covered(commits[k] as number, w.events.indexOf(`answered ${title}`))).toBe(true);
      }
      // B and C shared one flush, sent once A's returned.
      expect(w.events.filter((e) => e.startsWith('sent'))).toHaveLength(2);
    } finally {
      await w.store.close();
    }
  }, 60_000);

  it('loses no PATCH of one user from concurrent clients through the handler, and If-Match still refuses', async () => {
    const store = postgresStore({ connectionString: url as string, schema: schema(), maxConnections: 8 });
    try {
      const h = harness({}, store);
      const created = await h.createUser('crowd');
      const answered: string[] = [];
      const replies = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          h
            .call('PATCH', `/Users/${created.id}`, {
              schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
              Operations: [{ op: 'add', path: 'emails', value: [{ value: `u${i}@example.com` }] }],
            })
            .then((r) => {
              answered.push(r.headers.get('etag') as string);
              return r;
            }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
      // Answered in the order written: versions 2 to 25, one each.
      expect(answered).toEqual(Array.from({ length: 24 }, (_, i) => `W/"${i + 2}"`));
      const final = await h.call('GET', `/Users/${created.id}`);
      expect(final.headers.get('etag')).toBe('W/"25"');
      expect(final.body.emails.map((e: { value: string }) => e.value).sort()).toEqual(
        Array.from({ length: 24 }, (_, i) => `u${i}@example.com`).sort(),
      );
      // Ten clients that all read version 25: one PATCH lands, the others are 412.
      const racing = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          h.call(
            'PATCH',
            `/Users/${created.id}`,
            {
              schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
              Operations: [{ op: 'replace', path: 'title', value: `t${i}` }],
            },
            { 'if-match': 'W/"25"' },
          ),
        ),
      );
      expect(racing.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(412)]);
      const feed = (await store.changes('default', { limit: 1000 })).filter((c) => c.type === 'user.updated');
      expect(feed.map((c) => c.version)).toEqual(Array.from({ length: 25 }, (_, i) => i + 2));
    } finally {
      await store.close();
    }
  }, 60_000);
});

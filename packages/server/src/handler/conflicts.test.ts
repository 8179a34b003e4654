import { ScimError } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { failure } from '../store/contract.ts';
import type { StoredResource } from '../store/types.ts';
import { retrying, type WriteTarget } from './conflicts.ts';

const conflict = () => new ScimError('preconditionFailed', 'changed meanwhile');
const target = (): WriteTarget => ({ store: {}, tenant: 't', resourceType: 'User', id: 'u1' });
const stored = (version: number): StoredResource => ({
  id: 'u1',
  resourceType: 'User',
  version,
  created: '2026-12-06T00:00:00Z',
  lastModified: '2026-12-06T00:00:00Z',
  data: { userName: 'u1' },
});

describe('retrying', () => {
  it('retries a conflict the client did not cause until the attempt lands', async () => {
    let tries = 0;
    const out = await retrying(target(), false, async () => {
      tries++;
      if (tries < 4) throw conflict();
      return 'written';
    });
    expect(out).toBe('written');
    expect(tries).toBe(4);
  });

  it('answers 503 with Retry-After, never 412, when conflicts outlast the deadline', async () => {
    let tries = 0;
    const error = await failure(
      retrying(
        target(),
        false,
        async () => {
          tries++;
          throw conflict();
        },
        50,
      ),
    );
    expect(error).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
    expect(tries).toBeGreaterThan(1);
  });

  it('gives a client-sent precondition its 412 at once, and passes other errors through', async () => {
    let tries = 0;
    const stale = await failure(
      retrying(target(), true, async () => {
        tries++;
        throw conflict();
      }),
    );
    expect(stale.status).toBe(412);
    expect(tries).toBe(1);
    const taken = await failure(
      retrying(target(), false, async () => {
        throw new ScimError('uniqueness', 'taken');
      }),
    );
    expect(taken.status).toBe(409);
  });

  it('runs the writes of one resource in turn, and those of others side by side', async () => {
    const t = target();
    const other = { ...t, id: 'u2' };
    const log: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = retrying(t, false, async () => {
      log.push('first start');
      await held;
      log.push('first end');
    });
    const second = retrying(t, false, async () => {
      log.push('second');
    });
    await retrying(other, false, async () => {
      log.push('other');
    });
    expect(log).toEqual(['first start', 'other']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['first start', 'other', 'first end', 'second']);
  });

  it('passes the turn once a write says it committed, and settles the writes in their order', async () => {
    const t = target();
    const log: string[] = [];
    let flushed!: () => void;
    const flush = new Promise<void>((resolve) => {
      flushed = resolve;
    });
    let started!: () => void;
    const secondStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const first = retrying(t, false, async (committed) => {
      log.push('first commits');
      committed(stored(2));
      await flush;
      log.push('first flushed');
      return 'first';
    }).then((out) => log.push(`${out} settles`));
    const second = retrying(t, false, async (committed, previous) => {
      log.push(`second commits after version ${previous?.version}`);
      committed(stored(3));
      started();
      return 'second';
    }).then((out) => log.push(`${out} settles`));
    await secondStarted;
    // The second ran while the first waits for its flush, and does not settle before it.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual(['first commits', 'second commits after version 2']);
    flushed();
    await Promise.all([first, second]);
    expect(log).toEqual([
      'first commits',
      'second commits after version 2',
      'first flushed',
      'first settles',
      'second settles',
    ]);
  });

  it('passes the turn when a write ends without saying it committed, even when it fails', async () => {
    const t = target();
    const log: string[] = [];
    const first = retrying(t, false, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push('first');
      throw new Error('boom');
    }).catch(() => log.push('first failed'));
    const second = retrying(t, false, async (_committed, previous) => {
      log.push(`second${previous === undefined ? '' : ' with a previous'}`);
    });
    await Promise.all([first, second]);
    expect(log.filter((e) => e !== 'first failed')).toEqual(['first', 'second']);
    expect(log).toContain('first failed');
  });

  it('gives the write after a committed one what it committed, on its first try only', async () => {
    const t = target();
    const seen: (number | undefined)[] = [];
    const first = retrying(t, false, async (committed) => {
      committed(stored(2));
    });
    let tries = 0;
    const second = retrying(t, false, async (_committed, previous) => {
      seen.push(previous?.version);
      if (tries++ === 0) throw conflict();
    });
    await Promise.all([first, second]);
    expect(seen).toEqual([2, undefined]);
  });

  it('answers 503 when its turn does not come before the deadline, and the queue goes on', async () => {
    const t = target();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = retrying(t, false, () => held);
    expect(await failure(retrying(t, false, async () => 'late', 30))).toMatchObject({ status: 503 });
    const third = retrying(t, false, async () => 'third');
    release();
    await first;
    expect(await third).toBe('third');
  });
});

import { URN } from '@scim/schemas';
import { afterEach, describe, expect, test } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import { sqliteStore } from '../store/sqlite.ts';
import type { ScimStore } from '../store/types.ts';
import type { RequestContext } from './context.ts';
import {
  isLarge,
  LARGE_CHARS,
  pause,
  pauseBefore,
  restartSlice,
  SLICE_MS,
  setSliceMs,
  sliceClock,
  yieldToEventLoop,
} from './slices.ts';
import { type Body, harness } from './test-helpers.ts';

afterEach(() => {
  setSliceMs(SLICE_MS);
});

/** Counts turns of the event loop until `stop` is called, running `each` on every turn. */
function spin(each: () => void = () => {}): { turns: () => number; stop: () => void } {
  let turns = 0;
  let stopped = false;
  const turn = () => {
    if (stopped) return;
    turns++;
    each();
    setImmediate(turn);
  };
  setImmediate(turn);
  return { turns: () => turns, stop: () => (stopped = true) };
}

const ctxWith = (since: number) => ({ slice: { since } }) as unknown as RequestContext;

describe('pause', () => {
  test('within its slice a request goes on at once; past it, the event loop runs first', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('other'));
    // A slice that started "in a minute" has time left however slow the machine is.
    await pause(ctxWith(performance.now() + 60_000));
    order.push('fresh');
    const late = ctxWith(performance.now() - SLICE_MS - 1);
    const before = performance.now();
    await pause(late);
    order.push('late');
    expect(order).toEqual(['fresh', 'other', 'late']);
    // A new slice starts after the turn (not a measure of elapsed time: a loaded machine moves it).
    expect(late.slice?.since ?? 0).toBeGreaterThanOrEqual(before);
  });

  test('a context without a clock (an import) never pauses', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('other'));
    await pause({} as RequestContext);
    order.push('import');
    await yieldToEventLoop();
    expect(order).toEqual(['import', 'other']);
  });

  test('before a large step a request waits for a turn however little it has run; else as pause', async () => {
    const order: string[] = [];
    setImmediate(() => order.push('other'));
    const fresh = ctxWith(performance.now() + 60_000);
    await pauseBefore(fresh, false);
    order.push('small');
    await pauseBefore(fresh, true);
    order.push('large');
    expect(order).toEqual(['small', 'other', 'large']);
    setImmediate(() => order.push('other again'));
    await pauseBefore({} as RequestContext, true);
    order.push('import');
    await yieldToEventLoop();
    expect(order.slice(3)).toEqual(['import', 'other again']);
  });

  test('a step is large after a large body, or for a large rendering', () => {
    const ctx = ctxWith(0);
    expect(isLarge(ctx)).toBe(false);
    expect(isLarge(ctx, 'x'.repeat(LARGE_CHARS - 1))).toBe(false);
    expect(isLarge(ctx, 'x'.repeat(LARGE_CHARS))).toBe(true);
    restartSlice(ctx, LARGE_CHARS - 1);
    expect(isLarge(ctx)).toBe(false);
    restartSlice(ctx, LARGE_CHARS);
    expect(isLarge(ctx)).toBe(true);
  });

  test('a clock starts now', () => {
    expect(Math.abs(sliceClock().since - performance.now())).toBeLessThan(50);
  });
});

describe('large writes give the event loop turns, and are never seen half done', () => {
  const emails = (n: number, type: string) =>
    Array.from({ length: n }, (_, i) => ({ value: `m${i}@example.org`, type }));

  const stores: [string, () => ScimStore][] = [
    ['memory', () => memoryStore()],
    ['sqlite', () => sqliteStore({ path: ':memory:' })],
  ];
  test.each(stores)(
    'PATCH (%s): other requests run between its steps and read the user before or after, whole',
    async (_, store) => {
      const h = harness({}, store());
      const user: Body = await h.createUser('wide', { emails: emails(300, 'work') });
      setSliceMs(0);
      const reads: Promise<{ body: Body }>[] = [];
      const spinner = spin(() => reads.push(h.call('GET', `/Users/${user.id}`)));
      const patched = await h.call('PATCH', `/Users/${user.id}`, {
        schemas: [URN.PatchOp],
        Operations: Array.from({ length: 300 }, (_, i) => ({
          op: 'replace',
          path: `emails[value eq "m${(i * 7) % 300}@example.org"].type`,
          value: 'home',
        })),
      });
      spinner.stop();
      expect(patched.status).toBe(200);
      expect(new Set(patched.body.emails.map((e: Body) => e.type))).toEqual(new Set(['home']));
      // Body parsed, patch applied, checks done, written: a turn after each.
      expect(spinner.turns()).toBeGreaterThanOrEqual(3);
      for (const read of await Promise.all(reads)) {
        const types = new Set(read.body.emails.map((e: Body) => e.type));
        expect(types.size).toBe(1);
      }
    },
  );

  test('POST: other requests run between its steps', async () => {
    const h = harness();
    setSliceMs(0);
    const spinner = spin();
    const created = await h.call('POST', '/Users', {
      schemas: [URN.User],
      userName: 'wide',
      emails: emails(300, 'work'),
    });
    spinner.stop();
    expect(created.status).toBe(201);
    expect(created.body.emails).toHaveLength(300);
    expect(spinner.turns()).toBeGreaterThanOrEqual(3);
  });

  test('PUT: other requests run between its steps', async () => {
    const h = harness();
    const user: Body = await h.createUser('wide', { emails: emails(10, 'work') });
    setSliceMs(0);
    const spinner = spin();
    const replaced = await h.call('PUT', `/Users/${user.id}`, {
      schemas: [URN.User],
      userName: 'wide',
      emails: emails(300, 'home'),
    });
    spinner.stop();
    expect(replaced.status).toBe(200);
    expect(spinner.turns()).toBeGreaterThanOrEqual(3);
  });
});

describe('a large write starts its big steps on slices of their own', () => {
  const emails = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ value: `m${i}@example.org`, type: 'work' }));
  const replaces = (n: number, of: number) => ({
    schemas: [URN.PatchOp],
    Operations: Array.from({ length: n }, (_, i) => ({
      op: 'replace',
      path: `emails[value eq "m${(i * 7) % of}@example.org"].type`,
      value: 'home',
    })),
  });

  /**
   * A SQLite store that notes the event loop's turns (counted by `spin`) when a read returns and
   * when a write starts; with a slice of a minute, only a pause before a large step gives a turn.
   */
  function watched() {
    const store = sqliteStore({ path: ':memory:' });
    const marks: { at: string; turns: number }[] = [];
    let turns = () => 0;
    const wrapped: ScimStore = Object.create(store);
    wrapped.get = async (...args) => {
      const found = await store.get(...args);
      marks.push({ at: 'get', turns: turns() });
      return found;
    };
    wrapped.update = (...args) => {
      marks.push({ at: 'update', turns: turns() });
      return store.update(...args);
    };
    wrapped.create = (...args) => {
      marks.push({ at: 'create', turns: turns() });
      return store.create(...args);
    };
    /** Turns between the last read and the write that follows it. */
    const between = () => {
      const write = marks.findLastIndex((m) => m.at === 'update' || m.at === 'create');
      const read = marks.slice(0, write).findLastIndex((m) => m.at === 'get');
      return (marks[write]?.turns ?? Number.NaN) - (marks[read]?.turns ?? 0);
    };
    return {
      store: wrapped,
      between,
      counting: (spinner: { turns: () => number }) => (turns = spinner.turns),
    };
  }

  const patchCase = async (opCount: number, emailCount: number) => {
    const w = watched();
    const h = harness({}, w.store);
    const user: Body = await h.createUser('wide', { emails: emails(emailCount) });
    setSliceMs(60_000);
    const spinner = spin();
    w.counting(spinner);
    const patched = await h.call('PATCH', `/Users/${user.id}`, replaces(opCount, emailCount));
    spinner.stop();
    expect(patched.status).toBe(200);
    return w.between();
  };

  test('a PATCH with a large body: a turn after the read (before the engine) and before the write', async () => {
    expect(JSON.stringify(replaces(300, 300)).length).toBeGreaterThanOrEqual(LARGE_CHARS);
    expect(await patchCase(300, 300)).toBe(2);
  });

  test('a small PATCH of a large resource: the same (the stored rendering is large)', async () => {
    expect(await patchCase(1, 600)).toBe(2);
  });

  test('a small PATCH of a small resource goes on without a turn', async () => {
    expect(await patchCase(1, 3)).toBe(0);
  });

  test('a large PUT: a turn before the store write', async () => {
    const w = watched();
    const h = harness({}, w.store);
    const user: Body = await h.createUser('wide', { emails: emails(3) });
    setSliceMs(60_000);
    const spinner = spin();
    w.counting(spinner);
    const body = { schemas: [URN.User], userName: 'wide', emails: emails(600) };
    const replaced = await h.call('PUT', `/Users/${user.id}`, body);
    spinner.stop();
    expect(replaced.status).toBe(200);
    expect(w.between()).toBe(1);
  });

  test("a large Bulk request's small operations go on without a turn", async () => {
    const w = watched();
    const h = harness({ limits: { bulk: { maxOperations: 1000 } } }, w.store);
    const user: Body = await h.createUser('small');
    setSliceMs(60_000);
    const Operations = [
      ...Array.from({ length: 200 }, (_, i) => ({
        method: 'POST',
        path: '/Users',
        bulkId: `u${i}`,
        data: { schemas: [URN.User], userName: `bulk-${i}@example.org` },
      })),
      {
        method: 'PATCH',
        path: `/Users/${user.id}`,
        data: { schemas: [URN.PatchOp], Operations: [{ op: 'replace', path: 'displayName', value: 'x' }] },
      },
    ];
    const body = { schemas: [URN.BulkRequest], Operations };
    expect(JSON.stringify(body).length).toBeGreaterThanOrEqual(LARGE_CHARS);
    const spinner = spin();
    w.counting(spinner);
    const done = await h.call('POST', '/Bulk', body);
    spinner.stop();
    expect(done.status).toBe(200);
    expect(done.body.Operations.at(-1).status).toBe('200');
    expect(w.between()).toBe(0);
  });

  test('a large POST: a turn before the store write', async () => {
    const w = watched();
    const h = harness({}, w.store);
    setSliceMs(60_000);
    const body = JSON.stringify({ schemas: [URN.User], userName: 'wide', emails: emails(600) });
    expect(body.length).toBeGreaterThanOrEqual(LARGE_CHARS);
    const spinner = spin();
    w.counting(spinner);
    // Turns from the call to the write (reading a body given as a string takes none).
    const created = await h.call('POST', '/Users', body);
    spinner.stop();
    expect(created.status).toBe(201);
    expect(w.between()).toBe(1);
  });
});

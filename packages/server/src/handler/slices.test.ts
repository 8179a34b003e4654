import { URN } from '@scim/schemas';
import { afterEach, describe, expect, test } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import { sqliteStore } from '../store/sqlite.ts';
import type { ScimStore } from '../store/types.ts';
import type { RequestContext } from './context.ts';
import { pause, SLICE_MS, setSliceMs, sliceClock, yieldToEventLoop } from './slices.ts';
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

import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHECK_MS, collectWhenIdle, type GcOptions, IDLE_ACTIVE_MS, WORK_MS } from './idle-collector.ts';

// scim-server start gives memory back after its load stops (issue 14: back near idle 30 s after).

afterEach(() => {
  vi.useRealTimers();
});

/** A collector on a fake event loop whose active time the test moves; returns its gc calls. */
function fake() {
  vi.useFakeTimers();
  let active = 0;
  const calls: GcOptions[] = [];
  const stop = collectWhenIdle({
    gc: (options) => calls.push(options),
    activeMs: () => active,
  });
  /** One look of the collector after `ms` of event-loop work. */
  const look = (ms: number) => {
    active += ms;
    vi.advanceTimersByTime(CHECK_MS);
  };
  return { calls, look, stop };
}

describe('collectWhenIdle', () => {
  it('collects once when the loop goes idle after work, not while it works, not again while idle', () => {
    const { calls, look, stop } = fake();
    for (let i = 0; i < 6; i++) look(CHECK_MS * 0.9);
    expect(calls).toEqual([]);
    look(0);
    expect(calls).toEqual([{ type: 'major', execution: 'sync', flavor: 'last-resort' }]);
    for (let i = 0; i < 10; i++) look(1);
    expect(calls).toHaveLength(1);
    look(CHECK_MS);
    look(IDLE_ACTIVE_MS - 1);
    expect(calls).toHaveLength(2);
    stop();
  });

  it('leaves a server alone that did little since its last collection', () => {
    const { calls, look, stop } = fake();
    look(WORK_MS / 2);
    look(0);
    expect(calls).toEqual([]);
    // A trickle of requests below the idle mark adds up, and is collected after once it is work.
    const trickle = IDLE_ACTIVE_MS - 1;
    for (let i = 0; i < Math.ceil(WORK_MS / 2 / trickle) - 1; i++) look(trickle);
    expect(calls).toEqual([]);
    look(trickle);
    expect(calls).toHaveLength(1);
    stop();
  });

  it('stops when asked, and does nothing without an exposed gc', () => {
    const { calls, look, stop } = fake();
    stop();
    look(WORK_MS);
    look(0);
    expect(calls).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    const none = collectWhenIdle({ gc: undefined, activeMs: () => 0 });
    expect(vi.getTimerCount()).toBe(0);
    none();
  });
});

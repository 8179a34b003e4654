import { describe, expect, it } from 'vitest';
import { createManualClock } from './clock.ts';

describe('createManualClock', () => {
  it('starts where told, moves only forward, and returns fresh dates', () => {
    const clock = createManualClock('2026-03-01T00:00:00Z');
    const first = clock.now();
    first.setFullYear(2000);
    expect(clock.now().toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(clock.advance(90_000).toISOString()).toBe('2026-03-01T00:01:30.000Z');
    expect(clock.set('2026-04-01T00:00:00Z').toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(() => clock.set('2026-03-01T00:00:00Z')).toThrow(/time only moves forward/);
    expect(() => clock.advance(-1)).toThrow(/cannot advance/);
    expect(() => createManualClock('not a date')).toThrow(/not a valid date/);
  });

  it('defaults to a fixed instant so that runs are reproducible', () => {
    expect(createManualClock().now().toISOString()).toBe('2026-01-01T08:00:00.000Z');
  });
});

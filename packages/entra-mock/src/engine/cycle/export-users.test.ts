import { describe, expect, it } from 'vitest';
import { takeEach } from './export-users.ts';

describe('takeEach (the user export phase lets go of each plan)', () => {
  it('clears each slot as its plan is taken, and empties the list at the end', () => {
    // A 100,000-user cycle kept every plan (a copy of the user and its source values) to its end.
    const plans = [{ n: 0 }, { n: 1 }, { n: 2 }];
    const slotsWhenTaken: unknown[] = [];
    for (const plan of takeEach(plans)) slotsWhenTaken.push(plans[plan.n]);
    expect(slotsWhenTaken).toEqual([undefined, undefined, undefined]);
    expect(plans).toEqual([]);
  });

  it('empties the list when the phase stops early (a credential failure)', () => {
    const plans = ['a', 'b', 'c'];
    const taken: string[] = [];
    for (const plan of takeEach(plans)) {
      taken.push(plan);
      if (plan === 'b') break;
    }
    expect(taken).toEqual(['a', 'b']);
    expect(plans).toEqual([]);
  });
});

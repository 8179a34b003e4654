// What a link remembers of the last export: the printed source values, the next update's old values.
import { describe, expect, it } from 'vitest';
import { printedSources, sourceProperties } from './values.ts';

describe('printedSources', () => {
  it('reads each attribute as the logs print it, and keeps later values apart from another link', () => {
    const names = ['objectId', 'displayName', 'manager', 'accountEnabled'];
    const a = printedSources(names, {
      objectId: 'u1',
      displayName: 'Adele',
      manager: null,
      accountEnabled: true,
    });
    const b = printedSources(names, { objectId: 'u2', displayName: 'Megan', accountEnabled: false });
    expect(names.map((n) => a.get(n))).toEqual(['u1', 'Adele', null, 'True']);
    a.set('manager', 'u2');
    a.set('department', 'Sales');
    expect(a.get('manager')).toBe('u2');
    expect(a.get('department')).toBe('Sales');
    expect(b.get('manager')).toBeNull();
    expect(b.get('department')).toBeUndefined();
    expect(a.get('jobTitle')).toBeUndefined();
  });

  it('gives the old values of the modified properties', () => {
    const previous = printedSources(['displayName', 'jobTitle'], { displayName: 'Adele', jobTitle: 'CEO' });
    expect(sourceProperties(['jobTitle'], { jobTitle: 'Chair' }, previous)).toEqual([
      { displayName: 'jobTitle', oldValue: 'CEO', newValue: 'Chair' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { lowestVersion } from './test-minimum-node.mjs';

describe('lowestVersion (the Node.js the "minimum node" step runs a package on)', () => {
  it('reads the forms our manifests use, and picks the lowest alternative', () => {
    expect(lowestVersion('>=22.12')).toBe('22.12.0');
    expect(lowestVersion('^22.20.0 || >=24.7.0')).toBe('22.20.0');
    expect(lowestVersion('>=24.7.0 || ^22.20.0')).toBe('22.20.0');
    expect(lowestVersion('^20.19.0 || >=22.12.0')).toBe('20.19.0');
    expect(lowestVersion('~22.9 || 22.10.1')).toBe('22.9.0');
  });

  it('refuses a range it cannot read rather than guessing', () => {
    expect(() => lowestVersion('>22 <23')).toThrow(/cannot read the lowest version of ">22 <23"/);
    expect(() => lowestVersion('*')).toThrow(/cannot read/);
  });
});

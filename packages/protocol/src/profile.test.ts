import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CompatibilityProfile, entraProfile, resolveProfile, strictProfile } from './profile.ts';

const switches = Object.keys(entraProfile).filter(
  (k) => k !== 'name' && k !== 'filter',
) as (keyof CompatibilityProfile)[];

describe('compatibility profile', () => {
  it('entra turns every switch on and strict every switch off', () => {
    expect(switches.length).toBe(12);
    for (const key of switches) {
      expect(entraProfile[key], key).toBe(true);
      expect(strictProfile[key], key).toBe(false);
    }
    expect(entraProfile.filter).toEqual({ profile: 'entra' });
    expect(strictProfile.filter).toEqual({ profile: 'strict' });
  });

  it('resolves names and passes objects through', () => {
    expect(resolveProfile(undefined)).toBe(entraProfile);
    expect(resolveProfile('strict')).toBe(strictProfile);
    const custom = { ...strictProfile, stringBooleans: true };
    expect(resolveProfile(custom)).toBe(custom);
  });
});

it('every switch has an on and an off case in test/cases/patch/profile-switches.json', () => {
  const file = JSON.parse(
    readFileSync(new URL('../test/cases/patch/profile-switches.json', import.meta.url), 'utf8'),
  ) as {
    cases: { name: string }[];
  };
  for (const key of switches) {
    expect(
      file.cases.some((c) => c.name.startsWith(`${key} on:`)),
      key,
    ).toBe(true);
    expect(
      file.cases.some((c) => c.name.startsWith(`${key} off:`)),
      key,
    ).toBe(true);
  }
});

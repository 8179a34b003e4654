import { isScimError, URN, userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { entraProfile, strictProfile } from '../profile.ts';
import { applyPatch } from './apply.ts';
import { ADMISSIONS_PER_PATCH, cachedTargets, useTargetCache } from './plan.ts';
import { useValueIndex } from './working-list.ts';

afterEach(() => {
  useTargetCache(true);
  useValueIndex(true);
});

// Values that collide when case is folded, share a prefix or a suffix, or hold a quote.
const address = fc.constantFrom('a@x.com', 'A@X.com', 'b@x.com', 'b@y.org', 'c@y.org', 'q"@x.com', '');
const kind = fc.constantFrom('work', 'home', 'Work', 'other');
const email = fc.record(
  { value: address, type: kind, primary: fc.boolean(), display: fc.string({ maxLength: 3 }) },
  { requiredKeys: ['value'] },
);
const quoted = (s: string) => JSON.stringify(s);
const valueFilter = fc.oneof(
  { weight: 6, arbitrary: address.map((v) => `value eq ${quoted(v)}`) },
  { weight: 2, arbitrary: kind.map((t) => `type eq ${quoted(t)}`) },
  { weight: 2, arbitrary: fc.constantFrom('@x', 'b@', '.org', 'X').map((v) => `value co ${quoted(v)}`) },
  { weight: 1, arbitrary: fc.constantFrom('a', 'B', 'q').map((v) => `value sw ${quoted(v)}`) },
  {
    weight: 2,
    arbitrary: fc.tuple(kind, address).map(([t, v]) => `type eq ${quoted(t)} and value eq ${quoted(v)}`),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(address, kind).map(([v, t]) => `value eq ${quoted(v)} or type eq ${quoted(t)}`),
  },
  { weight: 1, arbitrary: kind.map((t) => `not (type eq ${quoted(t)})`) },
  { weight: 1, arbitrary: fc.constantFrom('primary eq true', 'display pr', 'value gt "b"') },
  // Rarely, what fails: an unknown sub-attribute, a filter cut short.
  { weight: 1, arbitrary: fc.constantFrom('nope eq "x"', 'value eq', 'value eq "none@x.com"') },
);
/** A sub-attribute and a value that fits it (now and then one that does not). */
const target = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant('.type'), kind) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('.value'), address) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('.display'), fc.string({ maxLength: 3 })) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('.primary'), fc.boolean()) },
  { weight: 2, arbitrary: fc.tuple(fc.constant(''), email) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.tuple(fc.constantFrom('', '.type'), fc.constantFrom(null, {}, '')),
      fc.tuple(fc.constantFrom('.bogus', '.primary'), fc.constantFrom('x', 1)),
    ),
  },
);
const operation = fc
  .tuple(
    fc.constantFrom('add', 'replace', 'replace', 'replace', 'remove'),
    fc.constantFrom('emails', 'emails', 'emails', 'EMAILS'),
    valueFilter,
    target,
  )
  .map(([op, attr, filter, [sub, value]]) => ({ op, path: `${attr}[${filter}]${sub}`, value }));

/** What a PATCH gives: its result, or the error it throws. */
function outcome(resource: object, ops: readonly unknown[], strict: boolean): unknown {
  try {
    return applyPatch(resource, { schemas: [URN.PatchOp], Operations: ops }, userResourceSchema, {
      profile: strict ? strictProfile : entraProfile,
    });
  } catch (error) {
    if (!isScimError(error)) throw error;
    return { error: error.scimType ?? error.code, status: error.status, message: error.message };
  }
}

describe('the PATCH target cache', () => {
  it('changes nothing: cached, cold or warm, a PATCH gives what it gives with every path parsed anew and every value tested', () => {
    fc.assert(
      fc.property(
        fc.array(email, { minLength: 4, maxLength: 40 }),
        fc.array(operation, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (emails, ops, strict) => {
          const user = { schemas: [URN.User], id: 'u1', userName: 'alice', emails };
          useTargetCache(false);
          useValueIndex(false);
          const reference = outcome(user, ops, strict);
          useValueIndex(true);
          expect(outcome(user, ops, strict)).toEqual(reference);
          useTargetCache(true);
          expect(outcome(user, ops, strict)).toEqual(reference);
          // Warm: the same paths again, then under the other profile (the cache is per profile).
          expect(outcome(user, ops, strict)).toEqual(reference);
          const other = outcome(user, ops, !strict);
          useTargetCache(false);
          expect(outcome(user, ops, !strict)).toEqual(other);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a PATCH of many distinct paths adds only its first few to the cache', () => {
    const emails = Array.from({ length: 200 }, (_, k) => ({ value: `m${k}@x.com`, type: 'work' }));
    const user = { schemas: [URN.User], id: 'u1', userName: 'alice', emails };
    const replace = (k: number, tag: string) => ({
      op: 'replace',
      path: `emails[value eq "m${k}@x.com"].type`,
      value: `${tag}${k}`,
    });
    const run = (ops: readonly unknown[]) =>
      applyPatch(user, { schemas: [URN.PatchOp], Operations: ops }, userResourceSchema);
    const held = cachedTargets(userResourceSchema, entraProfile.filter);
    const large = Array.from({ length: 200 }, (_, k) => replace(k, 'x'));
    const result = run(large);
    expect((result.resource as typeof user).emails.map((e) => e.type)).toEqual(emails.map((_, k) => `x${k}`));
    const after = cachedTargets(userResourceSchema, entraProfile.filter);
    // (The cache starts again once full: then it holds fewer than before.)
    expect(after - held).toBeLessThanOrEqual(ADMISSIONS_PER_PATCH);
    expect(after).toBeGreaterThan(0);
    // The paths a client sends again and again are still cached.
    const few = [replace(1, 'y'), replace(2, 'y')];
    run(few);
    const cached = cachedTargets(userResourceSchema, entraProfile.filter);
    run(few);
    expect(cachedTargets(userResourceSchema, entraProfile.filter)).toBe(cached);
  });
});

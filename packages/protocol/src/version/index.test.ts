import { isScimError } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { checkIfMatch, computeVersion, isNotModified, weakETag } from './index.ts';

describe('versions', () => {
  it('makes weak ETags', () => {
    expect(weakETag('3')).toBe('W/"3"');
    expect(weakETag(7)).toBe('W/"7"');
    expect(weakETag('"abc"')).toBe('W/"abc"');
    expect(weakETag('W/"abc"')).toBe('W/"abc"');
    expect(() => weakETag('a"b')).toThrow();
  });

  it('computes a content version that ignores key order and meta', () => {
    const a = computeVersion({ id: '1', userName: 'x', meta: { version: 'W/"old"' } });
    expect(a).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(computeVersion({ userName: 'x', id: '1' })).toBe(a);
    expect(computeVersion({ userName: 'y', id: '1' })).not.toBe(a);
  });

  it('checks If-Match with weak comparison, lists and *', () => {
    expect(() => checkIfMatch(undefined, 'W/"1"')).not.toThrow();
    expect(() => checkIfMatch('W/"1"', 'W/"1"')).not.toThrow();
    expect(() => checkIfMatch('"1"', 'W/"1"')).not.toThrow();
    expect(() => checkIfMatch('W/"0", W/"1"', '1')).not.toThrow();
    expect(() => checkIfMatch('*', 'W/"9"')).not.toThrow();
    let error: unknown;
    try {
      checkIfMatch('W/"2"', 'W/"1"');
    } catch (e) {
      error = e;
    }
    expect(isScimError(error) && error.status).toBe(412);
    expect(isScimError(error) && error.headers.etag).toBe('W/"1"');
    expect(() => checkIfMatch('*', undefined)).toThrow();
  });

  it('answers If-None-Match', () => {
    expect(isNotModified('W/"1"', 'W/"1"')).toBe(true);
    expect(isNotModified('W/"2"', 'W/"1"')).toBe(false);
    expect(isNotModified('*', 'W/"1"')).toBe(true);
    expect(isNotModified('*', undefined)).toBe(false);
    expect(isNotModified(null, 'W/"1"')).toBe(false);
  });
});

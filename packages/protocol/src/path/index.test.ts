import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PatchPath, parsePath, safeParsePath, stringifyPath } from './index.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('parsePath', () => {
  it.each<[string, PatchPath]>([
    ['userName', { attribute: 'userName' }],
    ['name.givenName', { attribute: 'name', subAttribute: 'givenName' }],
    ['members', { attribute: 'members' }],
    [`${ENTERPRISE}:manager`, { urn: ENTERPRISE, attribute: 'manager' }],
    [`${ENTERPRISE}:manager.value`, { urn: ENTERPRISE, attribute: 'manager', subAttribute: 'value' }],
    [`${ENTERPRISE}:employeeNumber`, { urn: ENTERPRISE, attribute: 'employeeNumber' }],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      {
        attribute: 'members',
        filter: {
          kind: 'compare',
          path: { attribute: 'value' },
          op: 'eq',
          value: '2819c223-7f76-453a-919d-413861904646',
        },
      },
    ],
    [
      'emails[type eq "work"].value',
      {
        attribute: 'emails',
        subAttribute: 'value',
        filter: { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
      },
    ],
    [
      'addresses[type eq "work" and primary eq true].locality',
      {
        attribute: 'addresses',
        subAttribute: 'locality',
        filter: {
          kind: 'and',
          filters: [
            { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
            { kind: 'compare', path: { attribute: 'primary' }, op: 'eq', value: true },
          ],
        },
      },
    ],
    [
      `${ENTERPRISE}:manager[value eq "26118915"]`,
      {
        urn: ENTERPRISE,
        attribute: 'manager',
        filter: { kind: 'compare', path: { attribute: 'value' }, op: 'eq', value: '26118915' },
      },
    ],
    ['  EMAILS.Value  ', { attribute: 'EMAILS', subAttribute: 'Value' }],
    ['members.$ref', { attribute: 'members', subAttribute: '$ref' }],
  ])('parses %s', (text, expected) => {
    expect(parsePath(text)).toEqual(expected);
    expect(parsePath(stringifyPath(expected), { profile: 'strict' })).toEqual(expected);
  });

  it('accepts an unquoted value in the value filter under entra, not strict', () => {
    expect(parsePath('members[value eq 2819c223]').filter).toEqual({
      kind: 'compare',
      path: { attribute: 'value' },
      op: 'eq',
      value: '2819c223',
    });
    expect(safeParsePath('members[value eq 2819c223]', { profile: 'strict' }).success).toBe(false);
  });

  it.each<[string, number, string]>([
    ['', 1, 'an attribute name'],
    ['emails[type eq "work"', 22, '"]" to close the value filter'],
    ['emails[type eq "work"].', 24, 'a sub-attribute name'],
    ['emails[type eq "work"]value', 23, 'the end of the path'],
    ['emails.value[type eq "work"]', 13, 'not after the sub-attribute'],
    ['name.givenName.x', 15, 'the end of the path'],
    ['emails[type xx "work"]', 13, 'comparison operator'],
    ['emails[type[value pr] pr]', 12, 'cannot nest'],
    ['userName eq "x"', 10, 'the end of the path'],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:',
      60,
      'an attribute name after the schema URN',
    ],
    ['1abc', 1, 'an attribute name'],
  ])('rejects %s with invalidPath at column %i', (text, column, message) => {
    const r = safeParsePath(text);
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(r.error.scimType).toBe('invalidPath');
      expect(r.error.status).toBe(400);
      expect(r.error.position?.column).toBe(column);
      expect(r.error.message).toContain(message);
      expect(r.error.message.startsWith('path: expected')).toBe(true);
    }
  });

  it('throws from parsePath', () => {
    expect(() => parsePath('emails[')).toThrow(/path: expected/);
    expect(() => parsePath(undefined as unknown as string)).toThrow(/expected a string/);
  });

  it('never throws anything but invalidPath on random text', () => {
    const pieces = fc.constantFrom(
      'a',
      'b',
      '.',
      '[',
      ']',
      ' ',
      'eq',
      '"x"',
      'urn:',
      ':',
      'pr',
      'and',
      '(',
      ')',
      '$',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(pieces, { maxLength: 16 }).map((p) => p.join('')),
          fc.string(),
        ),
        (text) => {
          const r = safeParsePath(text);
          if (r.success) expect(parsePath(stringifyPath(r.value))).toEqual(r.value);
          else expect(r.error.scimType).toBe('invalidPath');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('stringifyPath', () => {
  it('writes value paths with a sub-attribute', () => {
    expect(
      stringifyPath({
        attribute: 'emails',
        subAttribute: 'value',
        filter: { kind: 'compare', path: { attribute: 'type' }, op: 'eq', value: 'work' },
      }),
    ).toBe('emails[type eq "work"].value');
  });

  it('rejects names the syntax cannot hold with invalidPath', () => {
    expect(() => stringifyPath({ attribute: 'bad name' })).toThrow(/attribute name/);
  });
});

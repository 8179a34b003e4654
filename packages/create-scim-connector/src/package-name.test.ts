import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageNameProblems, suggestPackageName } from './package-name.ts';

describe('packageNameProblems', () => {
  it.each(['my-connector', 'a', 'scim.connector_2', '@acme/connector', 'x'.repeat(214)])(
    'accepts %s',
    (name) => {
      expect(packageNameProblems(name)).toEqual([]);
    },
  );

  it.each([
    ['', 'it must not be empty'],
    ['My-App', 'it must be lowercase'],
    ['.hidden', 'it must not start with a dot'],
    ['_private', 'it must not start with an underscore'],
    ['my app', 'it must not contain spaces'],
    ['wow!', "it must not contain any of ~'!()*"],
    ['node_modules', '"node_modules" is a reserved name'],
    ['http', '"http" is the name of a Node built-in module'],
    ['a/b', 'it must contain only URL-safe characters (letters, digits, - . _ and ~)'],
    ['@scope', 'a scoped name must have the form @scope/name'],
    ['x'.repeat(215), 'it must be at most 214 characters long'],
    [' lead', 'it must not start or end with spaces'],
  ])('refuses %j: %s', (name, problem) => {
    expect(packageNameProblems(name)).toContain(problem);
  });
});

describe('suggestPackageName', () => {
  it('turns a directory name into a package name', () => {
    expect(suggestPackageName('My Connector!')).toBe('my-connector');
    expect(suggestPackageName('.Acme_SCIM')).toBe('acme_scim');
    expect(suggestPackageName('http')).toBe('http-connector');
    expect(suggestPackageName('!!!')).toBeUndefined();
  });

  it('always suggests a valid name, or none', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (input) => {
        const suggestion = suggestPackageName(input);
        if (suggestion !== undefined) expect(packageNameProblems(suggestion)).toEqual([]);
      }),
    );
  });
});

import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageNameProblems, suggestPackageName } from './package-name.ts';

/** npm's own validator (what `npm publish` and `npm init` run), to check agreement with. */
const validate = createRequire(import.meta.url)('validate-npm-package-name') as (name: string) => {
  validForNewPackages: boolean;
};

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
    ['-dash', 'it must not start with a dash'],
    ['a/b', 'it must contain only URL-friendly characters (letters, digits and - . _)'],
    ['@scope', 'it must contain only URL-friendly characters (letters, digits and - . _)'],
    ['app~1', "it must not contain any of ~'!()*"],
    ['x'.repeat(215), 'it must be at most 214 characters long'],
    [' lead', 'it must not start or end with spaces'],
  ])('refuses %j: %s', (name, problem) => {
    expect(packageNameProblems(name)).toContain(problem);
  });

  it('never says a character is allowed in one message and refused in another', () => {
    // "~" is URL-friendly but refused for new packages: no message may call it allowed.
    expect(packageNameProblems('my~app x')).toEqual([
      "it must not contain any of ~'!()*",
      'it must not contain spaces',
    ]);
  });

  it("agrees with npm's own validate-npm-package-name on every name", () => {
    const char = fc.constantFrom(..."ab1-._~!()*'@/ A%é".split(''));
    const name = fc.oneof(
      fc.array(char, { maxLength: 10 }).map((chars) => chars.join('')),
      fc.constantFrom('http', 'fs', 'node_modules', 'favicon.ico', '@a/b', '@a/.b', 'x'.repeat(215)),
    );
    fc.assert(
      fc.property(name, (candidate) => {
        expect(packageNameProblems(candidate).length === 0, candidate).toBe(
          validate(candidate).validForNewPackages,
        );
      }),
      { numRuns: 3000 },
    );
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

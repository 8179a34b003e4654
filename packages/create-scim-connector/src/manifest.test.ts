import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../test/helpers.ts';
import { isCreateConnectorError } from './errors.ts';
import { manifestProblems, parseTemplateManifest, safeParseTemplateManifest } from './manifest.ts';

const fixture = JSON.parse(readFileSync(join(fixturesDir, 'fixture-basic', 'template.json'), 'utf8'));

describe('parseTemplateManifest', () => {
  it('accepts a valid manifest', () => {
    const manifest = parseTemplateManifest(fixture);
    expect(manifest.id).toBe('fixture-basic');
    expect(manifest.resources.map((r) => r.name)).toEqual(['User', 'Group']);
  });

  it('names every problem of an invalid manifest', () => {
    const broken = structuredClone(fixture);
    broken.id = 'Not Valid';
    delete broken.title;
    broken.resources[0].attributes[1].filter = 'yes';
    broken.stores = [];
    broken.tenantUrl = { pattern: '' };
    expect(manifestProblems(broken)).toEqual([
      'title must be a non-empty string',
      'id must be lowercase letters, digits and dashes',
      'resources[0].attributes[1].filter must be true or false',
      'stores must be a non-empty array',
      'tenantUrl.pattern must be a non-empty string',
      'tenantUrl.notes must be an array of strings',
    ]);
    try {
      parseTemplateManifest(broken, 'x/template.json');
      expect.unreachable();
    } catch (error) {
      expect(isCreateConnectorError(error) && error.code).toBe('invalidTemplateManifest');
      expect((error as Error).message).toContain('x/template.json is invalid: title must be');
    }
  });

  it('refuses a store or an attribute listed twice', () => {
    const twice = structuredClone(fixture);
    twice.stores.push(twice.stores[0]);
    twice.resources[1].attributes.push(twice.resources[1].attributes[1]);
    expect(manifestProblems(twice)).toEqual([
      'stores has "sqlite" twice',
      'resources[1].attributes has "members" twice',
    ]);
  });

  it('accepts token commands with example values, and refuses empty ones or placeholders', () => {
    const keeper = [['create', '--node', 'engineering']];
    expect(manifestProblems({ ...fixture, tokenCommands: keeper })).toEqual([]);
    const invalid = 'tokenCommands must be a non-empty array of non-empty arrays of strings when given';
    expect(manifestProblems({ ...fixture, tokenCommands: [] })).toEqual([invalid]);
    expect(manifestProblems({ ...fixture, tokenCommands: [[]] })).toEqual([invalid]);
    expect(manifestProblems({ ...fixture, tokenCommands: [['create', 1]] })).toEqual([invalid]);
    // `<node>` is a shell redirection: a printed next step must run as written.
    expect(manifestProblems({ ...fixture, tokenCommands: [['create', '--node', '<node>']] })).toEqual([
      'tokenCommands are printed to be run as written: use example values, not <placeholders>',
    ]);
    // Quotes, a backtick and a backslash change what a shell runs too.
    for (const special of ['`', "'", '"', '\\']) {
      expect(manifestProblems({ ...fixture, tokenCommands: [['create', `a${special}b`]] })).toEqual([
        'tokenCommands are printed to be run as written: use example values, not <placeholders>',
      ]);
    }
  });

  it("accepts a store's own dependencies as a list of names", () => {
    const stores = [{ ...fixture.stores[0], dependencies: ['pg'] }];
    expect(manifestProblems({ ...fixture, stores })).toEqual([]);
    expect(manifestProblems({ ...fixture, stores: [{ ...fixture.stores[0], dependencies: 'pg' }] })).toEqual([
      'stores[0].dependencies must be an array of package names',
    ]);
  });

  it('refuses what is not an object', () => {
    expect(manifestProblems([])).toEqual(['it must be a JSON object']);
    expect(manifestProblems(null)).toEqual(['it must be a JSON object']);
  });
});

describe('safeParseTemplateManifest', () => {
  it('returns the manifest parseTemplateManifest returns', () => {
    expect(safeParseTemplateManifest(fixture)).toEqual({
      success: true,
      value: parseTemplateManifest(fixture),
    });
  });

  it('returns the error parseTemplateManifest throws, naming the file and every problem', () => {
    const broken = { ...fixture, id: 7, resources: 'none' };
    const r = safeParseTemplateManifest(broken, 'templates/x/template.json');
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.error.code).toBe('invalidTemplateManifest');
    expect(r.error.message).toContain('templates/x/template.json');
    expect(() => parseTemplateManifest(broken, 'templates/x/template.json')).toThrow(r.error.message);
  });

  it('agrees with parseTemplateManifest on any JSON value: the same manifest, or the same error', () => {
    // Arbitrary JSON, and the fixture with one field replaced by arbitrary JSON (nearer to valid).
    const keys = Object.keys(fixture);
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc
        .tuple(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }))
        .map(([k, v]) => ({ ...fixture, [k]: v })),
      fc.constantFrom(...keys).map((k) => {
        const { [k]: _gone, ...rest } = fixture;
        return rest;
      }),
    );
    fc.assert(
      fc.property(value, (v) => {
        const safe = safeParseTemplateManifest(v, 't.json');
        let plain: { value: unknown } | { message: string };
        try {
          plain = { value: parseTemplateManifest(v, 't.json') };
        } catch (error) {
          if (!isCreateConnectorError(error)) throw error;
          plain = { message: error.message };
        }
        if ('message' in plain) {
          expect(!safe.success && safe.error.message).toBe(plain.message);
        } else {
          expect(safe).toEqual({ success: true, value: plain.value });
        }
      }),
      { numRuns: 300 },
    );
  });
});

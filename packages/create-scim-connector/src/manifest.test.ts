import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../test/helpers.ts';
import { isCreateConnectorError } from './errors.ts';
import { manifestProblems, parseTemplateManifest } from './manifest.ts';

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

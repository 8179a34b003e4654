import { writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixtures, fixturesDir } from '../test/helpers.ts';
import type { ScaffoldFileSystem } from './context.ts';
import { closestMatch, findTemplates, listTemplates, templateDirCandidates } from './templates.ts';

const files = fs as unknown as ScaffoldFileSystem;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('listTemplates', () => {
  it('reads every template, sorted, and tells which are ready', async () => {
    const templates = await listTemplates(fixturesDir, files);
    expect(templates.map((t) => [t.manifest.id, t.ready])).toEqual([
      ['fixture-basic', true],
      ['fixture-draft', false],
    ]);
    expect(templates[0]!.dir).toBe(join(fixturesDir, 'fixture-basic'));
  });

  it('returns nothing for a directory that does not exist', async () => {
    expect(await listTemplates(join(fixturesDir, 'nope'), files)).toEqual([]);
  });

  it('refuses a manifest whose id is not its directory name', async () => {
    const copy = copyFixtures();
    cleanups.push(copy.remove);
    const file = join(copy.dir, 'fixture-draft', 'template.json');
    const manifest = JSON.parse(await fs.readFile(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...manifest, id: 'other' }));
    await expect(listTemplates(copy.dir, files)).rejects.toThrow(
      'its id "other" differs from its directory name "fixture-draft"',
    );
  });

  it('refuses a manifest that is not JSON', async () => {
    const copy = copyFixtures();
    cleanups.push(copy.remove);
    writeFileSync(join(copy.dir, 'fixture-draft', 'template.json'), '{ nope');
    await expect(listTemplates(copy.dir, files)).rejects.toThrow(/template\.json is invalid/);
  });
});

describe('findTemplates', () => {
  it('uses the directory the environment names', async () => {
    const env = { CREATE_SCIM_CONNECTOR_TEMPLATES: fixturesDir };
    expect(templateDirCandidates(env)).toEqual([fixturesDir]);
    expect((await findTemplates(env, files)).map((t) => t.manifest.id)).toEqual([
      'fixture-basic',
      'fixture-draft',
    ]);
  });

  it('says where it looked when there are none', async () => {
    const env = { CREATE_SCIM_CONNECTOR_TEMPLATES: join(fixturesDir, 'nope') };
    await expect(findTemplates(env, files)).rejects.toThrow(
      `No templates were found (looked in ${env.CREATE_SCIM_CONNECTOR_TEMPLATES}).`,
    );
  });

  it('reads the bundled copy when built, and the repository templates first from source', () => {
    const bundled = join(import.meta.dirname, '..', 'templates');
    const repo = join(import.meta.dirname, '..', '..', '..', 'templates');
    expect(templateDirCandidates({}, false)).toEqual([bundled, repo]);
    expect(templateDirCandidates({}, true)).toEqual([repo, bundled]);
    // These tests run from src/.
    expect(templateDirCandidates({})).toEqual([repo, bundled]);
  });
});

describe('closestMatch', () => {
  const ids = ['blank', 'cybsafe', 'hoxhunt', 'hypervault', 'keeper', 'vault-platform'];
  it.each([
    ['keper', 'keeper'],
    ['Keeper', 'keeper'],
    ['hyper', 'hypervault'],
    ['vault', 'vault-platform'],
    ['cybersafe', 'cybsafe'],
    ['hoxhnut', 'hoxhunt'],
    ['salesforce', undefined],
    ['x', undefined],
  ])('matches %s to %s', (input, expected) => {
    expect(closestMatch(input, ids)).toBe(expected);
  });
});

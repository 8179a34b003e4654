import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixtures, tempDir } from '../test/helpers.ts';
import { bundleTemplates } from './bundle.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('bundleTemplates', () => {
  it('copies every template without installed modules or build output, replacing the old copy', () => {
    const source = copyFixtures();
    const target = tempDir();
    cleanups.push(source.remove, target.remove);
    const basic = join(source.dir, 'fixture-basic');
    for (const dir of ['node_modules/dep', 'dist', '.turbo', 'src/dist'])
      mkdirSync(join(basic, dir), { recursive: true });
    writeFileSync(join(basic, 'node_modules', 'dep', 'index.js'), '');
    writeFileSync(join(basic, 'tsconfig.tsbuildinfo'), '');
    mkdirSync(join(source.dir, 'not-a-template'));
    mkdirSync(join(target.dir, 'stale'));

    expect(bundleTemplates(source.dir, target.dir)).toEqual(['fixture-basic', 'fixture-draft']);
    expect(readdirSync(target.dir).sort()).toEqual(['fixture-basic', 'fixture-draft']);
    expect(readdirSync(join(target.dir, 'fixture-basic')).sort()).toEqual([
      'README.md',
      '_env.example',
      '_gitignore',
      'package.json',
      'src',
      'template.json',
    ]);
    expect(existsSync(join(target.dir, 'fixture-basic', 'src', 'dist'))).toBe(false);
    expect(readFileSync(join(target.dir, 'fixture-basic', '_gitignore'), 'utf8')).toBe(
      'node_modules/\ndata/\n.env\n',
    );
  });
});

// The one runner of the JSON case files: every folder test/cases/<group>/ is a group, every
// <group>/*.json a case file, run by the executor registered for the group in executors/index.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CaseFile, executors } from './executors/index.ts';

const root = new URL('./cases/', import.meta.url);
const groups = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

it('finds case groups, each with an executor', () => {
  expect(groups.length).toBeGreaterThan(0);
  expect(groups.filter((g) => executors[g] === undefined)).toEqual([]);
});

for (const group of groups) {
  const executor = executors[group];
  if (executor === undefined) continue;
  const dir = new URL(`${group}/`, root);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  describe(group, () => {
    it('has case files', () => {
      expect(files.length, `test/cases/${group}/ holds no .json case file`).toBeGreaterThan(0);
    });
    for (const file of files) {
      let data: CaseFile;
      try {
        data = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as CaseFile;
      } catch (error) {
        throw new Error(`test/cases/${group}/${file} is not valid JSON: ${(error as Error).message}`);
      }
      describe(file, () => {
        it('has uniquely named cases', () => {
          const names = data.cases.map((c) => c.name);
          expect(names.length).toBeGreaterThan(0);
          expect(new Set(names).size).toBe(names.length);
        });
        for (const testCase of data.cases) {
          it(testCase.name, () => executor(testCase, data));
        }
      });
    }
  });
}

// The fidelity table of docs/entra-mock.md cannot drift: every row has one of the table's labels,
// every "reproduced" row names a test (or a kit scenario) that exists, and the counts in the
// section's introduction are the table's.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceScenarios } from '../src/conformance/kit.ts';

const PACKAGE = join(import.meta.dirname, '..');
const DOC = join(PACKAGE, '..', '..', 'docs', 'entra-mock.md');

/** The Fidelity section: from its heading to the next second-level heading. */
function fidelitySection(): string {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf('\n## Fidelity\n');
  if (start < 0) throw new Error('docs/entra-mock.md has no "## Fidelity" section');
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

interface Row {
  readonly id: string;
  readonly behaviour: string;
  readonly status: string;
}

/** The rows of every table of the section (header and separator lines left out). */
function tableRows(section: string): Row[] {
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| #') && !line.startsWith('| ---'))
    .map((line) => {
      const cells = line.slice(2, -2).split(' | ');
      return { id: cells[0]!, behaviour: cells[1]!, status: cells.at(-1)! };
    });
}

/** Every test file of the package, by its label: the file name without `.test.ts`. */
function testFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts')) {
        const label = basename(entry.name, '.test.ts');
        if (files.has(label))
          throw new Error(`two test files are labelled "${label}": ${files.get(label)}, ${path}`);
        files.set(label, path);
      }
    }
  };
  walk(join(PACKAGE, 'src'));
  walk(join(PACKAGE, 'test'));
  return files;
}

/** The titles of a test file's `describe`, `it` and `test` calls (and of their `.each` forms), unescaped. */
function titlesOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const literal = /(?:\b(?:describe|it|test)\(|\)\()\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  return [...source.matchAll(literal)].map((m) => m[2]!.replace(/\\(.)/g, '$1'));
}

/**
 * Whether a title the table names is one of the file's. A title cut with `…` names the test whose
 * title starts so; `%s` and `$name` in a test's title (its `.each` form) match any text.
 */
function names(title: string, titles: readonly string[]): boolean {
  if (title.endsWith('…')) {
    const start = title.slice(0, -1).trimEnd();
    return titles.some((t) => t.startsWith(start));
  }
  return titles.some((t) => {
    const pattern = t
      .split(/(%[sdifjo]|\$\w+)/)
      .map((part, i) => (i % 2 === 1 ? '.+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${pattern}$`).test(title);
  });
}

const LABELS = ['reproduced', 'differs, because '];

describe('the fidelity table of docs/entra-mock.md', () => {
  const section = fidelitySection();
  const rows = tableRows(section);
  const files = testFiles();

  it('labels every row reproduced or "differs, because …"', () => {
    expect(rows.length).toBeGreaterThan(100);
    const unlabelled = rows.filter((r) => !LABELS.some((label) => r.status.startsWith(label)));
    expect(unlabelled.map((r) => `${r.id}: ${r.status}`)).toEqual([]);
  });

  it('names, for every reproduced row, tests and kit scenarios that exist', () => {
    const scenarios = new Set(conformanceScenarios.map((s) => s.name));
    const problems: string[] = [];
    for (const row of rows.filter((r) => r.status.startsWith('reproduced'))) {
      const tests = [...row.status.matchAll(/`([\w-]+) › ([^`]+)`/g)];
      const kit = [...row.status.matchAll(/\*kit scenario\* `([\w-]+)`/g)];
      if (tests.length === 0 && kit.length === 0) problems.push(`${row.id}: names no test`);
      for (const [, label, title] of tests) {
        const file = files.get(label!);
        if (!file) problems.push(`${row.id}: no test file is labelled "${label}"`);
        else if (!names(title!, titlesOf(file))) problems.push(`${row.id}: ${label} has no test "${title}"`);
      }
      for (const [, name] of kit)
        if (!scenarios.has(name as never)) problems.push(`${row.id}: no kit scenario "${name}"`);
    }
    expect(problems).toEqual([]);
  });

  it('numbers every row once and gives the counts the table has', () => {
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const observed = rows.filter((r) => r.behaviour.startsWith('*Observed*'));
    const documented = rows.filter((r) => !r.behaviour.startsWith('*Observed*'));
    const reproduced = documented.filter((r) => r.status.startsWith('reproduced')).length;
    const summary = `${documented.length} documented behaviours: ${reproduced} reproduced, ${documented.length - reproduced} differ; and ${observed.length} observed ones`;
    expect(section.replace(/\s+/g, ' ')).toContain(summary);
  });
});

// Every TypeScript snippet of the documentation (docs/*.md, README.md, packages/*/README.md)
// compiles against the packages' sources, and every one that stands on its own runs. A snippet
// opts out only with a marker that says why (see snippets.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepare, runSnippets, typecheck } from './check.ts';
import { extractSnippets, modules } from './snippets.ts';

const repo = join(import.meta.dirname, '..', '..', '..');

/** The documentation files, relative to the repository root. */
function documents(): string[] {
  const docs = readdirSync(join(repo, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`);
  const readmes = readdirSync(join(repo, 'packages'))
    .map((d) => `packages/${d}/README.md`)
    .filter((f) => {
      try {
        readFileSync(join(repo, f));
        return true;
      } catch {
        return false;
      }
    });
  return ['README.md', ...docs, ...readmes].sort();
}

const files = documents();
const snippets = files.flatMap((f) => extractSnippets(readFileSync(join(repo, f), 'utf8'), f));
const prepared = modules(snippets).map(prepare);

describe('the documentation snippets', () => {
  it('are found in every guide and README, and few opt out', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'docs/server.md', 'packages/server/README.md']),
    );
    expect(snippets.length).toBeGreaterThan(40);
    const skipped = snippets.filter((s) => s.mode === 'skip');
    // Skipping is for fragments that cannot stand alone; keep it rare.
    expect(skipped.length).toBeLessThanOrEqual(3);
  });

  it('compile against the packages', () => {
    expect(typecheck(prepared)).toEqual([]);
  }, 120_000);

  const runnable = prepared.filter((p) => p.noRun === undefined);
  it.each(runnable.map((p) => [`${p.snippet.file}:${p.snippet.line}`, p] as const))(
    '%s runs',
    (_, p) => {
      const [result] = runSnippets([p]);
      expect(result!.ok, result!.output).toBe(true);
    },
    60_000,
  );
});

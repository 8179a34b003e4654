import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

/** What a template directory may hold that never ships: installed modules and build output. */
const excluded = new Set(['node_modules', 'dist', '.turbo', 'coverage', '.DS_Store']);

/**
 * Replaces `target` by a copy of every template of `source` (each subdirectory with a
 * `template.json`), without installed modules and build output. `scripts/copy-templates.ts` runs it
 * at build and prepack time, so that the templates ship inside the CLI's tarball.
 *
 * @internal
 */
export function bundleTemplates(source: string, target: string): string[] {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const ids = readdirSync(source)
    .filter((id) => existsSync(join(source, id, 'template.json')))
    .sort();
  for (const id of ids) {
    cpSync(join(source, id), join(target, id), {
      recursive: true,
      filter: (path) => !excluded.has(basename(path)) && !path.endsWith('.tsbuildinfo'),
    });
  }
  return ids;
}

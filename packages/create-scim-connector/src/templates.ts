import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScaffoldFileSystem } from './context.ts';
import { CreateConnectorError } from './errors.ts';
import { parseTemplateManifest, type TemplateManifest } from './manifest.ts';

/**
 * A template found on disk: its manifest, its directory, and whether its source files exist yet.
 *
 * @example
 * ```ts
 * import * as fs from 'node:fs/promises';
 * const templates = await listTemplates('templates', fs);
 * templates.filter((t) => t.ready).map((t) => t.manifest.id);
 * ```
 * @see {@link listTemplates}
 */
export interface TemplateInfo {
  /** The parsed `template.json`. */
  manifest: TemplateManifest;
  /** The template's directory. */
  dir: string;
  /** Whether it can be scaffolded: it has a `package.json` beside its manifest. */
  ready: boolean;
}

/** The directory of this module: `src/` when run from source, `dist/` when built. */
const moduleDir = dirname(fileURLToPath(import.meta.url));

/** This package's root: one level above `src/` or `dist/`. */
const packageRoot = join(moduleDir, '..');

/**
 * The environment variable that points the CLI at another templates directory, for template authors.
 *
 * @internal
 */
export const templatesDirEnv = 'CREATE_SCIM_CONNECTOR_TEMPLATES';

/**
 * Where the templates may be, in order: `$CREATE_SCIM_CONNECTOR_TEMPLATES` alone when set; else, when
 * built, the copy bundled in the package (then the repository's, for a build inside the repository);
 * when run from source, the repository's `templates/` first, since the bundled copy is only as fresh
 * as the last build.
 *
 * @internal
 */
export function templateDirCandidates(
  env: Record<string, string | undefined>,
  fromSource: boolean = basename(moduleDir) === 'src',
): string[] {
  const fromEnv = env[templatesDirEnv];
  if (fromEnv) return [fromEnv];
  const bundled = join(packageRoot, 'templates');
  const repository = join(packageRoot, '..', '..', 'templates');
  return fromSource ? [repository, bundled] : [bundled, repository];
}

async function exists(fs: ScaffoldFileSystem, path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads every template of a templates directory (each subdirectory holding a `template.json`),
 * sorted by id.
 *
 * @param root - The templates directory.
 * @param fs - The file system to read with.
 * @returns The templates found; empty when the directory does not exist.
 * @throws {@link CreateConnectorError} `invalidTemplateManifest` when a manifest is invalid or its
 * id differs from its directory name.
 * @example
 * ```ts
 * import * as fs from 'node:fs/promises';
 * const templates = await listTemplates('templates', fs);
 * ```
 * @see https://github.com/scim-sdk/scim-sdk/blob/main/docs/templates.md
 */
export async function listTemplates(root: string, fs: ScaffoldFileSystem): Promise<TemplateInfo[]> {
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return [];
  }
  const templates: TemplateInfo[] = [];
  for (const name of names.sort()) {
    const dir = join(root, name);
    const file = join(dir, 'template.json');
    if (!(await exists(fs, file))) continue;
    let json: unknown;
    try {
      json = JSON.parse(await fs.readFile(file, 'utf8'));
    } catch (error) {
      throw new CreateConnectorError('invalidTemplateManifest', { file, problem: (error as Error).message });
    }
    const manifest = parseTemplateManifest(json, file);
    if (manifest.id !== name) {
      throw new CreateConnectorError('invalidTemplateManifest', {
        file,
        problem: `its id "${manifest.id}" differs from its directory name "${name}"`,
      });
    }
    templates.push({ manifest, dir, ready: await exists(fs, join(dir, 'package.json')) });
  }
  return templates;
}

/**
 * Finds the templates: the first candidate directory that holds at least one.
 *
 * @internal
 */
export async function findTemplates(
  env: Record<string, string | undefined>,
  fs: ScaffoldFileSystem,
): Promise<TemplateInfo[]> {
  const searched = templateDirCandidates(env);
  for (const root of searched) {
    const templates = await listTemplates(root, fs);
    if (templates.length > 0) return templates;
  }
  throw new CreateConnectorError('templatesNotFound', { searched });
}

/** The Levenshtein distance between two strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to what the user typed, if one is close enough to be a likely typo: a
 * prefix or substring match, or an edit distance of at most a third of its length (at least 2).
 *
 * @internal
 */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  const prefixed = candidates.find((c) => c.startsWith(typed));
  if (prefixed) return prefixed;
  const contained = typed.length >= 3 ? candidates.find((c) => c.includes(typed)) : undefined;
  if (contained) return contained;
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(typed, candidate);
    if (!best || d < best.d) best = { candidate, d };
  }
  if (best && best.d <= Math.max(2, Math.floor(best.candidate.length / 3))) return best.candidate;
  return undefined;
}

import { CreateConnectorError } from './errors.ts';

/**
 * Dotfiles are stored in templates under another name (`_gitignore`), so that npm keeps them in the
 * tarball and they do not act on the repository; they get their real name on copy.
 *
 * @internal
 */
export const dotfileNames: Readonly<Record<string, string>> = {
  _gitignore: '.gitignore',
  _gitattributes: '.gitattributes',
  _npmrc: '.npmrc',
  _env: '.env',
  '_env.example': '.env.example',
  _editorconfig: '.editorconfig',
  _nvmrc: '.nvmrc',
  _github: '.github',
  _vscode: '.vscode',
};

/**
 * The name a template file gets in the project: `_gitignore` becomes `.gitignore`, and so on.
 *
 * @internal
 */
export function projectFileName(name: string): string {
  return dotfileNames[name] ?? name;
}

const dependencyFields = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

/**
 * The range a `workspace:` range becomes once published: `workspace:*` and `workspace:^` become
 * `^version`, `workspace:~` becomes `~version`, and an explicit `workspace:1.2.3` becomes `1.2.3`.
 *
 * @internal
 */
export function publishedRange(range: string, version: string): string {
  const spec = range.slice('workspace:'.length);
  if (spec === '*' || spec === '^' || spec === '') return `^${version}`;
  if (spec === '~') return `~${version}`;
  return spec;
}

/**
 * Sets the package name of a package.json text, putting `name` first.
 *
 * @internal
 */
export function setPackageName(text: string, name: string): string {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const ordered: Record<string, unknown> = { name };
  for (const [key, value] of Object.entries(pkg)) if (key !== 'name') ordered[key] = value;
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/**
 * Replaces every `workspace:` range of a package.json text by the published version from the
 * version table; returns the new text and the dependencies it changed.
 *
 * @internal
 */
export function replaceWorkspaceRanges(
  text: string,
  versions: Readonly<Record<string, string>>,
  template: string,
): { text: string; replaced: Record<string, string> } {
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const replaced: Record<string, string> = {};
  for (const field of dependencyFields) {
    const deps = pkg[field];
    if (typeof deps !== 'object' || deps === null) continue;
    for (const [dep, range] of Object.entries(deps as Record<string, unknown>)) {
      if (typeof range !== 'string' || !range.startsWith('workspace:')) continue;
      const version = versions[dep];
      if (version === undefined) {
        throw new CreateConnectorError('unknownWorkspaceDependency', { dependency: dep, template });
      }
      const published = publishedRange(range, version);
      (deps as Record<string, string>)[dep] = published;
      replaced[dep] = published;
    }
  }
  return { text: `${JSON.stringify(pkg, null, 2)}\n`, replaced };
}

/**
 * Sets one variable in a dotenv text: replaces its line, or appends one.
 *
 * @internal
 */
export function setEnvValue(text: string, key: string, value: string): string {
  const line = `${key}=${value}`;
  const pattern = new RegExp(`^${key}=.*$`, 'm');
  if (pattern.test(text)) return text.replace(pattern, () => line);
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
}

/**
 * The marker of a template line that only makes sense inside the SDK's repository (for example the
 * `@scim/source` export condition, which resolves the libraries to their TypeScript sources there):
 * a line holding it is removed at scaffold time.
 *
 * @internal
 */
export const repositoryOnlyMarker = 'sdk-repository-only';

/**
 * The files whose lines may carry {@link repositoryOnlyMarker}: text sources and configuration.
 *
 * @internal
 */
export const repositoryOnlyFiles = /\.(?:[cm]?ts|[cm]?js|json)$/;

/**
 * Removes every line holding {@link repositoryOnlyMarker}; returns the text unchanged when it has none.
 *
 * @internal
 */
export function stripRepositoryOnlyLines(text: string): string {
  if (!text.includes(repositoryOnlyMarker)) return text;
  return text
    .split('\n')
    .filter((line) => !line.includes(repositoryOnlyMarker))
    .join('\n');
}

/**
 * Removes from a package.json text the dependencies that only the stores not chosen need (each
 * store's `dependencies` in the manifest): `pg` leaves a project that keeps its data in SQLite.
 *
 * @internal
 */
export function removeOtherStoresDependencies(
  text: string,
  stores: readonly { id: string; dependencies?: string[] }[],
  chosen: string,
): { text: string; removed: string[] } {
  const keep = new Set(stores.find((s) => s.id === chosen)?.dependencies ?? []);
  const drop = new Set(
    stores.flatMap((s) => (s.id === chosen ? [] : (s.dependencies ?? []))).filter((d) => !keep.has(d)),
  );
  const pkg = JSON.parse(text) as Record<string, unknown>;
  const removed: string[] = [];
  for (const field of dependencyFields) {
    const deps = pkg[field] as Record<string, string> | undefined;
    if (deps === undefined) continue;
    for (const name of Object.keys(deps)) {
      if (!drop.has(name)) continue;
      delete deps[name];
      removed.push(name);
    }
  }
  return { text: `${JSON.stringify(pkg, null, 2)}\n`, removed };
}

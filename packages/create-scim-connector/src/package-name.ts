import { builtinModules } from 'node:module';

/** The names npm refuses whatever their form. */
const excluded = new Set(['node_modules', 'favicon.ico']);

/** Node's built-in module names (`fs`, `http`, ...), which npm refuses for new packages. */
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('node:')));

/**
 * Lists why a string is not a valid name for a new npm package, by npm's own rules (those of
 * `validate-npm-package-name`, which npm runs): not empty; no leading `.`, `-` or `_`; no leading or
 * trailing spaces (nor a `.` after the scope); not `node_modules` nor `favicon.ico`; not a Node built-in module; at most 214
 * characters; lowercase; none of `~'!()*` in the name after the scope; and URL-friendly characters
 * only (`@scope/name` is checked part by part).
 *
 * @param name - The candidate name.
 * @returns The problems, in words; empty when the name is valid for a new package.
 * @throws Never.
 * @example
 * ```ts
 * packageNameProblems('My App'); // ['it must be lowercase', 'it must contain only URL-friendly characters ...']
 * packageNameProblems('my-app'); // []
 * ```
 * @see https://docs.npmjs.com/cli/configuring-npm/package-json#name
 * @see https://github.com/npm/validate-npm-package-name
 */
export function packageNameProblems(name: string): string[] {
  if (name.length === 0) return ['it must not be empty'];
  const problems: string[] = [];
  if (name.startsWith('.')) problems.push('it must not start with a dot');
  if (name.startsWith('-')) problems.push('it must not start with a dash');
  if (name.startsWith('_')) problems.push('it must not start with an underscore');
  if (name.trim() !== name) problems.push('it must not start or end with spaces');
  if (excluded.has(name.toLowerCase())) problems.push(`"${name}" is a reserved name`);
  if (builtins.has(name.toLowerCase())) problems.push(`"${name}" is the name of a Node built-in module`);
  if (name.length > 214) problems.push('it must be at most 214 characters long');
  if (name.toLowerCase() !== name) problems.push('it must be lowercase');
  const last = name.split('/').at(-1) ?? name;
  if (/[~'!()*]/.test(last)) problems.push("it must not contain any of ~'!()*");
  const scopedName = /^@[^/]+?\/([^/]+?)$/.exec(name)?.[1];
  if (scopedName?.startsWith('.') && !name.startsWith('.')) problems.push('it must not start with a dot');
  if (encodeURIComponent(name) !== name && !urlFriendlyScoped(name)) {
    problems.push(
      /\s/.test(name)
        ? 'it must not contain spaces'
        : 'it must contain only URL-friendly characters (letters, digits and - . _)',
    );
  }
  return problems;
}

/** A scoped name, `@scope/name`, whose two parts are each URL-friendly (npm's exception for the `@` and `/`). */
function urlFriendlyScoped(name: string): boolean {
  const scoped = /^@([^/]+?)\/([^/]+?)$/.exec(name);
  if (!scoped) return false;
  const [, scope = '', pkg = ''] = scoped;
  return encodeURIComponent(scope) === scope && encodeURIComponent(pkg) === pkg;
}

/**
 * Turns a directory name into the closest valid npm package name: lowercase, runs of other
 * characters replaced by a dash, no leading dots, dashes or underscores.
 *
 * @param dirName - The directory's base name.
 * @returns A valid package name, or `undefined` when nothing usable remains.
 * @throws Never.
 * @example
 * ```ts
 * suggestPackageName('My Connector!'); // 'my-connector'
 * ```
 * @see https://docs.npmjs.com/cli/configuring-npm/package-json#name
 */
export function suggestPackageName(dirName: string): string | undefined {
  const name = dirName
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .replace(/-+$/, '')
    .slice(0, 214)
    .replace(/[._-]+$/, '');
  if (name === '') return undefined;
  return packageNameProblems(name).length === 0 ? name : `${name}-connector`;
}

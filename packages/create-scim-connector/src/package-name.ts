/** The names npm refuses whatever their form. */
const reserved = new Set(['node_modules', 'favicon.ico']);

/** Node's built-in module names, which npm refuses as new package names. */
const builtins = new Set([
  'assert',
  'buffer',
  'child_process',
  'cluster',
  'console',
  'constants',
  'crypto',
  'dgram',
  'dns',
  'domain',
  'events',
  'fs',
  'http',
  'http2',
  'https',
  'inspector',
  'module',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'punycode',
  'querystring',
  'readline',
  'repl',
  'stream',
  'string_decoder',
  'sys',
  'timers',
  'tls',
  'trace_events',
  'tty',
  'url',
  'util',
  'v8',
  'vm',
  'wasi',
  'worker_threads',
  'zlib',
]);

/**
 * Lists why a string is not a valid name for a new npm package, following npm's rules: at most 214
 * characters, lowercase, URL-safe, no leading dot or underscore, no spaces or `~'!()*`, not a Node
 * built-in module nor a reserved name; a scope `@scope/name` applies the rules to both parts.
 *
 * @param name - The candidate name.
 * @returns The problems, in words; empty when the name is valid.
 * @throws Never.
 * @example
 * ```ts
 * packageNameProblems('My App'); // ['it must be lowercase', 'it must not contain spaces', ...]
 * packageNameProblems('my-app'); // []
 * ```
 * @see https://docs.npmjs.com/cli/configuring-npm/package-json#name
 */
export function packageNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length === 0) return ['it must not be empty'];
  if (name.length > 214) problems.push('it must be at most 214 characters long');
  if (name.trim() !== name) problems.push('it must not start or end with spaces');
  if (name.startsWith('.')) problems.push('it must not start with a dot');
  if (name.startsWith('_')) problems.push('it must not start with an underscore');
  if (name.toLowerCase() !== name) problems.push('it must be lowercase');
  if (/\s/.test(name.trim())) problems.push('it must not contain spaces');
  if (/[~'!()*]/.test(name)) problems.push("it must not contain any of ~'!()*");
  if (reserved.has(name.toLowerCase())) problems.push(`"${name}" is a reserved name`);
  if (builtins.has(name.toLowerCase())) problems.push(`"${name}" is the name of a Node built-in module`);
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  const parts = scoped ? [scoped[1]!, scoped[2]!] : [name];
  if (!scoped && name.startsWith('@')) problems.push('a scoped name must have the form @scope/name');
  if (parts.some((part) => encodeURIComponent(part) !== part)) {
    problems.push('it must contain only URL-safe characters (letters, digits, - . _ and ~)');
  }
  return [...new Set(problems)];
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

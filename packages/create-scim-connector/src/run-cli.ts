import { fileSystem } from './actions/fs.ts';
import { helpText, parseArgs } from './actions/parse-args.ts';
import type { ScaffoldContext } from './context.ts';
import { createConnector } from './create-connector.ts';
import { CreateConnectorError, isCreateConnectorError } from './errors.ts';
import { findTemplates, type TemplateInfo } from './templates.ts';
import { cliVersion } from './versions.ts';

/**
 * The Node.js a generated project runs on: it runs its TypeScript sources directly, which Node.js
 * does without a flag from 22.18 on, and keeps its data with `node:sqlite`, which binds the SQLite
 * store's numbered parameters from 22.20 on (and from 24.7 on the 24 line; no 23 does).
 *
 * @internal
 */
export const requiredNode = '22.20 (or 24.7 on Node.js 24)';

/**
 * Whether a Node.js version (`22.20.0`, `v24.7.0`) runs a generated project: 22.20 or later on the
 * 22 line, 24.7 or later on the 24 line, or any later major.
 *
 * @internal
 */
export function supportsNode(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major === 22) return minor >= 20;
  if (major === 24) return minor >= 7;
  return major > 24;
}

/**
 * Runs the `create-scim-connector` command: parses the arguments, prints help or the version, or
 * checks that Node.js is recent enough for the project (22.20 or 24.7 or later) and scaffolds; prints the
 * error (what happened, why, what to do) and returns 1 when it fails, before writing anything.
 *
 * @param argv - The arguments after the script name (`process.argv.slice(2)`).
 * @param context - The injected world; the bin passes the real one.
 * @param print - Where help, the version and errors are printed.
 * @returns The process exit code: 0 on success, 1 on an error.
 * @throws Only errors that are not the scaffolder's own (bugs), which the bin reports.
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), context, { out: console.log, err: console.error });
 * ```
 * @see {@link createConnector}
 */
export async function runCli(
  argv: readonly string[],
  context: ScaffoldContext,
  print: { out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  try {
    const { options, help, version } = parseArgs(argv);
    if (version) {
      print.out(cliVersion);
      return 0;
    }
    const node = context.nodeVersion ?? process.versions.node;
    if (!help && !supportsNode(node)) {
      throw new CreateConnectorError('unsupportedNode', { version: node, required: requiredNode });
    }
    let templates: TemplateInfo[] | undefined;
    if (help) {
      try {
        templates = await findTemplates(context.env, fileSystem(context));
      } catch {
        templates = [];
      }
      print.out(helpText(templates.filter((t) => t.ready).map((t) => t.manifest.id)));
      return 0;
    }
    await createConnector(options, context);
    return 0;
  } catch (error) {
    if (isCreateConnectorError(error)) {
      print.err(error.format());
      return 1;
    }
    throw error;
  }
}

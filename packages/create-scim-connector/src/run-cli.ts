import { fileSystem } from './actions/fs.ts';
import { helpText, parseArgs } from './actions/parse-args.ts';
import type { ScaffoldContext } from './context.ts';
import { createConnector } from './create-connector.ts';
import { isCreateConnectorError } from './errors.ts';
import { findTemplates, type TemplateInfo } from './templates.ts';
import { cliVersion } from './versions.ts';

/**
 * Runs the `create-scim-connector` command: parses the arguments, prints help or the version, or
 * scaffolds; prints the error (what happened, why, what to do) and returns 1 when it fails.
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

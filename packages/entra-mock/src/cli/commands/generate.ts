import { parseArgs } from 'node:util';
import type { CliContext } from '../context.ts';
import { directoryOptions, loadDirectory } from '../directory-source.ts';

/** @internal `entra-mock generate`: writes a generated directory description as JSON. */
export async function generateCommand(args: string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...directoryOptions, out: { type: 'string', short: 'o' } },
    strict: true,
  });
  const { description } = await loadDirectory({ ...values, tenant: undefined }, context);
  const text = `${JSON.stringify(description, null, 2)}\n`;
  if (values.out === undefined) {
    context.out(text.trimEnd());
  } else {
    await context.writeFile(values.out, text);
    context.err(
      `Wrote ${values.out}: ${description.users.length} users, ${description.groups.length} groups, ${description.applications?.length ?? 0} applications.`,
    );
  }
  return 0;
}

// The directory the CLI provisions: generated from a seed, or read from a JSON description.
import { type DirectoryDescription, generateDirectory } from '../generator/directory.ts';
import { type CliContext, CliUsageError } from './context.ts';

/** @internal Options shared by `provision` and `generate` to describe a directory. */
export const directoryOptions = {
  tenant: { type: 'string' },
  users: { type: 'string' },
  groups: { type: 'string' },
  members: { type: 'string' },
  seed: { type: 'string' },
} as const;

function count(value: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliUsageError(`--${name} must be a whole number, not "${value}"`);
  return n;
}

/** @internal Reads `--tenant <file>` or generates from `--users`, `--groups`, `--members`, `--seed`. */
export async function loadDirectory(
  values: {
    tenant?: string | undefined;
    users?: string | undefined;
    groups?: string | undefined;
    members?: string | undefined;
    seed?: string | undefined;
  },
  context: CliContext,
): Promise<{ description: DirectoryDescription; generated: boolean; seed: number }> {
  const seed = count(values.seed, 'seed', 1)!;
  if (values.tenant !== undefined) {
    if (values.users !== undefined || values.groups !== undefined || values.members !== undefined) {
      throw new CliUsageError('use either --tenant <file> or --users/--groups/--members, not both');
    }
    let text: string;
    try {
      text = await context.readFile(values.tenant);
    } catch (error) {
      throw new CliUsageError(
        `cannot read ${values.tenant}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    let description: unknown;
    try {
      description = JSON.parse(text);
    } catch (error) {
      throw new CliUsageError(
        `${values.tenant} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const d = description as Partial<DirectoryDescription> | null;
    if (!d || !Array.isArray(d.users) || !Array.isArray(d.groups)) {
      throw new CliUsageError(
        `${values.tenant} is not a directory description: it needs "users" and "groups" arrays (write one with \`entra-mock generate\`)`,
      );
    }
    return { description: d as DirectoryDescription, generated: false, seed };
  }
  const users = count(values.users, 'users', 25)!;
  if (users < 1) throw new CliUsageError('--users must be at least 1');
  const groups = count(values.groups, 'groups', undefined);
  const members = count(values.members, 'members', undefined);
  return {
    description: generateDirectory({
      seed,
      users,
      ...(groups === undefined ? {} : { groups }),
      ...(members === undefined ? {} : { membersPerGroup: members }),
    }),
    generated: true,
    seed,
  };
}

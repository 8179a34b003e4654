import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { IMPORT_BATCH_SIZE, type ImportFailure, importResources } from '../handler/import.ts';
import { describeDatabase, parseDatabaseUrl } from '../settings/database-url.ts';
import { CliError } from '../settings/errors.ts';
import type { CliContext } from './context.ts';
import { importItems } from './import-input.ts';
import { profileFromEnv } from './profile-env.ts';
import { withStore } from './store.ts';

/** Help for `scim-server import`. */
export const importHelp = `Usage: scim-server import --tenant <tenant> <file | ->

Loads users and groups into a tenant, validated exactly as POST /Users and POST /Groups would
validate them (schemas, required attributes, uniqueness, limits, PROFILE), written in batched
transactions: for migrating an existing directory, or loading a benchmark.

Input (a file, or - for standard input):
  NDJSON, one resource per line; or one JSON document: an array of resources or a ListResponse.
  Each resource's "schemas" names its type. Put users before the groups that name them: a member
  "value" may be the id the user had in the source (the "id" in the file; imported resources get
  new ids), its externalId or its userName, or the id of a resource already in the tenant.

Each resource that fails is reported with its line and left out; the others are written. A batch
is one transaction: stopped halfway, the import leaves whole batches. Then the
planner's statistics are refreshed (ANALYZE). Lifecycle hooks do not run; the change feed records
each create. The exit code is 1 when a resource was left out.

Options:
  --tenant <tenant>     the tenant (for a server without {tenant} in BASE_PATH: default)
  --batch-size <n>      resources per transaction (default ${IMPORT_BATCH_SIZE})
  --json                print the summary as JSON on standard output
Environment: DATABASE_URL (default ./scim.db); PROFILE and UNKNOWN_MEMBERS as for \`start\`.`;

/** Failures printed one by one; past it, only counted. */
const PRINTED_FAILURES = 1_000;

/**
 * Runs `scim-server import`.
 *
 * @param argv - the arguments after `import`
 * @param context - the injected world
 * @returns the exit code: 0 when every resource was imported, 1 when some were left out
 * @throws CliError for a bad command line or an unreadable input
 * @internal
 */
export async function importCommand(argv: readonly string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      tenant: { type: 'string', short: 't' },
      'batch-size': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    context.out(importHelp);
    return 0;
  }
  const tenant = values.tenant?.trim();
  if (!tenant) {
    throw new CliError(
      'import needs --tenant: the tenant the resources go to (use --tenant default when BASE_PATH has no {tenant} segment).',
      2,
    );
  }
  const [source, ...extra] = positionals;
  if (source === undefined) {
    throw new CliError('import needs the file to read (NDJSON or JSON), or - for standard input.', 2);
  }
  if (extra.length > 0) throw new CliError(`import: unexpected argument "${extra[0]}".`, 2);
  const batchText = values['batch-size'] ?? String(IMPORT_BATCH_SIZE);
  if (!/^\d+$/.test(batchText) || Number(batchText) < 1 || Number(batchText) > 100_000) {
    throw new CliError(`--batch-size "${batchText}" is not a number from 1 to 100000.`, 2);
  }
  const validation = profileFromEnv(context.env);
  const where = describeDatabase(parseDatabaseUrl(context.env.DATABASE_URL, context.cwd));
  const input = await openInput(source, context);

  let printed = 0;
  const onFailure = (f: ImportFailure) => {
    if (printed++ < PRINTED_FAILURES) context.err(describeFailure(f));
  };
  const started = performance.now();
  const { summary, kind, analyzed } = await withStore(
    context,
    async (store) => {
      const summary = await importResources(importItems(input), {
        server: { store, authenticate: async () => undefined, ...validation },
        tenant,
        batchSize: Number(batchText),
        onFailure,
      });
      const analyze = (store as { analyze?: () => Promise<void> }).analyze;
      if (typeof analyze === 'function') await analyze.call(store);
      return { summary, kind: store.kind, analyzed: typeof analyze === 'function' };
      // No list budget: the import serves no one, and a busy machine must not fail its member checks.
    },
    { queryTimeoutMs: 0 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (printed > PRINTED_FAILURES) {
    context.err(`... and ${printed - PRINTED_FAILURES} more resources left out.`);
  }
  const total = Object.values(summary.created).reduce((a, b) => a + b, 0);
  if (values.json) {
    context.out(JSON.stringify({ tenant, ...summary, seconds: Number(seconds.toFixed(3)) }));
  }
  const byType = Object.entries(summary.created)
    .map(([type, n]) => `${n.toLocaleString('en-US')} ${type}`)
    .join(', ');
  context.err(
    `Imported ${total.toLocaleString('en-US')} of ${summary.read.toLocaleString('en-US')} resources into tenant "${tenant}" of ${where} (${kind} store)` +
      `${byType === '' ? '' : `: ${byType}`}, in ${seconds.toFixed(1)} s` +
      `${analyzed ? '; statistics refreshed (ANALYZE)' : ''}.` +
      (summary.failed > 0
        ? ` ${summary.failed.toLocaleString('en-US')} left out (see above); fix them and import those lines again.`
        : ''),
  );
  return summary.failed > 0 ? 1 : 0;
}

/** The line for one resource left out: where, what POST would have answered, and why. */
function describeFailure(f: ImportFailure): string {
  return `line ${f.line}: ${f.status}${f.scimType === undefined ? '' : ` ${f.scimType}`}: ${f.message}`;
}

/** The input: standard input for `-`, else the file (relative to the working directory). */
async function openInput(source: string, context: CliContext): Promise<Readable> {
  if (source === '-') {
    if (context.stdin === undefined) throw new CliError('import: standard input is not available here.', 2);
    return context.stdin;
  }
  const path = resolve(context.cwd, source);
  const stream = createReadStream(path);
  await new Promise<void>((done, fail) => {
    stream.once('open', () => done());
    stream.once('error', (error: NodeJS.ErrnoException) =>
      fail(new CliError(`cannot read ${path} (${error.code ?? error.message}); check the path.`)),
    );
  });
  return stream;
}

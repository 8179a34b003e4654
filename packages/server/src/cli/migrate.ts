import { parseArgs } from 'node:util';
import { describeDatabase, parseDatabaseUrl } from '../settings/database-url.ts';
import type { CliContext } from './context.ts';
import { describeMigration, describeUnreserved, migrationOf } from './migration-report.ts';
import { withStore } from './store.ts';

/** Help for `scim-server migrate`. */
export const migrateHelp = `Usage: scim-server migrate

Creates or upgrades the database's tables and indexes, and says which migrations it applied; safe
to run again, and safe to run while other instances serve (PostgreSQL). It names the resources a
migration left without their unique key (two userNames that case folding now makes equal).
\`start\` migrates too; run this in a release step. On PostgreSQL it then refreshes the planner's
statistics (ANALYZE): run it again after a large import.
Environment: DATABASE_URL: a SQLite file (default ./scim.db) or a postgres:// URL (?schema=<name>
puts the tables in that PostgreSQL schema; default public).`;

/**
 * Runs `scim-server migrate`.
 *
 * @param argv - the arguments after `migrate`
 * @param context - the injected world
 * @returns the exit code
 * @internal
 */
export async function migrateCommand(argv: readonly string[], context: CliContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    context.out(migrateHelp);
    return 0;
  }
  const where = describeDatabase(parseDatabaseUrl(context.env.DATABASE_URL, context.cwd));
  const { kind, analyzed, report } = await withStore(context, async (store) => {
    // PostgreSQL: statistics for the planner, which a server with autovacuum off never gathers.
    const analyze = (store as { analyze?: () => Promise<void> }).analyze;
    if (typeof analyze === 'function') await analyze.call(store);
    return { kind: store.kind, analyzed: typeof analyze === 'function', report: migrationOf(store) };
  });
  context.err(
    `Migrated ${where} (${kind} store): ${describeMigration(report)}${analyzed ? ', and its statistics are fresh (ANALYZE)' : ''}.`,
  );
  for (const line of describeUnreserved(report)) context.err(line);
  return 0;
}

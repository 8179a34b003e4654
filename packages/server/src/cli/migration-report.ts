import type { MigrationReport } from '../store/sql/refold.ts';
import type { ScimStore } from '../store/types.ts';

/** The report of what opening `store` migrated, when the store gives one (the SQL stores do). @internal */
export function migrationOf(store: ScimStore): MigrationReport | undefined {
  const report = (store as { migration?: unknown }).migration;
  if (typeof report !== 'object' || report === null) return undefined;
  return report as MigrationReport;
}

/** What `scim-server migrate` says it did: the versions, or that the schema was up to date. @internal */
export function describeMigration(report: MigrationReport | undefined): string {
  if (report === undefined) return 'done';
  if (report.from === report.to) return `it was up to date (schema version ${report.to})`;
  const applied =
    report.from + 1 === report.to
      ? `migration ${report.to}`
      : `migrations ${report.from + 1} to ${report.to}`;
  return `applied ${applied} (schema version ${report.from} before, ${report.to} now)`;
}

/**
 * Lines naming the resources the migration left without their unique key (two values that one
 * folding now makes equal, such as `ΝΙΚΟΣ@x.gr` and `νικος@x.gr`), or none.
 *
 * @internal
 */
export function describeUnreserved(report: MigrationReport | undefined): string[] {
  if (report === undefined || report.unreserved.length === 0) return [];
  const n = report.unreserved.length;
  return [
    `${n} resource${n === 1 ? '' : 's'} now share${n === 1 ? 's' : ''} a unique value with another, compared by Unicode simple case folding (Σ, σ and ς alike); each keeps its data, but its value is not reserved, and a write that keeps it answers 409. Change the value of one of each pair (or delete the duplicate):`,
    ...report.unreserved.map(
      (u) =>
        `  tenant ${JSON.stringify(u.tenant)}: ${u.resourceType} ${u.id} ${u.attribute} ${JSON.stringify(u.value)}${u.heldBy === undefined ? '' : `, the same as ${u.resourceType} ${u.heldBy}`}`,
    ),
  ];
}

// The summary of a provisioning cycle as a table: its log entries counted by action, object type and
// status. The `entra-mock provision` command prints it after each cycle, and so does the demo.
import type { ProvisioningAction, ProvisioningObjectSummary } from './types.ts';

/**
 * One row of a provisioning summary: the log entries of one action, counted by object type and by
 * status.
 *
 * @example
 * ```ts
 * import { formatProvisioningSummary, type ProvisioningSummaryRow, summarizeProvisioningLogs } from '@scim/entra-mock';
 * await job.runCycle();
 * const rows: ProvisioningSummaryRow[] = summarizeProvisioningLogs(job.logs);
 * rows.find((r) => r.action === 'create'); // { label: 'Create', action: 'create', users: 2, groups: 1, success: 3, ... }
 * console.log(formatProvisioningSummary(rows).join('\n'));
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary
 */
export interface ProvisioningSummaryRow {
  /** The row's title: `Create`, `Update`, `Disable`, `Delete`, `Staged delete` or `Skip`. */
  readonly label: string;
  /** The `provisioningAction` the row counts (`other` for `Skip`). */
  readonly action: ProvisioningAction;
  /** Entries about users. */
  readonly users: number;
  /** Entries about groups. */
  readonly groups: number;
  /** Entries whose status is `success`. */
  readonly success: number;
  /** Entries whose status is `failure`. */
  readonly failure: number;
  /** Entries whose status is `skipped`. */
  readonly skipped: number;
}

const ROWS: readonly (readonly [string, ProvisioningAction])[] = [
  ['Create', 'create'],
  ['Update', 'update'],
  ['Disable', 'disable'],
  ['Delete', 'delete'],
  ['Staged delete', 'stagedDelete'],
  ['Skip', 'other'],
];

/**
 * Counts provisioning log entries by action, object type and status: a row for each of create,
 * update, disable, delete and skip (`other`), and one for staged deletes when there are any.
 *
 * @param entries - The log entries of a cycle (or any list of them).
 * @returns The rows, in that order.
 * @example
 * ```ts
 * import { summarizeProvisioningLogs } from '@scim/entra-mock';
 * import type { ProvisioningJob } from '@scim/entra-mock';
 * declare const job: ProvisioningJob;
 *
 * const from = job.logs.length;
 * await job.runCycle();
 * const created = summarizeProvisioningLogs(job.logs.slice(from)).find((r) => r.action === 'create');
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-provisioning-logs
 */
export function summarizeProvisioningLogs(
  entries: readonly ProvisioningObjectSummary[],
): ProvisioningSummaryRow[] {
  const rows: ProvisioningSummaryRow[] = [];
  for (const [label, action] of ROWS) {
    const of = entries.filter((e) => e.provisioningAction === action);
    if (action === 'stagedDelete' && of.length === 0) continue;
    const count = (keep: (e: ProvisioningObjectSummary) => boolean) => of.filter(keep).length;
    rows.push({
      label,
      action,
      users: count((e) => e.sourceIdentity.identityType === 'User'),
      groups: count((e) => e.sourceIdentity.identityType === 'Group'),
      success: count((e) => e.provisioningStatusInfo.status === 'success'),
      failure: count((e) => e.provisioningStatusInfo.status === 'failure'),
      skipped: count((e) => e.provisioningStatusInfo.status === 'skipped'),
    });
  }
  return rows;
}

/**
 * Lays out summary rows as a plain-text table, a header line first, then one line per row, in
 * the order given (so a caller can colour a line by its row):
 *
 * ```text
 * Action            Users   Groups  Success  Failure  Skipped
 * Create                1        0        1        0        0
 * ```
 *
 * @param rows - The rows, from {@link summarizeProvisioningLogs}.
 * @returns The header line, then one line per row, with no trailing spaces.
 * @example
 * ```ts
 * import { formatProvisioningSummary, summarizeProvisioningLogs } from '@scim/entra-mock';
 * import type { ProvisioningObjectSummary } from '@scim/entra-mock';
 * declare const entries: ProvisioningObjectSummary[];
 *
 * for (const line of formatProvisioningSummary(summarizeProvisioningLogs(entries))) console.log(line);
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-provisioning-logs
 */
export function formatProvisioningSummary(rows: readonly ProvisioningSummaryRow[]): string[] {
  const line = (first: string, cells: readonly (string | number)[]) =>
    first.padEnd(14) + cells.map((c) => String(c).padStart(9)).join('');
  return [
    line('Action', ['Users', 'Groups', 'Success', 'Failure', 'Skipped']),
    ...rows.map((r) => line(r.label, [r.users, r.groups, r.success, r.failure, r.skipped])),
  ];
}

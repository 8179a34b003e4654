// Text output of the CLI: a progress bar, an Entra-like provisioning log table and a summary.
import type { ProvisioningCycleSummary } from '../engine/engine.ts';
import type { ProvisioningObjectSummary } from '../logs/types.ts';

/** @internal A progress bar: `[#####.....]  50% 5/10`. */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total}`;
}

/**
 * @internal The provisioning logs as the Entra admin center lists them: date, identity, action,
 * status, and the error code of failures. Each column is as wide as its widest value: an identity
 * is never cut off.
 */
export function logTable(entries: readonly ProvisioningObjectSummary[]): string[] {
  const columns = [
    {
      title: 'Date',
      width: 20,
      value: (e: ProvisioningObjectSummary) => e.activityDateTime.replace('T', ' ').slice(0, 19),
    },
    { title: 'Type', width: 5, value: (e: ProvisioningObjectSummary) => e.sourceIdentity.identityType },
    { title: 'Identity', width: 8, value: (e: ProvisioningObjectSummary) => e.sourceIdentity.displayName },
    { title: 'Action', width: 12, value: (e: ProvisioningObjectSummary) => e.provisioningAction },
    { title: 'Status', width: 8, value: (e: ProvisioningObjectSummary) => e.provisioningStatusInfo.status },
    {
      title: 'Error code',
      width: 0,
      value: (e: ProvisioningObjectSummary) => e.provisioningStatusInfo.errorInformation?.errorCode ?? '',
    },
  ];
  const rows = entries.map((e) => columns.map((c) => c.value(e)));
  // The last column is not padded; the others are as wide as their title, their minimum and their values.
  const widths = columns.map((c, i) =>
    i === columns.length - 1 ? 0 : Math.max(c.width, c.title.length, ...rows.map((r) => r[i]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.title)),
    line(widths.map((w) => '-'.repeat(w === 0 ? 10 : w))),
    ...rows.map(line),
  ];
}

/** @internal One line per cycle: what it did and how long it took. */
export function summaryLine(summary: ProvisioningCycleSummary, milliseconds: number): string {
  const kind = summary.initial ? 'Initial cycle' : 'Incremental cycle';
  const parts = [
    `${summary.created} created`,
    `${summary.updated} updated`,
    `${summary.disabled} disabled`,
    `${summary.deleted} deleted`,
    `${summary.skipped} skipped`,
    `${summary.failed} failed`,
  ];
  if (summary.staged > 0) parts.push(`${summary.staged} staged`);
  return `${kind} ${summary.cycleId}: ${parts.join(', ')}; job ${summary.status} (${(milliseconds / 1000).toFixed(1)} s)`;
}

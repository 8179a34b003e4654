// The steps every object's log entry shares: the import from Entra, and the skip of an export
// that would change nothing.
import type { ModifiedProperty } from '../../logs/types.ts';
import type { Entry } from '../journal.ts';
import { printSource, readSource } from '../values.ts';
import type { CycleContext } from './context.ts';

/**
 * @internal The import step. A cycle receives a change (`EntryImportAdd`, `EntryImportUpdate`,
 * `EntryImportDelete`); provision on demand retrieves the object (`EntryImport`, with the source
 * attributes it read as details), as Microsoft's samples show.
 * @see https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 */
export function importStep(
  ctx: CycleContext,
  entry: Entry,
  type: 'User' | 'Group',
  name: string,
  change: 'Add' | 'Update' | 'Delete',
  source?: Readonly<Record<string, unknown>>,
): Entry {
  if (ctx.onDemand) {
    const details: Record<string, string> = {};
    const attributes = type === 'User' ? ctx.config.users.sources : ctx.config.groups.sources;
    for (const attribute of ['objectId', ...attributes]) {
      const value = source ? printSource(readSource(source, attribute)) : null;
      if (value !== null) details[attribute] = value;
    }
    return entry.step(
      'EntryImport',
      'import',
      'success',
      `Retrieved ${type} '${name}' from Azure Active Directory`,
      details,
    );
  }
  return entry.step(
    `EntryImport${change}`,
    'import',
    'success',
    `Received ${type} '${name}' change of type (${change}) from Azure Active Directory`,
  );
}

/** @internal The target's values as a matching step's details. */
export function targetDetails(values: ReadonlyMap<string, unknown>): Record<string, string> {
  const details: Record<string, string> = {};
  for (const [target, value] of values) {
    const printed = printSource(value);
    if (printed !== null) details[target] = printed;
  }
  return details;
}

/** @internal The reason of a redundant export, in Microsoft's words. */
export const REDUNDANT_EXPORT = 'The state of the user in both the source and target systems already match.';

/**
 * @internal Skips an export that would change nothing: the object in the target already holds the
 * mapped values. Logged with action `other`, status `skipped` and error code `RedundantExport`,
 * its last step `EntrySynchronizationSkip` of type export, as Microsoft's sample shows.
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-provisioning-logs#what-do-the-logs-show
 */
export function skipRedundant(
  ctx: CycleContext,
  entry: Entry,
  type: 'User' | 'Group',
  name: string,
  modified: ModifiedProperty[],
): void {
  ctx.summary.skipped++;
  entry
    .step(
      'EntrySynchronizationSkip',
      'export',
      'skipped',
      `${REDUNDANT_EXPORT.replace('the user', `the ${type.toLowerCase()}`)} No change to the ${type} '${name}' currently needs to be made.`,
      { SkipReason: 'RedundantExport' },
    )
    .skip(
      'other',
      {
        code: 'RedundantExport',
        reason: REDUNDANT_EXPORT.replace('the user', `the ${type.toLowerCase()}`),
        details: null,
        quarantine: false,
      },
      modified,
    );
}

// Removals held back by the accidental deletion threshold: logged as `stagedDelete`, remembered,
// and sent by the cycle after an admin allows them.
import type { Entry } from '../journal.ts';
import type { CycleContext } from './context.ts';

/**
 * @internal Stages a disable or delete: the entry's last step is the skipped export.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/accidental-deletions
 */
export function stageRemoval(
  ctx: CycleContext,
  key: string,
  entry: Entry,
  exportStep: { name: string; description: string },
  reason: string,
): void {
  ctx.state.staged.add(key);
  ctx.summary.staged++;
  entry.step(exportStep.name, 'export', 'skipped', exportStep.description);
  entry.skip('stagedDelete', {
    code: 'AccidentalDeletionThresholdExceeded',
    reason,
    details: null,
    quarantine: false,
  });
}

/** @internal Why removals were staged, as a user's log entry says it. */
export function stagedUserReason(ctx: CycleContext): string {
  return `This cycle would disable or delete ${ctx.removals} objects, more than the accidental deletion threshold of ${ctx.threshold}; an admin must allow the deletions.`;
}

/** @internal Why removals were staged, as a group's log entry says it. */
export function stagedGroupReason(ctx: CycleContext): string {
  return `This cycle would disable or delete ${ctx.removals} objects, more than the accidental deletion threshold of ${ctx.threshold}.`;
}

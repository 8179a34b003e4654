// Phase 5 of a cycle: the watermark, the quarantine and the schedule.
import { endQuarantine, jobStatus, scheduleNext, startQuarantine } from '../job.ts';
import type { Failure } from '../target.ts';
import type { CycleContext } from './context.ts';

/** @internal Whether the cycle's failures put the job in quarantine (the escrow proportion). */
function tooManyFailures(ctx: CycleContext): boolean {
  const { minimumFailures, maximumFailures, failureRatio, absoluteFailures } = ctx.config.thresholds;
  // Microsoft: an absolute threshold counts reference and non-reference failures alike.
  if (ctx.failures + ctx.referenceFailures > absoluteFailures) return true;
  return (
    ctx.failures >= minimumFailures &&
    (ctx.failures > maximumFailures || ctx.failures / Math.max(1, ctx.attempted) > failureRatio)
  );
}

/**
 * @internal Ends a scheduled cycle: quarantines on a rejected token, too many failures or too many
 * deletions; lifts any other quarantine; moves the watermark unless the token was rejected; and
 * schedules the next cycle.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-quarantine-status
 */
export function finishCycle(ctx: CycleContext): void {
  const { state } = ctx;
  state.cycles++;
  const at = ctx.config.now();
  const failure = ctx.credentialFailure as Failure | null;
  if (failure) {
    ctx.quarantined = startQuarantine(state, 'EncounteredQuarantineException', failure, at);
  } else if (tooManyFailures(ctx)) {
    ctx.quarantined = startQuarantine(
      state,
      'EncounteredEscrowProportionThreshold',
      {
        code: 'EncounteredEscrowProportionThreshold',
        reason: `${ctx.failures} of ${ctx.attempted} provisioning events (and ${ctx.referenceFailures} reference updates) failed in this cycle.`,
        details: null,
        quarantine: false,
      },
      at,
    );
  } else if (ctx.holdRemovals) {
    ctx.quarantined = startQuarantine(
      state,
      'TooManyDeletes',
      {
        code: 'TooManyDeletes',
        reason: `The cycle would disable or delete ${ctx.removals} objects; the threshold is ${ctx.threshold}.`,
        details: null,
        quarantine: false,
      },
      at,
    );
  }
  if (!ctx.quarantined) endQuarantine(state);
  if (!failure) {
    state.watermark = ctx.startSequence;
    state.lastRun = at;
  }
  scheduleNext(state, at);
  ctx.summary.status = jobStatus(state).code;
}

// Matching: how the cycle finds an object it has no link to in the target.
import { RequestFailed } from '../target.ts';
import type { CycleContext } from './context.ts';

/** The source object each target object of `resource` is linked to. */
function linkedTargets(ctx: CycleContext, resource: 'Users' | 'Groups'): Map<string, string> {
  let linked = ctx.linkedTargets[resource];
  if (!linked) {
    linked = new Map();
    for (const [sourceId, link] of resource === 'Users' ? ctx.state.users : ctx.state.groups)
      linked.set(link.targetId, sourceId);
    ctx.linkedTargets[resource] = linked;
  }
  return linked;
}

/** @internal Records a link the cycle made (a created object), for the matches that follow. */
export function noteLink(
  ctx: CycleContext,
  resource: 'Users' | 'Groups',
  targetId: string,
  sourceId: string,
): void {
  ctx.linkedTargets[resource]?.set(targetId, sourceId);
}

/**
 * @internal Queries the target by each matching attribute in precedence order; more than one hit
 * is an error (`DuplicateTargetEntries`), and so is a hit already linked to another source object:
 * two source objects share the matching value (`DuplicateSourceEntries`).
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes#matching-users-in-the-source-and-target--systems
 * @see https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-analyze-provisioning-logs#error-codes
 */
export async function matchTarget(
  ctx: CycleContext,
  resource: 'Users' | 'Groups',
  sourceId: string,
  matching: readonly string[],
  desired: Map<string, unknown>,
  duplicateReason: (matchedBy: string) => string,
): Promise<{ found: Record<string, unknown> | undefined; matchedBy: string }> {
  let matchedBy = '';
  for (const attribute of matching) {
    const value = desired.get(attribute);
    if (value === undefined) continue;
    const hits = await ctx.target.query(resource, attribute, String(value));
    matchedBy = `${attribute} '${String(value)}'`;
    if (hits.length > 1) {
      throw new RequestFailed({
        code: 'DuplicateTargetEntries',
        reason: duplicateReason(matchedBy),
        details: null,
        quarantine: false,
      });
    }
    if (hits.length === 1) {
      const found = hits[0]!;
      const linked = linkedTargets(ctx, resource);
      const owner = linked.get(String(found.id));
      if (owner !== undefined && owner !== sourceId) {
        throw new RequestFailed({
          code: 'DuplicateSourceEntries',
          reason: `More than one ${resource === 'Users' ? 'User' : 'Group'} in Azure Active Directory matches ${matchedBy}: ${owner} is already provisioned to ${resource}/${String(found.id)}. Make the matching attribute unique in the source, or change the attribute mappings.`,
          details: null,
          quarantine: false,
        });
      }
      linked.set(String(found.id), sourceId);
      return { found, matchedBy };
    }
  }
  return { found: undefined, matchedBy };
}

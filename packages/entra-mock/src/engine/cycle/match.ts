// Matching: how the cycle finds an object it has no link to in the target.
import { RequestFailed } from '../target.ts';
import type { CycleContext } from './context.ts';

/**
 * @internal Queries the target by each matching attribute in precedence order; more than one hit
 * is an error.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/customize-application-attributes#matching-users-in-the-source-and-target--systems
 */
export async function matchTarget(
  ctx: CycleContext,
  resource: 'Users' | 'Groups',
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
    if (hits.length === 1) return { found: hits[0], matchedBy };
  }
  return { found: undefined, matchedBy };
}

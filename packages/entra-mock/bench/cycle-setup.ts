/**
 * What the cycle benches share: the SCIM server a cycle provisions into, and a generated tenant
 * whose groups are all assigned to its one application. Each bench picks its own store and sizes.
 */
import { bearerTokens, createScimHandler, issueToken, type ScimStore } from '@scim/server';
import {
  createEntraTenant,
  createManualClock,
  type EntraTenant,
  generateDirectory,
  importDirectory,
  type ManualClock,
} from '../src/index.ts';

/** A handler on `store` at `/scim/v2`, behind a bearer token issued for it. */
export async function scimTarget(
  store: ScimStore,
): Promise<{ handler: ReturnType<typeof createScimHandler>; token: string }> {
  const { token } = await issueToken(store.tokens, 'default');
  const handler = createScimHandler({
    store,
    authenticate: bearerTokens({ tokens: store.tokens }),
    basePath: '/scim/v2',
  });
  return { handler, token };
}

/**
 * A tenant of `users` generated users and `groups` groups of `members` members (seed 1), every
 * group assigned to the application's first role. Only the application's id is returned: the
 * users' ids (a record of 100,000 names at the large size) would otherwise stay alive in a bench's
 * module scope through the cycle.
 */
export function assignedTenant(
  sizes: { readonly users: number; readonly groups: number; readonly members?: number },
  clock: ManualClock = createManualClock('2026-01-05T08:00:00Z'),
): { tenant: EntraTenant; appId: string } {
  const tenant = createEntraTenant({ clock, seed: 1 });
  const { applications, groups } = importDirectory(
    tenant,
    generateDirectory({
      seed: 1,
      users: sizes.users,
      groups: sizes.groups,
      membersPerGroup: sizes.members ?? 100,
    }),
  );
  const appId = Object.values(applications)[0]!;
  const role = tenant.getServicePrincipal(appId).appRoles[0]!.id;
  for (const groupId of Object.values(groups)) tenant.assign(appId, groupId, role);
  return { tenant, appId };
}

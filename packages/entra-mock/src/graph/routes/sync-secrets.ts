// Graph's synchronization secrets routes: the application's credentials and provisioning settings
// (BaseAddress, SecretToken, SyncAll, ...). Internal to the package.
import { badRequest, json, noContent, type Route, readJson } from '../context.ts';
import type { SyncRouteContext } from './sync-context.ts';

const SECRETS = ['servicePrincipals', ':id', 'synchronization', 'secrets'] as const;

/**
 * `PUT` and `GET /servicePrincipals/{id}/synchronization/secrets`.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-serviceprincipal-put-synchronization
 * @internal
 */
export function syncSecretRoutes(s: SyncRouteContext): Route[] {
  return [
    {
      method: 'PUT',
      pattern: SECRETS,
      run: async (ctx, { id }) => {
        const sp = s.servicePrincipal(id!);
        const body = await readJson(ctx);
        if (!Array.isArray(body.value)) throw badRequest('value must be an array of { key, value }');
        const saved = s.state.secrets.get(sp.id) ?? new Map<string, string>();
        for (const [i, entry] of (body.value as { key?: unknown; value?: unknown }[]).entries()) {
          if (typeof entry?.key !== 'string' || typeof entry.value !== 'string') {
            throw badRequest(`value[${i}] must be { "key": string, "value": string }`);
          }
          saved.set(entry.key, entry.value);
        }
        s.state.secrets.set(sp.id, saved);
        // New credentials apply from the next request; links, escrows and quarantine are kept. A
        // change of SyncAll takes effect at the next restart, as Microsoft documents.
        for (const record of s.state.jobs.values()) {
          if (record.servicePrincipalId === sp.id) s.state.reconfigure(record, 'secrets');
        }
        return noContent(ctx);
      },
    },
    {
      method: 'GET',
      pattern: SECRETS,
      run: (ctx, { id }) => {
        const sp = s.servicePrincipal(id!);
        const saved = s.state.secrets.get(sp.id) ?? new Map<string, string>();
        // Credentials are write-only: the token's value is not returned.
        const value = [...saved].map(([key, v]) => ({ key, value: key === 'SecretToken' ? '*' : v }));
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#Collection(microsoft.graph.synchronizationSecretKeyStringValuePair)`,
          value,
        });
      },
    },
  ];
}

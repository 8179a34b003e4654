// Graph's application routes: the tenant's enterprise applications (service principals).
// Internal to the package.
import type { EntraTenant } from '../../tenant/tenant.ts';
import type { EntraServicePrincipal } from '../../tenant/types.ts';
import { json, notFound, page, type Route } from '../context.ts';
import { filtered } from '../directory-objects.ts';
import type { components } from '../openapi.generated.ts';

type Schemas = components['schemas'];

/** The appId of an `(appId='…')` alternate-key segment, or `null`. */
function alternateAppId(key: string): string | null {
  const match = /^\(appId='([^']*)'\)$/.exec(key);
  return match ? match[1]! : null;
}

/**
 * A service principal by object id, or by its `(appId='…')` alternate key, or Graph's 404.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/serviceprincipal-get
 * @internal
 */
export function servicePrincipalByKey(tenant: EntraTenant, key: string): EntraServicePrincipal {
  const appId = alternateAppId(key);
  const sp = tenant.listServicePrincipals().find((s) => (appId === null ? s.id === key : s.appId === appId));
  if (!sp) throw notFound(key);
  return sp;
}

/**
 * The application (app registration) addressed by `applications(appId='…')`, as its service
 * principal: the tenant keeps no separate application objects, so the appId alternate key is the
 * only way to reach one, and an object id answers Graph's 404.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/application-get
 * @internal
 */
export function applicationByKey(tenant: EntraTenant, key: string): EntraServicePrincipal {
  const appId = alternateAppId(key);
  const sp = appId === null ? undefined : tenant.listServicePrincipals().find((s) => s.appId === appId);
  if (!sp) throw notFound(key);
  return sp;
}

/**
 * `servicePrincipals` and `servicePrincipals/{id}`.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal
 * @internal
 */
export const applicationRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: ['servicePrincipals'],
    run: (ctx) => {
      const all = ctx.tenant.listServicePrincipals() as unknown as Schemas['servicePrincipal'][];
      const matching = filtered(ctx, all, new Set(['id', 'appId', 'displayName']), 'ServicePrincipal');
      return json(ctx, 200, page(ctx, 'servicePrincipals', matching));
    },
  },
  {
    method: 'GET',
    pattern: ['servicePrincipals', ':id'],
    run: (ctx, { id }) => {
      const sp = servicePrincipalByKey(ctx.tenant, id!);
      return json(ctx, 200, { '@odata.context': `${ctx.base}/$metadata#servicePrincipals/$entity`, ...sp });
    },
  },
];

// Graph's application routes: the tenant's enterprise applications (service principals).
// Internal to the package.
import { json, notFound, page, type Route } from '../context.ts';
import { filtered } from '../directory-objects.ts';
import type { components } from '../openapi.generated.ts';

type Schemas = components['schemas'];

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
      const sp = ctx.tenant.listServicePrincipals().find((s) => s.id === id);
      if (!sp) throw notFound(id!);
      return json(ctx, 200, { '@odata.context': `${ctx.base}/$metadata#servicePrincipals/$entity`, ...sp });
    },
  },
];

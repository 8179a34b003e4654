// Graph's synchronization template routes: the `scim` template of a service principal or of an
// application (reached by its appId alternate key), and its schema. Internal to the package.
import type { EntraServicePrincipal } from '../../tenant/types.ts';
import { json, notFound, type Route } from '../context.ts';
import { SCIM_TEMPLATE_ID, scimTemplateJson } from '../schema-tools.ts';
import type { SyncRouteContext } from './sync-context.ts';

/** Where templates live: under a service principal, or under an application. @internal */
export interface TemplateOwner {
  /** The collection's path pattern: `[..., 'synchronization', 'templates']`. */
  readonly templates: readonly string[];
  /** The path pattern of one template: `[..., 'templates', ':templateId']`. */
  readonly template: readonly string[];
  /** The application the path names; checks the template id when the path has one, or Graph's 404. */
  resolve(params: Record<string, string>): EntraServicePrincipal;
}

/**
 * The two owners of templates Graph documents: `servicePrincipals/{id}` and `applications/{id}`
 * (here `applications(appId='…')`, since the tenant keeps no application objects).
 *
 * @internal
 */
export function templateOwners(s: SyncRouteContext): TemplateOwner[] {
  const owner = (root: string, find: (key: string) => EntraServicePrincipal): TemplateOwner => {
    const templates = [root, ':id', 'synchronization', 'templates'];
    return {
      templates,
      template: [...templates, ':templateId'],
      resolve({ id, templateId }) {
        const sp = find(id!);
        if (templateId !== undefined && templateId !== SCIM_TEMPLATE_ID) throw notFound(templateId);
        return sp;
      },
    };
  };
  return [owner('servicePrincipals', s.servicePrincipal), owner('applications', s.application)];
}

/** List, get, and get the schema of an owner's templates. */
function ownerRoutes(s: SyncRouteContext, owner: TemplateOwner): Route[] {
  return [
    {
      method: 'GET',
      pattern: owner.templates,
      run: (ctx, params) => {
        const sp = owner.resolve(params);
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#Collection(microsoft.graph.synchronizationTemplate)`,
          value: [scimTemplateJson(sp, s.state.ruleIdOf(sp.id))],
        });
      },
    },
    {
      method: 'GET',
      pattern: owner.template,
      run: (ctx, params) => {
        const sp = owner.resolve(params);
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#microsoft.graph.synchronizationTemplate`,
          ...scimTemplateJson(sp, s.state.ruleIdOf(sp.id)),
        });
      },
    },
    {
      method: 'GET',
      pattern: [...owner.template, 'schema'],
      run: (ctx, params) => {
        const sp = owner.resolve(params);
        return json(ctx, 200, {
          '@odata.context': `${ctx.base}/$metadata#microsoft.graph.synchronizationSchema`,
          ...scimTemplateJson(sp, s.state.ruleIdOf(sp.id)).schema,
        });
      },
    },
  ];
}

/**
 * The template routes, for service principals and applications.
 *
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronization-list-templates
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationtemplate-get
 * @internal
 */
export function syncTemplateRoutes(s: SyncRouteContext): Route[] {
  return templateOwners(s).flatMap((owner) => ownerRoutes(s, owner));
}

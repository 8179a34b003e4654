// Documented synchronization endpoints the simulator does not simulate. They answer Graph's 501
// from within the process, after checking the objects the path names, so a script that calls them
// fails here with a message, never with a request that leaves the test. Internal to the package.
import type { Route } from '../context.ts';
import { GraphQueryError } from '../odata.ts';
import type { SyncRouteContext } from './sync-context.ts';

const JOB = ['servicePrincipals', ':id', 'synchronization', 'jobs', ':jobId'];
const APP_TEMPLATE = ['applications', ':id', 'synchronization', 'templates', ':templateId'];

function notSimulated(what: string, page: string): never {
  throw new GraphQueryError(
    501,
    'notSupported',
    `${what} is documented by Microsoft (${page}) but not simulated by @scim/entra-mock, which provisions outbound to SCIM applications.`,
  );
}

/**
 * The documented endpoints outside the simulator: API-driven inbound provisioning (`bulkUpload`),
 * directory discovery, on-premises access tokens, and writing an application's templates.
 *
 * @internal
 */
export function syncNotSimulatedRoutes(s: SyncRouteContext): Route[] {
  const onJob = (method: string, tail: readonly string[], what: string, page: string): Route => ({
    method,
    pattern: [...JOB, ...tail],
    run: (_ctx, { id, jobId }) => {
      s.job(id!, jobId!);
      return notSimulated(what, page);
    },
  });
  const onTemplate = (method: string, tail: readonly string[], what: string, page: string): Route => ({
    method,
    pattern: [...APP_TEMPLATE, ...tail],
    run: (_ctx, { id }) => {
      s.application(id!);
      return notSimulated(what, page);
    },
  });
  const token = (root: string, find: (key: string) => unknown): Route => ({
    method: 'POST',
    pattern: [root, ':id', 'synchronization', 'acquireAccessToken'],
    run: (_ctx, { id }) => {
      find(id!);
      return notSimulated('acquireAccessToken', 'synchronization-synchronization-acquireaccesstoken');
    },
  });
  return [
    onJob(
      'POST',
      ['bulkUpload'],
      'bulkUpload (API-driven inbound provisioning)',
      'synchronization-synchronizationjob-post-bulkupload',
    ),
    onJob(
      'POST',
      ['schema', 'directories', ':directoryId', 'discover'],
      'directoryDefinition: discover',
      'synchronization-directorydefinition-discover',
    ),
    token('servicePrincipals', s.servicePrincipal),
    token('applications', s.application),
    onTemplate(
      'PATCH',
      [],
      'Updating a synchronization template',
      'synchronization-synchronizationtemplate-update',
    ),
    onTemplate(
      'PUT',
      [],
      'Updating a synchronization template',
      'synchronization-synchronizationtemplate-update',
    ),
    onTemplate(
      'PUT',
      ['schema'],
      "Updating a template's schema",
      'synchronization-synchronizationschema-update',
    ),
    onTemplate(
      'DELETE',
      ['schema'],
      "Resetting a template's schema",
      'synchronization-synchronizationschema-delete',
    ),
  ];
}

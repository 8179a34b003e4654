// What the synchronization routes share: the service's state and the lookups every route starts
// with. Internal to the package.
import type { ProvisioningJob } from '../../engine/engine.ts';
import type { EntraServicePrincipal } from '../../tenant/types.ts';
import { badRequest, notFound } from '../context.ts';
import { type Synchronization, type SynchronizationInternals, synchronizationInternals } from '../sync.ts';
import type { JobRecord } from '../sync-types.ts';
import { applicationByKey, servicePrincipalByKey } from './applications.ts';

/** The synchronization routes' shared context. @internal */
export interface SyncRouteContext {
  readonly sync: Synchronization;
  readonly state: SynchronizationInternals;
  /** The service principal by id or `(appId='…')`, or Graph's 404. */
  servicePrincipal(key: string): EntraServicePrincipal;
  /** The application by `(appId='…')` (as its service principal), or Graph's 404. */
  application(key: string): EntraServicePrincipal;
  /** The job of a service principal (by id or `(appId='…')`), or Graph's 404. */
  job(servicePrincipalKey: string, jobId: string): JobRecord;
  /** The job's engine, or a 400 when the job has no Tenant URL yet. */
  engineOf(record: JobRecord): ProvisioningJob;
  /** Runs the cycles due on the tenant's clock, unless `runCyclesOnRequest` is off. */
  due(): Promise<void>;
}

/** Creates the shared context of the synchronization routes. @internal */
export function createSyncRouteContext(sync: Synchronization): SyncRouteContext {
  const state = synchronizationInternals(sync);
  const servicePrincipal = (key: string): EntraServicePrincipal => servicePrincipalByKey(sync.tenant, key);
  return {
    sync,
    state,
    servicePrincipal,
    application: (key) => applicationByKey(sync.tenant, key),
    job(spKey, jobId) {
      const sp = servicePrincipal(spKey);
      const record = state.jobs.get(jobId);
      if (!record || record.servicePrincipalId !== sp.id) throw notFound(jobId);
      return record;
    },
    engineOf(record) {
      const engine = state.ensureEngine(record);
      if (!engine) {
        throw badRequest(
          'The job has no BaseAddress; set the Tenant URL first with PUT /servicePrincipals/{id}/synchronization/secrets.',
        );
      }
      return engine;
    },
    async due() {
      if (state.options.runCyclesOnRequest !== false) await state.runDue();
    },
  };
}

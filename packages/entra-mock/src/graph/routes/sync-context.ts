// What the synchronization routes share: the service's state and the lookups every route starts
// with. Internal to the package.
import type { ProvisioningJob } from '../../engine/engine.ts';
import type { EntraServicePrincipal } from '../../tenant/types.ts';
import { badRequest, notFound } from '../context.ts';
import {
  type JobRecord,
  type Synchronization,
  type SynchronizationInternals,
  synchronizationInternals,
} from '../sync.ts';

/** The synchronization routes' shared context. @internal */
export interface SyncRouteContext {
  readonly sync: Synchronization;
  readonly state: SynchronizationInternals;
  /** The application, or Graph's 404. */
  servicePrincipal(id: string): EntraServicePrincipal;
  /** The application's job, or Graph's 404. */
  job(servicePrincipalId: string, jobId: string): JobRecord;
  /** The job's engine, or a 400 when the job has no Tenant URL yet. */
  engineOf(record: JobRecord): ProvisioningJob;
  /** Runs the cycles due on the tenant's clock, unless `runCyclesOnRequest` is off. */
  due(): Promise<void>;
}

/** Creates the shared context of the synchronization routes. @internal */
export function createSyncRouteContext(sync: Synchronization): SyncRouteContext {
  const state = synchronizationInternals(sync);
  const servicePrincipal = (id: string): EntraServicePrincipal => {
    const sp = sync.tenant.listServicePrincipals().find((s) => s.id === id);
    if (!sp) throw notFound(id);
    return sp;
  };
  return {
    sync,
    state,
    servicePrincipal,
    job(spId, jobId) {
      servicePrincipal(spId);
      const record = state.jobs.get(jobId);
      if (!record || record.servicePrincipalId !== spId) throw notFound(jobId);
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

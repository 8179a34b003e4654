// The records the synchronization service keeps of a job (its schema, its cycles) and the target
// object names of its mappings, shared by the service (sync.ts) and its Graph views (sync-schema.ts,
// sync-status.ts). Types and constants only; internal to the package.
import type { MappingTable } from '@scim/mapping';
import { URN } from '@scim/schemas';
import type { ProvisioningCycleSummary, ProvisioningJob } from '../engine/engine.ts';
import type { ScopingFilter } from '../engine/scoping.ts';

/** The target object of the job's user mapping (Graph names it by the enterprise URN). @internal */
export const USER_TARGET = URN.EnterpriseUser;
/** The target object of the job's group mapping. @internal */
export const GROUP_TARGET = URN.Group;

/** A job's schema: mapping tables, scoping filters, flow types. @internal */
export interface SchemaState {
  users: MappingTable;
  groups: MappingTable;
  userFilters: ScopingFilter[];
  groupFilters: ScopingFilter[];
  actions: { create: boolean; update: boolean; delete: boolean };
  groupsEnabled: boolean;
  version: number;
}

/** A job as the service keeps it. @internal */
export interface JobRecord {
  readonly id: string;
  readonly servicePrincipalId: string;
  readonly ruleId: string;
  /** `Disabled` until started, then `Active`, or `Paused` by an administrator. */
  schedule: 'Active' | 'Disabled' | 'Paused';
  settings: { name: string; value: string }[];
  schema: SchemaState;
  engine: ProvisioningJob | null;
  /**
   * The scope in effect (`SyncAll` when the engine was made or last restarted): Microsoft, switching
   * from Sync All to Sync Assigned takes effect only after a restart.
   */
  scope: 'assigned' | 'all';
  /** The cycles run so far, for the job's status. */
  history: JobHistory;
  /** When its recent provisionOnDemand requests came (tenant clock, epoch ms), for the rate limit. */
  onDemandCalls: number[];
}

/** One cycle as the service records it. @internal */
export interface JobExecution {
  readonly began: string;
  readonly ended: string;
  readonly summary: ProvisioningCycleSummary;
  /** Objects in escrow after the cycle. */
  readonly escrowed: number;
  /** The error that stopped the cycle (the quarantine's), or `null`. */
  readonly error: { code: string; message: string } | null;
}

/** What the service remembers of a job's cycles. @internal */
export interface JobHistory {
  readonly last: JobExecution | null;
  readonly lastSuccessful: JobExecution | null;
  readonly lastWithExports: JobExecution | null;
  readonly successiveCompleteFailures: number;
  readonly steadyStateFirst: string | null;
  readonly steadyStateLast: string | null;
}

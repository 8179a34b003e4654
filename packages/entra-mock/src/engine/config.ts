// The job's configuration, resolved once from its options: the application, the compiled mapping
// tables and what the engine derives from them, the target object actions and the thresholds.
import {
  type CompiledMappingTable,
  compileMappingTable,
  entraDefaultGroupMappings,
  entraDefaultUserMappings,
  type MappingTable,
} from '@scim/mapping';
import type { EntraTenant } from '../tenant/tenant.ts';
import type { EntraServicePrincipal } from '../tenant/types.ts';
import { dialectOf, type ScimDialect } from './dialect.ts';
import type { ProvisioningJobOptions } from './types.ts';

/** @internal What updates leave alone: creation-only targets, and the removal of targets that have a default value (applied on creation only). */
export interface UpdateRules {
  createOnly: Set<string>;
  keepOnNull: Set<string>;
}

/** @internal One object type's mapping table and what the engine derives from it. */
export interface ObjectMapping {
  table: MappingTable;
  compiled: CompiledMappingTable;
  /** Every target path, once, in mapping order. */
  targets: string[];
  rules: UpdateRules;
  /** The matching attributes' targets, by matching precedence. */
  matching: string[];
  /** The source attributes each target is computed from (none for constants). */
  sourcesOf: Map<string, string[]>;
  /** Every source attribute the mappings read, once, in mapping order. */
  sources: string[];
}

/** @internal The resolved configuration of a job. */
export interface JobConfig {
  readonly options: ProvisioningJobOptions;
  readonly tenant: EntraTenant;
  readonly app: EntraServicePrincipal;
  readonly appName: string;
  /**
   * The application's name as Entra prefixes error codes with it (`<AppName>EntryConflict`): its
   * letters and digits.
   */
  readonly appCode: string;
  readonly jobId: string;
  readonly dialect: ScimDialect;
  readonly users: ObjectMapping;
  readonly groups: ObjectMapping;
  /** The user target that holds the manager reference, or `null`. */
  readonly managerTarget: string | null;
  /** The group target that holds the members, or `null`. */
  readonly membersTarget: string | null;
  readonly scope: 'assigned' | 'all';
  readonly provisionGroups: boolean;
  readonly actions: { create: boolean; update: boolean; delete: boolean };
  readonly batchSize: number;
  readonly thresholds: {
    minimumFailures: number;
    failureRatio: number;
    maximumFailures: number;
    absoluteFailures: number;
  };
  /** The tenant clock's now, in epoch milliseconds. */
  readonly now: () => number;
  /** Waits between retries. */
  readonly sleep: (milliseconds: number) => Promise<void>;
}

/** The source attributes a mapping reads: a Direct mapping's source, an expression's `[attribute]`s. */
function sourceAttributes(mapping: MappingTable['mappings'][number]): string[] {
  if (mapping.type === 'Direct' && mapping.source) return [mapping.source];
  if (mapping.type !== 'Expression' || !mapping.source) return [];
  return [...new Set([...mapping.source.matchAll(/\[([^\]"]+)\]/g)].map((m) => m[1]!.trim()))];
}

function objectMapping(table: MappingTable): ObjectMapping {
  const sourcesOf = new Map<string, string[]>();
  for (const m of table.mappings)
    sourcesOf.set(m.target, [...new Set([...(sourcesOf.get(m.target) ?? []), ...sourceAttributes(m)])]);
  return {
    table,
    compiled: compileMappingTable(table),
    targets: [...new Set(table.mappings.map((m) => m.target))],
    rules: {
      createOnly: new Set(
        table.mappings.filter((m) => m.apply === 'OnObjectCreationOnly').map((m) => m.target),
      ),
      keepOnNull: new Set(table.mappings.filter((m) => m.defaultValue !== undefined).map((m) => m.target)),
    },
    matching: table.mappings
      .filter((m) => m.matchingPrecedence !== undefined)
      .sort((a, b) => a.matchingPrecedence! - b.matchingPrecedence!)
      .map((m) => m.target),
    sourcesOf,
    sources: [...new Set([...sourcesOf.values()].flat())],
  };
}

/** @internal The default wait: advance the tenant's clock when it can, else a real timer. */
function defaultSleep(tenant: EntraTenant): (milliseconds: number) => Promise<void> {
  return (ms: number) => {
    const clock = tenant.clock as { advance?: (ms: number) => unknown };
    if (typeof clock.advance === 'function') {
      clock.advance(ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => setTimeout(resolve, ms));
  };
}

/**
 * @internal Resolves a job's options.
 * @throws MappingError when a mapping table does not compile; TypeError when the Tenant URL is not absolute
 */
export function resolveConfig(options: ProvisioningJobOptions): JobConfig {
  const { tenant } = options;
  const app = tenant.getServicePrincipal(options.servicePrincipalId);
  const dialect = dialectOf(options.tenantUrl);
  const users = objectMapping(options.userMappings ?? entraDefaultUserMappings);
  const groups = objectMapping(options.groupMappings ?? entraDefaultGroupMappings);
  return {
    options,
    tenant,
    app,
    appName: options.targetDisplayName ?? app.displayName,
    appCode: (options.targetDisplayName ?? app.displayName).replace(/[^A-Za-z0-9]/g, ''),
    jobId: options.jobId ?? `scim.${tenant.id.replace(/-/g, '')}.${app.id}`,
    dialect,
    users,
    groups,
    managerTarget: users.targets.find((t) => /(^|:)manager(\.value)?$/i.test(t)) ?? null,
    membersTarget: groups.targets.find((t) => /^members$/i.test(t)) ?? null,
    scope: options.scope ?? 'assigned',
    provisionGroups: options.provisionGroups ?? true,
    actions: { create: true, update: true, delete: true, ...options.actions },
    batchSize: options.memberBatchSize ?? 50,
    thresholds: {
      minimumFailures: 5000,
      failureRatio: 0.4,
      maximumFailures: 40000,
      absoluteFailures: 60000,
      ...options.quarantine,
    },
    now: () => tenant.clock.now().getTime(),
    sleep: options.sleep ?? defaultSleep(tenant),
  };
}

// A job's schema in Graph's terms: `synchronizationSchema` with one rule whose object mappings carry
// the attribute mappings (through @scim/mapping's Graph conversion) and the scoping filters.
// Internal to the package.
import {
  compileMappingTable,
  entraDefaultGroupMappings,
  entraDefaultUserMappings,
  fromGraphAttributeMappings,
  type GraphAttributeMapping,
  isMappingError,
  type MappingTable,
  toGraphAttributeMappings,
} from '@scim/mapping';
import { SCOPING_OPERATORS, type ScopingFilter, type ScopingOperator } from '../engine/scoping.ts';
import { badRequest } from './context.ts';
import type { components } from './openapi.generated.ts';
import { GROUP_TARGET, type JobRecord, type SchemaState, USER_TARGET } from './sync-types.ts';

type Schemas = components['schemas'];

/** The schema of a new job from the `scim` template: Entra's default mappings, no scoping filters. @internal */
export function defaultSchemaState(): SchemaState {
  return {
    users: entraDefaultUserMappings,
    groups: entraDefaultGroupMappings,
    userFilters: [],
    groupFilters: [],
    actions: { create: true, update: true, delete: true },
    groupsEnabled: true,
    version: 1,
  };
}

function graphFilter(filters: readonly ScopingFilter[]): Schemas['synchronizationFilter'] | null {
  if (filters.length === 0) return null;
  return {
    categoryFilterGroups: [],
    inputFilterGroups: [],
    groups: filters.map((f) => ({
      name: f.title ?? '',
      clauses: f.clauses.map((c) => ({
        operatorName: c.operator,
        sourceOperandName: c.attribute,
        targetOperand: { values: c.value === undefined ? [] : [c.value] },
      })),
    })),
  };
}

function readFilter(scope: unknown, where: string): ScopingFilter[] {
  if (scope === null || scope === undefined) return [];
  const groups = (scope as { groups?: unknown }).groups;
  if (!Array.isArray(groups)) throw badRequest(`${where}.scope.groups must be an array of filter groups`);
  return groups.map((g, i) => {
    const clauses = (g as { clauses?: unknown }).clauses;
    if (!Array.isArray(clauses)) throw badRequest(`${where}.scope.groups[${i}].clauses must be an array`);
    const filter: ScopingFilter = {
      clauses: clauses.map((c, j) => {
        const clause = c as {
          operatorName?: unknown;
          sourceOperandName?: unknown;
          targetOperand?: { values?: unknown };
        };
        if (!SCOPING_OPERATORS.includes(clause.operatorName as ScopingOperator)) {
          throw badRequest(
            `${where}.scope.groups[${i}].clauses[${j}].operatorName ${JSON.stringify(clause.operatorName)} is not one of ${SCOPING_OPERATORS.join(', ')}`,
          );
        }
        if (typeof clause.sourceOperandName !== 'string' || clause.sourceOperandName === '') {
          throw badRequest(
            `${where}.scope.groups[${i}].clauses[${j}].sourceOperandName must name a source attribute`,
          );
        }
        const values = clause.targetOperand?.values;
        const value = Array.isArray(values) && typeof values[0] === 'string' ? values[0] : undefined;
        return value === undefined
          ? { attribute: clause.sourceOperandName, operator: clause.operatorName as ScopingOperator }
          : { attribute: clause.sourceOperandName, operator: clause.operatorName as ScopingOperator, value };
      }),
    };
    const name = (g as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') filter.title = name;
    return filter;
  });
}

function flowTypes(actions: SchemaState['actions']): string {
  return [actions.create && 'Add', actions.update && 'Update', actions.delete && 'Delete']
    .filter(Boolean)
    .join(', ');
}

/** The job's schema as Graph's `synchronizationSchema`. @internal */
export function graphSchema(
  record: Pick<JobRecord, 'id' | 'ruleId' | 'schema'>,
): Schemas['synchronizationSchema'] {
  const s = record.schema;
  return {
    id: record.id,
    version: String(s.version),
    directories: [],
    synchronizationRules: [
      {
        id: record.ruleId,
        name: 'USER_GROUP_OUTBOUND',
        sourceDirectoryName: 'Azure Active Directory',
        targetDirectoryName: 'customappsso',
        editable: true,
        objectMappings: [
          {
            name: 'Provision Azure Active Directory Users',
            sourceObjectName: 'User',
            targetObjectName: USER_TARGET,
            enabled: true,
            flowTypes: flowTypes(s.actions),
            scope: graphFilter(s.userFilters),
            attributeMappings: toGraphAttributeMappings(s.users) as Schemas['attributeMapping'][],
          },
          {
            name: 'Provision Azure Active Directory Groups',
            sourceObjectName: 'Group',
            targetObjectName: GROUP_TARGET,
            enabled: s.groupsEnabled,
            flowTypes: flowTypes(s.actions),
            scope: graphFilter(s.groupFilters),
            attributeMappings: toGraphAttributeMappings(s.groups) as Schemas['attributeMapping'][],
          },
        ],
      },
    ],
  };
}

/** Reads a `synchronizationSchema` body into the next schema state, or throws a 400 saying what to fix. @internal */
export function readSchema(body: Record<string, unknown>, current: SchemaState): SchemaState {
  const rules = body.synchronizationRules;
  if (!Array.isArray(rules) || rules.length === 0)
    throw badRequest('synchronizationRules must hold the job rule');
  const mappings = (rules[0] as { objectMappings?: unknown }).objectMappings;
  if (!Array.isArray(mappings)) throw badRequest('synchronizationRules[0].objectMappings must be an array');
  const next: SchemaState = { ...current, version: current.version + 1 };
  for (const [i, raw] of mappings.entries()) {
    const m = raw as Record<string, unknown>;
    const where = `synchronizationRules[0].objectMappings[${i}]`;
    const kind = m.sourceObjectName === 'User' ? 'User' : m.sourceObjectName === 'Group' ? 'Group' : null;
    if (!kind) throw badRequest(`${where}.sourceObjectName must be "User" or "Group"`);
    if (!Array.isArray(m.attributeMappings)) throw badRequest(`${where}.attributeMappings must be an array`);
    let table: MappingTable;
    try {
      table = fromGraphAttributeMappings(kind, m.attributeMappings as GraphAttributeMapping[]);
      compileMappingTable(table);
    } catch (error) {
      if (isMappingError(error) || error instanceof TypeError) {
        throw badRequest(`${where}.attributeMappings: ${error.message}`);
      }
      throw error;
    }
    const filters = readFilter(m.scope, where);
    const flows = typeof m.flowTypes === 'string' ? m.flowTypes.split(',').map((f) => f.trim()) : null;
    if (kind === 'User') {
      next.users = table;
      next.userFilters = filters;
      if (flows)
        next.actions = {
          create: flows.includes('Add'),
          update: flows.includes('Update'),
          delete: flows.includes('Delete'),
        };
    } else {
      next.groups = table;
      next.groupFilters = filters;
      next.groupsEnabled = m.enabled !== false;
    }
  }
  return next;
}

import type { QueryFilter, QueryPath } from '@scim/protocol';
import {
  type AttributeDefinition,
  createResourceSchema,
  type ResourceSchema,
  type SchemaDefinition,
} from '@scim/schemas';
import type { StoreSort } from './types.ts';

const COMMON = new Set(['id', 'externalid', 'meta', 'schemas']);

/** Collects the attribute definitions a query names, by schema URN (`''` for the core schema). */
function collect(
  filter: QueryFilter | undefined,
  sort: StoreSort | undefined,
): Map<string, Map<string, AttributeDefinition>> {
  const out = new Map<string, Map<string, AttributeDefinition>>();
  const add = (path: QueryPath) => {
    const top = path.subAttribute !== undefined && path.parent !== undefined ? path.parent : path.definition;
    if (path.urn === undefined && COMMON.has(top.name.toLowerCase())) return;
    const urn = path.urn ?? '';
    const defs = out.get(urn) ?? new Map<string, AttributeDefinition>();
    defs.set(top.name.toLowerCase(), top);
    out.set(urn, defs);
  };
  const walk = (f: QueryFilter) => {
    switch (f.kind) {
      case 'and':
      case 'or':
        for (const x of f.filters) walk(x);
        return;
      case 'not':
        walk(f.filter);
        return;
      case 'valuePath':
        add(f.path);
        return;
      default:
        add(f.path);
    }
  };
  if (filter !== undefined) walk(filter);
  if (sort !== undefined) add(sort.path);
  return out;
}

const CORE_URN = 'urn:scim-sdk:memory-store:Query';

/**
 * A resource schema made of the attribute definitions a query carries (a `QueryFilter` and a
 * `StoreSort` hold their definitions), so that the store can evaluate them with `compileFilter`
 * and `sortResources` without knowing the server's schemas.
 */
export function querySchema(
  resourceType: string,
  filter: QueryFilter | undefined,
  sort: StoreSort | undefined,
): ResourceSchema {
  const defs = collect(filter, sort);
  const schemas: SchemaDefinition[] = [
    { id: CORE_URN, name: resourceType, attributes: [...(defs.get('')?.values() ?? [])] },
  ];
  for (const [urn, attrs] of defs) {
    if (urn !== '') schemas.push({ id: urn, name: urn, attributes: [...attrs.values()] });
  }
  return createResourceSchema(
    {
      id: resourceType,
      name: resourceType,
      endpoint: `/${resourceType}`,
      schema: CORE_URN,
      schemaExtensions: schemas.slice(1).map((s) => ({ schema: s.id, required: false })),
    },
    schemas,
  );
}

/** The `sortBy` text of a sort's path, for `sortResources` and `resolvePath`. */
export function sortByOf(path: QueryPath): string {
  const head = `${path.urn === undefined ? '' : `${path.urn}:`}${path.subAttribute !== undefined && path.parent !== undefined ? path.parent.name : path.attribute}`;
  return path.subAttribute === undefined ? head : `${head}.${path.subAttribute}`;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickAttributes } from './pick.ts';
import { groupResourceSchema, type ResourceSchema, userResourceSchema } from './resource-schema.ts';
import { URN } from './urns.ts';

/** Every attribute path of a resource schema (top-level and `parent.sub`), with its parent's. */
function allAttributes(schema: ResourceSchema): { path: string; parent?: string }[] {
  const found: { path: string; parent?: string }[] = [];
  const add = (prefix: string, attributes: ResourceSchema['core']['attributes']) => {
    for (const a of attributes) {
      const parent = `${prefix}${a.name}`;
      found.push({ path: parent });
      for (const s of a.subAttributes ?? []) found.push({ path: `${parent}.${s.name}`, parent });
    }
  };
  add('', schema.core.attributes);
  for (const e of schema.extensions) add(`${e.schema.id}:`, e.schema.attributes);
  return found;
}
const allPaths = (schema: ResourceSchema) => allAttributes(schema).map((a) => a.path);

const userAttributes = allAttributes(userResourceSchema);
const userPaths = allPaths(userResourceSchema);

describe('pickAttributes', () => {
  it("keeps exactly the paths asked for, their sub-attributes, and the schema's required ones", () => {
    fc.assert(
      fc.property(fc.subarray(userPaths), (kept) => {
        const picked = pickAttributes(userResourceSchema, kept);
        const resolves = (path: string) => picked.resolvePath(path) !== undefined;
        const keptLower = new Set(kept.map((p) => p.toLowerCase()));
        for (const { path, parent } of userAttributes) {
          const named = keptLower.has(path.toLowerCase());
          const parentWhole = parent !== undefined && keptLower.has(parent.toLowerCase());
          const partOfIt = kept.some((k) => k.toLowerCase().startsWith(`${path.toLowerCase()}.`));
          const required = parent === undefined && userResourceSchema.resolvePath(path)!.definition.required;
          // Kept: named, inside a parent kept whole, or required; a parent kept in part resolves too.
          expect(resolves(path), path).toBe(named || parentWhole || required || partOfIt);
        }
        // The common attributes always stay.
        expect(resolves('id') && resolves('externalId') && resolves('meta.lastModified')).toBe(true);
      }),
    );
  });

  it('drops an extension none of whose attributes is kept, from the schemas and the resource type', () => {
    const core = pickAttributes(userResourceSchema, ['userName', 'emails']);
    expect(core.schemaUrns).toEqual([URN.User]);
    expect(core.resourceType.schemaExtensions).toEqual([]);
    expect(core.core.attributes.map((a) => a.name)).toEqual(['userName', 'emails']);

    const withDepartment = pickAttributes(userResourceSchema, [`${URN.EnterpriseUser}:department`]);
    expect(withDepartment.schemaUrns).toEqual([URN.User, URN.EnterpriseUser]);
    expect(withDepartment.extensions[0]!.schema.attributes.map((a) => a.name)).toEqual(['department']);
    expect(withDepartment.resourceType.schemaExtensions).toHaveLength(1);
  });

  it('keeps part of a complex attribute when named by its sub-attributes', () => {
    const picked = pickAttributes(userResourceSchema, ['NAME.givenName', 'name.familyname']);
    const name = picked.core.attributes.find((a) => a.name === 'name')!;
    expect(name.subAttributes!.map((s) => s.name)).toEqual(['familyName', 'givenName']);
  });

  it('is idempotent, and picking everything changes nothing that is advertised', () => {
    fc.assert(
      fc.property(fc.subarray(userPaths), (kept) => {
        const once = pickAttributes(userResourceSchema, kept);
        expect(pickAttributes(once, kept).core).toEqual(once.core);
      }),
    );
    const all = pickAttributes(groupResourceSchema, allPaths(groupResourceSchema));
    expect(all.core).toEqual(groupResourceSchema.core);
  });

  it('refuses a path that names no attribute, naming it', () => {
    expect(() => pickAttributes(userResourceSchema, ['userName', 'costCenter'])).toThrow(
      /"costCenter" names no attribute of User/,
    );
    expect(() => pickAttributes(userResourceSchema, ['name.nickName'])).toThrow(/"name.nickName"/);
  });
});

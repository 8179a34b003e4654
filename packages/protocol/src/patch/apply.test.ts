import { groupResourceSchema, isScimError, URN, userResourceSchema } from '@scim/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entraProfile, strictProfile } from '../profile.ts';
import { applyPatch } from './apply.ts';
import { useValueIndex } from './working-list.ts';

const ENT = URN.EnterpriseUser;
const user = {
  schemas: [URN.User],
  id: 'u1',
  userName: 'alice',
  name: { givenName: 'Alice' },
  emails: [{ value: 'a@x.com', type: 'work', primary: true }],
};

const paths = fc.constantFrom(
  'userName',
  'displayName',
  'nickName',
  'active',
  'title',
  'name',
  'name.givenName',
  'emails',
  'emails.value',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[value co "@"].primary',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work"].locality',
  `${ENT}:manager`,
  `${ENT}:employeeNumber`,
  ENT,
  'id',
  'meta.created',
  'members',
  'emails[type eq',
  'nope.nothing',
  '',
);
const values = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.integer(),
  fc.constant(null),
  fc.constantFrom('True', 'False', ''),
  fc.array(
    fc.record({
      value: fc.string({ maxLength: 4 }),
      type: fc.constantFrom('work', 'home'),
      primary: fc.boolean(),
    }),
    {
      maxLength: 3,
    },
  ),
  fc.record({ givenName: fc.string({ maxLength: 4 }), value: fc.string({ maxLength: 4 }) }),
  fc.dictionary(
    fc.constantFrom('displayName', 'name.familyName', `${ENT}:department`, 'meta', 'bogus'),
    fc.string({ maxLength: 4 }),
  ),
);
const operation = fc.record(
  {
    op: fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove', 'move'),
    path: paths,
    value: values,
  },
  { requiredKeys: ['op'] },
);

describe('applyPatch properties', () => {
  it('random operations never throw anything but a ScimError, and never mutate the input', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 1, maxLength: 4 }), fc.boolean(), (ops, strict) => {
        const input = structuredClone(user);
        try {
          const result = applyPatch(input, { schemas: [URN.PatchOp], Operations: ops }, userResourceSchema, {
            profile: strict ? strictProfile : entraProfile,
          });
          expect(result.changed).toBe(result.changes.length > 0);
        } catch (error) {
          if (!isScimError(error)) throw error;
          expect(error.status).toBe(400);
        }
        expect(input).toEqual(user);
      }),
      { numRuns: 300 },
    );
  });

  it('replace then read back gives the value, and a second identical PATCH changes nothing', () => {
    const attr = fc.constantFrom('displayName', 'nickName', 'title', 'name.givenName', `${ENT}:department`);
    fc.assert(
      fc.property(attr, fc.string({ minLength: 1, maxLength: 10 }), (path, value) => {
        const body = { schemas: [URN.PatchOp], Operations: [{ op: 'replace', path, value }] };
        const first = applyPatch(user, body, userResourceSchema);
        const [head, sub] = path.startsWith(ENT) ? [ENT, path.slice(ENT.length + 1)] : path.split('.');
        const holder = (first.resource as Record<string, unknown>)[head as string];
        expect(sub === undefined ? holder : (holder as Record<string, unknown>)[sub]).toBe(value);
        const second = applyPatch(first.resource, body, userResourceSchema);
        expect(second.changed).toBe(false);
        expect(second.resource).toEqual(first.resource);
      }),
      { numRuns: 100 },
    );
  });

  it('member adds and removes by filter give exactly the reported delta', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { maxLength: 5 }),
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b', 'c', 'd', 'e')), {
          minLength: 1,
          maxLength: 6,
        }),
        (start, steps) => {
          const group = { id: 'g', displayName: 'G', members: start.map((value) => ({ value })) };
          const ops = steps.map(([add, id]) =>
            add
              ? { op: 'add', path: 'members', value: [{ value: id }] }
              : { op: 'remove', path: `members[value eq "${id}"]` },
          );
          const result = applyPatch(group, { Operations: ops }, groupResourceSchema);
          const after = ((result.resource as { members?: { value: string }[] }).members ?? []).map(
            (m) => m.value,
          );
          const expected = new Set(start);
          for (const [add, id] of steps) add ? expected.add(id) : expected.delete(id);
          expect(new Set(after)).toEqual(expected);
          expect(after.length).toBe(expected.size);
          const delta = result.references[0] ?? { added: [], removed: [] };
          expect(new Set(delta.added)).toEqual(new Set([...expected].filter((id) => !start.includes(id))));
          expect(new Set(delta.removed)).toEqual(new Set(start.filter((id) => !expected.has(id))));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the reported member ids are exactly the set difference of the lists before and after', () => {
    // Large enough lists and batches to take both lookups (scan and Set) of the delta.
    const id = fc.constantFrom(...Array.from({ length: 30 }, (_, k) => `m${k}`), 'M1', 'm\u0130');
    const member = fc.record(
      { value: id, type: fc.constantFrom(undefined, 'direct', 'indirect') },
      { requiredKeys: ['value'] },
    );
    const list = fc.array(member, { minLength: 1, maxLength: 12 });
    const step = fc.oneof(
      list.map((value) => ({ op: 'add', path: 'members', value })),
      list.map((value) => ({ op: 'replace', path: 'members', value })),
      id.map((v) => ({ op: 'remove', path: `members[value eq "${v}"]` })),
      list.map((value) => ({ op: 'Remove', path: 'members', value })),
    );
    const idsOf = (r: object): string[] =>
      ((r as { members?: { value: string }[] }).members ?? []).map((m) => m.value);
    fc.assert(
      fc.property(
        fc.array(member, { maxLength: 40 }),
        fc.array(step, { minLength: 1, maxLength: 4 }),
        (start, ops) => {
          const group = { id: 'g', displayName: 'G', members: start };
          const result = applyPatch(group, { Operations: ops }, groupResourceSchema);
          const before = idsOf(group);
          const after = idsOf(result.resource);
          const added = [...new Set(after)].filter((v) => !before.includes(v));
          const removed = [...new Set(before)].filter((v) => !after.includes(v));
          const delta = result.references[0] ?? { added: [], removed: [] };
          expect({ added: delta.added, removed: delta.removed }).toEqual({ added, removed });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the deferred delta applied to the stored members gives what the loaded PATCH gives', () => {
    const id = fc.constantFrom('a', 'b', 'c', 'd');
    const step = fc.oneof(
      fc.record({
        op: fc.constant('add'),
        path: fc.constant('members'),
        value: fc.array(
          id.map((value) => ({ value })),
          { minLength: 1, maxLength: 2 },
        ),
      }),
      id.map((v) => ({ op: 'remove', path: `members[value eq "${v}"]` })),
      fc
        .array(id, { minLength: 1, maxLength: 2 })
        .map((vs) => ({ op: 'Remove', path: 'members', value: vs.map((value) => ({ value })) })),
      fc.constant({ op: 'remove', path: 'members' }),
      fc
        .array(
          id.map((value) => ({ value })),
          { minLength: 1, maxLength: 2 },
        )
        .map((value) => ({ op: 'replace', path: 'members', value })),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(id, { maxLength: 4 }),
        fc.array(step, { minLength: 1, maxLength: 5 }),
        (start, ops) => {
          const loaded = applyPatch(
            { id: 'g', displayName: 'G', members: start.map((value) => ({ value })) },
            { Operations: ops },
            groupResourceSchema,
          );
          const expected = new Set(
            ((loaded.resource as { members?: { value: string }[] }).members ?? []).map((m) => m.value),
          );
          const deferred = applyPatch(
            { id: 'g', displayName: 'G' },
            { Operations: ops },
            groupResourceSchema,
            { deferred: ['members'] },
          );
          expect(deferred.resource).toEqual({ id: 'g', displayName: 'G' });
          const delta = deferred.references[0];
          const stored = new Set<string>(delta?.removedAll === true ? [] : start);
          for (const r of delta?.removed ?? []) stored.delete(r);
          for (const a of delta?.added ?? []) stored.add(a);
          expect(stored).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects a body without Operations and, in strict mode, without the PatchOp URN', () => {
    expect(() => applyPatch(user, {}, userResourceSchema)).toThrow(/Operations/);
    expect(() =>
      applyPatch(user, { Operations: [{ op: 'add', path: 'title', value: 'x' }] }, userResourceSchema, {
        profile: 'strict',
      }),
    ).toThrow(/PatchOp/);
  });

  it('adds members to a group that has none and reports them', () => {
    const r = applyPatch(
      { id: 'g', displayName: 'G' },
      { Operations: [{ op: 'add', path: 'members', value: [{ value: 'a' }] }] },
      groupResourceSchema,
    );
    expect(r.references).toEqual([{ path: 'members', added: ['a'], removed: [] }]);
    expect(r.resource).toEqual({ id: 'g', displayName: 'G', members: [{ value: 'a' }] });
  });
});

describe('deferred member display labels', () => {
  const group = { schemas: [URN.Group], id: 'g', displayName: 'G' };
  const add = (value: unknown) => ({
    schemas: [URN.PatchOp],
    Operations: [{ op: 'add', path: 'members', value }],
  });

  it('reports the display a client sent with an added member, and Entra’s displayName under entra', () => {
    const out = applyPatch(
      group,
      add([{ value: 'u1', display: 'Babs' }, { value: 'u2', displayName: 'new User' }, { value: 'u3' }]),
      groupResourceSchema,
      { profile: entraProfile, deferred: ['members'] },
    );
    expect(out.references).toEqual([
      { path: 'members', added: ['u1', 'u2', 'u3'], removed: [], display: { u1: 'Babs', u2: 'new User' } },
    ]);
  });

  it('rejects displayName under strict (not a sub-attribute of members) and keeps display', () => {
    expect(() =>
      applyPatch(group, add([{ value: 'u2', displayName: 'x' }]), groupResourceSchema, {
        profile: strictProfile,
        deferred: ['members'],
      }),
    ).toThrow(/displayName/);
    const out = applyPatch(group, add([{ value: 'u1', display: 'Babs' }]), groupResourceSchema, {
      profile: strictProfile,
      deferred: ['members'],
    });
    expect(out.references[0]?.display).toEqual({ u1: 'Babs' });
  });

  it('drops the label of a member removed later in the same PATCH', () => {
    const out = applyPatch(
      group,
      {
        schemas: [URN.PatchOp],
        Operations: [
          { op: 'add', path: 'members', value: [{ value: 'u1', display: 'Babs' }] },
          { op: 'remove', path: 'members[value eq "u1"]' },
        ],
      },
      groupResourceSchema,
      { profile: entraProfile, deferred: ['members'] },
    );
    expect(out.references[0]).toEqual({ path: 'members', added: [], removed: ['u1'] });
  });
});

describe('value paths through the index', () => {
  const text = fc.constantFrom('a@x', 'A@X', 'b@x', 'ß@x', 'SS@x', 'σ@x', 'Σ@x', 'ς@x');
  const type = fc.constantFrom('work', 'WORK', 'home', undefined);
  const email = fc.record(
    {
      value: text,
      type,
      primary: fc.constantFrom(true, false, undefined),
      display: fc.constantFrom('d', undefined),
    },
    { requiredKeys: [] },
  );
  const op = fc.oneof(
    fc.tuple(fc.constantFrom('add', 'replace'), text, fc.string({ maxLength: 2 })).map(([o, v, d]) => ({
      op: o,
      path: `emails[value eq "${v}"].display`,
      value: d,
    })),
    fc.tuple(type, text).map(([t, v]) => ({ op: 'replace', path: `emails[type eq "${t}"].value`, value: v })),
    text.map((v) => ({ op: 'remove', path: `emails[value eq "${v}"]` })),
    type.map((t) => ({ op: 'remove', path: `emails[type eq "${t}" and primary eq true]` })),
    fc.tuple(text, type).map(([v, t]) => ({
      op: 'replace',
      path: `emails[value eq "${v}" or type eq "${t}"].primary`,
      value: true,
    })),
    fc
      .tuple(type, text)
      .map(([t, v]) => ({ op: 'add', path: `emails[type eq "${t}"]`, value: { value: v, primary: true } })),
    fc.array(email, { maxLength: 3 }).map((value) => ({ op: 'add', path: 'emails', value })),
    fc.array(text, { minLength: 1, maxLength: 2 }).map((vs) => ({
      op: 'Remove',
      path: 'emails',
      value: vs.map((value) => ({ value })),
    })),
  );
  // Long enough for the index (short lists are always scanned); no operation targets these.
  const FILLERS = Array.from({ length: 32 }, (_, k) => ({ value: `filler${k}@y`, type: 'other' }));
  const run = (emails: unknown[], ops: unknown[], strict: boolean, indexed: boolean) => {
    useValueIndex(indexed);
    try {
      const r = applyPatch(
        { ...user, emails: [...FILLERS, ...emails] },
        { schemas: [URN.PatchOp], Operations: ops },
        userResourceSchema,
        {
          profile: strict ? strictProfile : entraProfile,
        },
      );
      return { resource: r.resource, changes: r.changes };
    } catch (error) {
      if (!isScimError(error)) throw error;
      return { error: error.scimType };
    } finally {
      useValueIndex(true);
    }
  };

  it('gives what testing every value gives, whatever the operations', () => {
    fc.assert(
      fc.property(
        fc.array(email, { maxLength: 12 }),
        fc.array(op, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (emails, ops, strict) => {
          expect(run(emails, ops, strict, true)).toEqual(run(emails, ops, strict, false));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps at most one primary after any add or replace', () => {
    fc.assert(
      fc.property(
        fc.array(email, { maxLength: 12 }),
        fc.array(op, { minLength: 1, maxLength: 6 }),
        (emails, ops) => {
          const out = run(
            emails,
            ops.filter((o) => o.op !== 'remove' && o.op !== 'Remove'),
            false,
            true,
          );
          if ('resource' in out) {
            const list = (out.resource as { emails?: { primary?: boolean }[] }).emails ?? [];
            if (emails.filter((e) => e.primary === true).length <= 1) {
              expect(list.filter((e) => e.primary === true).length).toBeLessThanOrEqual(1);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

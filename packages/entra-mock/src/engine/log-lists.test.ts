// The packed parts of a provisioning log entry: read, they are the values the engine wrote; kept,
// what entries say alike is one shared array (issue 14: 200,000 entries at 100,000 users).
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from '../../test/engine-fixture.ts';
import type { ModifiedProperty, ProvisioningObjectSummary, ProvisioningStep } from '../logs/types.ts';
import { addParts, type EntryIdentity, LogForms, NO_DETAILS, packEntry, type RunParts } from './log-lists.ts';

const step = (description: string, details: Record<string, string> = {}): ProvisioningStep => ({
  name: 'EntryExportAdd',
  provisioningStepType: 'export',
  status: 'success',
  description,
  details,
});

const RUN: RunParts = Object.freeze({
  initiatedBy: Object.freeze({
    id: '',
    displayName: 'Azure AD Provisioning Service',
    initiatorType: 'system',
  }),
  servicePrincipal: Object.freeze({ id: 'sp', displayName: 'App' }),
  sourceSystem: Object.freeze({ id: 't', displayName: 'Azure Active Directory', details: NO_DETAILS }),
  targetSystem: Object.freeze({ id: 'sp', displayName: 'App', details: NO_DETAILS }),
});
const ADELE: EntryIdentity = { sourceId: 'u1', displayName: 'Adele Vance', type: 'User', targetId: 't1' };

/** The keys of an entry with only an id and its packed parts. */
const KEYS = [
  'id',
  'provisioningSteps',
  'modifiedProperties',
  'initiatedBy',
  'servicePrincipal',
  'sourceSystem',
  'targetSystem',
  'sourceIdentity',
  'targetIdentity',
];

/** An entry with only an id and its packed parts. */
function entryOf(
  steps: ProvisioningStep[],
  modified: ModifiedProperty[],
  name: string,
  forms = new LogForms(),
  identity = ADELE,
) {
  const entry: Record<string, unknown> = { id: 'e' };
  addParts(entry, packEntry(RUN, identity, steps, name, modified, forms));
  return entry as unknown as ProvisioningObjectSummary;
}

/** What the same entry reads as, as a plain object. */
function plainOf(steps: ProvisioningStep[], modified: ModifiedProperty[], identity = ADELE) {
  return {
    id: 'e',
    provisioningSteps: steps,
    modifiedProperties: modified,
    ...RUN,
    sourceIdentity: {
      id: identity.sourceId,
      displayName: identity.displayName,
      identityType: identity.type,
      details: {},
    },
    targetIdentity: {
      id: identity.targetId,
      displayName: identity.targetId === '' ? '' : identity.displayName,
      identityType: identity.type,
      details: {},
    },
  };
}

describe('the packed parts of a log entry', () => {
  it('read as the steps, properties, run and identities written, in their place among the keys', () => {
    const steps = [
      step("User 'a@x' was created in App 'a@x'", { ReportableIdentifier: 'a@x' }),
      step('Determine if User in scope', { SkipReason: 'x', ReportableIdentifier: 'a@x' }),
    ];
    const modified = [
      { displayName: 'objectId', oldValue: null, newValue: '1' },
      { displayName: 'mail', oldValue: 'old', newValue: null },
    ];
    const entry = entryOf(steps, modified, 'a@x');
    expect(entry.provisioningSteps).toEqual(steps);
    expect(entry.modifiedProperties).toEqual(modified);
    expect(Object.keys(entry)).toEqual(KEYS);
    expect(JSON.parse(JSON.stringify(entry))).toEqual(plainOf(steps, modified));
    expect({ ...entry }).toEqual(plainOf(steps, modified));
    expect(inspect(entry, { depth: 5 })).toBe(inspect(plainOf(steps, modified), { depth: 5 }));
  });

  it('names an object not yet in the target with an empty target identity', () => {
    const identity: EntryIdentity = { sourceId: 'g1', displayName: 'Sales', type: 'Group', targetId: '' };
    const entry = entryOf([step('s')], [], 'Sales', new LogForms(), identity);
    expect(entry.sourceIdentity).toEqual({
      id: 'g1',
      displayName: 'Sales',
      identityType: 'Group',
      details: {},
    });
    expect(entry.targetIdentity).toEqual({ id: '', displayName: '', identityType: 'Group', details: {} });
    expect(entry.targetIdentity.details).toBe(NO_DETAILS);
  });

  it("points every entry of a run to the run's frozen parts", () => {
    const forms = new LogForms();
    const a = entryOf([step('a')], [], 'a', forms);
    const b = entryOf([step('b')], [], 'b', forms);
    for (const key of ['initiatedBy', 'servicePrincipal', 'sourceSystem', 'targetSystem'] as const) {
      expect(a[key]).toBe(RUN[key]);
      expect(b[key]).toBe(RUN[key]);
    }
  });

  it('lets a part be replaced, in the same place', () => {
    const entry = entryOf([step('s')], [], 'n');
    entry.provisioningSteps = [];
    const identity = { id: 'x', displayName: 'X', identityType: 'User', details: {} };
    entry.targetIdentity = identity;
    expect(entry.provisioningSteps).toEqual([]);
    expect(entry.targetIdentity).toBe(identity);
    expect(Object.keys(entry)).toEqual(KEYS);
  });

  it('shares one form per step template and one list of attribute names between entries', () => {
    const forms = new LogForms();
    expect(forms.step(step("User 'a@x' was created"), 'a@x')).toBe(
      forms.step(step("User 'b@x' was created"), 'b@x'),
    );
    expect(forms.names(['objectId', 'mail'])).toBe(forms.names(['objectId', 'mail']));
    // Past its bound, a new form is kept by its entry alone, and still reads the same.
    const full = new LogForms(1);
    full.step(step('one'), 'n');
    const other = entryOf([step('other n')], [], 'n', full);
    expect(other.provisioningSteps[0]!.description).toBe('other n');
  });

  it('reads back any steps and properties (NULs, empty names, names inside names)', () => {
    // A small alphabet, so that names occur inside descriptions and NULs inside both.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '\0', "'", ' '), maxLength: 6 });
    fc.assert(
      fc.property(
        text,
        fc.array(fc.tuple(text, text)),
        fc.array(fc.tuple(text, fc.option(text), fc.option(text))),
        (name, rawSteps, rawModified) => {
          const forms = new LogForms(4);
          const steps = rawSteps.map(([description, value]) =>
            step(description, value === '' ? {} : { ReportableIdentifier: value === 'n' ? name : value }),
          );
          const modified = rawModified.map(([displayName, oldValue, newValue]) => ({
            displayName,
            oldValue,
            newValue,
          }));
          // Twice through the same forms: a shared form must read back each entry's own text.
          for (let i = 0; i < 2; i++) {
            const entry = entryOf(steps, modified, name, forms);
            expect(entry.provisioningSteps).toEqual(steps);
            expect(entry.modifiedProperties).toEqual(modified);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("a cycle's log entries", () => {
  it('read the same from JSON, a spread copy and util.inspect', async () => {
    const { job, adele } = setup('legacy', { provisionGroups: false });
    await job.runCycle();
    const created = job.logs.find((l) => l.sourceIdentity.id === adele.id)!;
    const plain = JSON.parse(JSON.stringify(created)) as ProvisioningObjectSummary;
    expect(plain.provisioningSteps.map((s) => s.name)).toEqual([
      'EntryImportAdd',
      'EntrySynchronizationScoping',
      'EntrySynchronizationAdd',
      'EntryExportAdd',
    ]);
    expect(plain.modifiedProperties).toContainEqual({
      displayName: 'userPrincipalName',
      oldValue: null,
      newValue: 'adele@contoso.onmicrosoft.com',
    });
    expect({ ...created }).toEqual(plain);
    expect(inspect(created, { depth: 9 })).toBe(inspect(plain, { depth: 9 }));
    expect(inspect(created)).not.toContain('Getter');
  });
});

// The packed lists of a provisioning log entry: read, they are the lists the engine wrote; kept,
// what entries say alike is one shared array (issue 14: 200,000 entries at 100,000 users).
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from '../../test/engine-fixture.ts';
import type { ModifiedProperty, ProvisioningObjectSummary, ProvisioningStep } from '../logs/types.ts';
import { addLists, LogForms, packModified, packSteps } from './log-lists.ts';

const step = (description: string, details: Record<string, string> = {}): ProvisioningStep => ({
  name: 'EntryExportAdd',
  provisioningStepType: 'export',
  status: 'success',
  description,
  details,
});

/** An entry with only its lists, packed. */
function entryOf(
  steps: ProvisioningStep[],
  modified: ModifiedProperty[],
  name: string,
  forms = new LogForms(),
) {
  const entry: Record<string, unknown> = { id: 'e' };
  addLists(entry, packSteps(steps, name, forms), packModified(modified, forms));
  entry.initiatedBy = null;
  return entry as unknown as ProvisioningObjectSummary;
}

describe('the packed lists of a log entry', () => {
  it('read as the steps and modified properties written, in their place among the keys', () => {
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
    expect(Object.keys(entry)).toEqual(['id', 'provisioningSteps', 'modifiedProperties', 'initiatedBy']);
    expect(JSON.parse(JSON.stringify(entry))).toEqual({
      id: 'e',
      provisioningSteps: steps,
      modifiedProperties: modified,
      initiatedBy: null,
    });
    expect(inspect(entry, { depth: 5 })).toBe(
      inspect(
        { id: 'e', provisioningSteps: steps, modifiedProperties: modified, initiatedBy: null },
        { depth: 5 },
      ),
    );
  });

  it('lets a list be replaced, in the same place', () => {
    const entry = entryOf([step('s')], [], 'n');
    entry.provisioningSteps = [];
    expect(entry.provisioningSteps).toEqual([]);
    expect(Object.keys(entry)).toEqual(['id', 'provisioningSteps', 'modifiedProperties', 'initiatedBy']);
  });

  it('shares one form per step template and one list of attribute names between entries', () => {
    const forms = new LogForms();
    const a = packSteps([step("User 'a@x' was created")], 'a@x', forms);
    const b = packSteps([step("User 'b@x' was created")], 'b@x', forms);
    expect(a[1]).toBe(b[1]);
    const names = (n: string) => [{ displayName: 'objectId', oldValue: null, newValue: n }];
    expect(packModified(names('1'), forms)[0]).toBe(packModified(names('2'), forms)[0]);
    // Past its bound, a new form is kept by its entry alone, and still reads the same.
    const full = new LogForms(1);
    packSteps([step('one')], 'n', full);
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

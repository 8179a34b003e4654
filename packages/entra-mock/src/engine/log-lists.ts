// The two lists of a provisioning log entry, kept packed: a cycle of 100,000 users writes 200,000
// entries that live as long as the job, and their steps and modified properties, as objects, were
// about three quarters of an entry's heap (issue 14). An entry keeps them in flat arrays and builds
// the lists each time they are read: own enumerable properties with a getter, so that reading an
// entry, JSON.stringify, util.inspect and toEqual see the same lists as before.
import type { ModifiedProperty, ProvisioningObjectSummary, ProvisioningStep } from '../logs/types.ts';

/**
 * A step as every entry with it says it: name, type, status and the description, as a text or as
 * its pieces around the object's name (joined with the name when read).
 */
type StepForm = readonly [string, string, string, string | readonly string[]];

/**
 * The steps, packed: the object's name, then per step its form and its details (or
 * {@link REPORTABLE} for an export step's details that only name the object).
 */
type PackedSteps = readonly unknown[];

/** The modified properties, packed: the attribute names, then the new values, or the old values and then the new ones. */
type PackedModified = readonly unknown[];

const STEPS = Symbol('provisioningSteps');
const MODIFIED = Symbol('modifiedProperties');
/** In place of `{ ReportableIdentifier: <the object's name> }`, which most export steps carry. */
const REPORTABLE = 0;

interface Packed {
  [STEPS]: PackedSteps;
  [MODIFIED]: PackedModified;
}

/**
 * What a job's log entries say alike, one frozen array each: step forms (a description split
 * around the object's name) and lists of modified attribute names. Bounded: past `limit` of them,
 * a new one is kept in its entry only.
 * @internal
 */
export class LogForms {
  private readonly known = new Map<string, readonly unknown[]>();
  private readonly limit: number;

  constructor(limit = 65_536) {
    this.limit = limit;
  }

  /** The shared copy of `parts` (texts without a NUL, which joins the key), or `parts`. */
  share<T extends readonly unknown[]>(parts: T, key: string): T {
    const found = this.known.get(key);
    if (found !== undefined) return found as T;
    if (this.known.size < this.limit) this.known.set(key, Object.freeze(parts));
    return parts;
  }

  /** A step's form, shared when no part of it holds a NUL; its description split around `name`. */
  step(s: ProvisioningStep, name: string): StepForm {
    const { name: stepName, provisioningStepType: type, status, description } = s;
    if ([stepName, type, status, description].some((part) => part.includes('\0'))) {
      return [stepName, type, status, description];
    }
    const pieces = name === '' ? [description] : description.split(name);
    return this.share<StepForm>(
      [stepName, type, status, pieces],
      `s\0${stepName}\0${type}\0${status}\0${pieces.join('\0')}`,
    );
  }

  /** The attribute names of modified properties, shared when none holds a NUL. */
  names(names: string[]): readonly string[] {
    if (names.some((n) => n.includes('\0'))) return names;
    return this.share(names, `m${names.length}\0${names.join('\0')}`);
  }
}

/** @internal The steps packed into one array (see {@link PackedSteps}). */
export function packSteps(steps: readonly ProvisioningStep[], name: string, forms: LogForms): PackedSteps {
  const packed: unknown[] = new Array(1 + steps.length * 2);
  packed[0] = name;
  steps.forEach((s, i) => {
    packed[1 + i * 2] = forms.step(s, name);
    packed[2 + i * 2] = onlyNames(s.details, name) ? REPORTABLE : s.details;
  });
  return packed;
}

/** Whether the details are `{ ReportableIdentifier: name }` and nothing else. */
function onlyNames(details: Readonly<Record<string, string>>, name: string): boolean {
  if (details.ReportableIdentifier !== name) return false;
  for (const key in details) if (key !== 'ReportableIdentifier') return false;
  return Object.getPrototypeOf(details) === Object.prototype && !Object.isFrozen(details);
}

/** The steps of a packed array, as new objects. */
function unpackSteps(packed: PackedSteps): ProvisioningStep[] {
  const name = packed[0] as string;
  const steps: ProvisioningStep[] = [];
  for (let at = 1; at < packed.length; at += 2) {
    const [stepName, type, status, description] = packed[at] as StepForm;
    const details = packed[at + 1];
    steps.push({
      name: stepName,
      provisioningStepType: type as ProvisioningStep['provisioningStepType'],
      status: status as ProvisioningStep['status'],
      description: typeof description === 'string' ? description : description.join(name),
      details: details === REPORTABLE ? { ReportableIdentifier: name } : (details as Record<string, string>),
    });
  }
  return steps;
}

/** @internal The modified properties packed into one array (see {@link PackedModified}). */
export function packModified(modified: readonly ModifiedProperty[], forms: LogForms): PackedModified {
  const n = modified.length;
  const noOld = modified.every((m) => m.oldValue === null);
  const packed: unknown[] = new Array(1 + (noOld ? n : 2 * n));
  packed[0] = forms.names(modified.map((m) => m.displayName));
  modified.forEach((m, i) => {
    if (noOld) packed[1 + i] = m.newValue;
    else {
      packed[1 + i] = m.oldValue;
      packed[1 + n + i] = m.newValue;
    }
  });
  return packed;
}

function unpackModified(packed: PackedModified): ModifiedProperty[] {
  const names = packed[0] as readonly string[];
  const n = names.length;
  const noOld = packed.length === 1 + n;
  return names.map((displayName, i) => ({
    displayName,
    oldValue: noOld ? null : (packed[1 + i] as string | null),
    newValue: packed[noOld ? 1 + i : 1 + n + i] as string | null,
  }));
}

/** A list read from its packed form; one getter for every entry, so that entries share their shape. */
function lazyList(key: 'provisioningSteps' | 'modifiedProperties', read: (entry: Packed) => unknown) {
  return {
    get(this: Packed) {
      return read(this);
    },
    // Assigning a list replaces the packed one with the value, in the same place among the keys.
    set(this: Packed, value: unknown) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  };
}

const STEPS_PROPERTY = lazyList('provisioningSteps', (e) => unpackSteps(e[STEPS]));
const MODIFIED_PROPERTY = lazyList('modifiedProperties', (e) => unpackModified(e[MODIFIED]));

/**
 * util.inspect shows the entry's lists, not their getters (the symbol Node.js looks up, without
 * importing node:util): it formats the plain copy returned, in the same place and indentation.
 */
function inspectEntry(this: object): object {
  return { ...this };
}

/**
 * @internal Adds the two lists to an entry being built, in their place among its keys (after
 * `provisioningStatusInfo`, before `initiatedBy`), from their packed arrays.
 */
export function addLists(
  entry: Partial<ProvisioningObjectSummary>,
  steps: PackedSteps,
  modified: PackedModified,
): void {
  Object.defineProperty(entry, 'provisioningSteps', STEPS_PROPERTY);
  Object.defineProperty(entry, 'modifiedProperties', MODIFIED_PROPERTY);
  Object.defineProperty(entry, STEPS, { value: steps });
  Object.defineProperty(entry, MODIFIED, { value: modified });
  Object.defineProperty(entry, Symbol.for('nodejs.util.inspect.custom'), { value: inspectEntry });
}

// A provisioning log entry's parts, kept packed: a cycle of 100,000 users writes 200,000 entries
// that live as long as the job. Its steps and modified properties, as objects, were about three
// quarters of an entry's heap (issue 14), and its identities and the parts every entry of a run
// shares cost about 150 bytes an entry more. An entry keeps them in one flat array and builds them
// each time they are read: own enumerable properties with a getter, so that reading an entry,
// JSON.stringify, util.inspect and toEqual see the same values as before.
import type {
  ModifiedProperty,
  ProvisionedIdentity,
  ProvisioningInitiator,
  ProvisioningObjectSummary,
  ProvisioningServicePrincipal,
  ProvisioningStep,
  ProvisioningSystem,
} from '../logs/types.ts';

/**
 * A step as every entry with it says it: name, type, status and the description, as a text or as
 * its pieces around the object's name (joined with the name when read).
 */
type StepForm = readonly [string, string, string, string | readonly string[]];

/** No details: one frozen object that every entry, identity and step without details shares. */
export const NO_DETAILS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** @internal What every entry of a run says alike: one frozen object per run, that entries point to. */
export interface RunParts {
  readonly initiatedBy: ProvisioningInitiator;
  readonly servicePrincipal: ProvisioningServicePrincipal;
  readonly sourceSystem: ProvisioningSystem;
  readonly targetSystem: ProvisioningSystem;
}

/** @internal The object an entry is about, as its identities name it. */
export interface EntryIdentity {
  readonly sourceId: string;
  readonly displayName: string;
  readonly type: 'User' | 'Group';
  /** The object's id in the target; empty before it exists there. */
  readonly targetId: string;
}

/**
 * An entry's parts in one array: the run's parts, the identity (source id, display name, type,
 * target id), where the modified properties start, the object's name, per step its form and its
 * details (or {@link REPORTABLE} for an export step's details that only name the object), then the
 * modified properties: the attribute names, then the new values, or the old values and then the new.
 */
type PackedEntry = readonly unknown[];
const RUN = 0;
const SOURCE_ID = 1;
const DISPLAY_NAME = 2;
const TYPE = 3;
const TARGET_ID = 4;
const MODIFIED_AT = 5;
const NAME = 6;
const STEPS_AT = 7;

const PACKED = Symbol('packedEntry');
/** In place of `{ ReportableIdentifier: <the object's name> }`, which most export steps carry. */
const REPORTABLE = 0;

interface Packed {
  [PACKED]: PackedEntry;
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

/**
 * @internal An entry's parts packed into one array of its size (see {@link PackedEntry}); what
 * entries say alike (step forms, attribute names) is taken from `forms`.
 */
export function packEntry(
  run: RunParts,
  identity: EntryIdentity,
  steps: readonly ProvisioningStep[],
  name: string,
  modified: readonly ModifiedProperty[],
  forms: LogForms,
): PackedEntry {
  const n = modified.length;
  const noOld = modified.every((m) => m.oldValue === null);
  const modifiedAt = STEPS_AT + steps.length * 2;
  const packed: unknown[] = new Array(modifiedAt + 1 + (noOld ? n : 2 * n));
  packed[RUN] = run;
  packed[SOURCE_ID] = identity.sourceId;
  packed[DISPLAY_NAME] = identity.displayName;
  packed[TYPE] = identity.type;
  packed[TARGET_ID] = identity.targetId;
  packed[MODIFIED_AT] = modifiedAt;
  packed[NAME] = name;
  steps.forEach((s, i) => {
    packed[STEPS_AT + i * 2] = forms.step(s, name);
    packed[STEPS_AT + 1 + i * 2] = onlyNames(s.details, name) ? REPORTABLE : s.details;
  });
  packed[modifiedAt] = forms.names(modified.map((m) => m.displayName));
  modified.forEach((m, i) => {
    if (noOld) packed[modifiedAt + 1 + i] = m.newValue;
    else {
      packed[modifiedAt + 1 + i] = m.oldValue;
      packed[modifiedAt + 1 + n + i] = m.newValue;
    }
  });
  return packed;
}

/** Whether the details are `{ ReportableIdentifier: name }` and nothing else. */
function onlyNames(details: Readonly<Record<string, string>>, name: string): boolean {
  if (details.ReportableIdentifier !== name) return false;
  for (const key in details) if (key !== 'ReportableIdentifier') return false;
  return Object.getPrototypeOf(details) === Object.prototype && !Object.isFrozen(details);
}

/** The steps of a packed entry, as new objects. */
function unpackSteps(packed: PackedEntry): ProvisioningStep[] {
  const name = packed[NAME] as string;
  const end = packed[MODIFIED_AT] as number;
  const steps: ProvisioningStep[] = [];
  for (let at = STEPS_AT; at < end; at += 2) {
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

/** The modified properties of a packed entry, as new objects. */
function unpackModified(packed: PackedEntry): ModifiedProperty[] {
  const at = packed[MODIFIED_AT] as number;
  const names = packed[at] as readonly string[];
  const n = names.length;
  const noOld = packed.length === at + 1 + n;
  return names.map((displayName, i) => ({
    displayName,
    oldValue: noOld ? null : (packed[at + 1 + i] as string | null),
    newValue: packed[noOld ? at + 1 + i : at + 1 + n + i] as string | null,
  }));
}

/** The source identity of a packed entry: "the display name and source ID" (Provisioning logs). */
function sourceIdentity(packed: PackedEntry): ProvisionedIdentity {
  return {
    id: packed[SOURCE_ID] as string,
    displayName: packed[DISPLAY_NAME] as string,
    identityType: packed[TYPE] as string,
    details: NO_DETAILS,
  };
}

/** The target identity: empty before the object exists in the target, as Microsoft's sample shows. */
function targetIdentity(packed: PackedEntry): ProvisionedIdentity {
  const id = packed[TARGET_ID] as string;
  return {
    id,
    displayName: id === '' ? '' : (packed[DISPLAY_NAME] as string),
    identityType: packed[TYPE] as string,
    details: NO_DETAILS,
  };
}

type PartKey =
  | 'provisioningSteps'
  | 'modifiedProperties'
  | 'initiatedBy'
  | 'servicePrincipal'
  | 'sourceSystem'
  | 'targetSystem'
  | 'sourceIdentity'
  | 'targetIdentity';

/** A part read from the packed entry; one getter for every entry, so that entries share their shape. */
function packedPart(key: PartKey, read: (packed: PackedEntry) => unknown) {
  return {
    get(this: Packed) {
      return read(this[PACKED]);
    },
    // Assigning a part replaces the packed one with the value, in the same place among the keys.
    set(this: Packed, value: unknown) {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  };
}

const runPart = (key: keyof RunParts) => (packed: PackedEntry) => (packed[RUN] as RunParts)[key];

/** The parts, in their order among an entry's keys (after `provisioningStatusInfo`). */
const PARTS: readonly [PartKey, PropertyDescriptor][] = [
  ['provisioningSteps', packedPart('provisioningSteps', unpackSteps)],
  ['modifiedProperties', packedPart('modifiedProperties', unpackModified)],
  ['initiatedBy', packedPart('initiatedBy', runPart('initiatedBy'))],
  ['servicePrincipal', packedPart('servicePrincipal', runPart('servicePrincipal'))],
  ['sourceSystem', packedPart('sourceSystem', runPart('sourceSystem'))],
  ['targetSystem', packedPart('targetSystem', runPart('targetSystem'))],
  ['sourceIdentity', packedPart('sourceIdentity', sourceIdentity)],
  ['targetIdentity', packedPart('targetIdentity', targetIdentity)],
];

/**
 * util.inspect shows the entry's parts, not their getters (the symbol Node.js looks up, without
 * importing node:util): it formats the plain copy returned, in the same place and indentation.
 */
function inspectEntry(this: object): object {
  return { ...this };
}

/**
 * @internal Adds the packed parts to an entry being built, after its `provisioningStatusInfo`:
 * the lists, `initiatedBy`, `servicePrincipal`, `sourceSystem`, `targetSystem` and the two
 * identities, in that order among its keys.
 */
export function addParts(entry: Partial<ProvisioningObjectSummary>, packed: PackedEntry): void {
  for (const [key, descriptor] of PARTS) Object.defineProperty(entry, key, descriptor);
  Object.defineProperty(entry, PACKED, { value: packed });
  Object.defineProperty(entry, Symbol.for('nodejs.util.inspect.custom'), { value: inspectEntry });
}

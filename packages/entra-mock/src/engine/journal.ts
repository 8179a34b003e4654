// The provisioning log as the cycle writes it: one entry per object and action, begun when the
// object is taken up, its steps added as they happen, and closed as a success, a failure or a skip.
import type {
  ModifiedProperty,
  ProvisioningAction,
  ProvisioningInitiator,
  ProvisioningObjectSummary,
  ProvisioningResult,
  ProvisioningStatusInfo,
  ProvisioningStep,
  ProvisioningStepType,
} from '../logs/types.ts';
import type { JobConfig } from './config.ts';
import { addParts, LogForms, NO_DETAILS, packEntry, type RunParts } from './log-lists.ts';
import type { Failure } from './target.ts';
import type { ProvisionOnDemandReport, TimedProvisioningStep } from './types.ts';

/** @internal The object an entry is about. */
export interface EntrySubject {
  type: 'User' | 'Group';
  sourceId: string;
  /** How step descriptions name the object: a user's userPrincipalName, a group's displayName. */
  sourceName: string;
  /** The object's displayName, as the entry's identities name it. */
  displayName: string;
  /** The object's id in the target; empty until it is created or matched. */
  targetId?: string;
  /** The change's id; an escrowed change keeps it across retries. */
  changeId: string;
  /** What export steps report as `ReportableIdentifier`; defaults to `sourceName`. */
  reportableIdentifier?: string;
}

/** @internal A log entry being written. */
export interface Entry {
  /** The change's id. */
  readonly changeId: string;
  /** The steps so far. */
  readonly steps: ProvisioningStep[];
  /** The object's id in the target, once known. */
  targetId: string;
  /** Adds a step. */
  step(
    name: string,
    type: ProvisioningStepType,
    status: ProvisioningResult,
    description: string,
    details?: Record<string, string>,
  ): Entry;
  /** Writes the entry as a success. */
  succeed(action: ProvisioningAction, modified?: ModifiedProperty[]): void;
  /** Writes the entry as a failure. */
  fail(action: ProvisioningAction, failure: Failure, modified?: ModifiedProperty[]): void;
  /** Writes the entry as skipped, with the reason when there is one. */
  skip(action: ProvisioningAction, reason?: Failure, modified?: ModifiedProperty[]): void;
}

/** @internal The log of one cycle (or one on-demand run). */
export interface Journal {
  readonly cycleId: string;
  /** Begins an entry for an object, now. */
  begin(subject: EntrySubject): Entry;
}

/** @internal The service as the initiator of scheduled cycles. */
export const SERVICE_INITIATOR: ProvisioningInitiator = {
  id: '',
  displayName: 'Azure AD Provisioning Service',
  initiatorType: 'system',
};

/**
 * A regular expression run on a string makes V8 flatten it in place. V8 keeps a string built by
 * concatenation (a template literal; a UUID from `crypto.randomUUID()`, which Node.js builds from 20
 * pieces) as a tree of its pieces until something reads it whole: such a UUID holds about 490
 * bytes of heap, flat about 70. Log entries live as long as the job, so the journal flattens the
 * strings it builds for them.
 */
const FLATTEN = /\0/;

/** @internal The string, flattened in place (the same value): see {@link FLATTEN}. */
export function flat<T extends string | null>(text: T): T {
  if (text !== null) FLATTEN.test(text);
  return text;
}

/** What the entries of each job's log (the array they go to) say alike. */
const FORMS = new WeakMap<object, LogForms>();

function formsOf(logs: object): LogForms {
  let found = FORMS.get(logs);
  if (found === undefined) {
    found = new LogForms();
    FORMS.set(logs, found);
  }
  return found;
}

/** The status of an entry without a failure: one frozen object per status, shared. */
const PLAIN_STATUS = new Map<ProvisioningResult, ProvisioningStatusInfo>();

/** An entry's status, with the failure's error information when there is one. */
function statusInfo(status: ProvisioningResult, failure: Failure | null): ProvisioningStatusInfo {
  if (failure === null) {
    let shared = PLAIN_STATUS.get(status);
    if (shared === undefined) {
      shared = Object.freeze({ status, errorInformation: null });
      PLAIN_STATUS.set(status, shared);
    }
    return shared;
  }
  return {
    status,
    errorInformation: {
      errorCode: failure.code,
      errorCategory: status === 'skipped' ? 'success' : 'nonServiceFailure',
      reason: failure.reason,
      additionalDetails: failure.details,
      recommendedAction: null,
    },
  };
}

/**
 * @internal A step. A class, not an object literal: V8 may decide, from a few of its objects that
 * outlived a young-generation collection, to allocate every later object of a literal straight in
 * the old space ("allocation-site pretenuring"), and it did for this one, whose steps live only until
 * their entry is packed (see {@link EntryDraft}); an object built by a constructor is always
 * allocated young.
 */
export class Step implements ProvisioningStep {
  readonly name: string;
  readonly provisioningStepType: ProvisioningStepType;
  readonly status: ProvisioningResult;
  readonly description: string;
  readonly details: Record<string, string>;
  constructor(
    name: string,
    provisioningStepType: ProvisioningStepType,
    status: ProvisioningResult,
    description: string,
    details: Record<string, string> = NO_DETAILS,
  ) {
    this.name = name;
    this.provisioningStepType = provisioningStepType;
    this.status = status;
    this.description = description;
    this.details = details;
  }
}

/** @internal A step. */
export function step(
  name: string,
  provisioningStepType: ProvisioningStepType,
  status: ProvisioningResult,
  description: string,
  details: Record<string, string> = NO_DETAILS,
): ProvisioningStep {
  return new Step(name, provisioningStepType, status, description, details);
}

/** Writes a finished entry to the log: the journal's, shared by its entries. */
type WriteEntry = (
  draft: EntryDraft,
  action: ProvisioningAction,
  status: ProvisioningResult,
  modified: ModifiedProperty[],
  failure: Failure | null,
) => void;

/**
 * An entry being written: its object, its steps so far and when it began, until it is packed into
 * the log. One instance of a class, with its methods on the prototype, rather than an object
 * literal with a closure per method: a cycle of 100,000 users begins 200,000 of them, each alive
 * across the requests of its object, and V8 allocated the literals it replaces (and their step
 * lists) straight in the old space after its pretenuring heuristic picked them, where they stayed
 * as garbage until the next mark-compact (about 1 KB an entry; see {@link Step}).
 */
class EntryDraft implements Entry {
  readonly changeId: string;
  readonly steps: ProvisioningStep[];
  targetId: string;
  readonly subject: EntrySubject;
  /** The steps with their times, for provision on demand's reports only. */
  readonly timed: TimedProvisioningStep[] | null;
  readonly started: number;
  readonly startedReal: number;
  readonly #write: WriteEntry;
  readonly #now: () => number;

  constructor(subject: EntrySubject, timed: boolean, now: () => number, write: WriteEntry) {
    this.changeId = subject.changeId;
    // Not a `[]` literal, whose allocation site V8 pretenured with the literal this class replaces
    // (measured with %InYoungGeneration: every list young this way).
    // biome-ignore lint/style/useArrayLiterals: see above
    this.steps = new Array<ProvisioningStep>();
    this.targetId = subject.targetId ?? '';
    this.subject = subject;
    // biome-ignore lint/style/useArrayLiterals: as `steps`
    this.timed = timed ? new Array<TimedProvisioningStep>() : null;
    this.started = now();
    this.startedReal = performance.now();
    this.#write = write;
    this.#now = now;
  }

  step(
    name: string,
    type: ProvisioningStepType,
    status: ProvisioningResult,
    description: string,
    details: Record<string, string> = NO_DETAILS,
  ): Entry {
    const withId =
      type === 'export' && details.ReportableIdentifier === undefined
        ? { ...details, ReportableIdentifier: this.subject.reportableIdentifier ?? this.subject.sourceName }
        : details;
    for (const value of Object.values(withId)) flat(value);
    const made = new Step(name, type, status, flat(description), withId);
    this.steps.push(made);
    this.timed?.push({ ...made, timestamp: new Date(this.#now()).toISOString() });
    return this;
  }

  succeed(action: ProvisioningAction, modified: ModifiedProperty[] = []): void {
    this.#write(this, action, 'success', modified, null);
  }

  fail(action: ProvisioningAction, failure: Failure, modified: ModifiedProperty[] = []): void {
    this.#write(this, action, 'failure', modified, failure);
  }

  skip(action: ProvisioningAction, reason?: Failure, modified: ModifiedProperty[] = []): void {
    this.#write(this, action, 'skipped', modified, reason ?? null);
  }
}

/**
 * @internal A journal appending to `logs` (and, for provision on demand, to `reports`) and reporting
 * each entry to `onProgress`. An entry's duration is the longer of the simulated time and the real
 * time it took; export steps carry the object's `ReportableIdentifier`, as in Microsoft's samples.
 * @see https://learn.microsoft.com/en-us/graph/api/resources/provisioningobjectsummary
 * @see https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list
 */
export function createJournal(
  config: JobConfig,
  logs: ProvisioningObjectSummary[],
  cycleId: string,
  initiator: ProvisioningInitiator,
  reports?: ProvisionOnDemandReport[],
): Journal {
  const { tenant, app, now } = config;
  const forms = formsOf(logs);
  // Entries written at the same time (a clock that did not move) share one activityDateTime string.
  let last = { ms: Number.NaN, text: '' };
  const isoAt = (ms: number): string => {
    if (ms !== last.ms) last = { ms, text: new Date(ms).toISOString() };
    return last.text;
  };
  // What every entry of the run says alike, built once and shared by its entries (read-only, as the
  // entries are: frozen, so that a change to one entry cannot show in another).
  const run: RunParts = Object.freeze({
    initiatedBy: Object.freeze({ ...initiator }),
    servicePrincipal: Object.freeze({ id: app.id, displayName: app.displayName }),
    sourceSystem: Object.freeze({
      id: tenant.id,
      displayName: 'Azure Active Directory',
      details: NO_DETAILS,
    }),
    targetSystem: Object.freeze({
      id: app.id,
      displayName: config.appName,
      details: Object.freeze({
        ApplicationId: app.appId,
        ServicePrincipalId: app.id,
        ServicePrincipalDisplayName: app.displayName,
      }),
    }),
  });
  const write: WriteEntry = (entry, action, status, modified, failure) => {
    const { subject } = entry;
    const ended = now();
    for (const m of modified) {
      flat(m.oldValue);
      flat(m.newValue);
    }
    const summary = {
      id: flat(crypto.randomUUID()),
      activityDateTime: isoAt(ended),
      tenantId: tenant.id,
      jobId: config.jobId,
      cycleId,
      changeId: flat(subject.changeId),
      provisioningAction: action,
      durationInMilliseconds: Math.round(
        Math.max(0, ended - entry.started, performance.now() - entry.startedReal),
      ),
      provisioningStatusInfo: statusInfo(status, failure),
    } as ProvisioningObjectSummary;
    // The steps, modified properties, the run's parts and the identities, packed; read, they are
    // the same values (log-lists.ts). The Identity column shows "the display name and source ID"
    // (Provisioning logs).
    const identity = {
      sourceId: subject.sourceId,
      displayName: subject.displayName,
      type: subject.type,
      targetId: entry.targetId,
    };
    addParts(summary, packEntry(run, identity, entry.steps, subject.sourceName, modified, forms));
    logs.push(summary);
    reports?.push({
      entry: summary,
      steps: entry.timed!,
      startTime: new Date(entry.started).toISOString(),
      endTime: summary.activityDateTime,
      reportableIdentifier: subject.reportableIdentifier ?? subject.sourceName,
    });
    config.options.onProgress?.({ type: 'entry', cycleId, entry: summary });
  };
  return {
    cycleId,
    begin: (subject) => new EntryDraft(subject, reports !== undefined, now, write),
  };
}

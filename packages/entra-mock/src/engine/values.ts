// Mapped values: a SCIM resource flattened to its mapping targets, the changes between two such
// flattenings, and values as the provisioning logs print them.
import type { ModifiedProperty } from '../logs/types.ts';
import type { UpdateRules } from './config.ts';
import type { TargetAttributeChange } from './dialect.ts';
import { readTarget } from './resource.ts';

/** @internal A value as the logs print it. */
export function display(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') {
    const v = (value as { value?: unknown }).value;
    return typeof v === 'string' ? v : JSON.stringify(value);
  }
  return String(value);
}

/** @internal The values of a resource at each mapping target it has. */
export function flatten(
  resource: Record<string, unknown>,
  targets: readonly string[],
  core: string,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const target of targets) {
    const value = readTarget(resource, target, core);
    if (value !== undefined) out.set(target, value);
  }
  return out;
}

/** @internal The changes that turn `before` into `after`, target by target, as the update rules allow. */
export function diff(
  before: Map<string, unknown>,
  after: Map<string, unknown>,
  targets: readonly string[],
  rules: UpdateRules,
): TargetAttributeChange[] {
  const changes: TargetAttributeChange[] = [];
  for (const target of targets) {
    if (rules.createOnly.has(target)) continue;
    const had = before.has(target);
    const has = after.has(target);
    if (!had && has) changes.push({ op: 'add', path: target, value: after.get(target) });
    else if (had && !has) {
      if (!rules.keepOnNull.has(target)) changes.push({ op: 'remove', path: target });
    } else if (had && has && JSON.stringify(before.get(target)) !== JSON.stringify(after.get(target)))
      changes.push({ op: 'replace', path: target, value: after.get(target) });
  }
  return changes;
}

/** @internal The modified properties of a set of changes. */
export function modifiedOf(
  changes: readonly TargetAttributeChange[],
  before: Map<string, unknown>,
): ModifiedProperty[] {
  return changes.map((c) => ({
    displayName: c.path,
    oldValue: display(before.get(c.path)),
    newValue: c.path === '' || c.value === undefined ? null : display(c.value),
  }));
}

/**
 * @internal A source value as Entra prints it in provisioning logs: booleans as `True` / `False`,
 * multi-valued attributes (app role assignments) as their values joined with commas.
 * @see https://learn.microsoft.com/en-us/graph/api/synchronization-synchronizationjob-provisionondemand
 */
export function printSource(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) {
    const parts = value.map(printSource).filter((v) => v !== null);
    return parts.length === 0 ? null : parts.join(',');
  }
  if (typeof value === 'object') {
    const o = value as { value?: unknown; displayName?: unknown };
    return printSource(o.value ?? o.displayName ?? JSON.stringify(value));
  }
  return String(value);
}

/** @internal The canonical form of a target value for comparison: booleans and their `"True"` / `"False"` strings agree, numbers and their digits agree, object keys are sorted. */
function canonical(value: unknown): unknown {
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** @internal Whether the target's value and the mapped value are the same. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * @internal The changes that bring the target's values to the mapped ones: mapped values the target
 * lacks are added, those that differ replaced. A mapped value that is null is not sent: Entra does
 * not provision null attributes, and clearing attribute values isn't supported for outbound
 * provisioning.
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/known-issues#null-attribute-cant-be-provisioned
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/clear-attribute-values#preview-scope-and-limitations
 */
export function diffTarget(
  current: Map<string, unknown>,
  mapped: Map<string, unknown>,
  targets: readonly string[],
  rules: UpdateRules,
): TargetAttributeChange[] {
  const changes: TargetAttributeChange[] = [];
  for (const target of targets) {
    if (rules.createOnly.has(target) || !mapped.has(target)) continue;
    const value = mapped.get(target);
    if (!current.has(target)) changes.push({ op: 'add', path: target, value });
    else if (!sameValue(current.get(target), value)) changes.push({ op: 'replace', path: target, value });
  }
  return changes;
}

/**
 * @internal Modified properties in Entra's terms: the source attributes (`userPrincipalName`,
 * `accountEnabled`, `IsSoftDeleted`, …) behind the given targets, with their values as Entra prints
 * them; `oldValue` from `previous` (what was last exported), else null.
 * @see https://learn.microsoft.com/en-us/graph/api/provisioningobjectsummary-list
 */
export function sourceProperties(
  attributes: readonly string[],
  source: Readonly<Record<string, unknown>>,
  previous: Pick<SourceValues, 'get'> = new Map(),
): ModifiedProperty[] {
  const out: ModifiedProperty[] = [];
  for (const name of attributes) {
    const newValue = printSource(readSource(source, name));
    const oldValue = previous.get(name) ?? null;
    if (newValue === null && oldValue === null) continue;
    out.push({ displayName: name, oldValue, newValue });
  }
  return out;
}

/** @internal A source attribute, by name, case-insensitively as the mapping language reads it. */
export function readSource(source: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in source) return source[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(source)) if (key.toLowerCase() === lower) return source[key];
  return undefined;
}

/**
 * @internal The printed source values a link remembers (the old values of the next modified
 * properties), by attribute name: a `Map`, or the compact {@link printedSources}.
 */
export interface SourceValues {
  get(name: string): string | null | undefined;
  set(name: string, value: string | null): unknown;
}

/** Attribute names and their positions, one per list of names, shared by every link that uses it. */
interface Names {
  readonly index: ReadonlyMap<string, number>;
}
const namesByKey = new Map<string, Names>();

function namesOf(attributes: readonly string[]): Names {
  const key = attributes.join('\0');
  let names = namesByKey.get(key);
  if (!names) {
    names = { index: new Map(attributes.map((name, i) => [name, i])) };
    namesByKey.set(key, names);
  }
  return names;
}

/**
 * Printed values beside a shared list of names: a job remembers them for every object it
 * provisioned, and a `Map` of some twenty values takes about four times the heap of an array.
 */
class CompactSourceValues implements SourceValues {
  /** Values set under a name outside the list (none, as the engine uses them). */
  private extra: Map<string, string | null> | undefined;
  private readonly names: Names;
  private readonly values: (string | null)[];
  constructor(names: Names, values: (string | null)[]) {
    this.names = names;
    this.values = values;
  }
  get(name: string): string | null | undefined {
    const i = this.names.index.get(name);
    return i === undefined ? this.extra?.get(name) : this.values[i];
  }
  set(name: string, value: string | null): this {
    const i = this.names.index.get(name);
    if (i !== undefined) {
      this.values[i] = value;
      return this;
    }
    this.extra ??= new Map();
    this.extra.set(name, value);
    return this;
  }
}

/** @internal The printed values of source attributes, to remember what was exported. */
export function printedSources(
  attributes: readonly string[],
  source: Readonly<Record<string, unknown>>,
): SourceValues {
  return new CompactSourceValues(
    namesOf(attributes),
    attributes.map((name) => printSource(readSource(source, name))),
  );
}

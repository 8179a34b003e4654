// Mapped values: a SCIM resource flattened to its mapping targets, the changes between two such
// flattenings, and values as the provisioning logs print them.
import type { ModifiedProperty } from '../logs/types.ts';
import type { UpdateRules } from './config.ts';
import type { AttributeChange } from './dialect.ts';
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
): AttributeChange[] {
  const changes: AttributeChange[] = [];
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
  changes: readonly AttributeChange[],
  before: Map<string, unknown>,
): ModifiedProperty[] {
  return changes.map((c) => ({
    displayName: c.path,
    oldValue: display(before.get(c.path)),
    newValue: c.path === '' || c.value === undefined ? null : display(c.value),
  }));
}

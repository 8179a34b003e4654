/**
 * What a write changed, told twice: to the change feed (the record the store commits with the
 * write) and to the hooks (once it is committed). Attribute values compare as JSON: an object's
 * keys in any order, as a store may give them back in another (PostgreSQL's `jsonb`).
 */
import { type AttributeChange, jsonEqual } from '@scim/protocol';
import { type CommittedChange, classify, runHooks } from '../hooks.ts';
import type { StoredResource } from '../store/types.ts';
import type { ServedType } from './config.ts';
import type { RequestContext } from './context.ts';
import type { MemberMoves } from './members.ts';
import { render } from './representation.ts';
import { isLarge, pauseBefore } from './slices.ts';
import { isObject, type Json } from './stored.ts';

/** An entry of the change feed, as a store records it with the write. @internal */
export type ChangeRecord = { type: string; [k: string]: unknown };

/** One write's outcome: the resource as stored, and what changed. @internal */
export interface Written extends MemberMoves {
  readonly stored: StoredResource;
  readonly changes: readonly AttributeChange[];
}

/** Data by top-level path: each attribute, and each extension attribute as `urn:name`. */
function flatten(data: Readonly<Json>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(data)) {
    if (k.toLowerCase().startsWith('urn:') && isObject(v)) {
      for (const [ek, ev] of Object.entries(v)) out.set(`${k}:${ek}`, ev);
    } else out.set(k, v);
  }
  return out;
}

/** Top-level changes between two data objects (extension attributes as `urn:name`). @internal */
export function topLevelChanges(previous: Readonly<Json>, next: Readonly<Json>): AttributeChange[] {
  const a = flatten(previous);
  const b = flatten(next);
  const changes: AttributeChange[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const oldValue = a.get(key);
    const newValue = b.get(key);
    if (!jsonEqual(oldValue, newValue)) changes.push({ path: key, oldValue, newValue });
  }
  return changes;
}

/**
 * The changes of a PATCH: those `applyPatch` reports (but the reference attribute's, which are
 * member moves), then those the policies made to attributes no operation touched.
 * @internal
 */
export function patchChanges(
  type: ServedType,
  reported: readonly AttributeChange[],
  previous: Readonly<Json>,
  next: Readonly<Json>,
): AttributeChange[] {
  const own = reported.filter(
    (c) =>
      type.referenceAttribute === undefined || c.path.toLowerCase() !== type.referenceAttribute.toLowerCase(),
  );
  const covered = new Set(own.map((c) => c.path.split(/[.[]/)[0]?.toLowerCase()));
  return [
    ...own,
    ...topLevelChanges(previous, next).filter((c) => !covered.has(c.path.split('.')[0]?.toLowerCase())),
  ];
}

/**
 * The change-feed record of a write: its type (`user.deactivated`, `group.members.added`, ...;
 * see `classify`), the attribute changes, and the members added and removed.
 * @internal
 */
export function feedRecord(
  type: ServedType,
  action: CommittedChange['action'],
  changes: readonly AttributeChange[],
  added: readonly string[],
  removed: readonly string[],
): ChangeRecord {
  const { type: changeType } = classify({
    kind: type.kind,
    action,
    resourceType: type.name,
    changes,
    membersAdded: added,
    membersRemoved: removed,
  });
  const record: ChangeRecord = {
    type: changeType,
    changes: changes.map((c) => ({
      path: c.path,
      ...(c.oldValue === undefined ? {} : { oldValue: c.oldValue }),
      ...(c.newValue === undefined ? {} : { newValue: c.newValue }),
    })),
  };
  if (added.length > 0) record.membersAdded = [...added];
  if (removed.length > 0) record.membersRemoved = [...removed];
  return record;
}

/**
 * Tells the hooks about a committed write (a hook that throws is logged; the write stands). The
 * resource is rendered for them only when there are hooks, on a slice of its own when the write
 * was large (it runs right after the store's write).
 * @internal
 */
export async function announce(
  ctx: RequestContext,
  type: ServedType,
  action: CommittedChange['action'],
  written: Written,
): Promise<void> {
  const { hooks } = ctx.config.options;
  if (hooks === undefined || Object.values(hooks).every((hook) => hook === undefined)) return;
  await pauseBefore(ctx, isLarge(ctx, written.stored.rendering));
  const change: CommittedChange = {
    kind: type.kind,
    action,
    tenant: ctx.tenant,
    resourceType: type.name,
    id: written.stored.id,
    resource: render(ctx, type, written.stored),
    changes: written.changes,
    membersAdded: written.added,
    membersRemoved: written.removed,
    principal: ctx.principal,
  };
  await runHooks(ctx.config.options.hooks, change, ctx.logger, ctx.requestId);
}

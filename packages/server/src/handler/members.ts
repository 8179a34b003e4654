/**
 * A resource's members (a group's `members`, the type's reference attribute): the ids a POST or
 * PUT lists and the labels sent with them, the delta a PATCH makes (RFC 7644 section 3.5.2), which
 * ids are resources of the tenant (`unknownMembers`), and which members a write really adds and
 * removes, as the change feed and the hooks name them.
 */
import { normalizeFilter, parseFilter, type ReferenceChange } from '@scim/protocol';
import { ScimError } from '@scim/schemas';
import type { MemberDelta, StoredMember } from '../store/types.ts';
import type { ServedType } from './config.ts';
import type { RequestContext } from './context.ts';
import { isObject, type Json } from './stored.ts';

/** Up to this many members named in one PATCH, the feed lists only real changes. */
const MEMBER_CHECKS = 100;
const EXISTENCE_CHUNK = 50;
const FEW_MEMBERS = 4;

/** The key of `body` that is the type's reference attribute, in any case. */
function referenceKey(type: ServedType, body: Json): string | undefined {
  return Object.keys(body).find((k) => k.toLowerCase() === type.referenceAttribute?.toLowerCase());
}

/**
 * The member ids a resource body lists, once each, in order; `undefined` when the type has no
 * reference attribute.
 * @throws ScimError `invalidValue` when the list is not an array of `{ "value": id }`
 * @internal
 */
export function memberIds(type: ServedType, resource: Json): string[] | undefined {
  if (type.referenceAttribute === undefined) return undefined;
  const key = referenceKey(type, resource);
  const list = key === undefined ? undefined : resource[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new ScimError('invalidValue', `${type.referenceAttribute}: expected an array of { "value": id }`);
  }
  const ids = new Set<string>();
  for (const m of list) {
    const value = isObject(m) ? m.value : undefined;
    if (typeof value !== 'string' || value === '') {
      throw new ScimError(
        'invalidValue',
        `${type.referenceAttribute}: every member needs a "value" with the member's id`,
      );
    }
    ids.add(value);
  }
  return [...ids];
}

/**
 * The display labels a POST or PUT body sends with its members (`display`; and Microsoft's
 * `displayName` under the `entra` profile), by member id; see {@link MemberDelta.display}.
 * @internal
 */
export function memberLabels(
  ctx: RequestContext,
  type: ServedType,
  body: unknown,
): Readonly<Record<string, string>> | undefined {
  if (type.referenceAttribute === undefined || !isObject(body)) return undefined;
  const key = referenceKey(type, body);
  const list = key === undefined ? undefined : body[key];
  if (!Array.isArray(list)) return undefined;
  const out: Record<string, string> = {};
  let any = false;
  for (const m of list) {
    if (!isObject(m) || typeof m.value !== 'string') continue;
    const label =
      typeof m.display === 'string'
        ? m.display
        : ctx.config.profileName === 'entra' && typeof m.displayName === 'string'
          ? m.displayName
          : undefined;
    if (label === undefined || label === '' || Object.hasOwn(out, m.value)) continue;
    Object.defineProperty(out, m.value, {
      value: label,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    any = true;
  }
  return any ? out : undefined;
}

/**
 * Under `unknownMembers: 'skip'`, the ids that are resources of the tenant, in order; the others
 * are logged at debug and left out (so neither the store, the change feed nor the hooks see them).
 * Under `reject`, all of them (the store answers 400 for an unknown one).
 * @internal
 */
export async function knownMembers(
  ctx: RequestContext,
  ownerId: string,
  ids: readonly string[],
): Promise<string[]> {
  if (ctx.config.unknownMembers !== 'skip' || ids.length === 0) return [...ids];
  const found = new Set<string>();
  for (const t of ctx.config.types) {
    const rest = ids.filter((m) => !found.has(m));
    if (rest.length <= FEW_MEMBERS) {
      // The usual case (Entra adds a member or a few): one read by id each, on every store, all
      // at once (the PostgreSQL store sends reads that arrive together in one statement).
      const read = await Promise.all(rest.map((m) => ctx.store.get(ctx.tenant, t.name, m)));
      for (const [i, m] of rest.entries()) if (read[i] !== undefined) found.add(m);
      continue;
    }
    for (let i = 0; i < rest.length; i += EXISTENCE_CHUNK) {
      const chunk = rest.slice(i, i + EXISTENCE_CHUNK);
      const filter = normalizeFilter(
        parseFilter(chunk.map((m) => `id eq ${JSON.stringify(m)}`).join(' or ')),
        t.schema,
      );
      const page = await ctx.store.list(ctx.tenant, {
        resourceType: t.name,
        filter,
        startIndex: 1,
        count: chunk.length,
        // At most EXISTENCE_CHUNK ids by the primary key: bounded work, not a client's filter. Under
        // the list budget a loaded machine made a valid member PATCH answer 400 tooMany.
        unbudgeted: true,
      });
      for (const r of page.resources) found.add(r.id);
    }
  }
  const skipped = ids.filter((m) => !found.has(m));
  if (skipped.length > 0) {
    ctx.logger?.debug?.(
      { requestId: ctx.requestId, tenant: ctx.tenant, id: ownerId, members: skipped },
      'left out member ids that are not resources of this tenant (unknownMembers: skip)',
    );
  }
  return ids.filter((m) => found.has(m));
}

/**
 * The members a POST or PUT body lists that the write keeps (see {@link knownMembers}); `undefined`
 * when the type has no reference attribute.
 * @internal
 */
export async function listedMembers(
  ctx: RequestContext,
  type: ServedType,
  ownerId: string,
  parsed: Json,
): Promise<string[] | undefined> {
  const sent = memberIds(type, parsed);
  return sent === undefined ? undefined : knownMembers(ctx, ownerId, sent);
}

/**
 * 400 when a resource would become a member of itself.
 * @throws ScimError `invalidValue`
 * @internal
 */
export function notSelf(type: ServedType, id: string, added: readonly string[]): void {
  if (added.includes(id)) {
    throw new ScimError(
      'invalidValue',
      `a ${type.name} cannot be a member of itself; remove ${id} from ${type.referenceAttribute}`,
    );
  }
}

/** The members a write adds and removes, as the change feed and the hooks name them. @internal */
export interface MemberMoves {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * What a PUT that lists `members` does to the members `before` it: the store replaces the list
 * (`removeAll`, then adds them), and the feed names those that come and those that go.
 * @internal
 */
export function replaceMembers(
  ctx: RequestContext,
  before: readonly StoredMember[] | undefined,
  members: readonly string[] | undefined,
  display: Readonly<Record<string, string>> | undefined,
): MemberMoves & { readonly delta: MemberDelta | undefined } {
  const had = new Set((before ?? []).map((m) => m.value));
  const after = new Set(members ?? []);
  return {
    added: [...after].filter((m) => !had.has(m)),
    removed: [...had].filter((m) => !after.has(m)),
    delta:
      members === undefined
        ? undefined
        : {
            added: members,
            removed: [],
            removeAll: true,
            unknown: ctx.config.unknownMembers,
            ...(display === undefined ? {} : { display }),
          },
  };
}

/** The change `applyPatch` reports for the type's reference attribute, if the PATCH made one. */
function memberReference(
  type: ServedType,
  references: readonly ReferenceChange[],
): ReferenceChange | undefined {
  const attribute = type.referenceAttribute?.toLowerCase();
  return attribute === undefined ? undefined : references.find((r) => r.path.toLowerCase() === attribute);
}

/**
 * The member delta of a PATCH: the change `applyPatch` reports for the type's reference attribute
 * (deferred to the store), with the added ids that are not resources of the tenant left out under
 * `unknownMembers: 'skip'`; `undefined` when the PATCH leaves the members alone.
 * @internal
 */
export async function patchDelta(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  references: readonly ReferenceChange[],
): Promise<MemberDelta | undefined> {
  const ref = memberReference(type, references);
  if (ref === undefined) return undefined;
  return {
    added: await knownMembers(ctx, id, ref.added),
    removed: ref.removed,
    unknown: ctx.config.unknownMembers,
    ...(ref.removedAll ? { removeAll: true } : {}),
    ...(ref.display === undefined ? {} : { display: ref.display }),
  };
}

/** Whether a delta can change the members: it removes them all, or names one. @internal */
export function movesAny(delta: MemberDelta | undefined): boolean {
  return delta !== undefined && (delta.removeAll === true || delta.added.length + delta.removed.length > 0);
}

/** Which of the members a PATCH names are members of its resource now, as {@link patchMoves} reads it. @internal */
export type Memberships = Promise<ReadonlyMap<string, boolean>>;

/**
 * Starts the lookups {@link patchMoves} makes for a PATCH of resource `id` (see there): one
 * membership lookup per member it names, all at once, so that they run beside {@link patchDelta}'s
 * reads of the same members instead of after them, and beside each other (one after the other, a
 * PATCH naming 100 members made 100 round trips to a PostgreSQL store, in its resource's turn to
 * write). `undefined` when `patchMoves` reads none. A failure is reported where the result is
 * awaited, not as an unhandled rejection when the PATCH ends before it (refused, or changing nothing).
 * Started before the PATCH is checked, it may look up a member it then leaves out (unknown, under
 * `unknownMembers: 'skip'`) or a PATCH that is refused: a few reads more, against a round trip per
 * member in the group's turn.
 * @internal
 */
export function startMemberships(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  references: readonly ReferenceChange[],
): Memberships | undefined {
  const ref = memberReference(type, references);
  if (ref === undefined || ref.removedAll) return undefined;
  const named = [...ref.added, ...ref.removed];
  if (named.length === 0 || named.length > MEMBER_CHECKS) return undefined;
  const lookups = memberships(ctx, id, named);
  lookups.catch(() => {});
  return lookups;
}

/** Whether each of `ids` is a member of resource `id`: a membership lookup each, all at once. */
function memberships(ctx: RequestContext, id: string, ids: readonly string[]): Memberships {
  const named = [...new Set(ids)];
  return Promise.all(
    named.map(async (m) => (await ctx.store.memberOf(ctx.tenant, m)).some((g) => g.value === id)),
  ).then((found) => new Map(named.map((m, i) => [m, found[i] as boolean])));
}

/**
 * The members a PATCH's delta really adds to and removes from resource `id`. Up to
 * {@link MEMBER_CHECKS} named members, only those that come and go (Entra sends adds again): one
 * membership lookup per named member, whatever the group's size, all at once (`started`: those
 * {@link startMemberships} started for the PATCH, else started here). "Remove every member" names
 * each one it removes (a rare, whole-list operation). Beyond that, the delta as it is.
 * @internal
 */
export async function patchMoves(
  ctx: RequestContext,
  type: ServedType,
  id: string,
  delta: MemberDelta | undefined,
  started?: Memberships,
): Promise<MemberMoves> {
  let added = delta?.added ?? [];
  let removed = delta?.removed ?? [];
  if (delta !== undefined && !delta.removeAll && added.length + removed.length <= MEMBER_CHECKS) {
    const present = await (started ?? memberships(ctx, id, [...added, ...removed]));
    added = added.filter((m) => present.get(m) !== true);
    removed = removed.filter((m) => present.get(m) === true);
  }
  if (delta?.removeAll) {
    const before = await ctx.store.get(ctx.tenant, type.name, id, { members: true });
    const keep = new Set(added);
    removed = (before?.members ?? []).map((m) => m.value).filter((m) => !keep.has(m));
  }
  return { added, removed };
}

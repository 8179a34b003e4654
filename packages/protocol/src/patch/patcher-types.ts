// The shapes shared by the PATCH engine and its helpers for multi-valued and singular complex
// attributes: an operation's name, what its path resolves to, and the part of the engine's state
// the helpers use. They sit below patcher.ts, which calls the helpers, so no import runs back up.
import type { ResolvedAttribute } from '@scim/schemas';
import type { Filter } from '../filter/ast.ts';
import type { PatchPath } from '../path/index.ts';
import type { CompatibilityProfile } from '../profile.ts';
import type { JsonObject } from './json.ts';
import type { FilterPlan } from './plan.ts';
import type { WorkingList } from './working-list.ts';

/** @internal `add`, `replace` or `remove`. */
export type OpName = 'add' | 'replace' | 'remove';

/** @internal What an operation's path resolves to. */
export interface Target {
  readonly attr: ResolvedAttribute;
  readonly sub: ResolvedAttribute | undefined;
  readonly filter: Filter | undefined;
  readonly path: PatchPath;
  readonly text: string;
  /** Named without its schema URN (`manager`); allowed under `unqualifiedExtensionPaths`. */
  readonly unqualified: boolean;
  /** The plan of `filter`, made on first use and kept (a cached target keeps it for later PATCHes). */
  plan?: FilterPlan;
}

/** @internal What the multi-valued and singular helpers use of the engine (`Patcher` implements it). */
export interface PatchState {
  readonly profile: CompatibilityProfile;
  /** The value of `attr` in the resource, with its working list written back first. */
  read(attr: ResolvedAttribute): unknown;
  /** Sets `attr` to `value`, or removes it when `value` is nothing or an empty list. */
  write(attr: ResolvedAttribute, value: unknown): void;
  /** The working list of a multi-valued attribute: its values, copied once per PATCH. */
  working(attr: ResolvedAttribute): WorkingList;
  /** The filter plan of a filtered target. */
  plan(t: Target): FilterPlan;
  /** `value` coerced to one element of `t`'s attribute, or nothing. */
  coerceElement(value: unknown, t: Target): JsonObject | undefined;
  /** Returns `element` (an object or nothing) with `sub` set to `value` (or removed). */
  withSub(element: unknown, sub: ResolvedAttribute, value: unknown, t: Target): JsonObject | undefined;
}

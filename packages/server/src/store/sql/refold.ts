/**
 * The migration of the SQL stores' folded copies from `toLowerCase` (before) to `foldCase`
 * (Unicode simple case folding): what changes for a stored row. See
 * docs/decisions/0004-case-folded-copy.md.
 *
 * `foldCase(s.toLowerCase())` equals `foldCase(s)` for every string but those holding U+0130 (İ),
 * so a row needs new copies only when one of its strings folds differently than it lower-cases
 * ({@link needsRefold}): for ASCII data, never.
 *
 * @internal
 * @packageDocumentation
 */
import { foldCase } from '@scim/protocol';

/** Whether some string in `value` (keys aside) folds differently than it lower-cases. @internal */
export function needsRefold(value: unknown): boolean {
  if (typeof value === 'string') return differs(value);
  if (Array.isArray(value)) return value.some(needsRefold);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(needsRefold);
  return false;
}

/** Whether a label (a member's `display`) folds differently than it lower-cases. @internal */
export function differs(text: string): boolean {
  return foldCase(text) !== text.toLowerCase();
}

/** The text a unique key was made from: the attribute's value in `data`, or undefined. */
function uniqueText(data: Readonly<Record<string, unknown>>, attribute: string): string | undefined {
  let holder: unknown = data;
  let name = attribute;
  if (attribute.startsWith('urn:')) {
    const at = attribute.lastIndexOf(':');
    holder = data[attribute.slice(0, at)];
    name = attribute.slice(at + 1);
  }
  if (typeof holder !== 'object' || holder === null || Array.isArray(holder)) return undefined;
  const value = (holder as Record<string, unknown>)[name];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The value a stored unique key takes under the new folding. The store does not know whether the
 * attribute is `caseExact`; the key tells: a key that is not the lower-cased value was stored
 * case-exact and stays; a key that is gets the value's folding. (A case-exact value with no
 * capital letters but a letter that folds, such as `ς`, is folded too: it then collides with the
 * same value written with `σ`; RFC 7643's only unique attribute, `userName`, is not case-exact.)
 *
 * @internal
 */
export function refoldUnique(
  attribute: string,
  stored: string,
  data: Readonly<Record<string, unknown>>,
): string {
  const raw = uniqueText(data, attribute);
  if (raw === undefined || stored !== raw.toLowerCase()) return stored;
  return foldCase(raw);
}

/**
 * A resource whose unique value, folded anew by the migration, is the key of another resource:
 * the resource keeps its data, but its value is not reserved (a write that keeps it answers 409).
 *
 * @internal
 */
export interface UnreservedKey {
  readonly tenant: string;
  readonly resourceType: string;
  readonly id: string;
  readonly attribute: string;
  /** The value as the resource holds it. */
  readonly value: string;
  /** The resource that holds the key. */
  readonly heldBy: string | undefined;
}

/**
 * What opening a SQL store migrated: the schema version before and after, and the resources the
 * folding migration left without their unique key.
 *
 * @internal
 */
export interface MigrationReport {
  readonly from: number;
  readonly to: number;
  readonly unreserved: readonly UnreservedKey[];
}

/** The value a unique key was made from, for a report (the key itself when the data lacks it). @internal */
export function keyText(data: Readonly<Record<string, unknown>>, attribute: string, key: string): string {
  return uniqueText(data, attribute) ?? key;
}

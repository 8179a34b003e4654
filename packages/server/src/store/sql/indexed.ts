/**
 * Values of multi-valued attributes that the SQL stores copy into an index table, so that
 * `emails.value eq "..."` (and the same on any multi-valued complex attribute with a `value`) is a
 * lookup instead of a scan.
 *
 * @internal
 * @packageDocumentation
 */
import { foldCase } from '@scim/protocol';

/** `[attribute, case-folded value]` for each string `value` of a top-level multi-valued complex attribute. @internal */
export function indexedValues(data: Readonly<Record<string, unknown>>): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const [attribute, v] of Object.entries(data)) {
    if (!Array.isArray(v)) continue;
    for (const element of v) {
      if (typeof element !== 'object' || element === null || Array.isArray(element)) continue;
      const value = (element as Record<string, unknown>).value;
      if (typeof value !== 'string') continue;
      const lower = foldCase(value);
      const key = `${attribute}\u0000${lower}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([attribute, lower]);
    }
  }
  return out;
}

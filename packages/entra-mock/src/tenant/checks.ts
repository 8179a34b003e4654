import { ScimError } from '@scim/schemas';
import type { PropertyChange } from './types.ts';

/** @internal A stored record: the public type without its `readonly`s. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Characters Entra refuses in a mailNickname (and white space). */
const MAIL_NICKNAME_FORBIDDEN = /[@()\\[\]";:<>,\s]/;

/** @internal A directory extension property, `extension_{appId without dashes}_{name}`. */
export const DIRECTORY_EXTENSION = /^extension_[0-9a-f]{32}_\w+$/i;

/** @internal An `invalidValue` error. */
export function invalid(message: string): ScimError {
  return new ScimError('invalidValue', message);
}

/** @internal The `notFound` error Graph answers for a user or group that is not there (or is deleted). */
export function noSuchObject(id: string): ScimError {
  return new ScimError(
    'notFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** @internal Checks the two names every user and group has: `displayName` and `mailNickname`. */
export function checkNames(
  kind: 'user' | 'group',
  input: { displayName?: unknown; mailNickname?: unknown },
): void {
  for (const key of ['displayName', 'mailNickname'] as const) {
    const value = input[key];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw invalid(`${kind}: ${key} must be a non-empty string`);
    }
  }
  if (typeof input.mailNickname === 'string' && MAIL_NICKNAME_FORBIDDEN.test(input.mailNickname)) {
    throw invalid(
      `${kind}: mailNickname "${input.mailNickname}" may not contain spaces or any of @ ( ) \\ [ ] " ; : < > ,`,
    );
  }
}

/**
 * @internal Sets one property of a record (an array is copied), adding a {@link PropertyChange} to
 * `changed` when the value really changes; a directory extension set to `null` is removed.
 */
export function setProperty(
  record: Record<string, unknown>,
  key: string,
  value: unknown,
  changed: PropertyChange[],
): void {
  const old = record[key] ?? null;
  const next = Array.isArray(value) ? [...value] : value;
  if (!same(old, next)) changed.push({ name: key, oldValue: old, newValue: next });
  if (next === null && DIRECTORY_EXTENSION.test(key)) delete record[key];
  else record[key] = next;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

import { CliError } from '../settings/errors.ts';

/**
 * What `PROFILE` and `UNKNOWN_MEMBERS` ask of the handler, checked: `start` serves with it and
 * `import` validates with it, so that an imported resource is accepted exactly when a POST to
 * the running server would be.
 *
 * @param env - the environment
 * @returns the handler options `profile` and (when set) `unknownMembers`
 * @throws CliError (exit code 2) for a value that is not a profile or a mode
 * @internal
 */
export function profileFromEnv(env: Readonly<Record<string, string | undefined>>): {
  readonly profile: 'entra' | 'strict';
  readonly unknownMembers?: 'skip' | 'reject';
} {
  const profile = env.PROFILE || 'entra';
  if (profile !== 'entra' && profile !== 'strict') {
    throw new CliError(`PROFILE "${profile}" is not a profile; use entra or strict.`, 2);
  }
  const unknownMembers = env.UNKNOWN_MEMBERS || undefined;
  if (unknownMembers !== undefined && unknownMembers !== 'skip' && unknownMembers !== 'reject') {
    throw new CliError(`UNKNOWN_MEMBERS "${unknownMembers}" is not skip or reject.`, 2);
  }
  return unknownMembers === undefined ? { profile } : { profile, unknownMembers };
}

import { checkNames, invalid, type Mutable, setProperty } from './checks.ts';
import type { EntraGroup, GroupInput, PropertyChange } from './types.ts';

/** @internal A group as the tenant stores it. */
export type GroupRecord = Mutable<EntraGroup> & { groupTypes: string[] };

const GROUP_KEYS = new Set<string>([
  'displayName',
  'description',
  'mailNickname',
  'mail',
  'mailEnabled',
  'securityEnabled',
  'groupTypes',
]);

/**
 * @internal A new security group record; a mail-enabled one gets its address on the default domain.
 */
export function newGroupRecord(
  id: string,
  input: { displayName: string; mailNickname: string; mailEnabled?: boolean | undefined },
  defaultDomain: string,
  createdDateTime: string,
): GroupRecord {
  const mailEnabled = input.mailEnabled ?? false;
  return {
    id,
    displayName: input.displayName,
    description: null,
    mailNickname: input.mailNickname,
    mail: mailEnabled ? `${input.mailNickname}@${defaultDomain}` : null,
    mailEnabled,
    securityEnabled: true,
    groupTypes: [],
    createdDateTime,
    deletedDateTime: null,
  };
}

/** @internal A copy of a stored group that the caller may keep. */
export function copyGroup(group: GroupRecord): EntraGroup {
  return { ...group, groupTypes: [...group.groupTypes] };
}

/**
 * @internal Whether a group is a distribution group (mail-enabled, not security, not Unified),
 * which Entra does not keep in deleted items.
 */
export function isDistributionGroup(group: GroupRecord): boolean {
  return group.mailEnabled && !group.securityEnabled && !group.groupTypes.includes('Unified');
}

/**
 * @internal Checks a {@link GroupInput} as Graph does, before anything is written.
 *
 * @throws ScimError `invalidValue` for an unknown or malformed property
 */
export function checkGroupInput(input: GroupInput): void {
  for (const key of Object.keys(input)) {
    if (!GROUP_KEYS.has(key)) throw invalid(`group: "${key}" is not a writable property of a group`);
  }
  checkNames('group', input);
  for (const key of ['mailEnabled', 'securityEnabled'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'boolean')
      throw invalid(`group: ${key} must be true or false`);
  }
  if (
    input.groupTypes !== undefined &&
    (!Array.isArray(input.groupTypes) ||
      input.groupTypes.some((t) => t !== 'Unified' && t !== 'DynamicMembership'))
  ) {
    throw invalid('group: groupTypes may contain only "Unified" and "DynamicMembership"');
  }
}

/**
 * @internal Writes a checked {@link GroupInput} into a stored group (`null` clears a property).
 *
 * @returns the properties that really changed
 */
export function applyGroupInput(group: GroupRecord, input: GroupInput): PropertyChange[] {
  const changed: PropertyChange[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) setProperty(group as unknown as Record<string, unknown>, key, value, changed);
  }
  return changed;
}

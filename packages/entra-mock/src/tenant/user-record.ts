import { ScimError } from '@scim/schemas';
import { checkNames, DIRECTORY_EXTENSION, invalid, type Mutable, setProperty } from './checks.ts';
import type { EntraUser, OnPremisesExtensionAttributes, PropertyChange, UserInput } from './types.ts';

/** @internal A user as the tenant stores it. */
export type UserRecord = Mutable<EntraUser> & { businessPhones: string[] };

/** The user properties that are a string or `null`. */
const USER_NULLABLE = [
  'mail',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'companyName',
  'employeeId',
  'employeeType',
  'officeLocation',
  'mobilePhone',
  'streetAddress',
  'city',
  'state',
  'country',
  'postalCode',
  'preferredLanguage',
  'usageLocation',
] as const;
const USER_KEYS = new Set<string>([
  ...USER_NULLABLE,
  'userPrincipalName',
  'accountEnabled',
  'displayName',
  'mailNickname',
  'businessPhones',
  'userType',
  'onPremisesExtensionAttributes',
]);
const EXTENSION_ATTRIBUTE = /^extensionAttribute(?:[1-9]|1[0-5])$/;

/** @internal A new, enabled user record with every optional property empty. */
export function newUserRecord(
  id: string,
  names: { userPrincipalName: string; displayName: string; mailNickname: string },
  createdDateTime: string,
): UserRecord {
  return {
    id,
    userPrincipalName: names.userPrincipalName,
    accountEnabled: true,
    displayName: names.displayName,
    mailNickname: names.mailNickname,
    mail: null,
    givenName: null,
    surname: null,
    jobTitle: null,
    department: null,
    companyName: null,
    employeeId: null,
    employeeType: null,
    officeLocation: null,
    mobilePhone: null,
    businessPhones: [],
    streetAddress: null,
    city: null,
    state: null,
    country: null,
    postalCode: null,
    preferredLanguage: null,
    usageLocation: null,
    userType: 'Member',
    onPremisesExtensionAttributes: {},
    createdDateTime,
    deletedDateTime: null,
  };
}

/** @internal A copy of a stored user that the caller may keep. */
export function copyUser(user: UserRecord): EntraUser {
  return {
    ...user,
    businessPhones: [...user.businessPhones],
    onPremisesExtensionAttributes: { ...user.onPremisesExtensionAttributes },
  };
}

/**
 * @internal Checks a {@link UserInput} as Graph does, in Graph's order, before anything is written.
 *
 * @param domains - the tenant's verified domains, which a userPrincipalName must end in
 * @param upnTaken - whether another user already has a userPrincipalName
 * @throws ScimError `invalidValue` for a malformed property; `uniqueness` for a taken userPrincipalName
 */
export function checkUserInput(
  input: UserInput,
  domains: readonly string[],
  upnTaken: (upn: string) => boolean,
): void {
  for (const key of Object.keys(input)) {
    if (!USER_KEYS.has(key) && !DIRECTORY_EXTENSION.test(key)) {
      throw invalid(`user: "${key}" is not a writable property of a user`);
    }
  }
  if (input.userPrincipalName !== undefined) checkPrincipalName(input.userPrincipalName, domains, upnTaken);
  checkNames('user', input);
  if (input.accountEnabled !== undefined && typeof input.accountEnabled !== 'boolean') {
    throw invalid('user: accountEnabled must be true or false');
  }
  if (input.businessPhones !== undefined) {
    if (!Array.isArray(input.businessPhones) || input.businessPhones.some((p) => typeof p !== 'string')) {
      throw invalid('user: businessPhones must be an array of strings');
    }
    if (input.businessPhones.length > 1) {
      throw invalid('user: only one number can be set for businessPhones');
    }
  }
  if (input.usageLocation != null && !/^[A-Z]{2}$/.test(input.usageLocation)) {
    throw invalid(
      `user: usageLocation "${input.usageLocation}" must be a two-letter ISO 3166 country code, like US`,
    );
  }
  if (input.userType !== undefined && input.userType !== 'Member' && input.userType !== 'Guest') {
    throw invalid('user: userType must be Member or Guest');
  }
  for (const key of USER_NULLABLE) {
    const value = input[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw invalid(`user: ${key} must be a string or null`);
    }
  }
  if (input.onPremisesExtensionAttributes !== undefined) {
    checkExtensionAttributes(input.onPremisesExtensionAttributes);
  }
}

function checkPrincipalName(
  upn: string,
  domains: readonly string[],
  upnTaken: (upn: string) => boolean,
): void {
  const at = typeof upn === 'string' ? upn.lastIndexOf('@') : -1;
  if (at <= 0 || upn.indexOf('@') !== at) {
    throw invalid(`user: userPrincipalName "${String(upn)}" must be alias@domain with one "@"`);
  }
  const domain = upn.slice(at + 1).toLowerCase();
  if (!domains.includes(domain)) {
    throw invalid(
      `user: the domain portion of the userPrincipalName "${upn}" is invalid; use one of the tenant's verified domains: ${domains.join(', ')}`,
    );
  }
  if (upnTaken(upn)) {
    throw new ScimError(
      'uniqueness',
      `Another object with the same value for property userPrincipalName already exists: "${upn}".`,
    );
  }
}

function checkExtensionAttributes(ext: OnPremisesExtensionAttributes): void {
  if (typeof ext !== 'object' || ext === null) {
    throw invalid('user: onPremisesExtensionAttributes must be an object');
  }
  for (const [key, value] of Object.entries(ext)) {
    if (!EXTENSION_ATTRIBUTE.test(key)) {
      throw invalid(
        `user: "${key}" is not an extension attribute; use extensionAttribute1 to extensionAttribute15`,
      );
    }
    if (value !== null && typeof value !== 'string') throw invalid(`user: ${key} must be a string or null`);
  }
}

/**
 * @internal Writes a checked {@link UserInput} into a stored user: `undefined` leaves a property
 * alone, `null` clears it, `onPremisesExtensionAttributes` merges.
 *
 * @returns the properties that really changed
 */
export function applyUserInput(user: UserRecord, input: UserInput): PropertyChange[] {
  const changed: PropertyChange[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key === 'onPremisesExtensionAttributes') {
      mergeExtensionAttributes(user, value as Record<string, string | null>, changed);
    } else {
      setProperty(user as unknown as Record<string, unknown>, key, value, changed);
    }
  }
  return changed;
}

function mergeExtensionAttributes(
  user: UserRecord,
  values: Record<string, string | null>,
  changed: PropertyChange[],
): void {
  const before: OnPremisesExtensionAttributes = user.onPremisesExtensionAttributes;
  const after: Record<string, string | null> = { ...before };
  for (const [name, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const old = (before as Record<string, string | null | undefined>)[name] ?? null;
    if (v !== old)
      changed.push({ name: `onPremisesExtensionAttributes.${name}`, oldValue: old, newValue: v });
    if (v === null) delete after[name];
    else after[name] = v;
  }
  user.onPremisesExtensionAttributes = after;
}

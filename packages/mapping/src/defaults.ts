import type { MappingTable } from './tables.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/**
 * Entra's default user attribute mappings for a custom (non-gallery) SCIM app: Microsoft Entra user
 * attributes to SCIM User and EnterpriseUser attributes, `userName` matching first.
 *
 * Source: the 22 target attributes Microsoft's SCIM app tutorials list as the defaults of the SCIM
 * provisioning template (MicrosoftDocs/entra-docs, `docs/identity/saas-apps/*-provisioning-tutorial.md`,
 * for example OpenText Directory Services), with the sources of the user attribute table in "Develop
 * and plan provisioning for a SCIM endpoint". That table's examples that are not defaults
 * (`proxyAddresses` to `emails[type eq "other"].value`, `physicalDeliveryOfficeName` to a type
 * `other` address) are left out: the template maps `physicalDeliveryOfficeName` to the work
 * address's `formatted`.
 *
 * @example
 * ```ts
 * entraDefaultUserMappings.mappings.find((m) => m.target === 'active')?.source;
 * // 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#design-your-user-and-group-schema
 */
export const entraDefaultUserMappings: MappingTable = {
  objectType: 'User',
  mappings: [
    { target: 'userName', type: 'Direct', source: 'userPrincipalName', matchingPrecedence: 1 },
    {
      target: 'active',
      type: 'Expression',
      source: 'Switch([IsSoftDeleted], , "False", "True", "True", "False")',
    },
    { target: 'displayName', type: 'Direct', source: 'displayName' },
    { target: 'title', type: 'Direct', source: 'jobTitle' },
    { target: 'emails[type eq "work"].value', type: 'Direct', source: 'mail' },
    { target: 'preferredLanguage', type: 'Direct', source: 'preferredLanguage' },
    { target: 'name.givenName', type: 'Direct', source: 'givenName' },
    { target: 'name.familyName', type: 'Direct', source: 'surname' },
    { target: 'name.formatted', type: 'Expression', source: 'Join(" ", [givenName], [surname])' },
    { target: 'addresses[type eq "work"].formatted', type: 'Direct', source: 'physicalDeliveryOfficeName' },
    { target: 'addresses[type eq "work"].streetAddress', type: 'Direct', source: 'streetAddress' },
    { target: 'addresses[type eq "work"].locality', type: 'Direct', source: 'city' },
    { target: 'addresses[type eq "work"].region', type: 'Direct', source: 'state' },
    { target: 'addresses[type eq "work"].postalCode', type: 'Direct', source: 'postalCode' },
    { target: 'addresses[type eq "work"].country', type: 'Direct', source: 'country' },
    { target: 'phoneNumbers[type eq "work"].value', type: 'Direct', source: 'telephoneNumber' },
    { target: 'phoneNumbers[type eq "mobile"].value', type: 'Direct', source: 'mobile' },
    { target: 'phoneNumbers[type eq "fax"].value', type: 'Direct', source: 'facsimileTelephoneNumber' },
    { target: 'externalId', type: 'Direct', source: 'mailNickname' },
    { target: `${ENTERPRISE}:employeeNumber`, type: 'Direct', source: 'employeeId' },
    { target: `${ENTERPRISE}:department`, type: 'Direct', source: 'department' },
    { target: `${ENTERPRISE}:manager`, type: 'Direct', source: 'manager' },
  ],
};

/**
 * Entra's default group attribute mappings for a custom SCIM app: `displayName` (matching), `externalId`
 * from `objectId`, and `members`.
 *
 * @example
 * ```ts
 * entraDefaultGroupMappings.mappings.map((m) => m.target); // ['displayName', 'externalId', 'members']
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups#design-your-user-and-group-schema
 */
export const entraDefaultGroupMappings: MappingTable = {
  objectType: 'Group',
  mappings: [
    { target: 'displayName', type: 'Direct', source: 'displayName', matchingPrecedence: 1 },
    { target: 'externalId', type: 'Direct', source: 'objectId' },
    { target: 'members', type: 'Direct', source: 'members' },
  ],
};

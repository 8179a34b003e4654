import { ScimError } from '@scim/schemas';
import { createRandom, type Random } from '../random.ts';
import type { EntraTenant } from '../tenant/tenant.ts';
import {
  type AppRole,
  DEFAULT_ACCESS_APP_ROLE_ID,
  type EntraGroup,
  type EntraUser,
  type GroupInput,
  type UserInput,
} from '../tenant/types.ts';
import { DEPARTMENTS, GIVEN_NAMES, LOCATIONS, PROJECT_WORDS, SURNAMES } from './data.ts';

/**
 * A user in a {@link DirectoryDescription}: its properties, and its manager by userPrincipalName.
 *
 * @example
 * ```ts
 * const { users } = importDirectory(tenant, { groups: [], users: [
 *   { userPrincipalName: 'megan@contoso.onmicrosoft.com', displayName: 'Megan Bowen', mailNickname: 'megan',
 *     manager: 'adele@contoso.onmicrosoft.com' }, // before her manager: order does not matter
 *   { userPrincipalName: 'adele@contoso.onmicrosoft.com', displayName: 'Adele Vance', mailNickname: 'adele' },
 * ] });
 * tenant.getManager(users['megan@contoso.onmicrosoft.com']!)?.displayName; // 'Adele Vance'
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/user
 */
export type DescribedUser = UserInput & {
  /** The sign-in name; other entries refer to the user by it. */
  userPrincipalName: string;
  /** The display name. */
  displayName: string;
  /** The mail alias. */
  mailNickname: string;
  /** The manager's userPrincipalName. */
  manager?: string;
};

/**
 * A group in a {@link DirectoryDescription}: its properties, and its direct members, each a
 * user's userPrincipalName or another group's mailNickname.
 *
 * @example
 * ```ts
 * const { groups } = importDirectory(tenant, {
 *   users: [{ userPrincipalName: 'megan@contoso.onmicrosoft.com', displayName: 'Megan Bowen', mailNickname: 'megan' }],
 *   groups: [
 *     { displayName: 'Sales', mailNickname: 'sales', members: ['megan@contoso.onmicrosoft.com', 'sales-emea'] },
 *     { displayName: 'Sales EMEA', mailNickname: 'sales-emea' },
 *   ],
 * });
 * tenant.listMembers(groups.sales!).length; // 2: Megan, and the Sales EMEA group
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/group
 */
export type DescribedGroup = GroupInput & {
  /** The display name. */
  displayName: string;
  /** The mail alias; other entries refer to the group by it, so it must be unique in the description. */
  mailNickname: string;
  /** Members: users by userPrincipalName, groups by mailNickname. */
  members?: string[];
};

/**
 * An enterprise application in a {@link DirectoryDescription}, with its assignments.
 *
 * @example
 * ```ts
 * const { applications } = importDirectory(tenant, {
 *   users: [{ userPrincipalName: 'megan@contoso.onmicrosoft.com', displayName: 'Megan Bowen', mailNickname: 'megan' }],
 *   groups: [{ displayName: 'Sales', mailNickname: 'sales' }],
 *   applications: [{ displayName: 'Contoso SCIM app',
 *     assignments: [{ principal: 'sales', role: 'User' }, { principal: 'megan@contoso.onmicrosoft.com' }] }],
 * });
 * const servicePrincipalId = applications['Contoso SCIM app']!;
 * tenant.listAssignments(servicePrincipalId).length; // 2: what a job on this app provisions
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/assign-user-or-group-access-portal
 */
export interface DescribedApplication {
  /** The application's name; unique within the description. */
  displayName: string;
  /** Whether assignment is required; defaults to `true`. */
  appRoleAssignmentRequired?: boolean;
  /** The declared roles; defaults to `User` and `msiam_access`, as for a non-gallery app. */
  appRoles?: AppRole[];
  /**
   * Assignments: `principal` is a userPrincipalName or a group's mailNickname; `role` is an app
   * role's displayName, value or id, and the Default Access role when omitted.
   */
  assignments?: {
    /** A user's userPrincipalName or a group's mailNickname. */
    principal: string;
    /** An app role's displayName, value or id; the Default Access role when omitted. */
    role?: string;
  }[];
}

/**
 * A tenant's contents as plain JSON: what {@link generateDirectory} produces and
 * {@link importDirectory} loads; the `entra-mock` CLI writes it to a file (`generate --out`) and
 * reads it back (`--tenant <file.json>`).
 *
 * @example
 * ```ts
 * const description: DirectoryDescription = exportDirectory(tenant);
 * const copy = createEntraTenant();
 * importDirectory(copy, JSON.parse(JSON.stringify(description))); // the same directory, with new ids
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/users
 */
export interface DirectoryDescription {
  /** The users, managers before their reports or after: order does not matter. */
  users: DescribedUser[];
  /** The groups. */
  groups: DescribedGroup[];
  /** Enterprise applications and their assignments. */
  applications?: DescribedApplication[];
}

/**
 * Options of {@link generateDirectory}.
 *
 * @example
 * ```ts
 * const { groups, applications } = generateDirectory({
 *   seed: 42, users: 1_000, groups: 20, membersPerGroup: 100, application: { assign: 'groups' },
 * });
 * groups.every((g) => g.members?.length === 100); // true
 * applications?.[0]?.assignments?.length; // 20: one per group
 * ```
 * @see https://learn.microsoft.com/en-us/entra/identity/app-provisioning/how-provisioning-works
 */
export interface GenerateDirectoryOptions {
  /** The seed: the same seed and options always give the same directory. */
  seed: number;
  /** How many users, at least 1. */
  users: number;
  /** How many groups; defaults to one per department (10) or fewer when there are fewer users. */
  groups?: number;
  /** When set, every group has exactly this many members (or every user, if fewer). */
  membersPerGroup?: number;
  /** The verified domain of the userPrincipalNames; defaults to `contoso.onmicrosoft.com`. */
  domain?: string;
  /** The company name; defaults to `Contoso`. */
  companyName?: string;
  /** The share of disabled accounts, from 0 to 1; defaults to 0.02. */
  disabledRatio?: number;
  /**
   * The enterprise application and what is assigned to it: every user (`users`, the default),
   * every group (`groups`), or nothing (`none`, when the job syncs all users and groups).
   */
  application?: {
    /** The application's name; defaults to `{companyName} SCIM app`. */
    displayName?: string;
    /** What to assign, with the `User` role; defaults to `users`. */
    assign?: 'users' | 'groups' | 'none';
  };
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/**
 * The parts joined into one flat string: what a template literal gives, but without V8's tree of
 * pieces. A string built by `+` or a template literal (13 characters or more) is kept as a pair of
 * pointers to its parts; the tenant keeps a user's strings as long as it lives, and reading such a
 * string whole (as the mappings and the logs do) flattens it in place, which leaves the pair (32
 * bytes) in front of the flat copy. `Array.prototype.join` builds the flat string at once:
 * `flat('ada', '@', 'contoso.com')` is `'ada@contoso.com'`.
 *
 * @internal
 */
export function flat(...parts: (string | number)[]): string {
  return parts.join('');
}

/**
 * The positions `size` draws pick from `length` items: the first `size` slots of a partial
 * Fisher-Yates shuffle of `0 .. length - 1`. Only the slots a swap touched are kept, so a draw
 * costs O(size), whatever the length: the same draws from `random`, the same positions, as
 * shuffling a copy of the whole list.
 */
function sampleIndices(random: Random, length: number, size: number): number[] {
  const count = Math.min(size, length);
  // Slot -> the position now in it, for the slots a swap moved (any other slot holds its own).
  const moved = new Map<number, number>();
  const picked: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = random.int(i, length - 1);
    const atJ = moved.get(j) ?? j;
    // Slot i is never read again (later draws start above it): only slot j keeps what i held.
    moved.set(j, moved.get(i) ?? i);
    picked.push(atJ);
  }
  return picked;
}

function sample<T>(random: Random, items: readonly T[], size: number): T[] {
  return sampleIndices(random, items.length, size).map((k) => items[k]!);
}

/**
 * `size` items drawn from `items` without the positions in `excluded` (ascending), as
 * {@link sample} would draw them from the filtered list, without building that list.
 */
function sampleExcept<T>(
  random: Random,
  items: readonly T[],
  excluded: readonly number[],
  size: number,
): T[] {
  return sampleIndices(random, items.length - excluded.length, size).map((k) => {
    // The k-th position that is not excluded: step over every excluded position at or below it.
    let position = k;
    for (const e of excluded) {
      if (e > position) break;
      position++;
    }
    return items[position]!;
  });
}

/**
 * Generates a realistic directory: people with plausible names, addresses, phones, departments,
 * job titles and employee ids, a management tree under one chief executive, department, office
 * and project groups, and an enterprise application with assignments. Deterministic for a seed.
 *
 * @param options - the seed, the sizes and the shape
 * @returns a {@link DirectoryDescription} to pass to {@link importDirectory} (or to save as JSON)
 * @throws ScimError `invalidValue` when a size or ratio is out of range
 * @example
 * ```ts
 * const tenant = createEntraTenant({ seed: 1 });
 * importDirectory(tenant, generateDirectory({ seed: 1, users: 500, groups: 20 }));
 * tenant.listUsers().length; // 500
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/user
 */
export function generateDirectory(options: GenerateDirectoryOptions): DirectoryDescription {
  const { seed, users: userCount } = options;
  if (!Number.isInteger(userCount) || userCount < 1) {
    throw new ScimError('invalidValue', `generateDirectory: users must be an integer >= 1, not ${userCount}`);
  }
  const groupCount = options.groups ?? Math.min(DEPARTMENTS.length, userCount);
  if (!Number.isInteger(groupCount) || groupCount < 0) {
    throw new ScimError(
      'invalidValue',
      `generateDirectory: groups must be an integer >= 0, not ${groupCount}`,
    );
  }
  const membersPerGroup = options.membersPerGroup;
  if (membersPerGroup !== undefined && (!Number.isInteger(membersPerGroup) || membersPerGroup < 0)) {
    throw new ScimError('invalidValue', `generateDirectory: membersPerGroup must be an integer >= 0`);
  }
  const disabledRatio = options.disabledRatio ?? 0.02;
  if (!(disabledRatio >= 0 && disabledRatio <= 1)) {
    throw new ScimError('invalidValue', `generateDirectory: disabledRatio must be between 0 and 1`);
  }
  const domain = (options.domain ?? 'contoso.onmicrosoft.com').toLowerCase();
  const companyName = options.companyName ?? 'Contoso';
  const random = createRandom(seed);

  const taken = new Set<string>();
  const users: DescribedUser[] = [];
  const departmentOf: number[] = [];
  const locationOf: number[] = [];
  // Per department: the managers that still have room for reports, breadth first.
  const openManagers: { index: number; room: number; depth: number }[][] = DEPARTMENTS.map(() => []);
  const depthOf: number[] = [];
  const employeeBase = random.int(10_000, 90_000);

  for (let i = 0; i < userCount; i++) {
    const givenName = random.pick(GIVEN_NAMES);
    const surname = random.pick(SURNAMES);
    const base = flat(slug(givenName), '.', slug(surname));
    let alias = base;
    for (let n = 2; taken.has(alias); n++) alias = flat(base, n);
    taken.add(alias);

    const location = i === 0 ? 0 : random.int(0, LOCATIONS.length - 1);
    const place = LOCATIONS[location]!;
    let department: number;
    let jobTitle: string;
    let manager: number | undefined;
    let depth: number;
    if (i === 0) {
      department = -1;
      jobTitle = 'Chief Executive Officer';
      depth = 0;
    } else if (i <= DEPARTMENTS.length) {
      department = i - 1;
      jobTitle = DEPARTMENTS[department]!.head;
      manager = 0;
      depth = 1;
    } else {
      department = random.int(0, DEPARTMENTS.length - 1);
      const queue = openManagers[department]!;
      const slot = queue[0]!;
      manager = slot.index;
      depth = slot.depth + 1;
      slot.room--;
      if (slot.room === 0) queue.shift();
      const dept = DEPARTMENTS[department]!;
      jobTitle = depth === 2 ? dept.manager : random.pick(dept.titles);
    }
    if (department >= 0) openManagers[department]!.push({ index: i, room: random.int(3, 8), depth });
    departmentOf.push(department);
    locationOf.push(location);
    depthOf.push(depth);

    const upn = flat(alias, '@', domain);
    const user: DescribedUser = {
      userPrincipalName: upn,
      displayName: flat(givenName, ' ', surname),
      mailNickname: alias,
      mail: upn,
      givenName,
      surname,
      jobTitle,
      department: department >= 0 ? DEPARTMENTS[department]!.name : 'Executive',
      companyName,
      employeeId: String(employeeBase + i),
      employeeType: random.chance(0.1) ? 'Contractor' : 'Employee',
      officeLocation: flat(place.city, ' ', random.int(1, 4), '/', random.int(100, 450)),
      mobilePhone: flat(place.phonePrefix, ' ', String(random.int(0, 9999)).padStart(4, '0')),
      businessPhones: random.chance(0.8)
        ? [flat(place.phonePrefix, ' ', String(random.int(0, 9999)).padStart(4, '0'))]
        : [],
      streetAddress: flat(random.int(1, 250), ' ', random.pick(place.streets)),
      city: place.city,
      state: place.state,
      country: place.country,
      postalCode: place.postalCode,
      preferredLanguage: place.language,
      usageLocation: place.countryCode,
      accountEnabled: i === 0 || !random.chance(disabledRatio),
      onPremisesExtensionAttributes: {
        extensionAttribute1: flat(
          'CC-',
          department >= 0 ? DEPARTMENTS[department]!.code : 'EXE',
          '-',
          random.int(100, 999),
        ),
      },
    };
    if (manager !== undefined) user.manager = users[manager]!.userPrincipalName;
    users.push(user);
  }

  const allUpns = users.map((u) => u.userPrincipalName);
  const positionOf = new Map(allUpns.map((upn, i) => [upn, i]));
  const groups: DescribedGroup[] = [];
  const usedNicknames = new Set<string>();
  const usedNames = new Set<string>();
  const addGroup = (group: DescribedGroup, natural: string[]): void => {
    let nickname = group.mailNickname;
    for (let n = 2; usedNicknames.has(nickname); n++) nickname = `${group.mailNickname}${n}`;
    usedNicknames.add(nickname);
    // Entra matches groups on displayName, so a directory meant to be provisioned keeps them unique.
    let displayName = group.displayName;
    for (let n = 2; usedNames.has(displayName.toLowerCase()); n++) displayName = `${group.displayName} ${n}`;
    usedNames.add(displayName.toLowerCase());
    let members = natural;
    if (membersPerGroup !== undefined) {
      const wanted = Math.min(membersPerGroup, allUpns.length);
      if (members.length > wanted) members = sample(random, members, wanted);
      else if (members.length < wanted) {
        // The members drawn from every user outside the group: O(group), not O(users).
        const have = [...new Set(members)].map((upn) => positionOf.get(upn)!).sort((a, b) => a - b);
        members = [...members, ...sampleExcept(random, allUpns, have, wanted - members.length)];
      }
    }
    groups.push({ ...group, displayName, mailNickname: nickname, members });
  };

  for (let g = 0; g < groupCount; g++) {
    if (g < DEPARTMENTS.length) {
      const dept = DEPARTMENTS[g]!;
      addGroup(
        {
          displayName: `${dept.name} Team`,
          mailNickname: `team-${slug(dept.name)}`,
          description: `Everyone in ${dept.name}`,
          securityEnabled: true,
          mailEnabled: false,
        },
        allUpns.filter((_, i) => departmentOf[i] === g),
      );
    } else if (g < DEPARTMENTS.length + LOCATIONS.length) {
      const l = g - DEPARTMENTS.length;
      const place = LOCATIONS[l]!;
      addGroup(
        {
          displayName: `Office - ${place.city}`,
          mailNickname: `office-${slug(place.city)}`,
          description: `People based in ${place.city}`,
          securityEnabled: true,
          mailEnabled: false,
        },
        allUpns.filter((_, i) => locationOf[i] === l),
      );
    } else {
      const word = random.pick(PROJECT_WORDS);
      const unified = random.chance(0.3);
      addGroup(
        {
          displayName: `Project ${word}`,
          mailNickname: `project-${slug(word)}`,
          description: `Project ${word} working group`,
          securityEnabled: !unified,
          mailEnabled: unified,
          groupTypes: unified ? ['Unified'] : [],
        },
        sample(random, allUpns, random.int(3, 30)),
      );
    }
  }

  const assign = options.application?.assign ?? 'users';
  const application: DescribedApplication = {
    displayName: options.application?.displayName ?? `${companyName} SCIM app`,
    assignments:
      assign === 'users'
        ? allUpns.map((principal) => ({ principal, role: 'User' }))
        : assign === 'groups'
          ? groups.map((group) => ({ principal: group.mailNickname, role: 'User' }))
          : [],
  };
  return { users, groups, applications: [application] };
}

/**
 * What {@link importDirectory} created: the object ids by the keys the description used.
 *
 * @example
 * ```ts
 * const { users } = importDirectory(tenant, description);
 * tenant.getUser(users['adele@contoso.onmicrosoft.com']!);
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/directoryobject
 */
export interface ImportedDirectory {
  /** User ids by userPrincipalName, lower-cased. */
  users: Record<string, string>;
  /** Group ids by mailNickname. */
  groups: Record<string, string>;
  /** Service principal ids by displayName. */
  applications: Record<string, string>;
}

/**
 * Loads a {@link DirectoryDescription} into a tenant: users, then managers, then groups, then
 * members, then applications and assignments, each recorded in the tenant's change log.
 *
 * @param tenant - the tenant to fill
 * @param description - the directory, generated or read from JSON
 * @returns the ids of what was created
 * @throws ScimError `invalidValue` when a reference (manager, member, principal, role) names nothing
 *   in the description, or as {@link EntraTenant.createUser} and friends for invalid objects
 * @example
 * ```ts
 * const tenant = createEntraTenant();
 * const ids = importDirectory(tenant, JSON.parse(readFileSync('tenant.json', 'utf8')));
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/users
 */
export function importDirectory(tenant: EntraTenant, description: DirectoryDescription): ImportedDirectory {
  const result: ImportedDirectory = { users: {}, groups: {}, applications: {} };
  const lookup = (key: string, where: string): string => {
    const id = result.users[key.toLowerCase()] ?? result.groups[key];
    if (id === undefined) {
      throw new ScimError(
        'invalidValue',
        `importDirectory: ${where} "${key}" names no user or group of the description`,
      );
    }
    return id;
  };
  for (const { manager: _manager, ...input } of description.users) {
    result.users[input.userPrincipalName.toLowerCase()] = tenant.createUser(input).id;
  }
  for (const user of description.users) {
    if (user.manager === undefined) continue;
    const managerId = result.users[user.manager.toLowerCase()];
    if (managerId === undefined) {
      throw new ScimError(
        'invalidValue',
        `importDirectory: manager "${user.manager}" of ${user.userPrincipalName} is not a user of the description`,
      );
    }
    tenant.setManager(result.users[user.userPrincipalName.toLowerCase()]!, managerId);
  }
  for (const { members: _members, ...input } of description.groups) {
    result.groups[input.mailNickname] = tenant.createGroup(input).id;
  }
  for (const group of description.groups) {
    const groupId = result.groups[group.mailNickname]!;
    for (const member of group.members ?? [])
      tenant.addMember(groupId, lookup(member, `member of ${group.mailNickname}`));
  }
  for (const app of description.applications ?? []) {
    const sp = tenant.createServicePrincipal({
      displayName: app.displayName,
      ...(app.appRoleAssignmentRequired === undefined
        ? {}
        : { appRoleAssignmentRequired: app.appRoleAssignmentRequired }),
      ...(app.appRoles === undefined ? {} : { appRoles: app.appRoles }),
    });
    result.applications[app.displayName] = sp.id;
    for (const assignment of app.assignments ?? []) {
      let roleId = DEFAULT_ACCESS_APP_ROLE_ID;
      if (assignment.role !== undefined) {
        const role = sp.appRoles.find(
          (r) => r.id === assignment.role || r.displayName === assignment.role || r.value === assignment.role,
        );
        if (!role && assignment.role !== DEFAULT_ACCESS_APP_ROLE_ID) {
          throw new ScimError(
            'invalidValue',
            `importDirectory: ${app.displayName} has no app role "${assignment.role}"`,
          );
        }
        roleId = role?.id ?? DEFAULT_ACCESS_APP_ROLE_ID;
      }
      tenant.assign(sp.id, lookup(assignment.principal, `assignment of ${app.displayName}`), roleId);
    }
  }
  return result;
}

const READ_ONLY_USER = new Set(['id', 'createdDateTime', 'deletedDateTime']);
const READ_ONLY_GROUP = new Set(['id', 'mail', 'createdDateTime', 'deletedDateTime']);

function userInput(user: EntraUser): UserInput {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user)) {
    if (READ_ONLY_USER.has(key) || value === null || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (key === 'onPremisesExtensionAttributes' && Object.keys(value as object).length === 0) continue;
    input[key] = value;
  }
  return input as UserInput;
}

function groupInput(group: EntraGroup): GroupInput {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(group)) {
    if (READ_ONLY_GROUP.has(key) || value === null) continue;
    input[key] = value;
  }
  return input as GroupInput;
}

/**
 * Describes a tenant's current contents as a {@link DirectoryDescription}: the users and groups
 * that are not deleted (with their non-empty properties, managers and direct members) and every
 * application with its roles and assignments. {@link importDirectory} loads it back into another
 * tenant; ids are not kept, references use userPrincipalNames and mailNicknames.
 *
 * @param tenant - the tenant to describe
 * @returns the description, plain JSON
 * @throws ScimError `invalidValue` when two groups share a mailNickname or two applications a
 *   displayName, since references by those names would be ambiguous
 * @example
 * ```ts
 * writeFileSync('tenant.json', JSON.stringify(exportDirectory(tenant), null, 2));
 * ```
 * @see https://learn.microsoft.com/en-us/graph/api/resources/users
 */
export function exportDirectory(tenant: EntraTenant): DirectoryDescription {
  const users = tenant.listUsers();
  const groups = tenant.listGroups();
  const upnById = new Map(users.map((u) => [u.id, u.userPrincipalName]));
  const nicknameById = new Map<string, string>();
  for (const group of groups) {
    if ([...nicknameById.values()].includes(group.mailNickname)) {
      throw new ScimError(
        'invalidValue',
        `exportDirectory: two groups have the mailNickname "${group.mailNickname}"; rename one so that members and assignments can refer to it`,
      );
    }
    nicknameById.set(group.id, group.mailNickname);
  }
  const nameOf = (id: string): string => upnById.get(id) ?? nicknameById.get(id)!;
  const applications = tenant.listServicePrincipals();
  const appNames = new Set(applications.map((a) => a.displayName));
  if (appNames.size !== applications.length) {
    throw new ScimError('invalidValue', 'exportDirectory: two applications share a displayName; rename one');
  }
  return {
    users: users.map((user) => {
      const described: DescribedUser = {
        ...(userInput(user) as DescribedUser),
      };
      const manager = tenant.getManager(user.id);
      if (manager) described.manager = manager.userPrincipalName;
      return described;
    }),
    groups: groups.map((group) => ({
      ...(groupInput(group) as DescribedGroup),
      members: tenant.listMembers(group.id).map((m) => nameOf(m.object.id)),
    })),
    applications: applications.map((app) => ({
      displayName: app.displayName,
      appRoleAssignmentRequired: app.appRoleAssignmentRequired,
      appRoles: app.appRoles.map((r) => ({ ...r, allowedMemberTypes: [...r.allowedMemberTypes] })),
      assignments: tenant
        .listAssignments(app.id)
        .map((a) =>
          a.appRoleId === DEFAULT_ACCESS_APP_ROLE_ID
            ? { principal: nameOf(a.principalId) }
            : { principal: nameOf(a.principalId), role: a.appRoleId },
        ),
    })),
  };
}

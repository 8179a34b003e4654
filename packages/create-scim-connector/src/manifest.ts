import { CreateConnectorError, isCreateConnectorError, type SafeCreateConnectorResult } from './errors.ts';

/**
 * One row of a template's attribute table, in the form of the Entra provisioning guides.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { parseTemplateManifest, type TemplateAttribute } from 'create-scim-connector';
 * const manifest = parseTemplateManifest(JSON.parse(await readFile('templates/keeper/template.json', 'utf8')));
 * const filterable: TemplateAttribute[] = manifest.resources.flatMap((r) => r.attributes.filter((a) => a.filter));
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes
 */
export interface TemplateAttribute {
  /** The SCIM attribute path, for example `emails[type eq "work"].value`, or a full extension URN path. */
  name: string;
  /** The type Entra shows: `String`, `Boolean`, `Reference`, `Integer`, `DateTime`. */
  type: string;
  /** Whether the connector supports filtering on it (Entra matches users with such an attribute). */
  filter: boolean;
  /** Whether the app requires it. */
  required: boolean;
}

/**
 * One resource type a template serves, with its attribute table.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { parseTemplateManifest, type TemplateResource } from 'create-scim-connector';
 * const manifest = parseTemplateManifest(JSON.parse(await readFile('templates/keeper/template.json', 'utf8')));
 * const users: TemplateResource | undefined = manifest.resources.find((r) => r.name === 'User');
 * users?.endpoint; // '/Users'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7643#section-6
 */
export interface TemplateResource {
  /** The resource type name: `User` or `Group`. */
  name: string;
  /** The endpoint under the base URL, for example `/Users`. */
  endpoint: string;
  /** The attributes Entra sends for this resource. */
  attributes: TemplateAttribute[];
}

/**
 * A store a template can keep its data in, and the `DATABASE_URL` written to the project's
 * `.env.example` when it is chosen.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { parseTemplateManifest, type TemplateStore } from 'create-scim-connector';
 * const manifest = parseTemplateManifest(JSON.parse(await readFile('templates/keeper/template.json', 'utf8')));
 * const stores: TemplateStore[] = manifest.stores; // the first is the default of --store
 * stores.map((s) => `${s.id}: ${s.title}`);
 * ```
 * @see {@link TemplateManifest}
 */
export interface TemplateStore {
  /** The value of `--store`. */
  id: string;
  /** What the prompt shows. */
  title: string;
  /** The `DATABASE_URL` of a local setup with this store. */
  databaseUrl: string;
  /**
   * The dependencies of the template's package.json that only this store needs (`["pg"]`): they
   * are removed from a project that keeps its data in another store.
   */
  dependencies?: string[];
}

/**
 * The Tenant URL a user pastes into Entra, as a pattern with `{placeholders}`, and notes.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { parseTemplateManifest, type TemplateTenantUrl } from 'create-scim-connector';
 * const manifest = parseTemplateManifest(JSON.parse(await readFile('templates/keeper/template.json', 'utf8')));
 * const url: TemplateTenantUrl = manifest.tenantUrl;
 * url.pattern.replace('{host}', 'scim.example.com'); // what to paste into Entra's Tenant URL field
 * ```
 * @see https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 */
export interface TemplateTenantUrl {
  /** The URL, with `{host}` and any other placeholder in braces. */
  pattern: string;
  /** What each placeholder means and anything else the user must know about the URL. */
  notes: string[];
}

/**
 * A template's manifest, `template.json`: what the CLI lists and prompts with, and what the
 * generated project's README is written from.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * const manifest = parseTemplateManifest(JSON.parse(await readFile('templates/blank/template.json', 'utf8')));
 * ```
 * @see https://github.com/scim-sdk/scim-sdk/blob/main/docs/templates.md
 */
export interface TemplateManifest {
  /** The template's id: its directory name and the value of `--template`. */
  id: string;
  /** The app's name, for example `Hypervault`. */
  title: string;
  /** One sentence on what the template is. */
  description: string;
  /** What the connector supports, in the words of the guide ("Create users in ..."). */
  capabilities: string[];
  /** The resource types served and their attribute tables. */
  resources: TemplateResource[];
  /** The stores offered; the first is the default. */
  stores: TemplateStore[];
  /** The Tenant URL to paste into Entra. */
  tenantUrl: TemplateTenantUrl;
  /** How to get the Secret Token, one step a line. */
  secretToken: string[];
  /**
   * The runs of the project's `token` script that issue a Secret Token (and make it work), each
   * its arguments, for the README and the next steps; they are printed to be run as written, so
   * they hold example values, not placeholders: `[["create", "--node", "engineering"]]` for a
   * connector with a Tenant URL per node. `[["create"]]` when absent.
   */
  tokenCommands?: string[][];
  /** What the app does not do, or does its own way. */
  limitations: string[];
}

/**
 * The runs of the `token` script that issue a Secret Token: the manifest's `tokenCommands`, or
 * `create`.
 *
 * @internal
 */
export function tokenCommandsOf(manifest: TemplateManifest): string[][] {
  return manifest.tokenCommands ?? [['create']];
}

type Problem = string;

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function checkString(record: Record<string, unknown>, key: string, where: string, problems: Problem[]): void {
  if (typeof record[key] !== 'string' || record[key] === '')
    problems.push(`${where}${key} must be a non-empty string`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Lists what is wrong with a manifest, in words; an empty list means it is valid.
 *
 * @internal
 */
export function manifestProblems(value: unknown): Problem[] {
  const problems: Problem[] = [];
  if (!isRecord(value)) return ['it must be a JSON object'];
  for (const key of ['id', 'title', 'description']) checkString(value, key, '', problems);
  if (typeof value.id === 'string' && !/^[a-z0-9][a-z0-9-]*$/.test(value.id)) {
    problems.push('id must be lowercase letters, digits and dashes');
  }
  for (const key of ['capabilities', 'secretToken', 'limitations']) {
    if (!isStringArray(value[key])) problems.push(`${key} must be an array of strings`);
  }
  if (
    value.tokenCommands !== undefined &&
    (!Array.isArray(value.tokenCommands) ||
      value.tokenCommands.length === 0 ||
      !value.tokenCommands.every((c) => isStringArray(c) && c.length > 0))
  ) {
    problems.push('tokenCommands must be a non-empty array of non-empty arrays of strings when given');
  } else if (
    // Shell metacharacters; backtick, single and double quote written \x60 \x27 \x22.
    Array.isArray(value.tokenCommands) &&
    value.tokenCommands.flat().some((a) => typeof a === 'string' && /[<>|;&$\x60\x27\x22\\]/.test(a))
  ) {
    problems.push('tokenCommands are printed to be run as written: use example values, not <placeholders>');
  }
  if (!Array.isArray(value.resources) || value.resources.length === 0) {
    problems.push('resources must be a non-empty array');
  } else {
    for (const [i, resource] of (value.resources as unknown[]).entries()) {
      const where = `resources[${i}].`;
      if (!isRecord(resource)) {
        problems.push(`resources[${i}] must be an object`);
        continue;
      }
      checkString(resource, 'name', where, problems);
      checkString(resource, 'endpoint', where, problems);
      if (!Array.isArray(resource.attributes)) {
        problems.push(`${where}attributes must be an array`);
        continue;
      }
      for (const [j, attribute] of (resource.attributes as unknown[]).entries()) {
        const at = `${where}attributes[${j}].`;
        if (!isRecord(attribute)) {
          problems.push(`${where}attributes[${j}] must be an object`);
          continue;
        }
        checkString(attribute, 'name', at, problems);
        checkString(attribute, 'type', at, problems);
        if (typeof attribute.filter !== 'boolean') problems.push(`${at}filter must be true or false`);
        if (typeof attribute.required !== 'boolean') problems.push(`${at}required must be true or false`);
      }
    }
  }
  if (!Array.isArray(value.stores) || value.stores.length === 0) {
    problems.push('stores must be a non-empty array');
  } else {
    for (const [i, store] of (value.stores as unknown[]).entries()) {
      if (!isRecord(store)) {
        problems.push(`stores[${i}] must be an object`);
        continue;
      }
      for (const key of ['id', 'title', 'databaseUrl']) checkString(store, key, `stores[${i}].`, problems);
      if (store.dependencies !== undefined && !isStringArray(store.dependencies)) {
        problems.push(`stores[${i}].dependencies must be an array of package names`);
      }
    }
  }
  const duplicates = (names: unknown[]) =>
    names.filter((n, i) => typeof n === 'string' && names.indexOf(n) !== i);
  if (Array.isArray(value.stores)) {
    for (const id of duplicates(value.stores.map((s: unknown) => (isRecord(s) ? s.id : undefined)))) {
      problems.push(`stores has "${String(id)}" twice`);
    }
  }
  if (Array.isArray(value.resources)) {
    for (const [i, resource] of (value.resources as unknown[]).entries()) {
      if (!isRecord(resource) || !Array.isArray(resource.attributes)) continue;
      const names = resource.attributes.map((a: unknown) => (isRecord(a) ? a.name : undefined));
      for (const name of duplicates(names))
        problems.push(`resources[${i}].attributes has "${String(name)}" twice`);
    }
  }
  if (!isRecord(value.tenantUrl)) {
    problems.push('tenantUrl must be an object');
  } else {
    checkString(value.tenantUrl, 'pattern', 'tenantUrl.', problems);
    if (!isStringArray(value.tenantUrl.notes)) problems.push('tenantUrl.notes must be an array of strings');
  }
  return problems;
}

/**
 * Checks a parsed `template.json` and returns it typed.
 *
 * @param value - The parsed JSON.
 * @param file - The manifest's path, for the error message.
 * @returns The manifest.
 * @throws {@link CreateConnectorError} `invalidTemplateManifest`, naming every problem found.
 * @example
 * ```ts
 * const manifest = parseTemplateManifest(JSON.parse(text), 'templates/blank/template.json');
 * ```
 * @see https://github.com/scim-sdk/scim-sdk/blob/main/docs/templates.md
 */
export function parseTemplateManifest(value: unknown, file = 'template.json'): TemplateManifest {
  const problems = manifestProblems(value);
  if (problems.length > 0) {
    throw new CreateConnectorError('invalidTemplateManifest', { file, problem: problems.join('; ') });
  }
  return value as TemplateManifest;
}

/**
 * Checks a parsed `template.json` like {@link parseTemplateManifest}, returning the error instead
 * of throwing it.
 *
 * @param value - The parsed JSON.
 * @param file - The manifest's path, for the error message.
 * @returns `{ success: true, value }` with the manifest, or `{ success: false, error }` with the
 * {@link CreateConnectorError} `invalidTemplateManifest` naming every problem found.
 * @throws Never for a bad manifest: the error is returned.
 * @example
 * ```ts
 * import { safeParseTemplateManifest } from 'create-scim-connector';
 * const result = safeParseTemplateManifest({ id: 'blank' }, 'templates/blank/template.json');
 * if (!result.success) console.error(result.error.message);
 * ```
 * @see https://github.com/scim-sdk/scim-sdk/blob/main/docs/templates.md
 */
export function safeParseTemplateManifest(
  value: unknown,
  file = 'template.json',
): SafeCreateConnectorResult<TemplateManifest> {
  try {
    return { success: true, value: parseTemplateManifest(value, file) };
  } catch (error) {
    if (isCreateConnectorError(error)) return { success: false, error };
    throw error;
  }
}

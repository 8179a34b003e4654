import { type TemplateManifest, type TemplateStore, tokenCommandsOf } from './manifest.ts';
import { forPackageManager, type PackageManager, runScriptCommand } from './package-manager.ts';

/**
 * What the generated README says beyond the manifest: the project's name, store and package manager.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { generateReadme, parseTemplateManifest, type ReadmeProject } from 'create-scim-connector';
 * const manifest = parseTemplateManifest(JSON.parse(await readFile('templates/keeper/template.json', 'utf8')));
 * const project: ReadmeProject = { name: 'my-connector', store: manifest.stores[0]!, packageManager: 'pnpm' };
 * const readme = generateReadme(manifest, project); // the commands written for pnpm
 * ```
 * @see {@link generateReadme}
 */
export interface ReadmeProject {
  /** The package name. */
  name: string;
  /** The store chosen. */
  store: TemplateStore;
  /** The package manager the commands are written for. */
  packageManager: PackageManager;
}

const check = '&check;';

/**
 * Writes the attribute table of one resource in the form of the Entra provisioning guides, with
 * the columns Attribute, Type, Supported for filtering, Required.
 *
 * @internal
 */
export function attributeTable(resource: TemplateManifest['resources'][number]): string {
  const rows = resource.attributes.map(
    (a) => `|${a.name}|${a.type}|${a.filter ? check : ''}|${a.required ? check : ''}|`,
  );
  return ['|Attribute|Type|Supported for filtering|Required|', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * Generates a scaffolded project's README from its template's manifest, in the form of the Entra
 * provisioning guides: what is supported, the Tenant URL to paste into Entra, how to get the Secret
 * Token, the attribute table of each resource, and the limitations.
 *
 * @param manifest - The template's manifest.
 * @param project - The project's name, store and package manager.
 * @returns The README, in Markdown.
 * @throws Never, for a manifest {@link parseTemplateManifest} accepted.
 * @example
 * ```ts
 * const readme = generateReadme(manifest, { name: 'my-connector', store: manifest.stores[0]!, packageManager: 'npm' });
 * ```
 * @see https://learn.microsoft.com/entra/identity/saas-apps/tutorial-list
 */
export function generateReadme(manifest: TemplateManifest, project: ReadmeProject): string {
  const pm = project.packageManager;
  const tokenSteps = tokenCommandsOf(manifest)
    .map((args) => `\`${runScriptCommand(pm, 'token', args)}\``)
    .join(', then ');
  const filterable = manifest.resources.flatMap((r) =>
    r.attributes.filter((a) => a.filter).map((a) => `${r.name} ${a.name}`),
  );
  const sections: string[] = [
    `# ${project.name}`,
    `A SCIM 2.0 connector for ${manifest.title} that Microsoft Entra ID provisions into, scaffolded with \`create-scim-connector\` from the \`${manifest.id}\` template. ${manifest.description}`,
    '## Supported capabilities',
    manifest.capabilities.map((c) => `* ${c}`).join('\n'),
    `Resources: ${manifest.resources.map((r) => `${r.name}s (\`${r.endpoint}\`)`).join(', ')}. Filtering: ${
      filterable.length > 0 ? filterable.map((f) => `\`${f}\``).join(', ') : 'none'
    }.`,
    '## Run it',
    [
      `* \`${runScriptCommand(pm, 'start')}\` serves the connector, with one log line per request. It reads \`.env\`: \`PORT\` (3000), \`HOST\` (every interface), and \`DATABASE_URL\`, here ${project.store.title}: \`${project.store.databaseUrl}\` (\`.env.example\` lists every setting).`,
      `* \`${runScriptCommand(pm, 'test')}\` runs the connector's tests: Entra's conformance kit (\`test/conformance.test.ts\`: Entra's standard provisioning lifecycle, in both of its SCIM dialects, sent with the mappings of \`entra/mapping.json\`), the requests Entra sends for those mappings, and ${manifest.title}'s own scenarios with the Entra simulator (\`@scim/entra-mock\`) provisioning the connector.`,
      `* ${tokenSteps} issues a Secret Token and prints the Tenant URL; \`${runScriptCommand(pm, 'token', ['--help'])}\` lists its other commands (\`list\`, \`revoke\`).`,
    ].join('\n'),
    '## Tenant URL',
    `In the Entra admin center, open the enterprise application, then **Provisioning**, set the **Provisioning Mode** to **Automatic**, and under **Admin Credentials** paste this **Tenant URL**:\n\n\`\`\`\n${manifest.tenantUrl.pattern}\n\`\`\``,
    ...(manifest.tenantUrl.notes.length > 0
      ? [manifest.tenantUrl.notes.map((n) => `* ${n}`).join('\n')]
      : []),
    '## Secret Token',
    manifest.secretToken.map((s, i) => `${i + 1}. ${forPackageManager(s, pm)}`).join('\n'),
    'Paste it into **Secret Token**, then select **Test Connection**.',
    '## Attribute mapping',
    "`entra/mapping.json` holds these mappings as Entra applies them (each target's source attribute, and the matching attribute); the tests send what they produce.",
    ...manifest.resources.flatMap((r) => [
      `### ${r.name}s`,
      `Under **Mappings**, review the ${r.name.toLowerCase()} attributes Entra sends. An attribute used for **Matching** must be supported for filtering.`,
      attributeTable(r),
    ]),
    '## Limitations',
    manifest.limitations.length > 0 ? manifest.limitations.map((l) => `* ${l}`).join('\n') : '* None known.',
  ];
  return `${sections.join('\n\n')}\n`;
}

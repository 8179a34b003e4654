/**
 * `create-scim-connector`: scaffolds a SCIM 2.0 connector that Microsoft Entra ID provisions into,
 * from a vendor template. The bin is what `npm create scim-connector` runs; this entry is the same
 * scaffolder as a library, with every outside effect (files, prompts, processes, logs) injected.
 *
 * @example
 * ```ts
 * import { createConnector } from 'create-scim-connector';
 * await createConnector({ dir: 'my-connector', template: 'blank', yes: true }, context);
 * ```
 * @see https://github.com/scim-sdk/scim-sdk/blob/main/docs/templates.md
 * @packageDocumentation
 */
export { type ParsedArgs, parseArgs, safeParseArgs } from './actions/parse-args.ts';
export type {
  ScaffoldContext,
  ScaffoldFileSystem,
  ScaffoldLog,
  ScaffoldPrompt,
  ScaffoldSpawn,
  SpawnResult,
} from './context.ts';
export { createConnector } from './create-connector.ts';
export { CreateConnectorError, isCreateConnectorError, type SafeCreateConnectorResult } from './errors.ts';
export type { CreateConnectorErrorCode } from './errors-data.ts';
export {
  parseTemplateManifest,
  safeParseTemplateManifest,
  type TemplateAttribute,
  type TemplateManifest,
  type TemplateResource,
  type TemplateStore,
  type TemplateTenantUrl,
} from './manifest.ts';
export { detectPackageManager, type PackageManager } from './package-manager.ts';
export { packageNameProblems, suggestPackageName } from './package-name.ts';
export { generateReadme, type ReadmeProject } from './readme.ts';
export { runCli } from './run-cli.ts';
export { listTemplates, type TemplateInfo } from './templates.ts';
export type {
  CreateConnectorOptions,
  CreateConnectorResult,
  PlannedFile,
  ResolvedOptions,
  ScaffoldPlan,
} from './types.ts';

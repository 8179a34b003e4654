/**
 * What a snippet may use without defining it: the reader's own objects (`store`, `handler`, their
 * app's functions). A snippet that uses one is compiled with its declaration in front and is not
 * run; one that uses none is compiled and run.
 */

/** Declarations by name, for every documentation file. */
const shared: Record<string, string> = {
  // @scim/server
  store: "declare const store: import('@scim/server').SqliteStore;",
  authenticate: "declare const authenticate: import('@scim/server').Authenticator;",
  handler: "declare const handler: import('@scim/server').ScimHandler;",
  request: 'declare const request: Request;',
  invite: 'declare function invite(tenant: string, id: string, userName: unknown): Promise<void>;',
  revokeSessions: 'declare function revokeSessions(tenant: string, id: string): Promise<void>;',
  grant: 'declare function grant(tenant: string, id: string, members: readonly string[]): Promise<void>;',
  loadCursor: 'declare function loadCursor(): Promise<string | undefined>;',
  saveCursor: 'declare function saveCursor(cursor: string | undefined): Promise<void>;',
  react: "declare function react(event: import('@scim/server').ChangeEvent): Promise<void>;",
  sleep: 'declare function sleep(ms: number): Promise<void>;',
  Bun: 'declare const Bun: { serve(options: { fetch: (request: Request) => Promise<Response> }): void };',
  // @scim/protocol
  users: 'declare const users: Record<string, unknown>[];',
  group: 'declare const group: Record<string, unknown>;',
  body: 'declare const body: unknown;',
  groupWithoutMembers: 'declare const groupWithoutMembers: Record<string, unknown>;',
  // @scim/mapping
  idInYourApp: 'declare function idInYourApp(entraObjectId: string): string;',
  // @scim/entra-mock
  tenant: "declare const tenant: import('@scim/entra-mock').EntraTenant;",
  clock: "declare const clock: import('@scim/entra-mock').ManualClock;",
  adele: "declare const adele: import('@scim/entra-mock').EntraUser;",
  megan: "declare const megan: import('@scim/entra-mock').EntraUser;",
  app: "declare const app: import('@scim/entra-mock').EntraServicePrincipal;",
  server: "declare const server: import('msw/node').SetupServerApi;",
  connector: 'declare const connector: { fetch: (request: Request) => Promise<Response> };',
  myConnector: 'declare const myConnector: { fetch: (request: Request) => Promise<Response> };',
  token: 'declare const token: string;',
  // create-scim-connector
  prompt: "declare const prompt: import('create-scim-connector').ScaffoldPrompt;",
  spawn: "declare const spawn: import('create-scim-connector').ScaffoldSpawn;",
  log: "declare const log: import('create-scim-connector').ScaffoldLog;",
};

/** What a connector project's test file has at hand. */
const PROJECT: Record<string, string> = {
  connector: "declare const connector: import('@scim/server').ConnectorServer;",
  startServer: "declare const startServer: import('@scim/server').ConnectorServer['startServer'];",
  banner: "declare const banner: import('@scim/server').ConnectorServer['banner'];",
  explainStartError:
    "declare const explainStartError: import('@scim/server').ConnectorServer['explainStartError'];",
  runTokenCommand:
    "declare const runTokenCommand: import('@scim/server').ConnectorServer['runTokenCommand'];",
};

/** Where a name means something else in one file. */
const byFile: Record<string, Record<string, string>> = {
  'packages/server/src/serve/serve.ts': {
    connector: "declare const connector: import('@scim/server').ConnectorServer;",
  },
  'packages/server/src/serve/env.ts': {
    connector: "declare const connector: import('@scim/server').ConnectorServer;",
  },
  // A connector project's test files: the scripts of its src/server.ts and src/token.ts.
  'packages/server/src/serve/first-run.ts': PROJECT,
  'packages/server/src/serve/sandbox.ts': PROJECT,
  'docs/templates.md': PROJECT,
  // The CLI's entry point, internal to @scim/server: its context is what a command is given.
  'packages/server/src/cli/context.ts': {
    runCli: "declare const runCli: typeof import('../../../server/src/cli/run.ts').runCli;",
  },
  // A large import's inputs, as ScimStore.createMany takes them.
  'packages/server/src/store/sqlite.ts': {
    inputs:
      "declare const inputs: Parameters<NonNullable<import('@scim/server').ScimStore['createMany']>>[2];",
  },
  'packages/server/src/log.ts': {
    connector: "declare const connector: import('@scim/server').ConnectorServer;",
  },
  'docs/server.md': {
    // Hono's app, in the list of frameworks the handler plugs into.
    app: 'declare const app: { all(path: string, h: (c: { req: { raw: Request } }) => Promise<Response>): void };',
  },
};

/** What the TSDoc examples of the packages' sources (`packages/<pkg>/src/*.ts`) may use besides. */
const tsdoc: Record<string, string> = {
  user: "declare const user: import('@scim/schemas').User;",
  bulk: "declare const bulk: import('@scim/schemas').BulkRequest;",
  hoxhuntUser: "declare const hoxhuntUser: import('@scim/schemas').SchemaDefinition;",
  groupId: 'declare const groupId: string;',
  current: "declare const current: import('@scim/server').StoredResource;",
  presented: 'declare const presented: string;',
  job: "declare const job: import('@scim/entra-mock').ProvisioningJob;",
  sales: "declare const sales: import('@scim/entra-mock').EntraGroup;",
  patch: "declare const patch: import('@scim/schemas').PatchOp;",
  groups: 'declare const groups: Record<string, unknown>[];',
  response: 'declare const response: Response;',
  record: "declare const record: import('@scim/server').TokenRecord;",
  tenantsByDirectory: 'declare const tenantsByDirectory: ReadonlyMap<string, string>;',
  watermark: 'declare const watermark: number;',
  logger: "declare const logger: import('@scim/server').RequestLogger;",
  text: 'declare const text: string;',
  error: 'declare const error: unknown;',
  context: "declare const context: import('create-scim-connector').ScaffoldContext;",
  scim: 'declare function scim(method: string, path: string, body?: unknown): Promise<Response>;',
  manifest: "declare const manifest: import('create-scim-connector').TemplateManifest;",
};

/** The declarations a snippet of `file` may use. */
export function contextFor(file: string): Readonly<Record<string, string>> {
  return { ...shared, ...(file.endsWith('.ts') ? tsdoc : {}), ...byFile[file] };
}

/** Modules a snippet imports by a relative path: the reader's own files. */
export const supportFiles: Readonly<Record<string, string>> = {
  'my-store.ts': "import { memoryStore } from '@scim/server';\nexport const myStore = () => memoryStore();\n",
  'connector.ts':
    "import { bearerTokens, createScimHandler, type ScimStore } from '@scim/server';\n" +
    'export const createConnector = ({ store }: { store: ScimStore }) =>\n' +
    '  createScimHandler({ store, authenticate: bearerTokens({ tokens: store.tokens }), basePath: "/scim/v2" });\n',
  'entra.ts':
    "import { entraDefaultGroupMappings, entraDefaultUserMappings } from '@scim/mapping';\n" +
    'export const mapping = { users: entraDefaultUserMappings, groups: entraDefaultGroupMappings };\n',
};

/**
 * Test kit of `@scim/server`, declared with vitest (an optional peer dependency, needed only here):
 * {@link describeStoreContract}, the contract suite every store of this package passes, so a store
 * of your own can prove it behaves the same under the handler; {@link describeConnectorFirstRun},
 * what a new user first meets in a connector project's `npm start` and `npm run token`, and a
 * token's lifecycle from issue to revocation; and {@link useConnectorSandbox}, a fresh project directory and database per test for those scripts.
 *
 * @example
 * ```ts
 * import { describeStoreContract } from '@scim/server/testing';
 * import { myStore } from './my-store.ts';
 *
 * describeStoreContract('mine', () => myStore());
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc7644#section-3
 * @packageDocumentation
 */
export {
  type ConnectorFirstRunOptions,
  type ConnectorScripts,
  describeConnectorFirstRun,
} from './serve/first-run.ts';
export {
  type ConnectorSandbox,
  type ConnectorSandboxOptions,
  type TokenCommandResult,
  type TokenCommandRunner,
  useConnectorSandbox,
} from './serve/sandbox.ts';
export { CONTRACT_TYPES, describeStoreContract, type StoreContractOptions } from './store/contract.ts';

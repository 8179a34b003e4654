/**
 * Test kit of `@scim/server` for custom stores: {@link describeStoreContract} declares, with vitest,
 * the contract suite every store of this package passes, so a store of your own can prove it
 * behaves the same under the handler (vitest is an optional peer dependency, needed only here).
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
export { CONTRACT_TYPES, describeStoreContract, type StoreContractOptions } from './store/contract.ts';

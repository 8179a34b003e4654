import { DEFAULT_DATABASE } from '../settings/database-url.ts';
import type { ResourceTypeStorage, ScimStore } from '../store/types.ts';
import type { CliContext } from './context.ts';

/**
 * The resource types the server's defaults serve: users, and groups whose members the store keeps
 * in its membership table.
 *
 * @internal
 */
export const DEFAULT_RESOURCE_TYPES: readonly ResourceTypeStorage[] = [
  { name: 'User' },
  { name: 'Group', referenceAttribute: 'members' },
];

/**
 * Opens the store `DATABASE_URL` names, runs its migrations, hands it to `work`, and closes it.
 *
 * @param context - the injected world
 * @param work - what to do with the open store
 * @param options - `queryTimeoutMs`: each list query's budget (the store's default when absent)
 * @returns what `work` returns
 * @internal
 */
export async function withStore<T>(
  context: CliContext,
  work: (store: ScimStore) => Promise<T>,
  options?: { readonly queryTimeoutMs?: number },
): Promise<T> {
  const store = await context.openStore(context.env.DATABASE_URL || DEFAULT_DATABASE, options);
  try {
    await store.open(DEFAULT_RESOURCE_TYPES);
    return await work(store);
  } finally {
    await store.close();
  }
}

// A test double of TokenStore for the auth and CLI tests: an array of records, and a journal of
// every value the store was handed, so a test can prove the store never sees a secret.
import type { TokenRecord, TokenStore } from '../store/types.ts';

export interface RecordingTokenStore extends TokenStore {
  readonly records: TokenRecord[];
  /** Every argument of every call, serialized. */
  readonly journal: string[];
  /** Calls of `update`, in order. */
  readonly updates: { tenant: string; id: string; patch: Record<string, string | undefined> }[];
}

export function recordingTokenStore(initial: readonly TokenRecord[] = []): RecordingTokenStore {
  const records: TokenRecord[] = [...initial];
  const journal: string[] = [];
  const updates: RecordingTokenStore['updates'] = [];
  return {
    records,
    journal,
    updates,
    async insert(record) {
      journal.push(JSON.stringify(['insert', record]));
      if (records.some((r) => r.id === record.id || r.hash === record.hash))
        throw new Error('duplicate token');
      records.push(record);
    },
    async findByHash(hash) {
      journal.push(JSON.stringify(['findByHash', hash]));
      return records.find((r) => r.hash === hash);
    },
    async list(tenant) {
      journal.push(JSON.stringify(['list', tenant]));
      return records.filter((r) => r.tenant === tenant);
    },
    async update(tenant, id, patch) {
      journal.push(JSON.stringify(['update', tenant, id, patch]));
      updates.push({ tenant, id, patch: { ...patch } });
      const index = records.findIndex((r) => r.tenant === tenant && r.id === id);
      if (index < 0) return false;
      records[index] = { ...records[index]!, ...patch };
      return true;
    },
  };
}

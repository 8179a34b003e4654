import { URN } from '@scim/schemas';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../store/memory.ts';
import type { ScimStore, UpdateInput } from '../store/types.ts';
import { harness } from './test-helpers.ts';

// A PATCH queued behind another write of the same resource starts from what that write committed
// (`UpdateInput.onCommitted`) instead of reading it; another instance's write in between must
// still never be lost, nor turn a client's right `If-Match` into 412.

/**
 * A memory store that reports each commit (as the PostgreSQL store does), and on its first
 * reported update lets "another instance" change the user right after that commit.
 */
function reportingStore(): { store: ScimStore; meanwhile: (fn: () => Promise<unknown>) => void } {
  const inner = memoryStore();
  let pending: (() => Promise<unknown>) | undefined;
  const store: ScimStore = Object.create(inner, {
    update: {
      value: async (tenant: string, type: string, id: string, input: UpdateInput) => {
        const stored = await inner.update(tenant, type, id, input);
        input.onCommitted?.(stored);
        const other = pending;
        pending = undefined;
        if (other !== undefined) await other();
        return stored;
      },
    },
  });
  return {
    store,
    meanwhile: (fn) => {
      pending = fn;
    },
  };
}

/** Another instance's write: a nickName on top of the user as stored now. */
async function otherInstance(store: ScimStore, id: string): Promise<void> {
  const current = await store.get('default', 'User', id);
  await store.update('default', 'User', id, {
    data: { ...current?.data, nickName: 'other' },
    unique: [{ attribute: 'userName', value: 'handoff' }],
    change: { type: 'user.updated' },
    ifVersion: current?.version as number,
  });
}

const replace = (path: string, value: string) => ({
  schemas: [URN.PatchOp],
  Operations: [{ op: 'replace', path, value }],
});

describe('a PATCH queued behind a committed write', () => {
  it('loses no write of another instance made after that commit', async () => {
    const { store, meanwhile } = reportingStore();
    const h = harness({}, store);
    const user = await h.createUser('handoff');
    meanwhile(() => otherInstance(store, user.id));
    const [one, two] = await Promise.all([
      h.call('PATCH', `/Users/${user.id}`, replace('title', 'one')),
      h.call('PATCH', `/Users/${user.id}`, replace('displayName', 'two')),
    ]);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(two.headers.get('etag')).toBe('W/"4"');
    const final = await h.call('GET', `/Users/${user.id}`);
    expect([final.body.title, final.body.nickName, final.body.displayName]).toEqual(['one', 'other', 'two']);
  });

  it("keeps a client's If-Match exact: 412 for the version handed over but gone, 200 for the newer one", async () => {
    for (const [ifMatch, status] of [
      ['W/"2"', 412],
      ['W/"3"', 200],
    ] as const) {
      const { store, meanwhile } = reportingStore();
      const h = harness({}, store);
      const user = await h.createUser('handoff');
      meanwhile(() => otherInstance(store, user.id));
      const [, two] = await Promise.all([
        h.call('PATCH', `/Users/${user.id}`, replace('title', 'one')),
        h.call('PATCH', `/Users/${user.id}`, replace('displayName', 'two'), { 'if-match': ifMatch }),
      ]);
      expect(two.status).toBe(status);
    }
  });
});

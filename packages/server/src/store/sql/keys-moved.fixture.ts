/**
 * What both SQL stores record of each write in the change feed's `keys_moved` (`sqlite.test.ts`,
 * `postgres.test.ts`): the bit of every sort key (see `sort-indexes.ts`) the write changed, so that
 * a list's ladder is kept through writes that leave its key where it was (`ladder-repair.ts`).
 * @internal
 */
import { describe, expect, it } from 'vitest';
import { freshTenant } from '../contract.ts';
import type { ScimStore } from '../types.ts';

/** The bits of `keys_moved` (SORT_KEY_INDEXES' `bit`): userName, displayName, externalId, created. */
const USER_NAME = 1;
const DISPLAY_NAME = 2;
const EXTERNAL_ID = 4;
const CREATED = 8;
/** The bits a write moves or keeps whatever its data (meta.lastModified's moves with the clock). */
const DATA_KEYS = USER_NAME | DISPLAY_NAME | EXTERNAL_ID | CREATED;

/** An opened store (types User and Group, members by `members`) and the feed's `keys_moved`, in order. */
export interface KeysMovedTarget {
  readonly store: ScimStore;
  readonly moved: (tenant: string, id: string) => Promise<readonly (number | null)[]>;
  readonly close: () => Promise<void>;
}

/** Declares the cases on a store made by `open`. @internal */
export function describeKeysMoved(name: string, open: () => Promise<KeysMovedTarget>): void {
  describe(`the change feed's keys_moved (issue 14): ${name}`, () => {
    it('names the sort keys each update changed, none for a create, a delete or a member-only write', async () => {
      const { store, moved, close } = await open();
      const t = freshTenant();
      const data = { userName: 'Ann', displayName: 'A', externalId: 'e1' };
      const u = await store.create(t, 'User', { data, unique: [], change: { type: 'user.created' } });
      let current: Record<string, unknown> = data;
      let version = u.version;
      let writes = 0;
      const update = async (next: Record<string, unknown>) => {
        current = next;
        // Every other write as the handler makes it, with the version it read.
        const expected = writes++ % 2 === 0 ? { ifVersion: version } : {};
        ({ version } = await store.update(t, 'User', u.id, {
          data: next,
          unique: [],
          change: { type: 'user.updated' },
          ...expected,
        }));
        const all = await moved(t, u.id);
        const last = all.at(-1);
        expect(last).not.toBeNull();
        return (last as number) & DATA_KEYS;
      };
      expect(await update({ ...current, title: 'T' })).toBe(0);
      // userName and displayName sort case-insensitively (by their folded copy): a case is no move.
      expect(await update({ ...current, userName: 'ANN' })).toBe(0);
      expect(await update({ ...current, userName: 'Bob' })).toBe(USER_NAME);
      expect(await update({ ...current, displayName: 'B' })).toBe(DISPLAY_NAME);
      // externalId sorts case-exact; a key removed moves too (missing sorts last).
      expect(await update({ ...current, externalId: 'E1' })).toBe(EXTERNAL_ID);
      expect(await update({ userName: 'Bob', displayName: 'B' })).toBe(EXTERNAL_ID);
      expect(await update({ userName: 'Cy', displayName: 'C', externalId: 'e2' })).toBe(
        USER_NAME | DISPLAY_NAME | EXTERNAL_ID,
      );
      // A write that expects another version is refused, and records nothing.
      const before = await moved(t, u.id);
      await expect(
        store.update(t, 'User', u.id, {
          data: { userName: 'Dee' },
          unique: [],
          change: { type: 'user.updated' },
          ifVersion: version - 1,
        }),
      ).rejects.toMatchObject({ status: 412 });
      expect(await moved(t, u.id)).toEqual(before);
      // A member-only write of a group keeps its data: no key of its data moves.
      const g = await store.create(t, 'Group', {
        data: { displayName: 'G' },
        unique: [],
        change: { type: 'group.created' },
      });
      await store.update(t, 'Group', g.id, {
        data: {},
        unique: [],
        membersOnly: true,
        members: { added: [u.id], removed: [] },
        change: { type: 'group.members.added' },
      });
      await store.update(t, 'Group', g.id, {
        data: { displayName: 'H' },
        unique: [],
        members: { added: [], removed: [u.id] },
        change: { type: 'group.updated' },
      });
      const groupMoves = await moved(t, g.id);
      expect(groupMoves.slice(1).map((m) => (m === null ? null : m & DATA_KEYS))).toEqual([0, DISPLAY_NAME]);
      await store.delete(t, 'User', u.id, { change: { type: 'user.deleted' } });
      const all = await moved(t, u.id);
      expect([all[0], all.at(-1)]).toEqual([null, null]);
      await close();
    });
  });
}

import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.ts';
import { SOFT_DELETE_RETENTION_MS } from './deleted-items.ts';
import { createEntraTenant } from './tenant.ts';

const DAY = 24 * 60 * 60 * 1000;

function deletedIds(tenant: ReturnType<typeof createEntraTenant>): string[] {
  return tenant.listDeletedItems().map((item) => item.object.id);
}

describe('deleted items expiry', () => {
  it('purges each deleted object at its own instant, whatever was restored or purged before it', () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const tenant = createEntraTenant({ clock, seed: 4 });
    const user = (n: number) =>
      tenant.createUser({
        userPrincipalName: `u${n}@contoso.onmicrosoft.com`,
        displayName: `U${n}`,
        mailNickname: `u${n}`,
      });
    const [a, b, c, d] = [user(1), user(2), user(3), user(4)];
    tenant.deleteUser(a.id); // expires on day 30, but is restored
    tenant.deleteUser(d.id, { permanently: true }); // expires on day 30, but is purged at once
    clock.advance(10 * DAY);
    tenant.deleteUser(b.id); // day 40
    clock.advance(5 * DAY);
    tenant.deleteUser(c.id); // day 45
    tenant.restoreDeletedItem(a.id);

    clock.advance(SOFT_DELETE_RETENTION_MS - 15 * DAY); // day 30: the earliest expiry left is day 40
    expect(deletedIds(tenant)).toEqual([b.id, c.id]);
    clock.advance(10 * DAY - 1);
    expect(deletedIds(tenant)).toEqual([b.id, c.id]);
    clock.advance(1); // day 40
    expect(deletedIds(tenant)).toEqual([c.id]);
    tenant.deleteUser(a.id); // day 70, after c's day 45
    clock.advance(5 * DAY - 1);
    expect(deletedIds(tenant)).toEqual([c.id, a.id]);
    clock.advance(1); // day 45
    expect(deletedIds(tenant)).toEqual([a.id]);

    const hardDeletes = tenant
      .changesSince(0)
      .flatMap((change) =>
        change.kind === 'userHardDeleted' ? [[change.userId, change.occurredDateTime]] : [],
      );
    expect(hardDeletes).toEqual([
      [d.id, '2026-01-01T00:00:00.000Z'],
      [b.id, '2026-02-10T00:00:00.000Z'],
      [c.id, '2026-02-15T00:00:00.000Z'],
    ]);
  });
});

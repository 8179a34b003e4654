import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.ts';
import { ChangeLog } from './change-log.ts';

/** A log of five changes over three times: two now, one a minute later, one back-dated, one now. */
function fiveChanges() {
  const clock = createManualClock('2026-01-05T08:00:00Z');
  const log = new ChangeLog(clock);
  log.record({ kind: 'userCreated', userId: 'u1' });
  log.record({ kind: 'memberAdded', groupId: 'g1', memberId: 'u1', memberType: 'user' });
  clock.advance(60_000);
  log.record({ kind: 'managerChanged', userId: 'u1', oldManagerId: null, newManagerId: 'u2' });
  log.record({ kind: 'userHardDeleted', userId: 'u3' }, '2026-01-04T08:00:00.000Z');
  log.record({ kind: 'userSoftDeleted', userId: 'u1' });
  return log;
}

const ALL = [
  { kind: 'userCreated', userId: 'u1', sequence: 1, occurredDateTime: '2026-01-05T08:00:00.000Z' },
  {
    kind: 'memberAdded',
    groupId: 'g1',
    memberId: 'u1',
    memberType: 'user',
    sequence: 2,
    occurredDateTime: '2026-01-05T08:00:00.000Z',
  },
  {
    kind: 'managerChanged',
    userId: 'u1',
    oldManagerId: null,
    newManagerId: 'u2',
    sequence: 3,
    occurredDateTime: '2026-01-05T08:01:00.000Z',
  },
  { kind: 'userHardDeleted', userId: 'u3', sequence: 4, occurredDateTime: '2026-01-04T08:00:00.000Z' },
  { kind: 'userSoftDeleted', userId: 'u1', sequence: 5, occurredDateTime: '2026-01-05T08:01:00.000Z' },
];

describe('ChangeLog', () => {
  it('numbers the changes from 1 and stamps each with its time, told or now', () => {
    const log = fiveChanges();
    expect(log.sequence).toBe(5);
    expect(log.since(0)).toEqual(ALL);
    // The keys in their order: the body's, then sequence and time.
    expect(Object.keys(log.since(2)[0]!)).toEqual([
      'kind',
      'userId',
      'oldManagerId',
      'newManagerId',
      'sequence',
      'occurredDateTime',
    ]);
  });

  it('reads from any watermark, inside a run of one time or at its start', () => {
    const log = fiveChanges();
    for (let watermark = 0; watermark <= 5; watermark++) {
      expect(log.since(watermark)).toEqual(ALL.slice(watermark));
    }
  });

  it('gives frozen changes, equal but new on every read, so that no reader changes the log', () => {
    const log = fiveChanges();
    const [first] = log.since(0);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => {
      (first as { userId: string }).userId = 'u9';
    }).toThrow(TypeError);
    expect(log.since(0)[0]).toEqual(ALL[0]);
  });

  it('rejects a watermark that is not an integer >= 0', () => {
    const log = fiveChanges();
    expect(() => log.since(-1)).toThrow(/watermark -1/);
    expect(() => log.since(1.5)).toThrow(/watermark 1.5/);
  });

  it('reads an empty log', () => {
    const log = new ChangeLog(createManualClock('2026-01-05T08:00:00Z'));
    expect(log.sequence).toBe(0);
    expect(log.since(0)).toEqual([]);
  });
});

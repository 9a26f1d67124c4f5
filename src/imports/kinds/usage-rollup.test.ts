// Pure helpers of the usage import (issue 13, part D): the old-day split and the in-memory distinct users.
import { describe, expect, it } from 'vitest';
import { countOldUsers, oldDayCutoff, rollUpChunk, userKey, USER_DAYS_KEPT } from './usage-rollup.js';

const A = '00000000-0000-0000-0000-00000000000a';

describe('usage rollup of old days', () => {
  it('puts the user keys of days before the cutoff in oldUsers, the others in users, and leaves daily users at 0', () => {
    const r = rollUpChunk([
      { accountId: A, event: 'Login', ts: '2026-01-05T10:00:00Z', userId: 'u1', count: 1 },
      { accountId: A, event: 'Login', ts: '2026-01-05T11:00:00Z', userId: 'u1', count: 1 },
      { accountId: A, event: 'Login', ts: '2026-06-05T11:00:00Z', userId: 'u2', count: 1 },
    ], '2026-03-01');
    expect(r.oldUsers).toEqual([userKey(A, '$all', '2026-01-05', 'u1'), userKey(A, 'Login', '2026-01-05', 'u1')]);
    expect(r.users.user).toEqual(['u2', 'u2']);
    expect(r.users.day).toEqual(['2026-06-05', '2026-06-05']);
    expect(r.daily.users).toEqual([0, 0, 0, 0]);
    expect(r.daily.count).toEqual([2, 1, 2, 1]);
  });

  it('counts a key once: not when an earlier chunk of the run or the table has it', () => {
    const k = (day: string, u: string) => userKey(A, 'Login', day, u);
    const { perGroup, fresh } = countOldUsers(
      [k('2026-01-05', 'u1'), k('2026-01-05', 'u2'), k('2026-01-05', 'u3'), k('2026-01-06', 'u1')],
      new Set([k('2026-01-05', 'u1')]), new Set([k('2026-01-05', 'u3')]),
    );
    expect(fresh).toEqual([k('2026-01-05', 'u2'), k('2026-01-06', 'u1')]);
    expect(Object.fromEntries(perGroup)).toEqual({ [`${A}\u0000Login\u00002026-01-05`]: 1, [`${A}\u0000Login\u00002026-01-06`]: 1 });
  });

  it('cuts a day before the retention of usage_daily_users (day < today - 120 is pruned), with a day of margin', () => {
    const now = Date.parse('2026-12-02T17:00:00Z');
    expect(oldDayCutoff(now)).toBe(new Date(now - (USER_DAYS_KEPT + 1) * 86_400_000).toISOString().slice(0, 10));
    // The pruning keeps day >= 2026-08-04 (current_date - 120); old = day < 2026-08-03.
    expect(oldDayCutoff(now)).toBe('2026-08-03');
  });
});

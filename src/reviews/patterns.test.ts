import { describe, expect, it } from 'vitest';
import { combinations, kindsInWindow, median, minePatterns, type Episode } from './patterns.js';

const DAY = 86_400_000;
/** An episode ending at the midnight after `lossOn`, with signals started `daysBefore` the loss day. */
const ep = (id: string, lossOn: string, signals: [kind: string, daysBefore: number][]): Episode => {
  const lossDay = new Date(`${lossOn}T00:00:00Z`).getTime();
  return { id, end: new Date(lossDay + DAY), signals: signals.map(([kind, d]) => ({ kind, startedAt: new Date(lossDay - d * DAY + 3_600_000) })) };
};

describe('combinations', () => {
  it('lists every subset of size 1 to 3 once, sorted inside', () => {
    const c = combinations(['b', 'a', 'c', 'd'], 3).map((x) => x.join('+'));
    expect(c).toHaveLength(4 + 6 + 4);
    expect(c).toContain('a+b+c');
    expect(c).not.toContain('b+a');
    expect(combinations([], 3)).toEqual([]);
  });
});

describe('kindsInWindow', () => {
  it('keeps the first start of each kind within the lookback and ignores what started before it or after the end', () => {
    const e = ep('x', '2026-06-30', [['usage_drop', 200], ['usage_drop', 40], ['usage_drop', 10], ['detractor_nps', -1]]);
    const k = kindsInWindow(e, 180);
    expect([...k.keys()]).toEqual(['usage_drop']);
    expect(k.get('usage_drop')).toBe(new Date('2026-06-30T00:00:00Z').getTime() - 40 * DAY + 3_600_000);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });
});

describe('minePatterns on a small book counted by hand', () => {
  // Four losses and four retained accounts, 180-day lookback.
  //   L1: usage_drop (60 d before), champion_left (30 d)      L2: usage_drop (90), champion_left (20), detractor_nps (10)
  //   L3: usage_drop (45), open_escalation (5)                L4: champion_left (100), open_escalation (200: outside the lookback)
  //   R1: usage_drop                                          R2: usage_drop, champion_left
  //   R3: detractor_nps                                       R4: nothing
  const losses = [
    ep('L1', '2026-06-30', [['usage_drop', 60], ['champion_left', 30]]),
    ep('L2', '2026-05-31', [['usage_drop', 90], ['champion_left', 20], ['detractor_nps', 10]]),
    ep('L3', '2026-04-30', [['usage_drop', 45], ['open_escalation', 5]]),
    ep('L4', '2026-03-31', [['champion_left', 100], ['open_escalation', 200]]),
  ];
  const retained = [
    ep('R1', '2026-06-15', [['usage_drop', 30]]),
    ep('R2', '2026-06-15', [['usage_drop', 50], ['champion_left', 10]]),
    ep('R3', '2026-06-15', [['detractor_nps', 12]]),
    ep('R4', '2026-06-15', []),
  ];
  const result = minePatterns(losses, retained, { lookbackDays: 180, minSupport: 0 });
  const find = (...kinds: string[]) => result.patterns.find((p) => p.kinds.join('+') === [...kinds].sort().join('+'));

  it('counts losses and retained episodes', () => {
    expect(result.losses).toBe(4);
    expect(result.retained).toBe(4);
  });

  it('counts each combination in losses and in retained accounts, with support and lift (+0.5 smoothing)', () => {
    // usage_drop: L1 L2 L3 (3 of 4), R1 R2 (2). P(loss|combo) = 3.5/6; P(loss) = 4.5/9 = 0.5.
    expect(find('usage_drop')).toMatchObject({ lossCount: 3, retainedCount: 2, support: 0.75 });
    expect(find('usage_drop')?.lift).toBeCloseTo((3.5 / 6) / 0.5, 10);
    // champion_left: L1 L2 L4 (3), R2 (1): 3.5/5 / 0.5 = 1.4
    expect(find('champion_left')).toMatchObject({ lossCount: 3, retainedCount: 1, support: 0.75 });
    expect(find('champion_left')?.lift).toBeCloseTo(1.4, 10);
    // both: L1 L2 (2), R2 (1): 2.5/4 / 0.5 = 1.25
    expect(find('champion_left', 'usage_drop')).toMatchObject({ lossCount: 2, retainedCount: 1, support: 0.5 });
    expect(find('champion_left', 'usage_drop')?.lift).toBeCloseTo(1.25, 10);
    // open_escalation: only L3 inside the lookback (L4's started 200 days before): below the minimum count of 2
    expect(find('open_escalation')).toBeUndefined();
    // detractor_nps: L2 only
    expect(find('detractor_nps')).toBeUndefined();
  });

  it('gives the median lead days from when the combination was complete (its last kind started)', () => {
    // usage_drop leads: 60, 90, 45 -> 60. champion_left: 30, 20, 100 -> 30. Both: L1 min(60,30)=30, L2 min(90,20)=20 -> 25.
    expect(find('usage_drop')?.medianLeadDays).toBe(60);
    expect(find('champion_left')?.medianLeadDays).toBe(30);
    expect(find('champion_left', 'usage_drop')?.medianLeadDays).toBe(25);
  });

  it('ranks by lift, then support', () => {
    expect(result.patterns.map((p) => p.kinds.join('+'))).toEqual(['champion_left', 'champion_left+usage_drop', 'usage_drop']);
  });

  it('drops combinations below minSupport', () => {
    const r = minePatterns(losses, retained, { lookbackDays: 180, minSupport: 0.6 });
    expect(r.patterns.map((p) => p.kinds.join('+'))).toEqual(['champion_left', 'usage_drop']);
  });

  it('a shorter lookback sees fewer kinds', () => {
    const r = minePatterns(losses, retained, { lookbackDays: 50, minSupport: 0 });
    // within 50 days: L1 champion_left; L2 champion_left, detractor_nps; L3 usage_drop, open_escalation; L4 nothing
    expect(r.patterns.map((p) => [p.kinds.join('+'), p.lossCount])).toEqual([['champion_left', 2]]);
  });

  it('returns no patterns without losses', () => {
    expect(minePatterns([], retained, { lookbackDays: 180, minSupport: 0 })).toEqual({ losses: 0, retained: 4, patterns: [] });
  });

  it('caps the list', () => {
    const many = Array.from({ length: 3 }, (_, i) => ep(`M${i}`, '2026-06-30', ['a', 'b', 'c', 'd', 'e', 'f'].map((k, j) => [k, j + 1] as [string, number])));
    const r = minePatterns(many, [], { lookbackDays: 180, minSupport: 0, limit: 50 });
    expect(r.patterns).toHaveLength(6 + 15 + 20);
    expect(minePatterns(many, [], { lookbackDays: 180, minSupport: 0, limit: 10 }).patterns).toHaveLength(10);
  });
});

import { describe, expect, it } from 'vitest';
import { changeWords, historyPoints, someNames } from './history';
import type { RiskHistory, Signal } from './schemas';

const sig = (kind: string, startedAt: string, endedAt: string | null = null, label = ''): Signal => ({
  id: kind, kind, family: 'usage', label, strength: 0.3, startedAt, endedAt, evidence: { summary: '' }, source: 'computed', contribution: 0,
});

describe('historyPoints', () => {
  const history: RiskHistory = {
    // Newest first, as the API sends them.
    changes: [
      { id: '3', at: '2026-03-20T00:00:00.000Z', fromScore: 61, toScore: 40, fromLevel: 'high', toLevel: 'medium' },
      { id: '2', at: '2026-03-10T00:00:00.000Z', fromScore: 20, toScore: 61, fromLevel: 'low', toLevel: 'high' },
      { id: '1', at: '2026-03-01T00:00:00.000Z', fromScore: null, toScore: 20, fromLevel: null, toLevel: 'low' },
    ],
    signals: [
      sig('usage_drop', '2026-02-20T00:00:00.000Z', null, 'Usage drop'),
      sig('champion_left', '2026-03-05T00:00:00.000Z', '2026-03-15T00:00:00.000Z', 'Champion left'),
      sig('nps_detractor', '2026-03-08T00:00:00.000Z'),
      sig('old', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'),
    ],
  };

  it('orders the moves oldest first and says which signals started or ended since the previous one', () => {
    const points = historyPoints(history);
    expect(points.map((p) => [p.score, p.level])).toEqual([[20, 'low'], [61, 'high'], [40, 'medium']]);
    // The first computed risk: the signals live then (not one that had already ended).
    expect(points[0]?.started).toEqual(['Usage drop']);
    expect(points[1]?.started).toEqual(['Champion left', 'nps_detractor']);
    expect(points[1]?.ended).toEqual([]);
    expect(points[2]?.started).toEqual([]);
    expect(points[2]?.ended).toEqual(['Champion left']);
    expect(points.map((p) => changeWords(p))).toEqual(['Signals: Usage drop', 'Started: Champion left, nps_detractor', 'Ended: Champion left']);
  });

  it('is empty without moves', () => {
    expect(historyPoints({ changes: [], signals: [] })).toEqual([]);
  });

  it('shortens long lists of names', () => {
    expect(someNames(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('a, b, c, d +2 more');
  });
});

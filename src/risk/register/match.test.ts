import { describe, expect, it } from 'vitest';
import { daysUntil, escalates, matchFailureModes } from './match.js';

const mode = (id: string, name: string, signalKinds: string[]) => ({ id, name, signalKinds });
const MODES = [
  mode('1', 'Budget cut', ['payment_failed', 'seat_use_falling', 'sponsor_left']),
  mode('2', 'Low adoption after onboarding', ['usage_drop', 'seat_use_falling', 'overdue_milestones', 'low_confidence']),
  mode('3', 'Failed integration', ['support_spike', 'usage_drop', 'overdue_milestones']),
  mode('4', 'Domain or certificate lapse', ['critical_date_close']),
];

describe('matchFailureModes', () => {
  it('keeps only modes that one of the kinds meets, with the kinds it matched', () => {
    const out = matchFailureModes(MODES, ['critical_date_close', 'nothing_known']);
    expect(out.map((m) => [m.mode.name, m.matchedKinds])).toEqual([['Domain or certificate lapse', ['critical_date_close']]]);
    expect(matchFailureModes(MODES, [])).toEqual([]);
  });

  it('ranks by how many present kinds meet the mode, then by how fully the mode is covered, then by name', () => {
    const out = matchFailureModes(MODES, ['usage_drop', 'overdue_milestones', 'seat_use_falling']);
    // Low adoption meets three; failed integration two of three (0.67); budget cut one.
    expect(out.map((m) => m.mode.id)).toEqual(['2', '3', '1']);
    expect(out[0]?.matchedKinds).toEqual(['usage_drop', 'seat_use_falling', 'overdue_milestones']);
    // Two each: failed integration covers 2/3, low adoption 2/4.
    expect(matchFailureModes(MODES, ['usage_drop', 'overdue_milestones']).map((m) => m.mode.id)).toEqual(['3', '2']);
    // One kind each, same coverage (1/2): the name decides.
    const tie = matchFailureModes([mode('b', 'Beta', ['x', 'y']), mode('a', 'Alpha', ['x', 'z'])], ['x']);
    expect(tie.map((m) => m.mode.name)).toEqual(['Alpha', 'Beta']);
  });

  it('counts a kind listed twice in a mode once, and a kind present twice once', () => {
    const out = matchFailureModes([mode('d', 'Dup', ['a', 'a', 'b'])], ['a', 'a']);
    expect(out[0]).toMatchObject({ matchedKinds: ['a'], coverage: 0.5 });
  });
});

describe('escalates', () => {
  it('escalates a rise to or within the levels at or above the minimum, never a fall or a stay', () => {
    expect(escalates({ fromLevel: 'medium', toLevel: 'high' }, 'high')).toBe(true);
    expect(escalates({ fromLevel: null, toLevel: 'critical' }, 'high')).toBe(true);
    expect(escalates({ fromLevel: 'high', toLevel: 'critical' }, 'high')).toBe(true);
    expect(escalates({ fromLevel: 'critical', toLevel: 'high' }, 'high')).toBe(false);
    expect(escalates({ fromLevel: 'high', toLevel: 'high' }, 'high')).toBe(false);
    expect(escalates({ fromLevel: 'low', toLevel: 'medium' }, 'high')).toBe(false);
    expect(escalates({ fromLevel: 'low', toLevel: 'medium' }, 'medium')).toBe(true);
    expect(escalates({ fromLevel: 'medium', toLevel: 'high' }, 'critical')).toBe(false);
  });
});

describe('daysUntil', () => {
  it('counts calendar days in UTC, negative once past', () => {
    const now = new Date('2026-03-01T23:30:00Z');
    expect(daysUntil('2026-03-01', now)).toBe(0);
    expect(daysUntil('2026-05-30', now)).toBe(90);
    expect(daysUntil('2026-02-28', now)).toBe(-1);
  });
});

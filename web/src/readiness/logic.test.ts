import { describe, expect, it } from 'vitest';
import type { CheckIn } from '../api/readiness';
import { activityCheckInInput, checkInProblems, EMPTY_CHECK_IN, movementWords, quadrantOf, trajectory, wholeError } from './logic';

const t = { importance: 7, confidence: 7 };
const ci = (at: string, importance: number, confidence: number): CheckIn => ({
  id: at,
  initiativeId: 'i',
  accountId: 'a',
  contact: null,
  importance,
  confidence,
  whyNotLower: null,
  whatWouldMoveHigher: null,
  source: 'csm',
  activityId: null,
  at,
  recordedBy: null,
  quadrant: quadrantOf(importance, confidence, t),
  talk: { whyNotLower: null, whatWouldMoveHigher: null },
});

describe('quadrantOf', () => {
  it('puts "high" at or above the threshold', () => {
    expect(quadrantOf(7, 7, t)).toBe('ready');
    expect(quadrantOf(7, 6, t)).toBe('enable');
    expect(quadrantOf(6, 7, t)).toBe('align');
    expect(quadrantOf(0, 0, t)).toBe('nurture');
    expect(quadrantOf(5, 5, { importance: 5, confidence: 6 })).toBe('enable');
  });
});

describe('check-in draft', () => {
  it('asks for the initiative and both scales before sending', () => {
    expect(Object.keys(checkInProblems(EMPTY_CHECK_IN)).sort()).toEqual(['confidence', 'importance', 'initiativeId']);
    expect(checkInProblems({ ...EMPTY_CHECK_IN, mode: 'new', importance: 0, confidence: 10 })).toEqual({
      initiativeTitle: 'Name the initiative (e.g. "Roll out SSO")',
    });
    expect(activityCheckInInput(EMPTY_CHECK_IN)).toBeNull();
  });

  it('refuses a score outside 0–10 or not whole, never rounding it', () => {
    expect(checkInProblems({ ...EMPTY_CHECK_IN, initiativeId: 'x', importance: 11, confidence: 2.5 })).toHaveProperty('importance');
    expect(checkInProblems({ ...EMPTY_CHECK_IN, initiativeId: 'x', importance: 1, confidence: 2.5 })).toHaveProperty('confidence');
  });

  it('sends an existing initiative by id, a new one by title, with trimmed answers and no empty ones', () => {
    expect(
      activityCheckInInput({ ...EMPTY_CHECK_IN, initiativeId: 'i1', contactId: 'c1', importance: 0, confidence: 3, whyNotLower: '  it matters ', whatWouldMoveHigher: ' ' }),
    ).toEqual({ initiativeId: 'i1', contactId: 'c1', importance: 0, confidence: 3, whyNotLower: 'it matters' });
    expect(activityCheckInInput({ ...EMPTY_CHECK_IN, mode: 'new', initiativeId: 'i1', initiativeTitle: ' Roll out SSO ', importance: 8, confidence: 3 })).toEqual({
      initiativeTitle: 'Roll out SSO',
      importance: 8,
      confidence: 3,
    });
  });
});

describe('trajectory and movement', () => {
  it('orders check-ins by time and says how the scales moved', () => {
    const list = [ci('2026-03-01T00:00:00Z', 8, 3), ci('2026-01-01T00:00:00Z', 4, 6), ci('2026-02-01T00:00:00Z', 8, 6)];
    expect(trajectory(list).map((p) => p.quadrant)).toEqual(['nurture', 'enable', 'enable']);
    expect(movementWords(list)).toBe('Importance 4 → 8, confidence 6 → 3 over 3 check-ins');
    expect(movementWords([ci('2026-01-01T00:00:00Z', 4, 4), ci('2026-02-01T00:00:00Z', 4, 5)])).toBe('Importance stayed at 4, confidence 4 → 5 over 2 check-ins');
    expect(movementWords(list.slice(0, 1))).toBeNull();
  });
});

describe('thresholds and default spoons: out-of-range numbers are refused, never clamped (issue 9 §7)', () => {
  it('says a threshold of 15 or 0, or 120 default spoons, is out of range; empty only once a save was tried', () => {
    expect(wholeError(15, 1, 10, false)).toBe('A whole number from 1 to 10');
    expect(wholeError(0, 1, 10, false)).toBe('A whole number from 1 to 10');
    expect(wholeError(120, 0, 100, false)).toBe('A whole number from 0 to 100');
    expect(wholeError(-1, 0, 100, false)).toBe('A whole number from 0 to 100');
    expect(wholeError('', 1, 10, false)).toBeUndefined();
    expect(wholeError('', 1, 10, true)).toBe('Required: a whole number from 1 to 10');
    for (const ok of [1, 10]) expect(wholeError(ok, 1, 10, true)).toBeUndefined();
    for (const ok of [0, 100]) expect(wholeError(ok, 0, 100, true)).toBeUndefined();
  });
});

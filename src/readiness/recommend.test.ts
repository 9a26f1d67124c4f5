import { describe, expect, it } from 'vitest';
import { movement, quadrant } from './quadrant.js';
import { recommend, spoonTaskTitle, type CheckInTalk, type RecommendContext, type TalkLike } from './recommend.js';

describe('quadrant', () => {
  it('puts high (≥ threshold) and low scores in the four quadrants with the default thresholds of 7', () => {
    expect(quadrant(7, 7)).toBe('ready');
    expect(quadrant(10, 6)).toBe('enable');
    expect(quadrant(6, 10)).toBe('align');
    expect(quadrant(6, 6)).toBe('nurture');
    expect(quadrant(0, 0)).toBe('nurture');
  });
  it('follows configured thresholds, each on its own scale', () => {
    expect(quadrant(5, 8, { importance: 5, confidence: 9 })).toBe('enable');
    expect(quadrant(4, 9, { importance: 5, confidence: 9 })).toBe('align');
    expect(quadrant(1, 1, { importance: 1, confidence: 1 })).toBe('ready');
    expect(quadrant(9, 9, { importance: 10, confidence: 10 })).toBe('nurture');
  });
  it('compares with the previous check-in, and has no movement without one', () => {
    expect(movement(null, { importance: 5, confidence: 5 })).toBeNull();
    expect(movement({ importance: 8, confidence: 3 }, { importance: 8, confidence: 8 })).toEqual({
      importance: { from: 8, to: 8, direction: 'same' }, confidence: { from: 3, to: 8, direction: 'up' },
    });
    expect(movement({ importance: 8, confidence: 3 }, { importance: 5, confidence: 3 })?.importance.direction).toBe('down');
  });
});

const talk = (label: TalkLike['label'], spans: TalkLike['spans']): TalkLike => ({ label, spans });
const NO_TALK: CheckInTalk = { whyNotLower: null, whatWouldMoveHigher: null };
const ctx = (over: Partial<RecommendContext> = {}): RecommendContext => ({
  thresholds: { importance: 7, confidence: 7 }, previous: null,
  initiative: { title: 'Roll out SSO', goalId: null, goalStatement: null }, goals: [], playbooks: [], ...over,
});
const facts = (importance: number, confidence: number, over: { whyNotLower?: string | null; whatWouldMoveHigher?: string | null; contactName?: string | null } = {}) =>
  ({ importance, confidence, whyNotLower: null, whatWouldMoveHigher: null, contactName: 'Ada Lovelace', ...over });

describe('recommend', () => {
  it('enable: quotes the answers and the change and sustain phrases, and offers a spoon task and a fitting playbook', () => {
    const r = recommend(
      facts(8, 3, { whyNotLower: 'This is critical for our audit', whatWouldMoveHigher: "I really want to use it but we're too busy right now" }),
      {
        whyNotLower: talk('change', [{ phrase: 'critical for our audit', category: 'reasons', polarity: 'change' }]),
        whatWouldMoveHigher: talk('sustain', [{ phrase: 'really want', category: 'desire', polarity: 'change' }, { phrase: 'too busy right now', category: 'ability', polarity: 'sustain' }]),
      },
      ctx({ playbooks: [{ id: '00000000-0000-4000-8000-000000000001', name: 'Renewal prep' }, { id: '00000000-0000-4000-8000-000000000002', name: 'Hands-on training' }] }),
    );
    expect(r.quadrant).toBe('enable');
    expect(r.headline).toContain('Roll out SSO');
    expect(r.because[0]).toBe('Importance 8 (high, ≥ 7), confidence 3 (low, < 7).');
    expect(r.because).toContain('Why not lower: “This is critical for our audit” — change talk “critical for our audit” (reasons).');
    expect(r.because).toContain("What would move it higher: “I really want to use it but we're too busy right now” — change talk “really want” (desire); sustain talk “too busy right now” (ability).");
    expect(r.because).toContain('This is the first check-in on this initiative.');
    expect(r.actions.map((a) => a.kind)).toEqual(['give_spoon_task', 'start_playbook']);
    expect(r.actions[0]?.taskTitle).toBe('Give a spoon: do the first step of Roll out SSO for them');
    expect(r.actions[1]).toMatchObject({ playbookId: '00000000-0000-4000-8000-000000000002', label: 'Start the playbook “Hands-on training”' });
  });

  it('align: offers the account\'s goals when the initiative is not linked, and says so when it is', () => {
    const goals = [{ id: '00000000-0000-4000-8000-00000000000a', statement: 'Close the month in three days' }];
    const unlinked = recommend(facts(4, 9), NO_TALK, ctx({ goals }));
    expect(unlinked.quadrant).toBe('align');
    expect(unlinked.actions).toEqual([{ kind: 'link_goal', label: 'Link it to their goal “Close the month in three days”', goalId: goals[0]?.id }]);
    const linked = recommend(facts(4, 9), NO_TALK, ctx({ goals, initiative: { title: 'Roll out SSO', goalId: goals[0]?.id ?? null, goalStatement: 'Close the month in three days' } }));
    expect(linked.actions.map((a) => a.kind)).toEqual(['schedule_check_in']);
    expect(linked.because.some((b) => b.includes('linked to their goal “Close the month in three days”'))).toBe(true);
    const noGoals = recommend(facts(4, 9), NO_TALK, ctx());
    expect(noGoals.because).toContain('The account has no success-plan goal yet to tie it to.');
  });

  it('nurture: do not push, check in later; ready: ask for the action now', () => {
    const nurture = recommend(facts(2, 2), NO_TALK, ctx());
    expect(nurture.quadrant).toBe('nurture');
    expect(nurture.actions.map((a) => a.kind)).toEqual(['schedule_check_in']);
    expect(nurture.headline).toContain("don't push");
    const ready = recommend(facts(9, 8), NO_TALK, ctx());
    expect(ready.quadrant).toBe('ready');
    expect(ready.actions.map((a) => a.kind)).toEqual(['proceed']);
    expect(ready.headline).toContain('Ada sees it as important');
  });

  it('mentions the movement since the previous check-in (enable → ready after a spoon)', () => {
    const r = recommend(facts(8, 8), NO_TALK, ctx({ previous: { importance: 8, confidence: 3, at: '2026-09-01T10:00:00.000Z' } }));
    expect(r.because).toContain('Since the check-in of 2026-09-01: importance stayed at 8, confidence rose from 3 to 8 (enable → ready).');
    const down = recommend(facts(5, 3), NO_TALK, ctx({ previous: { importance: 6, confidence: 3, at: '2026-06-01T10:00:00.000Z' } }));
    expect(down.because).toContain('Since the check-in of 2026-06-01: importance fell from 6 to 5, confidence stayed at 3 (still nurture).');
  });

  it('uses the configured thresholds: the same scores recommend differently', () => {
    expect(recommend(facts(6, 6), NO_TALK, ctx()).quadrant).toBe('nurture');
    const lenient = recommend(facts(6, 6), NO_TALK, ctx({ thresholds: { importance: 5, confidence: 6 } }));
    expect(lenient.quadrant).toBe('ready');
    expect(lenient.because[0]).toBe('Importance 6 (high, ≥ 5), confidence 6 (high, ≥ 6).');
  });

  it('asks for the follow-ups when none were answered', () => {
    const r = recommend(facts(8, 2, { whyNotLower: '  ', contactName: null }), NO_TALK, ctx());
    expect(r.because.some((b) => b.startsWith('No follow-up answers were recorded'))).toBe(true);
  });

  it('names the spoon after what would move confidence higher', () => {
    expect(spoonTaskTitle('Scheduled reports', 'If someone could show us how to set them up')).toBe('Give a spoon: run a hands-on training on Scheduled reports');
    expect(spoonTaskTitle('Scheduled reports', 'An expert to do the migration')).toBe('Give a spoon: offer our services to deliver Scheduled reports');
    expect(spoonTaskTitle('Scheduled reports', null)).toBe('Give a spoon: do the first step of Scheduled reports for them');
  });
});

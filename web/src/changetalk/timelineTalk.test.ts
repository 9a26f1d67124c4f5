import { describe, expect, it } from 'vitest';
import { talkPieces } from './timelineTalk';

const talk = (label: 'change' | 'sustain' | 'neutral') => ({ label, spans: [{ start: 0, end: 4, phrase: 'want', category: 'desire', polarity: 'change' }], version: 'v1', predicted: label, corrected: false });

describe('talkPieces', () => {
  it('takes an activity body with the item-level changeTalk, sourced to the activity', () => {
    const pieces = talkPieces({ id: 'activity:a1', kind: 'activity', summary: 'want it', data: {}, refs: { activityId: 'a1' }, changeTalk: talk('change') });
    expect(pieces).toEqual([{ key: 'text', label: null, text: 'want it', talk: talk('change'), source: { kind: 'activity', id: 'a1' } }]);
  });

  it('reads changeTalk from the data too, and prefers the full body over the summary', () => {
    const pieces = talkPieces({ id: 'activity:a2', kind: 'activity', summary: 'want', data: { body: 'want it all', changeTalk: talk('change') } });
    expect(pieces[0]).toMatchObject({ text: 'want it all', source: { kind: 'activity', id: 'a2' } });
  });

  it('gives a check-in one piece per answered follow-up that has its talk', () => {
    const pieces = talkPieces({
      id: 'check_in:c1',
      kind: 'check_in',
      summary: null,
      data: { whyNotLower: 'want it', whatWouldMoveHigher: null, changeTalk: { whyNotLower: talk('change'), whatWouldMoveHigher: null } },
      refs: { checkInId: 'c1' },
    });
    expect(pieces.map((p) => [p.key, p.label, p.source])).toEqual([['whyNotLower', 'Why not lower', { kind: 'check_in', id: 'c1' }]]);
  });

  it('shows nothing without a valid changeTalk (an older server, a shape it does not know)', () => {
    expect(talkPieces({ id: 'activity:a', kind: 'activity', summary: 'x', data: {} })).toEqual([]);
    expect(talkPieces({ id: 'activity:a', kind: 'activity', summary: 'x', data: { changeTalk: { label: 'maybe' } } })).toEqual([]);
  });
});

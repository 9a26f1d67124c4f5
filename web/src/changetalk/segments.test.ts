import { describe, expect, it } from 'vitest';
import type { TalkSpan } from '../api/changeTalk';
import { describeSpans, safeSpan, segmentPolarity, talkSegments } from './segments';

const span = (start: number, end: number, polarity: 'change' | 'sustain' = 'change', category: TalkSpan['category'] = 'desire'): TalkSpan => ({
  start,
  end,
  phrase: '',
  category,
  polarity,
});
const joined = (text: string, spans: TalkSpan[]) => talkSegments(text, spans).map((s) => s.text).join('');

describe('talkSegments', () => {
  it('cuts the text around a span and joins back to the text', () => {
    const text = 'We really want to roll it out';
    const segs = talkSegments(text, [span(3, 15)]);
    expect(segs.map((s) => [s.text, s.spans.length])).toEqual([
      ['We ', 0],
      ['really want ', 1],
      ['to roll it out', 0],
    ]);
    expect(joined(text, [span(3, 15)])).toBe(text);
  });

  it('keeps touching spans apart, each with its own span', () => {
    const text = 'want to but too busy';
    const segs = talkSegments(text, [span(0, 7), span(7, 20, 'sustain')]);
    expect(segs.map((s) => [s.text, segmentPolarity(s.spans)])).toEqual([
      ['want to', 'change'],
      [' but too busy', 'sustain'],
    ]);
  });

  it('splits overlapping spans into pieces with every covering span, never repeating a character', () => {
    const text = 'abcdefghij';
    const spans = [span(1, 6), span(4, 9, 'sustain')];
    const segs = talkSegments(text, spans);
    expect(segs.map((s) => [s.text, segmentPolarity(s.spans)])).toEqual([
      ['a', null],
      ['bcd', 'change'],
      ['ef', 'mixed'],
      ['ghi', 'sustain'],
      ['j', null],
    ]);
    expect(joined(text, spans)).toBe(text);
  });

  it('never splits a surrogate pair: a span ending or starting inside an emoji takes it whole', () => {
    const text = 'go 🚀 now';
    // '🚀' is two UTF-16 units at 3 and 4.
    const segs = talkSegments(text, [span(0, 4)]);
    expect(segs[0]?.text).toBe('go 🚀');
    expect(talkSegments(text, [span(4, 9)])[1]?.text).toBe('🚀 now');
    expect(joined(text, [span(4, 6), span(0, 4)])).toBe(text);
  });

  it('clamps spans outside the text and drops empty or backward ones', () => {
    expect(safeSpan('abc', span(-5, 2))).toMatchObject({ start: 0, end: 2 });
    expect(safeSpan('abc', span(1, 99))).toMatchObject({ start: 1, end: 3 });
    expect(safeSpan('abc', span(2, 2))).toBeNull();
    expect(safeSpan('abc', span(3, 1))).toBeNull();
    expect(safeSpan('abc', span(Number.NaN, 2))).toBeNull();
    expect(talkSegments('abc', [span(5, 9)])).toEqual([{ start: 0, end: 3, text: 'abc', spans: [] }]);
  });

  it('gives nothing for an empty text', () => {
    expect(talkSegments('', [span(0, 3)])).toEqual([]);
  });
});

describe('describeSpans', () => {
  it('names polarity and category once each, in words', () => {
    expect(describeSpans([span(0, 1, 'change', 'taking_steps'), span(0, 1, 'change', 'taking_steps'), span(0, 1, 'sustain', 'need')])).toBe(
      'change talk (taking steps); sustain talk (need)',
    );
  });
});

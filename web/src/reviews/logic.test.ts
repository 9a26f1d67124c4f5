import { describe, expect, it } from 'vitest';
import { comboLabel, describeItem, liftWords, cleanTags, storyTimeline } from './logic';

describe('review story', () => {
  it('puts every kind on one line in date order', () => {
    const t = storyTimeline({
      signals: [{ id: 's1', kind: 'usage_drop', label: 'Usage down', startedAt: '2026-02-01T00:00:00Z', endedAt: null, evidence: { summary: 'down 40%' } }],
      health: [],
      tasks: [{ id: 't1', title: 'Call them', createdAt: '2026-02-05T00:00:00Z', status: 'open' }],
      activities: [{ id: 'a1', subject: 'QBR', occurredAt: '2026-01-10T00:00:00Z' }],
      escalations: [{ id: 'e1', title: 'Outage', openedAt: '2026-03-01T00:00:00Z', severity: 'high' }],
      checkIns: [{ id: 'c1', at: '2026-02-03T00:00:00Z', importance: 8, confidence: 3 }],
      planEvents: [{ id: 'p1', kind: 'milestone_missed', at: '2026-01-20T00:00:00Z', data: {} }],
    });
    expect(t.map((e) => e.id)).toEqual(['a1', 'p1', 's1', 'c1', 't1', 'e1']);
    expect(t.find((e) => e.id === 's1')).toMatchObject({ title: 'Usage down', detail: 'down 40% · still open' });
    expect(t.find((e) => e.id === 'c1')?.detail).toBe('importance 8, confidence 3');
    expect(t.find((e) => e.id === 'e1')?.detail).toBe('high');
    expect(t.find((e) => e.id === 'p1')?.title).toBe('milestone missed');
  });
  it('leaves out an item without any date rather than placing it anywhere', () => {
    expect(describeItem('task', { id: 'x', title: 'No date' })).toBeNull();
  });
});

describe('patterns and tags', () => {
  it('names combinations and lift', () => {
    expect(comboLabel(['usage_drop', 'champion_left'], ['Usage down'])).toBe('Usage down + champion left');
    expect(liftWords(3.24)).toBe('3.2× the base loss rate');
    expect(liftWords(1)).toBe('about the base loss rate');
    expect(liftWords(0.5)).toMatch(/stayed/);
    expect(liftWords(null)).toMatch(/no retained/);
  });
  it('reads tags', () => {
    expect(cleanTags([' Budget cut', 'champion   left', 'Budget cut ', ''])).toEqual(['Budget cut', 'champion left']);
    expect(cleanTags([])).toEqual([]);
  });
});

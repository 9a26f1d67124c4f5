import { describe, expect, it } from 'vitest';
import { rankInbox, urgency, type Rankable } from './rank.js';

const now = new Date('2026-06-01T12:00:00Z');
const base: Rankable = { priority: 2, dueAt: null, arr: 10_000, healthBand: 'good', renewalDate: null };
const t = (id: string, over: Partial<Rankable>) => ({ id, ...base, ...over });

describe('inbox ordering', () => {
  it('puts overdue tasks first, whatever their urgency', () => {
    const ranked = rankInbox([
      t('urgent-big', { priority: 4, arr: 2_000_000, healthBand: 'poor' }),
      t('overdue-small', { priority: 1, arr: 1_000, dueAt: new Date('2026-05-30T00:00:00Z') }),
    ], now);
    expect(ranked.map((r) => r.id)).toEqual(['overdue-small', 'urgent-big']);
    expect(ranked[0]?.overdue).toBe(true);
  });

  it('orders the rest by priority × ARR × risk', () => {
    const ranked = rankInbox([
      t('low-prio', { priority: 1 }),
      t('poor-health', { healthBand: 'poor' }),
      t('big-arr', { arr: 900_000 }),
      t('plain', {}),
    ], now);
    expect(ranked.map((r) => r.id)).toEqual(['poor-health', 'big-arr', 'plain', 'low-prio']);
  });

  it('raises tasks due today and accounts renewing within 60 days', () => {
    expect(urgency({ ...base, dueAt: new Date('2026-06-01T18:00:00Z') }, now)).toBeGreaterThan(urgency(base, now));
    expect(urgency({ ...base, renewalDate: '2026-07-01' }, now)).toBeGreaterThan(urgency(base, now));
    expect(urgency({ ...base, renewalDate: '2026-12-01' }, now)).toBe(urgency(base, now));
  });

  it('treats unknown health as riskier than good and safer than watch', () => {
    const none = urgency({ ...base, healthBand: null }, now);
    expect(none).toBeGreaterThan(urgency(base, now));
    expect(none).toBeLessThan(urgency({ ...base, healthBand: 'watch' }, now));
  });

  it('breaks urgency ties by the earlier due date', () => {
    const ranked = rankInbox([
      t('later', { dueAt: new Date('2026-06-20T00:00:00Z') }),
      t('sooner', { dueAt: new Date('2026-06-15T00:00:00Z') }),
    ], now);
    expect(ranked.map((r) => r.id)).toEqual(['sooner', 'later']);
  });
});

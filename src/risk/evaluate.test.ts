import { describe, expect, it } from 'vitest';
import { riskAuc, seededRandom, toModel, verdict, type AucResult } from './evaluate.js';
import type { StoredSignal } from './signals/types.js';

const lost = (value: number | null) => ({ value, retained: false });
const kept = (value: number | null) => ({ value, retained: true });

describe('AUC of a risk value', () => {
  it('is 1 when every lost account had a higher risk, 0 when lower, 0.5 with all ties', () => {
    expect(riskAuc([lost(0.9), lost(0.8), kept(0.1), kept(0.2)]).auc).toBe(1);
    expect(riskAuc([lost(0.1), kept(0.9)]).auc).toBe(0);
    expect(riskAuc([lost(0.5), lost(0.5), kept(0.5)]).auc).toBe(0.5);
  });
  it('counts ties half (Mann–Whitney)', () => {
    // pairs (lost, kept): (0.5,0.5)=½, (0.5,0.1)=1, (0.2,0.5)=0, (0.2,0.1)=1 → 2.5 / 4
    expect(riskAuc([lost(0.5), lost(0.2), kept(0.5), kept(0.1)]).auc).toBe(0.625);
  });
  it('is null without both classes; values without a score are not counted', () => {
    expect(riskAuc([lost(0.5), lost(0.2)])).toEqual({ auc: null, low: null, high: null, n: 2 });
    expect(riskAuc([lost(0.5), kept(null), kept(0.1)]).n).toBe(2);
  });
  it('has a seeded bootstrap interval around the point, the same every time', () => {
    const samples = Array.from({ length: 60 }, (_, i) => (i % 2 ? lost((i % 7) / 7 + 0.2) : kept((i % 5) / 5)));
    const a = riskAuc(samples);
    const b = riskAuc(samples);
    expect(a).toEqual(b);
    const { auc = 0, low = 0, high = 0 } = { auc: a.auc ?? NaN, low: a.low ?? NaN, high: a.high ?? NaN };
    expect(low).toBeLessThanOrEqual(auc);
    expect(high).toBeGreaterThanOrEqual(auc);
    expect(high - low).toBeGreaterThan(0);
    const perfect = riskAuc([lost(1), lost(0.9), kept(0.1), kept(0)]);
    expect([perfect.low, perfect.high]).toEqual([1, 1]);
  });
  it('the generator is deterministic and in [0, 1)', () => {
    const r = seededRandom(1);
    const xs = Array.from({ length: 1000 }, r);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Array.from({ length: 3 }, seededRandom(1))).toEqual(xs.slice(0, 3));
  });
});

describe('verdict', () => {
  const res = (auc: number | null, low = auc, high = auc, n = 40): AucResult => ({ auc, low, high, n });
  const base = { n: 40, losses: 20, retained: 20, leadDays: 90 };
  it('says when compound risk won', () => {
    const v = verdict({ ...base, compound: res(0.8, 0.72, 0.88), weightedAverage: res(0.6, 0.5, 0.7), health: res(0.65, 0.55, 0.71, 30) });
    expect(v).toMatch(/^Compound risk separated lost from retained accounts best, 90 days ahead: AUC 0\.80/);
    expect(v).toContain('0.60 for the weighted average');
    expect(v).toContain('0.65 for health (n = 30)');
    expect(v).not.toContain('overlap');
  });
  it('says plainly when compound risk lost', () => {
    const v = verdict({ ...base, compound: res(0.6, 0.5, 0.7), weightedAverage: res(0.55), health: res(0.75, 0.65, 0.85) });
    expect(v).toMatch(/^Compound risk lost to health/);
    expect(v).toContain('overlap');
  });
  it('says a tie is a tie, and when there is nothing to judge', () => {
    expect(verdict({ ...base, compound: res(0.7), weightedAverage: res(0.7), health: res(null) })).toMatch(/^Compound risk tied with the weighted average/);
    expect(verdict({ ...base, losses: 0, retained: 3, compound: res(null), weightedAverage: res(null), health: res(null) })).toMatch(/^No verdict yet/);
  });
  it('says when health could not be compared (no health history at the lead date), not silently drops it', () => {
    const v = verdict({ ...base, compound: res(0.8, 0.7, 0.9), weightedAverage: res(0.6, 0.5, 0.65), health: res(null, null, null, 0) });
    expect(v).toMatch(/^Compound risk separated lost from retained accounts best/);
    expect(v).toContain('Health could not be compared: no health history at the lead date.');
    const some = verdict({ ...base, compound: res(0.8, 0.7, 0.9), weightedAverage: res(0.6, 0.5, 0.65), health: res(null, null, null, 3) });
    expect(some).toContain('Health could not be compared: no health history at the lead date for both lost and retained accounts (3 of 40');
    expect(verdict({ ...base, compound: res(0.8, 0.7, 0.9), weightedAverage: res(0.6, 0.5, 0.65), health: res(0.7, 0.6, 0.8) })).not.toContain('Health could not');
  });

  it('says "no signal data at this lead time" when no outcome had a signal, instead of a tie', () => {
    const v = verdict({ ...base, signalled: 0, compound: res(0.5), weightedAverage: res(0.5), health: res(null, null, null, 0) });
    expect(v).toMatch(/^No signal data at this lead time: none of the 40 outcome\(s\) had a signal 90 days before it/);
    expect(v).not.toContain('tied');
    expect(v).toContain('Health could not be compared: no health history at the lead date.');
    expect(verdict({ ...base, signalled: 0, compound: res(0.5), weightedAverage: res(0.5), health: res(0.66, 0.6, 0.7, 12) })).toContain('Health alone could be measured: AUC 0.66 (n = 12).');
    // With signals on some outcomes, equal AUCs are a real tie.
    expect(verdict({ ...base, signalled: 5, compound: res(0.7), weightedAverage: res(0.7), health: res(0.6) })).toMatch(/^Compound risk tied with the weighted average/);
  });

  it('warns when one class is small', () => {
    expect(verdict({ ...base, losses: 4, compound: res(0.9), weightedAverage: res(0.6), health: res(0.6) })).toContain('Only 4 lost account(s)');
  });
});

describe('signals as the model reads them', () => {
  const s = (source: StoredSignal['source']): StoredSignal => ({
    id: source, accountId: 'a', kind: 'usage_drop', family: 'usage', label: 'x', strength: 0.2, startedAt: new Date('2026-01-01T00:00:00Z'),
    endedAt: new Date('2026-01-11T00:00:00Z'), decayFrom: 'end', halfLifeDays: 10, evidence: { summary: '' }, source, note: null, raisedBy: null,
  });
  it('computed signals take the calibrated strength; raised ones keep their own; both decay', () => {
    const out = toModel([s('computed'), s('manual')], new Date('2026-01-21T00:00:00Z'), new Map([['usage_drop', 0.4]]));
    expect(out[0]).toMatchObject({ strength: 0.4, calibrated: true });
    expect(out[0]?.effective).toBeCloseTo(0.2, 12);
    expect(out[1]).toMatchObject({ strength: 0.2, calibrated: false });
    expect(out[1]?.effective).toBeCloseTo(0.1, 12);
  });
});

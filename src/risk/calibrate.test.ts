import { describe, expect, it } from 'vitest';
import { calibrate, priorShift, strengthFor } from './calibrate.js';

const kind = (accountsWith: number, lossesWith: number, defaultStrength = 0.2) => ({ kind: 'usage_drop', defaultStrength, accountsWith, lossesWith });

describe('calibration', () => {
  it('few outcomes fall back to defaults (and still report n)', () => {
    const c = calibrate(29, [kind(20, 18)]);
    expect(c.outcomes).toBe(29);
    expect(c.kinds[0]).toEqual({ kind: 'usage_drop', default: 0.2, calibrated: null, accountsWith: 20, lossesWith: 18 });
  });

  it('a kind seen on too few accounts falls back to its default', () => {
    expect(calibrate(200, [kind(4, 4)]).kinds[0]?.calibrated).toBeNull();
  });

  it('enough outcomes: the Beta-smoothed share of losses, centred on the default', () => {
    // (8 + 10·0.2) / (10 + 10) = 0.5
    expect(calibrate(100, [kind(10, 8)]).kinds[0]?.calibrated).toBe(0.5);
    // No losses among 90 accounts with the kind: pulled towards 0, not to 0: 2 / 100.
    expect(calibrate(100, [kind(90, 0)]).kinds[0]?.calibrated).toBe(0.02);
  });

  it('the prior dominates a small sample and the data a large one', () => {
    const small = calibrate(100, [kind(5, 5)]).kinds[0]?.calibrated ?? 0;
    const large = calibrate(1000, [kind(500, 500)]).kinds[0]?.calibrated ?? 0;
    expect(small).toBeCloseTo(7 / 15, 3);
    expect(large).toBeGreaterThan(0.98);
    expect(large).toBeLessThan(1);
  });

  it('impossible counts are kept within bounds (losses never above accounts)', () => {
    const k = calibrate(100, [kind(10, 50)]).kinds[0];
    expect(k?.lossesWith).toBe(10);
    expect(k?.calibrated).toBe(0.6);
  });

  it('the model uses a calibrated strength when there is one', () => {
    const m = new Map([['usage_drop', 0.41]]);
    expect(strengthFor('usage_drop', 0.2, m)).toEqual({ strength: 0.41, calibrated: true });
    expect(strengthFor('low_csat', 0.12, m)).toEqual({ strength: 0.12, calibrated: false });
  });

  it('the prior shift lowers p when losses are over-represented among outcomes, and is identity when the rates agree', () => {
    // logit(0.5) - logit(0.53) + logit(0.13) = logit(0.1170...)
    expect(priorShift(0.5, 0.53, 0.13)).toBeCloseTo(0.117, 3);
    expect(priorShift(0.8, 0.53, 0.13)).toBeLessThan(0.8);
    expect(priorShift(0.3, 0.2, 0.2)).toBeCloseTo(0.3, 12);
    expect(priorShift(0.3, 0.1, 0.3)).toBeGreaterThan(0.3);
    expect(priorShift(0.3, null, 0.1)).toBe(0.3);
    expect(priorShift(0.3, 0, 0.1)).toBe(0.3);
    expect(priorShift(0.999, 0.01, 0.99)).toBeLessThanOrEqual(0.999);
    expect(priorShift(0.001, 0.99, 0.01)).toBeGreaterThanOrEqual(0.001);
  });

  it('calibrate applies the shift to calibrated kinds only, and reports the rates', () => {
    const c = calibrate(100, [kind(10, 8), kind(2, 2)], { baseRate: { outcomes: 0.53, book: 0.13 } });
    expect(c.baseRate).toEqual({ outcomes: 0.53, book: 0.13 });
    expect(c.kinds[0]?.calibrated).toBe(0.117);
    expect(c.kinds[1]?.calibrated).toBeNull();
    expect(calibrate(100, [kind(10, 8)], { baseRate: { outcomes: 0.4, book: 0.4 } }).kinds[0]?.calibrated).toBe(0.5);
  });
});

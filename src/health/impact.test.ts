import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { auc, aucInterval } from './impact.js';

const s = (value: number | null, retained: boolean) => ({ value, retained });

describe('auc', () => {
  it('is 1 when every retained account beats every lost one, 0 when the reverse', () => {
    const perfect = [s(10, true), s(9, true), s(2, false), s(1, false)];
    expect(auc(perfect).auc).toBe(1);
    expect(auc(perfect, false).auc).toBe(0);
  });
  it('is 0.5 for values that do not separate, counting ties as half', () => {
    expect(auc([s(5, true), s(5, false)]).auc).toBe(0.5);
    expect(auc([s(1, true), s(3, true), s(2, false), s(4, false)]).auc).toBe(0.25);
    expect(auc([s(1, true), s(4, true), s(2, false), s(3, false)]).auc).toBe(0.5);
  });
  it('matches the pairwise definition on a mixed sample', () => {
    const data = [s(3, true), s(7, true), s(7, false), s(1, false), s(5, true), s(2, false), s(9, true), s(null, false)];
    const known = data.filter((d) => d.value !== null) as { value: number; retained: boolean }[];
    let wins = 0;
    let pairs = 0;
    for (const r of known.filter((d) => d.retained)) for (const l of known.filter((d) => !d.retained)) {
      pairs++;
      wins += r.value > l.value ? 1 : r.value === l.value ? 0.5 : 0;
    }
    expect(auc(data).auc).toBeCloseTo(wins / pairs, 3);
    expect(auc(data)).toMatchObject({ n: 7, retained: 4, lost: 3 });
  });
  it('warns when there are too few outcomes and has no value without both classes', () => {
    expect(auc([s(1, true), s(0, false)]).warning).toMatch(/Only 1/);
    expect(auc([s(1, true), s(2, true)])).toMatchObject({ auc: null, warning: expect.stringMatching(/at least one/) });
    const many = Array.from({ length: 24 }, (_, i) => s(i, i % 2 === 0));
    expect(auc(many).warning).toBeNull();
  });

  it('gives a 95% interval (Hanley–McNeil) and flags a figure that cannot be told from chance', () => {
    // About 985 outcomes, half of each: the noise band is about ±0.036 around 0.5.
    const ci = aucInterval(0.5, 492, 493);
    expect(ci.high - 0.5).toBeCloseTo(0.036, 2);
    expect(0.5 - ci.low).toBeCloseTo(0.036, 2);
    // 0.51 and 0.49 at that n are both chance; 0.6 is not.
    const at = (target: number) => {
      const r = 492;
      const l = 493;
      // retained values: i; lost values shifted so that the AUC is near target.
      const data = [...Array.from({ length: r }, (_, i) => s(i, true)), ...Array.from({ length: l }, (_, i) => s(i + (0.5 - target) * 2 * r, false))];
      return auc(data);
    };
    expect(at(0.51)).toMatchObject({ chance: true });
    expect(at(0.49)).toMatchObject({ chance: true });
    const strong = at(0.6);
    expect(strong.auc).toBeGreaterThan(0.58);
    expect(strong.chance).toBe(false);
    expect(strong.aucLow).toBeGreaterThan(0.5);
    expect(auc([s(1, true), s(2, true)])).toMatchObject({ auc: null, aucLow: null, aucHigh: null, chance: true });
  });
  it('interval: holds the AUC, stays in 0–1, narrows as outcomes grow', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (a, r, l) => {
      const ci = aucInterval(a, r, l);
      const wider = aucInterval(a, Math.max(1, Math.floor(r / 2)), Math.max(1, Math.floor(l / 2)));
      return ci.low >= 0 && ci.high <= 1 && ci.low <= a + 1e-12 && ci.high >= a - 1e-12 && ci.high - ci.low <= wider.high - wider.low + 1e-12;
    }));
  });
});

import { describe, expect, it } from 'vitest';
import { auc } from './impact.js';

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
});

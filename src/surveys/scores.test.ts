import { describe, expect, it } from 'vitest';
import { byMonth, ces, csat, detractorShare, distribution, headline, nps, responseRate, scaleOf, scoreProblem } from './scores.js';

describe('NPS', () => {
  it('counts promoters 9–10, passives 7–8, detractors 0–6 and scores %P − %D', () => {
    // 4 promoters, 3 passives, 3 detractors of 10: 40 − 30 = 10
    expect(nps([10, 9, 9, 10, 8, 7, 7, 6, 0, 3])).toEqual({ score: 10, promoters: 4, passives: 3, detractors: 3, n: 10 });
  });
  it('the boundaries: 6 is a detractor, 7 a passive, 9 a promoter', () => {
    expect(nps([6])).toMatchObject({ score: -100, detractors: 1 });
    expect(nps([7])).toMatchObject({ score: 0, passives: 1 });
    expect(nps([8])).toMatchObject({ score: 0, passives: 1 });
    expect(nps([9])).toMatchObject({ score: 100, promoters: 1 });
  });
  it('is null with no answers, not zero', () => {
    expect(nps([])).toEqual({ score: null, promoters: 0, passives: 0, detractors: 0, n: 0 });
  });
  it('rounds to one decimal once: 1 promoter of 3 is 33.3', () => {
    expect(nps([10, 7, 8]).score).toBe(33.3);
    expect(nps([10, 10, 0]).score).toBe(33.3);
  });
});

describe('CSAT and CES', () => {
  it('CSAT is the % of 4–5 answers, with the mean', () => {
    expect(csat([5, 4, 3, 2])).toEqual({ score: 50, mean: 3.5, n: 4 });
    expect(csat([])).toEqual({ score: null, mean: null, n: 0 });
  });
  it('CES is the mean', () => {
    expect(ces([7, 6, 2])).toEqual({ mean: 5, n: 3 });
    expect(ces([])).toEqual({ mean: null, n: 0 });
  });
  it('headline per kind', () => {
    expect(headline('nps', [10, 0])).toBe(0);
    expect(headline('csat', [5, 1])).toBe(50);
    expect(headline('ces', [4, 5])).toBe(4.5);
  });
});

describe('ranges per kind', () => {
  it('NPS 0–10, CSAT 1–5, CES 1–7; whole numbers only', () => {
    expect(scaleOf('nps')).toHaveLength(11);
    expect(scaleOf('csat')).toEqual([1, 2, 3, 4, 5]);
    expect(scaleOf('ces')).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(scoreProblem('nps', 0)).toBeNull();
    expect(scoreProblem('nps', 11)).toMatch(/0 to 10/);
    expect(scoreProblem('csat', 0)).toMatch(/1 to 5/);
    expect(scoreProblem('csat', 6)).toMatch(/1 to 5/);
    expect(scoreProblem('ces', 7)).toBeNull();
    expect(scoreProblem('ces', 8)).toMatch(/1 to 7/);
    expect(scoreProblem('nps', 7.5)).not.toBeNull();
    expect(scoreProblem('nps', '7')).not.toBeNull();
  });
});

describe('distribution, response rate, detractor share, by month', () => {
  it('distribution lists every point of the scale, zeros included', () => {
    expect(distribution('csat', [5, 5, 1])).toEqual([
      { score: 1, count: 1 }, { score: 2, count: 0 }, { score: 3, count: 0 }, { score: 4, count: 0 }, { score: 5, count: 2 },
    ]);
  });
  it('response rate is answered over sent in %, null when nothing was sent', () => {
    expect(responseRate(8, 3)).toBe(37.5);
    expect(responseRate(0, 0)).toBeNull();
  });
  it('detractor share per kind', () => {
    expect(detractorShare('nps', [6, 7, 9, 0])).toBe(50);
    expect(detractorShare('csat', [2, 3])).toBe(50);
    expect(detractorShare('ces', [3, 4, 5, 6])).toBe(25);
    expect(detractorShare('nps', [])).toBeNull();
  });
  it('by month: the headline per UTC month, oldest first, months without answers left out', () => {
    const at = (s: string) => new Date(s);
    expect(byMonth('nps', [
      { score: 10, at: at('2026-03-31T23:59:59Z') }, { score: 0, at: at('2026-01-02T00:00:00Z') }, { score: 9, at: at('2026-01-20T00:00:00Z') },
    ])).toEqual([{ month: '2026-01', score: 0, n: 2 }, { month: '2026-03', score: 100, n: 1 }]);
  });
});

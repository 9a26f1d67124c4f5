import { describe, expect, it } from 'vitest';
import { periodsIn } from '../renewals/periods.js';
import { cohorts, grr, movement, nrr, periodStatus, retentionByPeriod, type AccountSteps } from './retention.js';

const acct = (id: string, ...steps: [string, number][]): AccountSteps => ({ id, steps: steps.map(([validFrom, arr]) => ({ validFrom, arr })) });

describe('GRR, NRR and logo retention from ARR history', () => {
  it('follow the standard formulas', () => {
    expect(grr(1000, 100, 50)).toBe(0.85);
    expect(nrr(1000, 100, 50, 200)).toBe(1.05);
    expect(grr(0, 0, 0)).toBeNull();
    expect(nrr(0, 0, 0, 500)).toBeNull();
  });

  it('classifies one account\'s movement', () => {
    expect(movement(0, 500)).toMatchObject({ new: 500, churned: 0, retained: false });
    expect(movement(500, 0)).toMatchObject({ churned: 500, new: 0, retained: false });
    expect(movement(500, 300)).toMatchObject({ contraction: 200, expansion: 0, retained: true });
    expect(movement(500, 800)).toMatchObject({ expansion: 300, contraction: 0, retained: true });
  });

  it('computes a quarter by hand: churn, downgrade, expansion, unchanged, new, and a move on the first day', () => {
    const book = [
      acct('a', ['2024-01-01', 1000], ['2027-02-10', 0]), // churns: 1000
      acct('b', ['2024-01-01', 800], ['2027-03-01', 600]), // contraction 200
      acct('c', ['2024-01-01', 1200], ['2027-01-01', 1500]), // expands on the first day of the quarter: start 1200, +300
      acct('d', ['2024-01-01', 400]), // unchanged
      acct('e', ['2027-02-01', 900]), // new
      acct('f', ['2027-04-01', 700]), // starts after the quarter: nothing
      acct('g', ['2024-01-01', 500], ['2026-12-01', 0]), // lost before it: nothing
    ];
    const [q1] = retentionByPeriod(book, periodsIn('2027-01-01', '2027-04-01', 'quarter'), '2027-06-30');
    // start 1000 + 800 + 1200 + 400 = 3400; end 0 + 600 + 1500 + 400 + 900 = 3400
    expect(q1).toEqual({
      period: '2027-Q1', start: '2027-01-01', end: '2027-04-01', status: 'complete',
      startArr: 3400, endArr: 3400, newArr: 900, expansion: 300, contraction: 200, churned: 1000,
      grr: 0.6471, // (3400 − 1000 − 200) / 3400
      nrr: 0.7353, // (2200 + 300) / 3400
      logoRetention: 0.75, // b, c, d of a, b, c, d
      n: 4,
    });
  });

  it('counts an account once per period by where it ended: expanded then churned is a churn of its starting ARR', () => {
    const [m] = retentionByPeriod([acct('x', ['2026-01-01', 1000], ['2027-01-10', 1500], ['2027-03-01', 0])], periodsIn('2027-01-01', '2027-04-01', 'quarter'), '2028-01-01');
    expect(m).toMatchObject({ startArr: 1000, churned: 1000, expansion: 0, endArr: 0, grr: 0, nrr: 0, logoRetention: 0 });
  });

  it('counts a customer who came back as new ARR', () => {
    const [m] = retentionByPeriod([acct('x', ['2026-01-01', 1000], ['2026-06-01', 0], ['2027-02-01', 800])], periodsIn('2027-01-01', '2027-04-01', 'quarter'), '2028-01-01');
    expect(m).toMatchObject({ startArr: 0, newArr: 800, n: 0, grr: null, nrr: null, logoRetention: null });
  });

  it('gives the current period the figures so far and future ones none', () => {
    const book = [acct('b', ['2026-01-01', 800], ['2027-02-01', 600], ['2027-05-20', 100])];
    const [q1, q2, q3] = retentionByPeriod(book, periodsIn('2027-01-01', '2027-10-01', 'quarter'), '2027-05-15');
    expect(q1).toMatchObject({ status: 'complete', startArr: 800, contraction: 200, grr: 0.75, n: 1 });
    expect(q2).toMatchObject({ status: 'partial', startArr: 600, endArr: 600, grr: 1, nrr: 1, n: 1 }); // the drop on 05-20 has not happened yet
    expect(q3).toMatchObject({ status: 'future', startArr: 0, grr: null, nrr: null, logoRetention: null, n: 0 });
    expect(periodStatus({ start: '2027-01-01', end: '2027-04-01' }, '2027-04-01')).toBe('complete');
  });
});

describe('cohorts', () => {
  it('follow the accounts of each first-ARR month, by hand', () => {
    const book = [
      acct('a', ['2027-01-05', 100], ['2027-02-10', 150]), // January, expands in February
      acct('b', ['2027-01-20', 300], ['2027-03-01', 0]), // January, churns in March
      acct('c', ['2027-02-01', 0], ['2027-02-14', 200]), // February (first ARR > 0 on the 14th)
      acct('z', ['2026-06-01', 50]), // before the range
    ];
    const out = cohorts(book, 'month', { from: '2027-01-01', to: '2027-04-01' }, '2027-03-10');
    expect(out).toEqual([
      {
        cohort: '2027-01', accounts: 2, startArr: 400, points: [
          { offset: 0, period: '2027-01', logos: 2, arr: 400, logoRetention: 1, revenueRetention: 1 },
          { offset: 1, period: '2027-02', logos: 2, arr: 450, logoRetention: 1, revenueRetention: 1.125 },
          { offset: 2, period: '2027-03', logos: 1, arr: 150, logoRetention: 0.5, revenueRetention: 0.375 },
        ],
      },
      {
        cohort: '2027-02', accounts: 1, startArr: 200, points: [
          { offset: 0, period: '2027-02', logos: 1, arr: 200, logoRetention: 1, revenueRetention: 1 },
          { offset: 1, period: '2027-03', logos: 1, arr: 200, logoRetention: 1, revenueRetention: 1 },
        ],
      },
    ]);
  });
});

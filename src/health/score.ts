// Health scoring as pure functions: a driver's value -> its score, the scores of a stage's
// drivers -> health, and the explanation whose points lost add up exactly to 100 - score.
// No I/O here; see README.md in this folder for the model.

export const BANDS = ['good', 'watch', 'poor'] as const;
export type Band = (typeof BANDS)[number];
export type Direction = 'higher_is_better' | 'lower_is_better';
export type Threshold = { value: number; score: number };

/**
 * How a value becomes a 0–100 score. `bands`: the raw value against thresholds. `trend`: the
 * percent change of the value against the previous window, against thresholds.
 */
export type Scoring = { type: 'bands' | 'trend'; direction: Direction; thresholds: Threshold[] };

/** Band of a score: good from 70, watch from 40, poor below. */
export function bandOf(score: number): Band {
  if (score >= 70) return 'good';
  if (score >= 40) return 'watch';
  return 'poor';
}

/**
 * Score of a value: higher_is_better takes the score of the highest threshold the value reaches,
 * lower_is_better the score of the lowest threshold the value stays under; a value past every
 * threshold scores 0. Null (no data) stays null: no data is not a zero.
 */
export function scoreValue(value: number | null, scoring: Scoring): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  // The highest threshold the value reaches (lower is better: the lowest it stays within); of equal
  // thresholds the first listed. One pass without sorting: this runs per account and driver.
  const higher = scoring.direction === 'higher_is_better';
  let hit: (typeof scoring.thresholds)[number] | undefined;
  for (const t of scoring.thresholds) {
    if (higher ? value >= t.value && (!hit || t.value > hit.value) : value <= t.value && (!hit || t.value < hit.value)) hit = t;
  }
  return hit ? hit.score : 0;
}

/**
 * Percent change of `current` against `previous`. Null when there is nothing to compare:
 * no previous window, or nothing in either window.
 */
export function percentChange(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null) return null;
  if (previous === 0) return current === 0 ? null : 100;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

/** The value a driver is scored on: the raw value for bands, its percent change for a trend. */
export function scoredValue(scoring: Scoring, value: number | null, previous: number | null): number | null {
  return scoring.type === 'trend' ? percentChange(value, previous) : value;
}

export type DriverInput = { id: string; key: string; name: string; weight: number; value: number | null; score: number | null };
export type DriverExplanation = {
  id: string; key: string; name: string; value: number | null; score: number | null;
  /** Share of the health this driver carries, in percent (drivers without data carry none). */
  weight: number;
  /** Points of health this driver cost: weight × (100 − score) / 100, rounded so all add up. */
  pointsLost: number;
  noData: boolean;
};
export type Health =
  | { state: 'scored'; score: number; band: Band; drivers: DriverExplanation[] }
  | { state: 'no_data'; score: null; band: null; drivers: DriverExplanation[]; reason: 'no_drivers' | 'no_values' };

/**
 * Health from the drivers of a stage. Weights are relative; the drivers that have a value share
 * 100 points in proportion to their weights. Each loses weight × (100 − score) / 100 points; the
 * losses are rounded with the largest-remainder method so that they add up exactly to 100 − score.
 */
export function computeHealth(inputs: DriverInput[]): Health {
  const counted = inputs.filter((d) => d.weight > 0);
  const scored = counted.filter((d) => d.score !== null);
  const totalWeight = scored.reduce((a, d) => a + d.weight, 0);
  const blank = (d: DriverInput): DriverExplanation => ({ id: d.id, key: d.key, name: d.name, value: d.value, score: d.score, weight: 0, pointsLost: 0, noData: d.score === null });
  if (counted.length === 0) return { state: 'no_data', score: null, band: null, drivers: [], reason: 'no_drivers' };
  if (scored.length === 0 || totalWeight <= 0) return { state: 'no_data', score: null, band: null, drivers: counted.map(blank), reason: 'no_values' };

  const exact = scored.map((d) => {
    const share = (d.weight / totalWeight) * 100;
    return { d, share, lost: (share * (100 - clamp(d.score ?? 0))) / 100 };
  });
  const totalLost = exact.reduce((a, e) => a + e.lost, 0);
  const score = clamp(Math.round(100 - totalLost));
  const lost = largestRemainder(exact.map((e) => e.lost), 100 - score);
  const byId = new Map(exact.map((e, i) => [e.d.id, { share: e.share, lost: lost[i] ?? 0 }]));
  const drivers = counted.map((d) => {
    const s = byId.get(d.id);
    return s ? { ...blank(d), weight: round1(s.share), pointsLost: s.lost } : blank(d);
  });
  return { state: 'scored', score, band: bandOf(score), drivers };
}

const clamp = (n: number) => Math.min(100, Math.max(0, n));
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Integers that add up to `total`, each the floor or ceiling of its share (Hamilton's method). */
export function largestRemainder(shares: number[], total: number): number[] {
  const floors = shares.map((s) => Math.floor(s));
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => ({ i, r: s - Math.floor(s) })).sort((a, b) => b.r - a.r || a.i - b.i);
  const out = [...floors];
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) {
    const idx = order[k]?.i ?? 0;
    out[idx] = (out[idx] ?? 0) + 1;
  }
  for (let k = order.length - 1; left < 0 && order.length > 0; k = (k - 1 + order.length) % order.length, left++) {
    const idx = order[k]?.i ?? 0;
    out[idx] = (out[idx] ?? 0) - 1;
  }
  return out;
}

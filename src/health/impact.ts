// Driver impact: how well a driver's value before an outcome separated the accounts that
// stayed from the ones that left. AUC (the Mann–Whitney statistic): the chance that a randomly
// picked retained account had a better value than a randomly picked lost one; ties count half.
// 0.5 is noise, 1 a perfect separation, below 0.5 the driver points the wrong way.

export const MIN_PER_CLASS = 10;

export type Sample = { value: number | null; retained: boolean };
/**
 * `aucLow`–`aucHigh`: the 95% interval of the AUC (Hanley & McNeil 1982: its standard error from
 * the AUC and the two class sizes); `chance`: the interval holds 0.5, so the figure cannot be told
 * from noise (also when there is no figure), and the driver is no evidence either way.
 */
export type Impact = {
  auc: number | null; aucLow: number | null; aucHigh: number | null; chance: boolean;
  n: number; retained: number; lost: number; warning: string | null;
};

/** The 95% interval of an AUC from r retained and l lost (Hanley–McNeil standard error), clamped to 0–1. */
export function aucInterval(a: number, r: number, l: number): { low: number; high: number } {
  const q1 = a / (2 - a);
  const q2 = (2 * a * a) / (1 + a);
  const variance = (a * (1 - a) + (r - 1) * (q1 - a * a) + (l - 1) * (q2 - a * a)) / (r * l);
  const se = Math.sqrt(Math.max(0, variance));
  return { low: Math.max(0, a - 1.96 * se), high: Math.min(1, a + 1.96 * se) };
}

export function auc(samples: Sample[], higherIsBetter = true): Impact {
  const known = samples.filter((s): s is { value: number; retained: boolean } => s.value !== null && Number.isFinite(s.value));
  const sign = higherIsBetter ? 1 : -1;
  // Rank all values (average ranks for ties); AUC = (rank sum of retained − r(r+1)/2) / (r·l).
  const sorted = known.map((s) => ({ v: sign * s.value, retained: s.retained })).sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]?.v === sorted[i]?.v) j++;
    const avgRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (sorted[k]?.retained) rankSum += avgRank;
    i = j + 1;
  }
  const retained = known.filter((s) => s.retained).length;
  const lost = known.length - retained;
  const value = retained > 0 && lost > 0 ? (rankSum - (retained * (retained + 1)) / 2) / (retained * lost) : null;
  let warning: string | null = null;
  if (value === null) warning = 'Needs at least one retained and one lost account with a value.';
  else if (Math.min(retained, lost) < MIN_PER_CLASS) {
    warning = `Only ${Math.min(retained, lost)} ${retained < lost ? 'retained' : 'lost'} account(s) behind this figure: treat it as a hint, not evidence.`;
  }
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const ci = value === null ? null : aucInterval(value, retained, lost);
  return {
    auc: value === null ? null : r3(value), aucLow: ci ? r3(ci.low) : null, aucHigh: ci ? r3(ci.high) : null,
    chance: ci === null || (ci.low <= 0.5 && ci.high >= 0.5), n: known.length, retained, lost, warning,
  };
}

/** Retained: renewed, expanded, or still a customer as of that day (`retained`, issue 13). */
export const isRetained = (kind: string) => kind === 'renewed' || kind === 'expanded' || kind === 'retained';

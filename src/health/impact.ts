// Driver impact: how well a driver's value before an outcome separated the accounts that
// stayed from the ones that left. AUC (the Mann–Whitney statistic): the chance that a randomly
// picked retained account had a better value than a randomly picked lost one; ties count half.
// 0.5 is noise, 1 a perfect separation, below 0.5 the driver points the wrong way.

export const MIN_PER_CLASS = 10;

export type Sample = { value: number | null; retained: boolean };
export type Impact = { auc: number | null; n: number; retained: number; lost: number; warning: string | null };

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
  return { auc: value === null ? null : Math.round(value * 1000) / 1000, n: known.length, retained, lost, warning };
}

export const isRetained = (kind: string) => kind === 'renewed' || kind === 'expanded';

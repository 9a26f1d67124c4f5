// Compound risk (issue 12, seed 002): several independent small signals together rise steeply; a
// single weak one stays low; signals of one family are not independent facts. Pure functions.
//
// - Within a family: the strongest signal plus a share α of the rest,
//     P_f = 1 − (1 − p_max) · Π_rest (1 − α · p_i),   α = 0.25,
//   so three usage signals of 0.3 give ≈ 0.40, not 0.66.
// - Across families, noisy-OR: P = 1 − Π_f (1 − P_f); three families at 0.3 give ≈ 0.66.
// - score = round(100 · P); level low < 25 ≤ medium < 50 ≤ high < 75 ≤ critical.
// - Contributions: −ln(1 − P) = Σ_f −ln(1 − P_f) is additive, so each signal's share of it is its part
//   of the story. A family's −ln(1 − P_f) is split over its signals in proportion to each one's own
//   −ln(1 − w · p) (w = 1 for the strongest, α for the rest). The shares are turned into points that
//   add up to the score exactly (largest remainder).
import type { SignalFamily } from './signals/types.js';

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];
export const DEFAULT_WITHIN_FAMILY_SHARE = 0.25;

export type ModelSignal = { id: string; kind: string; family: SignalFamily; strength: number /* calibrated or default */; effective: number /* after decay */ };
export type Contribution = ModelSignal & { contribution: number /* points of score; the list sums to score */ };
export type CompoundRisk = {
  probability: number;
  score: number;
  level: RiskLevel;
  contributions: Contribution[];
  families: { family: SignalFamily; probability: number }[];
};

/** A probability kept inside [0, 1]; NaN counts as 0 (no evidence is no risk). */
const clamp01 = (p: number) => (Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : p === Infinity ? 1 : 0);
/** −ln(1 − p), finite even at p = 1 (a certain loss is a very large, not an infinite, share). */
const hazard = (p: number) => -Math.log(Math.max(1e-12, 1 - clamp01(p)));

export function levelOf(score: number): RiskLevel {
  if (score < 25) return 'low';
  if (score < 50) return 'medium';
  if (score < 75) return 'high';
  return 'critical';
}

const DAY_MS = 86_400_000;

/**
 * A signal's strength at `at`: full while its fact holds, then halving every `halfLifeDays` after it
 * ended (decayFrom 'end'), or halving from its start for one-off facts (decayFrom 'start'). Nothing
 * before it started.
 */
export function effectiveStrength(
  s: { strength: number; startedAt: Date; endedAt: Date | null; decayFrom: 'end' | 'start'; halfLifeDays: number },
  at: Date,
): number {
  const t = at.getTime();
  const strength = clamp01(s.strength);
  if (!Number.isFinite(t) || t < s.startedAt.getTime()) return 0;
  const from = s.decayFrom === 'start' ? s.startedAt.getTime() : s.endedAt ? s.endedAt.getTime() : null;
  if (from === null || t <= from) return strength;
  const halfLife = Math.max(s.halfLifeDays, 1e-9);
  return strength * Math.pow(0.5, (t - from) / DAY_MS / halfLife);
}

/** Signals of one family, strongest first (ties by id, so the result does not depend on input order). */
const strongestFirst = (a: ModelSignal, b: ModelSignal) => b.effective - a.effective || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function compoundRisk(signals: ModelSignal[], opts: { withinFamilyShare?: number } = {}): CompoundRisk {
  const alpha = clamp01(opts.withinFamilyShare ?? DEFAULT_WITHIN_FAMILY_SHARE);
  const byFamily = new Map<SignalFamily, ModelSignal[]>();
  for (const s of signals) byFamily.set(s.family, [...(byFamily.get(s.family) ?? []), s]);
  const families: { family: SignalFamily; probability: number }[] = [];
  // Each signal's raw share of −ln(1 − P).
  const shares: { signal: ModelSignal; share: number }[] = [];
  let survive = 1;
  for (const [family, list] of byFamily) {
    const sorted = [...list].sort(strongestFirst);
    const own = sorted.map((s, i) => hazard((i === 0 ? 1 : alpha) * clamp01(s.effective)));
    const familyHazard = own.reduce((a, b) => a + b, 0);
    const pf = 1 - Math.exp(-familyHazard);
    families.push({ family, probability: pf });
    survive *= 1 - pf;
    sorted.forEach((s, i) => shares.push({ signal: s, share: own[i] ?? 0 }));
  }
  const probability = clamp01(1 - survive);
  const score = Math.round(100 * probability);
  const points = largestRemainder(shares.map((x) => x.share), score);
  const contributions = shares
    .map((x, i) => ({ ...x.signal, contribution: points[i] ?? 0, share: x.share }))
    .sort((a, b) => b.contribution - a.contribution || b.share - a.share || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(({ share: _share, ...c }) => c);
  families.sort((a, b) => b.probability - a.probability || (a.family < b.family ? -1 : 1));
  return { probability, score, level: levelOf(score), contributions, families };
}

/**
 * Whole points proportional to `weights` that add up to `total` exactly: floor each share, then give
 * the points left to the largest remainders (ties to the larger weight, then the earlier one).
 */
export function largestRemainder(weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0 || total <= 0 || !(sum > 0)) return weights.map(() => 0);
  const exact = weights.map((w) => (w / sum) * total);
  const out = exact.map((x) => Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rem: x - Math.floor(x), w: weights[i] ?? 0 })).sort((a, b) => b.rem - a.rem || b.w - a.w || a.i - b.i);
  for (const o of order) {
    if (left <= 0) break;
    out[o.i] = (out[o.i] ?? 0) + 1;
    left--;
  }
  return out;
}

/**
 * The rival a typical tool uses: a weighted average of signal indicators. Each defined kind is one
 * indicator weighted by its definition's default strength; its value is the effective strength (0..1,
 * after decay) of the account's strongest signal of that kind, or 0 when it has none. Score =
 * 100 · Σ w_k · x_k / Σ w_k over the definitions given (the enabled ones); kinds that are not defined
 * count for nothing. It is linear: three small problems weigh what their sum weighs, and a long list
 * of indicators dilutes every one of them.
 */
export function weightedAverageRisk(signals: ModelSignal[], definitions: { kind: string; strength: number }[]): number {
  const weights = new Map<string, number>();
  for (const d of definitions) weights.set(d.kind, Math.max(0, Number.isFinite(d.strength) ? d.strength : 0));
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  if (!(total > 0)) return 0;
  const best = new Map<string, number>();
  for (const s of signals) if (weights.has(s.kind)) best.set(s.kind, Math.max(best.get(s.kind) ?? 0, clamp01(s.effective)));
  let sum = 0;
  for (const [kind, x] of best) sum += (weights.get(kind) ?? 0) * x;
  return (100 * sum) / total;
}

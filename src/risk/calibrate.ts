// Calibration (issue 12): each signal kind's probability measured on the book's own outcomes.
// Per kind, among the recorded outcomes whose account had that signal within the lead window before
// the outcome, the share that were losses, smoothed by a Beta prior centred on the default strength:
//   p = (losses_with + a) / (accounts_with + a + b),  a = w · default, b = w · (1 − default), w = 10.
// Below a floor (too few outcomes in the book, or too few accounts with the kind) the default stands.
// The number of outcomes behind every figure is always reported. Pure.
//
// Prior shift (Saerens, Latinne & Decaestecker 2002): the recorded outcomes over-represent losses (a
// churn is always recorded, a quiet renewal often is not), so a share measured among them is inflated.
// With π_s = losses / recorded outcomes and π_b = the book's loss rate (store.ts baseRates), every
// calibrated p is moved to the book's prior: logit(p') = logit(p) − logit(π_s) + logit(π_b), clamped to
// (0.001, 0.999). Identity when π_s = π_b; skipped when either rate is unknown or 0 or 1.

export const PRIOR_WEIGHT = 10;
/** The book needs this many recorded outcomes before any kind is calibrated. */
export const MIN_OUTCOMES = 30;
/** And a kind needs this many outcomes whose account had it. */
export const MIN_ACCOUNTS_WITH = 5;
/** Strengths stay inside the open interval the tables accept (numeric(4,3), 0 < s < 1). */
const LOW = 0.001;
const HIGH = 0.999;

export type KindCounts = { kind: string; defaultStrength: number; accountsWith: number; lossesWith: number };
export type KindCalibration = { kind: string; default: number; calibrated: number | null; accountsWith: number; lossesWith: number };
/** π_s (losses among recorded outcomes) and π_b (the book's loss rate); null when unknown. */
export type BaseRate = { outcomes: number | null; book: number | null };
export type Calibration = { outcomes: number; minOutcomes: number; minAccountsWith: number; baseRate: BaseRate; kinds: KindCalibration[] };

const logit = (p: number) => Math.log(p / (1 - p));
const usable = (r: number | null): r is number => r !== null && Number.isFinite(r) && r > 0 && r < 1;

/** Moves p from the sample's loss prior π_s to the book's π_b; p unchanged when either prior is unusable. */
export function priorShift(p: number, sample: number | null, book: number | null): number {
  if (!usable(sample) || !usable(book)) return p;
  const q = Math.min(HIGH, Math.max(LOW, p));
  const shifted = 1 / (1 + Math.exp(-(logit(q) - logit(sample) + logit(book))));
  return Math.min(HIGH, Math.max(LOW, shifted));
}

export function calibrate(
  outcomes: number,
  counts: KindCounts[],
  opts: { priorWeight?: number; minOutcomes?: number; minAccountsWith?: number; baseRate?: BaseRate } = {},
): Calibration {
  const baseRate = opts.baseRate ?? { outcomes: null, book: null };
  const w = opts.priorWeight ?? PRIOR_WEIGHT;
  const minOutcomes = opts.minOutcomes ?? MIN_OUTCOMES;
  const minAccountsWith = opts.minAccountsWith ?? MIN_ACCOUNTS_WITH;
  const kinds = counts.map((c): KindCalibration => {
    const accountsWith = Math.max(0, Math.floor(c.accountsWith));
    const lossesWith = Math.min(accountsWith, Math.max(0, Math.floor(c.lossesWith)));
    const enough = outcomes >= minOutcomes && accountsWith >= minAccountsWith;
    const a = w * c.defaultStrength;
    const b = w * (1 - c.defaultStrength);
    const p = priorShift((lossesWith + a) / (accountsWith + a + b), baseRate.outcomes, baseRate.book);
    return {
      kind: c.kind,
      default: c.defaultStrength,
      calibrated: enough && Number.isFinite(p) ? Math.round(Math.min(HIGH, Math.max(LOW, p)) * 1000) / 1000 : null,
      accountsWith,
      lossesWith,
    };
  });
  return { outcomes, minOutcomes, minAccountsWith, baseRate, kinds };
}

/** The strength the model uses for a kind: its calibration when there is one, else the default. */
export function strengthFor(kind: string, fallback: number, calibrated: Map<string, number>): { strength: number; calibrated: boolean } {
  const c = calibrated.get(kind);
  return c === undefined ? { strength: fallback, calibrated: false } : { strength: c, calibrated: true };
}

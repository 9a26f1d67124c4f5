/**
 * The arithmetic of survey answers: pure, no I/O. Every figure over no answers is null (no data is
 * not zero). Percentages are 0–100 with one decimal.
 *
 * - NPS (0–10): promoters 9–10, passives 7–8, detractors 0–6; score = % promoters − % detractors.
 * - CSAT (1–5): score = % of answers 4 or 5 ("satisfied"), with the mean beside it.
 * - CES (1–7, 7 = very easy): the mean.
 */

export const SURVEY_KINDS = ['nps', 'csat', 'ces'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

export const SCORE_RANGES: Record<SurveyKind, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

/** The scale of a kind, lowest first. */
export const scaleOf = (kind: SurveyKind): number[] => {
  const { min, max } = SCORE_RANGES[kind];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
};

/** Why a score does not fit the kind's scale, or null when it does. */
export function scoreProblem(kind: SurveyKind, score: unknown): string | null {
  const { min, max } = SCORE_RANGES[kind];
  if (typeof score !== 'number' || !Number.isInteger(score) || score < min || score > max) return `must be a whole number from ${min} to ${max}`;
  return null;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (part: number, whole: number) => round1((100 * part) / whole);

export type NpsBucket = 'promoter' | 'passive' | 'detractor';
export const npsBucket = (score: number): NpsBucket => (score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor');

export type Nps = { score: number | null; promoters: number; passives: number; detractors: number; n: number };
export function nps(scores: readonly number[]): Nps {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const s of scores) {
    const b = npsBucket(s);
    if (b === 'promoter') promoters += 1;
    else if (b === 'passive') passives += 1;
    else detractors += 1;
  }
  const n = scores.length;
  // Computed from the counts, so the score is exactly %P − %D (rounded once).
  return { score: n === 0 ? null : round1((100 * (promoters - detractors)) / n), promoters, passives, detractors, n };
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100);

export type Csat = { score: number | null; mean: number | null; n: number };
export function csat(scores: readonly number[]): Csat {
  const n = scores.length;
  return { score: n === 0 ? null : pct(scores.filter((s) => s >= 4).length, n), mean: mean(scores), n };
}

export type Ces = { mean: number | null; n: number };
export const ces = (scores: readonly number[]): Ces => ({ mean: mean(scores), n: scores.length });

/** The kind's headline figure: NPS score, CSAT % satisfied, CES mean. */
export function headline(kind: SurveyKind, scores: readonly number[]): number | null {
  if (kind === 'nps') return nps(scores).score;
  if (kind === 'csat') return csat(scores).score;
  return ces(scores).mean;
}

/** Unhappy answers: NPS detractors (0–6), CSAT 1–2, CES 1–3. */
export const isDetractor = (kind: SurveyKind, score: number): boolean =>
  kind === 'nps' ? score <= 6 : kind === 'csat' ? score <= 2 : score <= 3;

/** Share of unhappy answers in %, null without answers. */
export function detractorShare(kind: SurveyKind, scores: readonly number[]): number | null {
  return scores.length === 0 ? null : pct(scores.filter((s) => isDetractor(kind, s)).length, scores.length);
}

/** Every point of the kind's scale with its count (zeros included), lowest first. */
export function distribution(kind: SurveyKind, scores: readonly number[]): { score: number; count: number }[] {
  const counts = new Map(scaleOf(kind).map((s) => [s, 0]));
  for (const s of scores) if (counts.has(s)) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([score, count]) => ({ score, count }));
}

/** Answered recipients over sent ones, in %; null when nothing was sent. */
export const responseRate = (sent: number, answered: number): number | null => (sent === 0 ? null : pct(Math.min(answered, sent), sent));

/** The headline per calendar month (UTC) of the answers, oldest first; months without answers are left out. */
export function byMonth(kind: SurveyKind, answers: readonly { score: number; at: Date }[]): { month: string; score: number | null; n: number }[] {
  const months = new Map<string, number[]>();
  for (const a of answers) {
    const m = a.at.toISOString().slice(0, 7);
    const list = months.get(m) ?? [];
    list.push(a.score);
    months.set(m, list);
  }
  return [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, scores]) => ({ month, score: headline(kind, scores), n: scores.length }));
}

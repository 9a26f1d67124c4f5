import type { TalkLabel } from '../types.js';
import { TALK_LABELS } from '../types.js';

/** Pure evaluation arithmetic: confusion matrix, per-class precision/recall/F1, macro-F1, bootstrap interval. */

export type Pair = { gold: TalkLabel; predicted: TalkLabel };
export type ClassFigures = { label: TalkLabel; precision: number; recall: number; f1: number; n: number; predicted: number };
/** confusion[gold][predicted] = count. */
export type Confusion = Record<TalkLabel, Record<TalkLabel, number>>;
export type Figures = { n: number; accuracy: number; macroF1: number; classes: ClassFigures[]; confusion: Confusion };

function emptyConfusion(): Confusion {
  const row = () => ({ change: 0, sustain: 0, neutral: 0 });
  return { change: row(), sustain: row(), neutral: row() };
}

/** Precision or recall with nothing to divide by counts as 0 (so a class never predicted pulls macro-F1 down). */
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function figures(pairs: Pair[]): Figures {
  const confusion = emptyConfusion();
  for (const p of pairs) confusion[p.gold][p.predicted] += 1;
  const classes = TALK_LABELS.map((label): ClassFigures => {
    const tp = confusion[label][label];
    const n = TALK_LABELS.reduce((s, l) => s + confusion[label][l], 0);
    const predicted = TALK_LABELS.reduce((s, l) => s + confusion[l][label], 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, n);
    return { label, precision, recall, f1: ratio(2 * precision * recall, precision + recall), n, predicted };
  });
  const correct = TALK_LABELS.reduce((s, l) => s + confusion[l][l], 0);
  return {
    n: pairs.length,
    accuracy: ratio(correct, pairs.length),
    macroF1: classes.reduce((s, c) => s + c.f1, 0) / classes.length,
    classes,
    confusion,
  };
}

/** A small seeded generator (mulberry32), so the interval is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Percentile bootstrap interval of macro-F1: resample the pairs with replacement `rounds` times. */
export function bootstrapMacroF1(pairs: Pair[], opts: { rounds?: number; seed?: number; level?: number } = {}): { low: number; high: number } {
  const rounds = opts.rounds ?? 2000;
  const level = opts.level ?? 0.95;
  if (pairs.length === 0) return { low: 0, high: 0 };
  const rand = seededRandom(opts.seed ?? 11);
  const scores: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const sample: Pair[] = [];
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[Math.floor(rand() * pairs.length)];
      if (p) sample.push(p);
    }
    scores.push(figures(sample).macroF1);
  }
  scores.sort((a, b) => a - b);
  const at = (q: number) => scores[Math.min(scores.length - 1, Math.max(0, Math.floor(q * scores.length)))] ?? 0;
  return { low: at((1 - level) / 2), high: at(1 - (1 - level) / 2) };
}

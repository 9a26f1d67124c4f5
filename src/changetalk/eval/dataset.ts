import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Classifier, TalkLabel } from '../types.js';
import { TALK_LABELS } from '../types.js';
import { bootstrapMacroF1, figures, type Figures, type Pair } from './metrics.js';

/** The labelled evaluation set (utterances.jsonl): one utterance a line; `split: "test"` lines are held out and never tuned on. */

export const utteranceSchema = z.object({
  text: z.string().min(1),
  label: z.enum(TALK_LABELS),
  note: z.string().optional(),
  split: z.enum(['tune', 'test']),
}).strict();
export type Utterance = z.infer<typeof utteranceSchema>;

export const UTTERANCES_PATH = fileURLToPath(new URL('./utterances.jsonl', import.meta.url));

export function parseUtterances(jsonl: string): Utterance[] {
  return jsonl.split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    const parsed = utteranceSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`utterances.jsonl line ${i + 1}: ${parsed.error.message}`);
    return parsed.data;
  });
}

export function loadUtterances(path = UTTERANCES_PATH): Utterance[] {
  return parseUtterances(fs.readFileSync(path, 'utf8'));
}

export type Miss = { text: string; gold: TalkLabel; predicted: TalkLabel; note?: string; phrases: string[] };
export type SplitReport = Figures & { misses: Miss[] };
export type Evaluation = {
  version: string;
  tune: SplitReport;
  test: SplitReport & { macroF1Interval: { low: number; high: number; level: number; rounds: number } };
};

function report(classifier: Classifier, items: Utterance[]): SplitReport {
  const pairs: Pair[] = [];
  const misses: Miss[] = [];
  for (const u of items) {
    const a = classifier.classify(u.text);
    pairs.push({ gold: u.label, predicted: a.label });
    if (a.label !== u.label) {
      misses.push({ text: u.text, gold: u.label, predicted: a.label, ...(u.note ? { note: u.note } : {}),
        phrases: a.spans.map((s) => `${s.phrase} (${s.polarity} ${s.category})`) });
    }
  }
  return { ...figures(pairs), misses };
}

/** The figures of a classifier on both splits, with a bootstrap 95% interval of the held-out macro-F1. */
export function evaluate(classifier: Classifier, items: Utterance[] = loadUtterances()): Evaluation {
  const tune = report(classifier, items.filter((u) => u.split === 'tune'));
  const testItems = items.filter((u) => u.split === 'test');
  const test = report(classifier, testItems);
  const rounds = 2000;
  const pairs = testItems.map((u) => ({ gold: u.label, predicted: classifier.classify(u.text).label }));
  return { version: classifier.version, tune, test: { ...test, macroF1Interval: { ...bootstrapMacroF1(pairs, { rounds }), level: 0.95, rounds } } };
}

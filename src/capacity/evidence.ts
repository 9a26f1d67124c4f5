import type { Queryable } from '../db/connect.js';
import { analyzeTexts } from '../changetalk/index.js';
import { readThresholds } from '../readiness/settings.js';
import { loweringReasons, type Reason, type SustainEvidence } from './ledger.js';
import { readRecentCheckIns, readRecentTexts } from './queries.js';

/** The readiness confidence threshold ("high" is at or above it): below it a check-in is low confidence. */
async function confidenceThreshold(q: Queryable): Promise<number> {
  return (await readThresholds(q)).confidence;
}

/**
 * Why the account's capacity is lowered as of `now`: a low-confidence check-in of the last 30 days,
 * and the sustain talk of the last 14 (check-in answers, activity notes, survey comments, read
 * through change talk's classifier with admins' phrases and people's corrections).
 */
export async function lowering(q: Queryable, accountId: string, now: Date): Promise<Reason[]> {
  // One query at a time: q may be a transaction's single connection.
  const checkIns = await readRecentCheckIns(q, accountId, now);
  const texts = await readRecentTexts(q, accountId, now);
  const threshold = await confidenceThreshold(q);
  const talk = texts.length ? await analyzeTexts(q, texts.map((t) => t.text)) : [];
  const sustain: SustainEvidence[] = [];
  texts.forEach((t, i) => {
    const shown = talk[i];
    if (shown?.label !== 'sustain') return;
    const phrases = shown.spans.filter((s) => s.polarity === 'sustain').map((s) => s.phrase);
    // A text a person labelled sustain talk may carry no sustain span: quote its start instead.
    sustain.push({ source: t.source, label: t.label, phrases: phrases.length ? phrases : [t.text.trim().slice(0, 80)], at: t.at });
  });
  return loweringReasons({ checkIns, sustain, confidenceThreshold: threshold, now });
}

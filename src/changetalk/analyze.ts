import { createHash } from 'node:crypto';
import type { Queryable } from '../db/connect.js';
import { LEXICON_VERSION, defaultClassifier, lexiconClassifier } from './classifier.js';
import { textHash } from './normalize.js';
import type { Classifier, LexiconEntry, ShownTalk, TalkCategory, TalkLabel, TalkPolarity } from './types.js';

type PhraseRow = { id: string; phrase: string; polarity: TalkPolarity; category: TalkCategory };

/**
 * Admins' phrases extend the lexicon. Compiling the lexicon is the costly part, so the compiled
 * classifier is cached per process, keyed by a digest of the phrase set: a change through the API
 * (or by another process) gives a new digest on the next call, and two databases in one process
 * (tests) never share a stale classifier.
 */
let cached: { digest: string; classifier: Classifier } | null = null;

export async function currentClassifier(q: Queryable): Promise<Classifier> {
  const { rows } = await q.query<PhraseRow>(
    'SELECT id, phrase, polarity, category FROM change_talk_phrases ORDER BY created_at, id');
  if (rows.length === 0) return defaultClassifier;
  const digest = createHash('sha256').update(JSON.stringify(rows.map((r) => [r.id, r.phrase, r.polarity, r.category]))).digest('hex');
  if (cached?.digest === digest) return cached.classifier;
  const extra: LexiconEntry[] = rows.map((r) => ({ phrase: r.phrase, polarity: r.polarity, category: r.category }));
  const classifier = lexiconClassifier({ extra, version: `${LEXICON_VERSION}+phrases.${digest.slice(0, 8)}` });
  cached = { digest, classifier };
  return classifier;
}

/** Forgets the compiled classifier (called when phrases change through the API). */
export function invalidatePhraseCache(): void {
  cached = null;
}

/** The newest correction's label per text hash, for the given hashes. */
export async function latestCorrections(q: Queryable, hashes: string[]): Promise<Map<string, TalkLabel>> {
  const out = new Map<string, TalkLabel>();
  if (hashes.length === 0) return out;
  const { rows } = await q.query<{ text_hash: string; label: TalkLabel }>(
    `SELECT DISTINCT ON (text_hash) text_hash, label FROM change_talk_corrections
      WHERE text_hash = ANY($1::text[]) ORDER BY text_hash, created_at DESC, id DESC`, [hashes]);
  for (const r of rows) out.set(r.text_hash, r.label);
  return out;
}

/** What the app shows for each text, in the same order: the classifier with admins' phrases, or the newest correction. */
export async function analyzeTexts(q: Queryable, texts: string[]): Promise<ShownTalk[]> {
  if (texts.length === 0) return [];
  const classifier = await currentClassifier(q);
  const hashes = texts.map((t) => (t.trim() === '' ? null : textHash(t)));
  const corrections = await latestCorrections(q, [...new Set(hashes.filter((h): h is string => h !== null))]);
  return texts.map((text, i) => {
    const analysis = classifier.classify(text);
    const hash = hashes[i];
    const corrected = hash ? corrections.get(hash) : undefined;
    return corrected
      ? { ...analysis, label: corrected, predicted: analysis.label, corrected: true }
      : { ...analysis, predicted: analysis.label, corrected: false };
  });
}

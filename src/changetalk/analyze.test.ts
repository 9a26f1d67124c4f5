import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.js';
import { createTestDatabase } from '../../test/support/db.js';
import { analyzeTexts, currentClassifier } from './analyze.js';
import { LEXICON_VERSION } from './classifier.js';
import { textHash } from './normalize.js';

/** analyzeTexts on a real database: order, blanks, corrections by normalised text, phrases, and a few thousand texts at once. */

let database: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ database, drop } = await createTestDatabase());
});
afterAll(() => drop());

const correct = (text: string, label: string, at: string) => database.query(
  `INSERT INTO change_talk_corrections (text, text_hash, label, predicted, classifier_version, created_at)
   VALUES ($1, $2, $3, 'neutral', 'test', $4::timestamptz)`, [text, textHash(text), label, at]);

describe('analyzeTexts', () => {
  it('answers in the same order, blanks as neutral, and the newest correction of the normalised text', async () => {
    await correct('Too busy right now.', 'change', '2026-01-01T00:00:00Z');
    await correct('  too   BUSY right now. ', 'neutral', '2026-02-01T00:00:00Z');
    const shown = await analyzeTexts(database, ['We need SSO.', '', '   ', 'TOO BUSY RIGHT NOW.', 'Too busy right now!']);
    expect(shown.map((s) => [s.label, s.predicted, s.corrected])).toEqual([
      ['change', 'change', false], ['neutral', 'neutral', false], ['neutral', 'neutral', false],
      ['neutral', 'sustain', true], ['sustain', 'sustain', false],
    ]);
    expect(shown[3]?.spans.map((s) => s.phrase)).toEqual(['TOO BUSY']);
    expect(await analyzeTexts(database, [])).toEqual([]);
  });

  it('compiles the phrase set once and recompiles when it changes', async () => {
    const first = await currentClassifier(database);
    expect(first.version).toBe(LEXICON_VERSION);
    await database.query("INSERT INTO change_talk_phrases (phrase, polarity, category) VALUES ('quokka plan', 'change', 'need')");
    const second = await currentClassifier(database);
    expect(second.version).toMatch(/^lexicon-3\+phrases\./);
    expect(await currentClassifier(database)).toBe(second);
    expect((await analyzeTexts(database, ['The quokka plan.']))[0]?.label).toBe('change');
    await database.query("DELETE FROM change_talk_phrases WHERE phrase = 'quokka plan'");
    expect((await analyzeTexts(database, ['The quokka plan.']))[0]?.label).toBe('neutral');
  });

  it('takes a few thousand texts in one call', async () => {
    const texts = Array.from({ length: 4000 }, (_, i) => (i % 3 === 0 ? `Call ${i}: we will roll it out.` : i % 3 === 1 ? `Note ${i}: too busy right now.` : ''));
    const t0 = performance.now();
    const shown = await analyzeTexts(database, texts);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(shown).toHaveLength(4000);
    expect(shown.slice(0, 3).map((s) => s.label)).toEqual(['change', 'sustain', 'neutral']);
  });
});

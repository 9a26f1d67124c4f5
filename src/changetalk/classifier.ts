import { BUILTIN_LEXICON } from './lexicon.js';
import type { Classifier, LexiconEntry, TalkAnalysis, TalkLabel, TalkPolarity, TalkSpan } from './types.js';

/**
 * The transparent change-talk classifier: a lexicon of phrases plus a few rules, all pure.
 *
 * 1. Phrases are found with one precompiled regular expression (longest phrase first at a place,
 *    case-insensitive, on word boundaries); matches never overlap.
 * 2. Negation: a negator ("not", "never", "no", any "n't" word) among the few words just before a
 *    phrase (same clause, after the previous phrase) or right after it ("we will not") flips change
 *    talk to sustain talk of the same category ("I don't really need to") and cancels sustain talk
 *    ("we're not too busy").
 * 3. Questions (a sentence ending in "?" or opening with "should we", "can we", "do you"…): change
 *    talk in them is not counted ("should we roll it out?" is not a commitment); sustain talk counts half.
 * 4. Contrast: what comes before "but"/"however" in its sentence (or in the previous sentence when
 *    the next one opens with "But") counts 0.3, so the clause after it dominates ("I would like to
 *    but I'm swamped" is sustain talk); so does the clause opened by "although"/"even though".
 * 5. Hedges ("maybe", "might", "probably", "hopefully", "sort of"…) before change talk halve it.
 * 6. Label: C = sum of the weights of the change spans, S = of the sustain spans. No spans: neutral.
 *    C > S: change; S > C: sustain; a tie goes to the polarity of the last span (the later clause).
 * Past versus future lives in the lexicon: past steps ("we already started") are taking steps;
 * past plans and failures ("we were going to", "we tried it and gave up") are sustain talk.
 */

export const LEXICON_VERSION = 'lexicon-1';

const NEGATORS = new Set(['not', 'no', 'never', 'nobody', 'nothing', 'neither', 'nor', 'hardly', 'barely', 'cannot',
  'dont', 'cant', 'wont', 'isnt', 'arent', 'doesnt', 'didnt', 'wasnt', 'werent', 'shouldnt', 'wouldnt', 'couldnt', 'havent',
  'hasnt', 'hadnt', 'aint']);
const HEDGES = new Set(['maybe', 'might', 'perhaps', 'possibly', 'probably', 'hopefully', 'eventually', 'someday', 'guess',
  'may', 'unsure']);
const HEDGE_PAIRS = ['sort of', 'kind of', 'not sure', 'in theory', 'at some point'];
const CONTRAST = /(?<![\p{L}\p{N}_])(?:but|however|except that|that said)(?![\p{L}\p{N}_])/giu;
const CONTRAST_OPEN = /^\W*(?:but|however)(?![\p{L}\p{N}_])/iu;
const CONCESSIVE_OPEN = /^\W*(?:although|though|even though|even if|while|despite)(?![\p{L}\p{N}_])/iu;
const QUESTION_OPEN = new RegExp(String.raw`^\W*(?:should|shall|can|could|would|will|do|does|did|is|are|was|were|have|has|am)\s+` +
  String.raw`(?:we|i|you|they|it|this|that|there|he|she|your|our|the)(?![\p{L}\p{N}_])`, 'iu');
const TERMINATORS = /[.!?;\n\u2026\u3002]+/gu;
const WORD = /[\p{L}\p{N}_'’]+/gu;

const CONTRAST_WEIGHT = 0.3;
const HEDGE_WEIGHT = 0.5;
const QUESTION_SUSTAIN_WEIGHT = 0.5;
const NEGATION_LOOKBACK_WORDS = 3;
const HEDGE_LOOKBACK_WORDS = 5;

/** Normalises a phrase or a matched piece of text for lookup: lowercase, ’ → ', whitespace collapsed. */
export function phraseKey(s: string): string {
  return s.replace(/[\u2018\u2019\u02bc]/gu, "'").replace(/\s+/gu, ' ').trim().toLowerCase();
}

function phrasePattern(phrase: string): string {
  return phraseKey(phrase).split(' ')
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/gu, (c) => `\\${c}`).replace(/'/gu, "['\u2019\u02bc]"))
    .join(String.raw`\s+`);
}

type Sentence = { start: number; end: number; question: boolean; concessiveEnd: number; opensWithContrast: boolean };
type Weighted = TalkSpan & { weight: number };

function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  let start = 0;
  const push = (end: number, terminator: string) => {
    const body = text.slice(start, end);
    let concessiveEnd = -1;
    if (CONCESSIVE_OPEN.test(body)) {
      const comma = body.indexOf(',');
      if (comma >= 0) concessiveEnd = start + comma;
    }
    out.push({ start, end, question: terminator.includes('?') || QUESTION_OPEN.test(body), concessiveEnd,
      opensWithContrast: CONTRAST_OPEN.test(body) });
  };
  for (const m of text.matchAll(TERMINATORS)) {
    push(m.index, m[0]);
    start = m.index + m[0].length;
  }
  if (start < text.length || out.length === 0) push(text.length, '');
  return out;
}

/** The words (lowercase, apostrophes removed) of a stretch of text after its last comma, colon or dash. */
function clauseWords(s: string): string[] {
  const cut = Math.max(s.lastIndexOf(','), s.lastIndexOf(':'), s.lastIndexOf(' - '), s.lastIndexOf('\u2014'));
  const tail = cut >= 0 ? s.slice(cut + 1) : s;
  return Array.from(tail.matchAll(WORD), (m) => m[0].toLowerCase().replace(/['’]/gu, ''));
}

function isNegator(w: string): boolean {
  return NEGATORS.has(w);
}

export type LexiconOptions = { version?: string; extra?: LexiconEntry[] };

/** Builds a classifier over the built-in lexicon plus `extra` phrases (admins'; they override a built-in phrase with the same text). */
export function lexiconClassifier(opts: LexiconOptions = {}): Classifier {
  const byKey = new Map<string, LexiconEntry>();
  for (const e of [...BUILTIN_LEXICON, ...(opts.extra ?? [])]) {
    const key = phraseKey(e.phrase);
    if (key.length > 0) byKey.set(key, e);
  }
  const keys = [...byKey.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const pattern = String.raw`(?<![\p{L}\p{N}_])(?:${keys.map(phrasePattern).join('|')})(?![\p{L}\p{N}_]|['\u2019\u02bc]\p{L})`;
  const matcher = new RegExp(pattern, 'giu');
  const version = opts.version ?? LEXICON_VERSION;

  function classify(text: string): TalkAnalysis {
    if (typeof text !== 'string' || text.trim() === '') return { label: 'neutral', spans: [], version };
    const sentences = sentencesOf(text);
    const contrasts = Array.from(text.matchAll(CONTRAST), (m) => m.index);
    const spans: Weighted[] = [];
    let si = 0;
    let prevEnd = 0;
    for (const m of text.matchAll(matcher)) {
      const entry = byKey.get(phraseKey(m[0]));
      if (!entry) continue;
      const start = m.index;
      const end = start + m[0].length;
      while (si < sentences.length - 1 && (sentences[si]?.end ?? 0) <= start) si++;
      const sentence = sentences[si] ?? { start: 0, end: text.length, question: false, concessiveEnd: -1, opensWithContrast: false };
      const before = clauseWords(text.slice(Math.max(sentence.start, prevEnd, start - 80), start));
      const after = clauseWords(text.slice(end, Math.min(sentence.end, end + 12)).split(/[,:;]/u)[0] ?? '');
      prevEnd = end;
      let polarity: TalkPolarity = entry.polarity;
      let weight = entry.weight ?? 1;
      const negated = before.slice(-NEGATION_LOOKBACK_WORDS).some(isNegator) || (after[0] === 'not' || after[0] === 'never');
      if (negated) {
        if (polarity === 'sustain') continue;
        polarity = 'sustain';
        weight = 1;
      }
      if (sentence.question) {
        if (polarity === 'change') continue;
        weight *= QUESTION_SUSTAIN_WEIGHT;
      }
      if (polarity === 'change' && isHedged(before.slice(-HEDGE_LOOKBACK_WORDS))) weight *= HEDGE_WEIGHT;
      if (beforeContrast(start, sentence, sentences[si + 1], contrasts) || start < sentence.concessiveEnd) weight *= CONTRAST_WEIGHT;
      spans.push({ start, end, phrase: m[0], category: entry.category, polarity, weight });
    }
    return { label: decide(spans), spans: spans.map(({ weight: _w, ...s }) => s), version };
  }

  return { version, classify };
}

function isHedged(words: string[]): boolean {
  if (words.some((w) => HEDGES.has(w))) return true;
  const joined = words.join(' ');
  return HEDGE_PAIRS.some((p) => joined.includes(p));
}

/** Whether a contrast marker follows the span in its sentence, or opens the next sentence. */
function beforeContrast(start: number, sentence: Sentence, next: Sentence | undefined, contrasts: number[]): boolean {
  if (next?.opensWithContrast) return true;
  return contrasts.some((c) => c > start && c < sentence.end);
}

function decide(spans: Weighted[]): TalkLabel {
  if (spans.length === 0) return 'neutral';
  let change = 0;
  let sustain = 0;
  for (const s of spans) {
    if (s.polarity === 'change') change += s.weight;
    else sustain += s.weight;
  }
  if (Math.abs(change - sustain) > 1e-9) return change > sustain ? 'change' : 'sustain';
  return spans[spans.length - 1]?.polarity ?? 'neutral';
}

/** The built-in classifier (no admin phrases). */
export const defaultClassifier: Classifier = lexiconClassifier();

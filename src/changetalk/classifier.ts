import { BUILTIN_LEXICON, BUILTIN_PATTERNS, IGNORED_PHRASES } from './lexicon.js';
import { sentencesOf, type Sentence } from './sentences.js';
import type { Classifier, LexiconEntry, TalkAnalysis, TalkLabel, TalkSpan } from './types.js';

/**
 * The transparent change-talk classifier: a lexicon of phrases plus a few rules, all pure.
 *
 * 1. Phrases are found with one precompiled regular expression (longest phrase first at a place,
 *    case-insensitive, on word boundaries); matches never overlap. A few phrases are read and
 *    ignored ("I'll be honest") so their words do not count.
 * 2. Negation: a negator ("not", "never", "no", "nobody", any "n't" word) among the four words
 *    before a phrase (same clause, after the previous phrase) or right after it ("we will not")
 *    flips the phrase's polarity and keeps its category: "I don't really need to" is sustain talk
 *    of need, "there's no way we're going back to spreadsheets" change talk. Doubt does the same
 *    for the rest of its clause ("I don't think", "not sure", "I doubt", "I can't see us").
 * 3. Questions (a sentence ending in "?" or opening with "should we", "can we", "do you"…): only
 *    rhetorical phrases ("why would we", "do we even") and deferrals ("push it to January") count;
 *    "should we roll it out?" is not a commitment.
 * 4. Contrast: what comes before "but"/"however" in its sentence (or in the previous sentence when
 *    the next one opens with "But") counts 0.3, so the clause after it dominates ("I would like to
 *    but I'm swamped" is sustain talk); so does the clause opened by "although"/"even though".
 * 5. Hedges ("maybe", "might", "probably", "hopefully", "sort of"…) just before or after change
 *    talk halve it.
 * 6. Change talk that governs a sustain verb is part of it: in "we'll stick with email", "going to
 *    hold off", "want to keep using" the change phrase and the sustain verb phrase right after it
 *    (nothing but an adverb such as "just" or "really" between) are one sustain span. A change
 *    phrase is never reported as sustain talk because of a later phrase: only negation or doubt
 *    that covers it flips its polarity ("We need SSO, too busy" keeps "We need" as change talk).
 * 7. Label: C = sum of the weights of the change spans, S = of the sustain spans. No spans: neutral.
 *    C > S: change; S > C: sustain; a tie goes to the polarity of the last span (the later clause).
 * Past versus future lives in the lexicon: past steps ("we already started") are taking steps;
 * past plans and failures ("we were going to", "we tried it and gave up") are sustain talk.
 */

export const LEXICON_VERSION = 'lexicon-3';

/** The rules above in plain words, served with the lexicon (GET /api/change-talk/lexicon). */
export const RULES: string[] = [
  'Phrases match case-insensitively on word boundaries; the longest phrase at a place wins; matches never overlap.',
  'A negator (not, never, no, nobody, any n\'t word) among the four words before a phrase, or right after it, flips its polarity.',
  "Doubt (I don't think, not sure, I doubt, I can't see us) flips the phrases after it in its clause.",
  'In a question only rhetorical phrases ("why would we", "do we even") and deferrals count.',
  'Before "but"/"however" (or a sentence opening with "But") and in an "although" clause, phrases count 0.3.',
  'A hedge (maybe, might, probably, hopefully, sort of) just before or after change talk halves it.',
  'Change talk right before a sustain verb ("we\'ll stick with", "going to hold off") is one sustain span with it; no later phrase flips a change phrase.',
  'Label: no phrases, neutral; otherwise the heavier side (change weights against sustain weights); a tie goes to the last phrase.',
];

const NEGATORS = new Set(['not', 'no', 'never', 'nobody', 'nothing', 'neither', 'nor', 'hardly', 'barely', 'cannot',
  'dont', 'cant', 'wont', 'isnt', 'arent', 'doesnt', 'didnt', 'wasnt', 'werent', 'shouldnt', 'wouldnt', 'couldnt', 'havent',
  'hasnt', 'hadnt', 'aint']);
const HEDGES = new Set(['maybe', 'might', 'perhaps', 'possibly', 'probably', 'hopefully', 'eventually', 'someday', 'guess',
  'may', 'unsure']);
const HEDGE_PAIRS = ['sort of', 'kind of', 'in theory', 'at some point'];
const DOUBT = /(?:^| )(?:(?<!(?:dont|no) )doubt|dont think|not sure|not convinced|dont believe|cant see|dont see (?:us|how|why))(?: |$)/u;

const CONTRAST_WEIGHT = 0.3;
const HEDGE_WEIGHT = 0.5;
const NEGATION_LOOKBACK_WORDS = 4;
const HEDGE_LOOKBACK_WORDS = 5;
/** Words that may stand between a change phrase and the sustain verb it governs ("we'll just stick with"). */
const GOVERNED_ADVERBS = new Set(['just', 'really', 'still', 'probably', 'likely', 'simply', 'rather', 'also', 'actually', 'definitely', 'certainly']);
const GOVERNS_ADVERBS = 2;
/** First words of the sustain phrases that are verbs a change phrase can govern ("stick with", "hold off", "keep using"). */
const GOVERNED_VERBS = new Set(['stick', 'sticking', 'keep', 'prefer', 'stop', 'bother', 'push', 'postpone', 'delay', 'put', 'park',
  'revisit', 'circle', 'hold', 'holding', 'wait', 'cancel', 'drop', 'dropping', 'downgrade', 'check', 'consolidate', 'go', 'going',
  'switch', 'roll', 'overcomplicate']);
const WORD = /[\p{L}\p{N}_'’]+/gu;
const BOUNDARY_BEFORE = String.raw`(?<![\p{L}\p{N}_])`;
const BOUNDARY_AFTER = String.raw`(?![\p{L}\p{N}_]|['\u2019\u02bc]\p{L})`;

/** Normalises a phrase or a matched piece of text for lookup: lowercase, ’ → ', whitespace collapsed. */
export function phraseKey(s: string): string {
  return s.replace(/[\u2018\u2019\u02bc]/gu, "'").replace(/\s+/gu, ' ').trim().toLowerCase();
}

function phrasePattern(phrase: string): string {
  return phraseKey(phrase).split(' ')
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/gu, (c) => `\\${c}`).replace(/'/gu, "['\u2019\u02bc]"))
    .join(String.raw`\s+`);
}

type Weighted = TalkSpan & { weight: number };

/** The words (lowercase, apostrophes removed) of a stretch of text after its last comma, colon or dash. */
function clauseWords(s: string): string[] {
  const cut = Math.max(s.lastIndexOf(','), s.lastIndexOf(':'), s.lastIndexOf(' - '), s.lastIndexOf('\u2014'));
  const tail = cut >= 0 ? s.slice(cut + 1) : s;
  return Array.from(tail.matchAll(WORD), (m) => m[0].toLowerCase().replace(/['’]/gu, ''));
}

/** The words (lowercase, apostrophes removed) of a stretch of text before its first comma, colon, semicolon or dash. */
function headWords(s: string): string[] {
  const head = s.split(/[,:;\u2014]| - /u)[0] ?? '';
  return Array.from(head.matchAll(WORD), (m) => m[0].toLowerCase().replace(/['’]/gu, ''));
}

function isHedged(words: string[]): boolean {
  if (words.some((w) => HEDGES.has(w))) return true;
  const joined = words.join(' ');
  return HEDGE_PAIRS.some((p) => joined.includes(p));
}

export type LexiconOptions = { version?: string; extra?: LexiconEntry[] };

/** Builds a classifier over the built-in lexicon plus `extra` phrases (admins'; they override a built-in phrase with the same text). */
export function lexiconClassifier(opts: LexiconOptions = {}): Classifier {
  const byKey = new Map<string, LexiconEntry | null>();
  for (const p of IGNORED_PHRASES) byKey.set(phraseKey(p), null);
  for (const e of [...BUILTIN_LEXICON, ...(opts.extra ?? [])]) {
    const key = phraseKey(e.phrase);
    if (key.length > 0) byKey.set(key, e);
  }
  const keys = [...byKey.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const patterns = BUILTIN_PATTERNS.map((p) => ({ ...p, whole: new RegExp(`^(?:${p.source})$`, 'iu') }));
  const alternatives = [...patterns.map((p) => p.source), ...keys.map(phrasePattern)];
  const matcher = new RegExp(`${BOUNDARY_BEFORE}(?:${alternatives.join('|')})${BOUNDARY_AFTER}`, 'giu');
  const version = opts.version ?? LEXICON_VERSION;
  const lookup = (matched: string): LexiconEntry | null | undefined => {
    const key = phraseKey(matched);
    if (byKey.has(key)) return byKey.get(key);
    return patterns.find((p) => p.whole.test(matched))?.entry;
  };

  function classify(text: string): TalkAnalysis {
    if (typeof text !== 'string' || text.trim() === '') return { label: 'neutral', spans: [], version };
    const sentences = sentencesOf(text);
    const spans: Weighted[] = [];
    let si = 0;
    let prevEnd = 0;
    for (const m of text.matchAll(matcher)) {
      const start = m.index;
      const end = start + m[0].length;
      const entry = lookup(m[0]);
      while (si < sentences.length - 1 && (sentences[si]?.end ?? 0) <= start) si++;
      const sentence = sentences[si];
      if (!entry || !sentence) {
        if (entry === null) prevEnd = end;
        continue;
      }
      const clause = clauseWords(text.slice(Math.max(sentence.start, start - 160), start));
      const before = clauseWords(text.slice(Math.max(sentence.start, prevEnd, start - 80), start));
      const after = headWords(text.slice(end, Math.min(sentence.end, end + 16)));
      prevEnd = end;
      let polarity = entry.polarity;
      let weight = entry.weight ?? 1;
      const negated = before.slice(-NEGATION_LOOKBACK_WORDS).some((w) => NEGATORS.has(w)) || after[0] === 'not' || after[0] === 'never';
      const doubted = DOUBT.test(` ${clause.join(' ')} `);
      if (negated || doubted) {
        polarity = polarity === 'change' ? 'sustain' : 'change';
        weight = 1;
      }
      if (sentence.question && !entry.inQuestion && !(polarity === 'sustain' && entry.category === 'commitment')) continue;
      if (polarity === 'change' && (isHedged(before.slice(-HEDGE_LOOKBACK_WORDS)) || isHedged(after.slice(0, 1)))) weight *= HEDGE_WEIGHT;
      if (beforeContrast(start, sentence, sentences[si + 1]) || start < sentence.concessiveEnd) weight *= CONTRAST_WEIGHT;
      spans.push({ start, end, phrase: m[0], category: entry.category, polarity, weight });
    }
    governedBySustain(text, spans);
    return { label: decide(spans), spans: spans.map(({ weight: _w, ...s }) => s), version };
  }

  return { version, classify };
}

/** Whether a contrast marker follows the span in its sentence, or opens the next sentence. */
function beforeContrast(start: number, sentence: Sentence, next: Sentence | undefined): boolean {
  return Boolean(next?.opensWithContrast) || sentence.contrasts.some((c) => c > start);
}

/**
 * Rule 6: a change phrase right before a sustain verb phrase it governs ("we'll stick with", "going to really hold off")
 * becomes one sustain span with it, weighing both. The change phrase is not flipped on its own: it is the auxiliary of
 * the sustain verb. Anything else between them (a noun, a comma, "but") and the two stay apart, each with its polarity.
 */
function governedBySustain(text: string, spans: Weighted[]): void {
  for (let i = spans.length - 2; i >= 0; i--) {
    const a = spans[i];
    const b = spans[i + 1];
    if (!a || !b || a.polarity !== 'change' || b.polarity !== 'sustain') continue;
    const firstWord = b.phrase.match(WORD)?.[0]?.toLowerCase() ?? '';
    if (!GOVERNED_VERBS.has(firstWord)) continue;
    const gap = text.slice(a.end, b.start);
    const gapWords = Array.from(gap.matchAll(WORD), (m) => m[0].toLowerCase());
    if (gap.replace(WORD, '').trim() !== '' || gapWords.length > GOVERNS_ADVERBS || !gapWords.every((w) => GOVERNED_ADVERBS.has(w))) continue;
    spans.splice(i, 2, { start: a.start, end: b.end, phrase: text.slice(a.start, b.end), category: b.category, polarity: 'sustain',
      weight: a.weight + b.weight });
  }
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

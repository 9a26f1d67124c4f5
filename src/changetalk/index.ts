/** Change talk (issue 11, seed 004): the types, the classifier and what the app shows for free text. */
export type {
  Classifier, LexiconEntry, ShownTalk, TalkAnalysis, TalkCategory, TalkLabel, TalkPolarity, TalkSpan,
} from './types.js';
export { TALK_CATEGORIES, TALK_LABELS, TALK_POLARITIES } from './types.js';
export { LEXICON_VERSION, defaultClassifier, lexiconClassifier } from './classifier.js';
export { normaliseText, textHash } from './normalize.js';
export { analyzeTexts, currentClassifier, invalidatePhraseCache } from './analyze.js';
/** Zod shapes for responses that carry `changeTalk: ShownTalk` next to a customer's free text. */
export { shownTalk, talkAnalysis, talkSpan } from './schema.js';
export type { Correction, Phrase } from './schema.js';

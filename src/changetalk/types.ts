/** The change-talk vocabulary shared by the classifier, the API and the parts that show free text. */

export type TalkLabel = 'change' | 'sustain' | 'neutral';
export type TalkCategory = 'desire' | 'ability' | 'reasons' | 'need' | 'commitment' | 'activation' | 'taking_steps';
export type TalkPolarity = 'change' | 'sustain';
/** start/end are UTF-16 indexes into the text (JS string indexes), end exclusive; phrase = text.slice(start, end). */
export type TalkSpan = { start: number; end: number; phrase: string; category: TalkCategory; polarity: TalkPolarity };
export type TalkAnalysis = { label: TalkLabel; spans: TalkSpan[]; version: string };

/** One interface for every classifier, so a statistical model can replace the lexicon later. */
export interface Classifier {
  readonly version: string;
  classify(text: string): TalkAnalysis;
}

/** What the app shows: the classifier's analysis with admins' phrases, or a person's correction. */
export type ShownTalk = TalkAnalysis & { predicted: TalkLabel; corrected: boolean };

export const TALK_LABELS = ['change', 'sustain', 'neutral'] as const satisfies readonly TalkLabel[];
export const TALK_CATEGORIES = [
  'desire', 'ability', 'reasons', 'need', 'commitment', 'activation', 'taking_steps',
] as const satisfies readonly TalkCategory[];
export const TALK_POLARITIES = ['change', 'sustain'] as const satisfies readonly TalkPolarity[];

/** A lexicon entry: matched case-insensitively on word boundaries; weight defaults to 1. */
/** inQuestion: the phrase counts inside a question too (rhetorical questions; deferrals count there anyway). */
export type LexiconEntry = { phrase: string; polarity: TalkPolarity; category: TalkCategory; weight?: number; inQuestion?: boolean };
